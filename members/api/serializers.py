"""Input and output shapes of the membership API; input serializers carry unique names for OpenAPI."""

from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from areas.models import Network
from core.geometry import to_wgs84

from .. import conf
from ..models import Member, Membership, NetworkProposal

__all__ = [
    "MemberCountsOutput",
    "MemberJoinInput",
    "MembershipDecisionInput",
    "MembershipMemberOutput",
    "NetworkProposeInput",
]


class MemberJoinInput(serializers.Serializer):
    """A sign-up: the address (free text), the BINs, the channels. `lat`/`lon` place an unknown address."""

    address = serializers.CharField(max_length=300)
    networks = serializers.ListField(child=serializers.SlugField(max_length=200), min_length=1, max_length=5)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Member.Kind.choices, default=Member.Kind.RESIDENT)
    business_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    business_type = serializers.ChoiceField(
        choices=Member.BusinessType.choices, required=False, allow_blank=True, default=""
    )
    contact_person = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    mobile = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    landline = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=Member.Language.choices, default=Member.Language.NL)
    quiet_hours_start = serializers.TimeField(required=False, allow_null=True, default=None)
    quiet_hours_end = serializers.TimeField(required=False, allow_null=True, default=None)
    consent_version = serializers.CharField(max_length=20, help_text="The privacy text version accepted.")
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)

    def validate(self, attrs):
        if ("lat" in attrs) != ("lon" in attrs):
            raise serializers.ValidationError({"lon": "Give both lat and lon, or neither."})
        return attrs

    def service_kwargs(self) -> dict:
        d = dict(self.validated_data)
        lat, lon = d.pop("lat", None), d.pop("lon", None)
        return {
            **{k: v for k, v in d.items() if k not in ("address", "networks")},
            "address_text": d["address"],
            "network_slugs": d["networks"],
            "free_point": Point(lon, lat, srid=4326) if lat is not None else None,
        }


class MembershipDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class NetworkProposeInput(serializers.Serializer):
    """A proposal for a new BIN: `area` (GeoJSON polygon, EPSG:4326) or `street_ids`, and the initiators."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=[Network.Kind.BIN, Network.Kind.BIN_Z], default=Network.Kind.BIN)
    initiator_type = serializers.ChoiceField(choices=NetworkProposal.Initiator.choices)
    initiators = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=conf.PROPOSAL_MAX_INITIATORS,
        error_messages={"max_length": _("Name at most {max_length} initiators: each one gets an e-mail.")},
    )
    area = serializers.JSONField(required=False)
    street_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=200
    )
    municipality = serializers.CharField(required=False, max_length=6, help_text="NIS or CBS code (GM0363)")


# The member of a withheld membership: the kind alone (the fields keep their types).
_WITHHELD_MEMBER = {
    "id": None,
    "kind": "",
    **dict.fromkeys(["name", "business_name", "business_type", "contact_person", "address"], ""),
    "address_unverified": None,
    "position": None,
    **dict.fromkeys(["mobile", "email", "landline", "language"], ""),
    "quiet_hours_start": None,
    "quiet_hours_end": None,
    "exercise_opt_in": None,
}


class MembershipMemberOutput(serializers.Serializer):
    """A membership with the member's personal data: coordinators of the network only. The data of a
    request not yet confirmed, or of an invitation not yet accepted, is withheld (`personal_data_withheld`:
    the member's fields are empty, `id` and `position` null)."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField()
    reason = serializers.CharField()
    personal_data_withheld = serializers.SerializerMethodField()
    member = serializers.SerializerMethodField()

    def get_personal_data_withheld(self, obj: Membership) -> bool:
        return _withheld(obj)

    def get_member(self, obj: Membership) -> dict:
        m = obj.member
        if _withheld(obj):
            return {**_WITHHELD_MEMBER, "kind": m.kind}
        p = to_wgs84(m.point)
        return {
            "id": m.pk,
            "kind": m.kind,
            "name": m.name,
            "business_name": m.business_name,
            "business_type": m.business_type,
            "contact_person": m.contact_person,
            "address": m.address_text,
            "address_unverified": m.address_unverified,
            "position": {"type": "Point", "coordinates": [round(p.x, 7), round(p.y, 7)]},
            "mobile": m.mobile,
            "email": m.email,
            "landline": m.landline,
            "language": m.language,
            "quiet_hours_start": m.quiet_hours_start,
            "quiet_hours_end": m.quiet_hours_end,
            "exercise_opt_in": m.exercise_opt_in,
        }


def _withheld(obj: Membership) -> bool:
    # The selectors mark and strip withheld memberships; a membership that did not pass through them
    # is judged by its status all the same.
    return getattr(obj, "withheld", not obj.shares_data)


class _Channels(serializers.Serializer):
    sms = serializers.IntegerField()
    email = serializers.IntegerField()
    voice = serializers.IntegerField()


class MemberCountsOutput(serializers.Serializer):
    """Counts only: how many approved and pending members, and per channel. No names, no numbers."""

    network = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    municipality = serializers.CharField()
    approved = serializers.IntegerField()
    pending = serializers.IntegerField()
    channels = _Channels()
