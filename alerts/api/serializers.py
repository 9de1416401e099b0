"""Input and output of the alerts API. Geometry leaves in GeoJSON, EPSG:4326."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import serializers

from areas.models import PoliceZone
from core.geometry import to_wgs84
from members.models import Member

from ..escalation import NEIGHBOUR_DISTANCE_MAX_M
from ..models import Alert, Category, MessageTemplate, Reaction, SavedArea, Tip
from ..texts import text_checked

__all__ = [
    "AlertCreateInput",
    "AlertFollowUpInput",
    "AlertPreviewInput",
    "AlertProgressOutput",
    "MessageTemplateInput",
    "SavedAreaInput",
    "StatsQueryInput",
    "TipInput",
    "TipQueryInput",
    "alert_output",
    "area_output",
    "geojson",
    "reaction_output",
    "template_output",
    "tip_output",
]


class AlertPreviewInput(serializers.Serializer):
    """perimeter: a GeoJSON Polygon/MultiPolygon (EPSG:4326) or {"center": [lon, lat], "radius_m": 500}."""

    perimeter = serializers.JSONField()
    category = serializers.ChoiceField(choices=Category.choices)
    urgency = serializers.ChoiceField(choices=Alert.Urgency.choices)
    message = serializers.CharField(allow_blank=True, trim_whitespace=False)
    tip = serializers.IntegerField(required=False, allow_null=True)
    police_zone = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.JSONField(required=False, allow_null=True, help_text="[lon, lat] of the incident")
    # Messages in several languages and escalation to neighbouring BINs (alerts.languages, .escalation).
    # The members' own choices (the same languages as alerts.languages.ALERT_LANGUAGES): one enum in the
    # OpenAPI schema for both.
    language = serializers.ChoiceField(
        choices=Member.Language.choices, default="nl", help_text="the language `message` is written in"
    )
    translations = serializers.JSONField(
        required=False, allow_null=True, help_text='the message in other languages: {"fr": "…", "en": "…"}'
    )
    add_networks = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=50,
        help_text="ids of neighbouring BINs whose whole area is added to the perimeter",
    )
    neighbours = serializers.BooleanField(
        required=False, default=False, help_text="preview only: list the BINs next to the perimeter's"
    )
    neighbour_distance_m = serializers.FloatField(
        required=False,
        default=0,
        min_value=0,
        max_value=NEIGHBOUR_DISTANCE_MAX_M,
        help_text="preview only: also BINs within this many metres (0: those that touch)",
    )
    exercise = serializers.BooleanField(
        required=False,
        default=False,
        help_text="an exercise: only members who opted in, every message marked",
    )

    def perimeter_kwargs(self) -> dict:
        perimeter = self.validated_data["perimeter"]
        if isinstance(perimeter, str):
            try:
                perimeter = json.loads(perimeter)
            except ValueError:
                raise serializers.ValidationError(
                    {"perimeter": ["The perimeter is not valid JSON."]}
                ) from None
        if isinstance(perimeter, dict) and ("center" in perimeter or "radius_m" in perimeter):
            return {"center": perimeter.get("center"), "radius_m": perimeter.get("radius_m")}
        return {"polygon": perimeter}

    def service_kwargs(self) -> dict:
        d = self.validated_data
        return {
            **self.perimeter_kwargs(),
            "category": d["category"],
            "urgency": d["urgency"],
            "message": d["message"],
            "tip_id": d.get("tip"),
            "police_zone_id": d.get("police_zone"),
            "location": d.get("location"),
            "language": d.get("language", "nl"),
            "translations": d.get("translations"),
            "add_network_ids": d.get("add_networks") or (),
            "exercise": d.get("exercise", False),
        }


class AlertCreateInput(AlertPreviewInput):
    send = serializers.BooleanField(default=True, help_text="false: store a draft, send it with …/send/")


class AlertFollowUpInput(serializers.Serializer):
    message = serializers.CharField(allow_blank=True, trim_whitespace=False)
    translations = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text='the message in other languages, {"fr": "…"}; `message` is in the alert\'s language',
    )
    tip = serializers.IntegerField(required=False, allow_null=True)
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    outcome_category = serializers.ChoiceField(
        choices=Alert.Outcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="feedback only: how it ended (counted in the evaluation)",
    )


class StatsQueryInput(serializers.Serializer):
    police_zone = serializers.CharField(required=False, help_text="zone id, number (5905) or code")
    network = serializers.CharField(required=False, help_text="network id or slug")


class ProgressCountsOutput(serializers.Serializer):
    """Deliveries per progress bucket (alerts.selectors.PROGRESS_BUCKETS); failed = refused before sending,
    undeliverable or expired."""

    queued = serializers.IntegerField()
    sending = serializers.IntegerField()
    sent = serializers.IntegerField(help_text="accepted by the gateway, no delivery receipt (yet)")
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()
    total = serializers.IntegerField()


class ProgressChannelOutput(ProgressCountsOutput):
    channel = serializers.ChoiceField(choices=["sms", "email"])
    label = serializers.CharField()


class ProgressNetworkOutput(ProgressCountsOutput):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class ProgressFollowUpOutput(serializers.Serializer):
    id = serializers.IntegerField()
    msg_type = serializers.CharField()
    totals = ProgressCountsOutput()
    channels = ProgressChannelOutput(many=True)
    receipts_pending = serializers.IntegerField()
    done = serializers.BooleanField()


class AlertProgressOutput(serializers.Serializer):
    """How far an alert's deliveries are (alerts.selectors.alert_progress)."""

    alert = serializers.IntegerField()
    msg_type = serializers.CharField()
    totals = ProgressCountsOutput()
    channels = ProgressChannelOutput(many=True)
    networks = ProgressNetworkOutput(many=True, help_text="per BIN; a member of two BINs counts in both")
    receipts_pending = serializers.IntegerField(
        help_text="sent messages still waiting for a delivery receipt"
    )
    done = serializers.BooleanField(help_text="nothing queued or sending")
    follow_ups = ProgressFollowUpOutput(many=True)
    all_done = serializers.BooleanField(help_text="done, and so are the follow-ups")


def _text(value: str, *, field: str, required: bool = True, max_chars: int | None = None) -> str:
    """texts.text_checked as a serializer field's check: its message under the field."""
    try:
        return text_checked(value, field=field, required=required, max_chars=max_chars)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict[field]) from None


class TipInput(serializers.ModelSerializer):
    """A tip of the library. police_zone: the zone whose tip it is (its police write it); null: a national
    tip (administrators write it). The texts go into messages: the limits of a message apply."""

    police_zone = serializers.PrimaryKeyRelatedField(
        queryset=PoliceZone.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Tip
        fields = ["id", "police_zone", "category", "title", "text_nl", "text_fr", "text_de", "active"]

    def validate_title(self, value):
        return _text(value, field="title", max_chars=200)

    def validate_text_nl(self, value):
        return _text(value, field="text_nl")

    def validate_text_fr(self, value):
        return _text(value, field="text_fr", required=False)

    def validate_text_de(self, value):
        return _text(value, field="text_de", required=False)


class TipQueryInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    police_zone = serializers.IntegerField(
        required=False, min_value=1, help_text="only the tips an alert of this zone may carry"
    )


def tip_output(alert: Alert) -> dict | None:
    """The tip of an alert as it was sent (the alert's copy), with the id of the tip it came from."""
    if not alert.has_tip:
        return None
    return {
        "id": alert.tip_id,
        "title": alert.tip_title,
        "text_nl": alert.tip_text_nl,
        "text_fr": alert.tip_text_fr,
        "text_de": alert.tip_text_de,
    }


def geojson(geom) -> dict | None:
    if geom is None:
        return None
    return json.loads(to_wgs84(geom).geojson)


def alert_output(alert: Alert, *, delivery_counts: dict | None = None, reactions: int | None = None) -> dict:
    circle = None
    if alert.perimeter_kind == Alert.PerimeterKind.CIRCLE and alert.circle_center is not None:
        c = to_wgs84(alert.circle_center)
        circle = {"center": [round(c.x, 7), round(c.y, 7)], "radius_m": alert.circle_radius_m}
    body = {
        "id": alert.pk,
        "identifier": str(alert.public_id),
        "msg_type": alert.msg_type,
        "references": alert.references_id,
        "status": alert.status,
        "police_zone": {
            "id": alert.police_zone_id,
            "name": alert.police_zone.name,
            "number": alert.police_zone.number,
        },
        "category": alert.category,
        "urgency": alert.urgency,
        "message": alert.message,
        "language": alert.language,
        "translations": alert.translations,
        "tip": tip_output(alert),
        "outcome": alert.outcome,
        "outcome_category": alert.outcome_category,
        "location": geojson(alert.location),
        "perimeter": geojson(alert.perimeter),
        "perimeter_kind": alert.perimeter_kind,
        "circle": circle,
        "clipped_fraction": round(alert.clipped_fraction, 4),
        "created": alert.created,
        "sent_at": alert.sent_at,
        "recipients": alert.recipients,
        "exercise": alert.exercise,
        "approved_by": alert.approved_by_id,
        "approved_at": alert.approved_at,
        "links": {
            "self": reverse("api:alert-detail", args=[alert.pk]),
            "cap": reverse("api:alert-cap", args=[alert.pk]),
            "reactions": reverse("api:alert-reactions", args=[alert.root.pk]),
        },
    }
    if delivery_counts is not None:
        body["deliveries"] = delivery_counts
    if reactions is not None:
        body["reactions"] = reactions
    return body


def reaction_output(reaction: Reaction, networks: dict) -> dict:
    return {
        "id": reaction.pk,
        "kind": reaction.kind,
        "text": reaction.text,
        "observed_at": reaction.observed_at,
        "created_at": reaction.created_at,
        "message": reaction.delivery.alert_id if reaction.delivery_id else None,
        "networks": [networks[n] for n in reaction.network_ids if n in networks],
    }


# --- templates and saved areas (alerts.content) --------------------------------------------------------


# The largest id a table of this service has (bigint): larger numbers name nothing.
MAX_ID = 2**63 - 1


class MessageTemplateInput(serializers.Serializer):
    """A message template. police_zone: the zone whose template it is (default: the officer's one zone).
    Placeholders in the texts: {street}, {place}, {time}, {date}, {description}; others are refused."""

    police_zone = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    category = serializers.CharField(required=False, allow_blank=True)
    urgency = serializers.CharField(required=False, allow_blank=True)
    text_nl = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    text_fr = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    text_de = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    text_en = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    active = serializers.BooleanField(required=False)


class SavedAreaInput(serializers.Serializer):
    """A saved area from one of: geometry (GeoJSON Polygon/MultiPolygon in EPSG:4326, or {"center": [lon,
    lat], "radius_m": …}), network (a network of the zone: its area) or street (its addresses with a
    margin of margin_m metres, those numbered numbers[0] … numbers[1] when given)."""

    police_zone = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    geometry = serializers.JSONField(required=False, allow_null=True)
    network = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    street = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    margin_m = serializers.FloatField(required=False, allow_null=True)
    numbers = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_ID),
        required=False,
        min_length=2,
        max_length=2,
    )
    active = serializers.BooleanField(required=False, default=True)

    def service_kwargs(self) -> dict:
        d = self.validated_data
        return {
            "police_zone": d.get("police_zone"),
            "name": d["name"],
            "description": d.get("description", ""),
            "geometry": d.get("geometry"),
            "network_id": d.get("network"),
            "street_id": d.get("street"),
            "margin_m": d.get("margin_m"),
            "numbers": d.get("numbers"),
            "active": d.get("active", True),
        }


def template_output(template: MessageTemplate) -> dict:
    return {
        "id": template.pk,
        "police_zone": template.police_zone_id,
        "name": template.name,
        "category": template.category,
        "urgency": template.urgency,
        "texts": template.texts,
        "active": template.active,
    }


def area_output(area: SavedArea) -> dict:
    return {
        "id": area.pk,
        "police_zone": area.police_zone_id,
        "name": area.name,
        "description": area.description,
        "source": area.source,
        "network": area.network_id,
        "street": area.street_id,
        "margin_m": area.margin_m,
        "area_m2": round(area.geometry.area),
        "geometry": geojson(area.geometry),
        "active": area.active,
    }
