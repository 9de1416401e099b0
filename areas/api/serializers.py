"""Network output for the public API: GeoJSON features in EPSG:4326 (RFC 7946)."""

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from areas.models import Municipality, Network

__all__ = ["MunicipalityBrief", "NetworkBrief", "NetworkFeature", "network_brief", "network_labels"]


class MunicipalityBrief(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Municipality
        fields = ["nis_code", "name", "name_nl", "name_fr", "name_de"]


class NetworkBrief(serializers.ModelSerializer):
    """A network without its geometry: what a lookup answer lists."""

    municipality = MunicipalityBrief(read_only=True)
    police_zone = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField()
    join_url = serializers.SerializerMethodField()

    class Meta:
        model = Network
        fields = [
            "slug",
            "name",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "municipality",
            "police_zone",
            "contact_email",
            "url",
            "join_url",
        ]

    def get_police_zone(self, obj) -> dict | None:
        zone = obj.police_zone
        return {"number": zone.number, "name": zone.name} if zone else None

    def get_url(self, obj) -> str:
        return reverse("api:network-detail", args=[obj.slug])

    def get_join_url(self, obj) -> str:
        # The join flow (membership) answers here.
        return reverse("members:network-join", args=[obj.slug])


def network_labels(network: Network) -> dict:
    """The fields that name a network and say what it is, in every JSON that shows one (the lookup, the
    maps' popups): slug, name, kind and status, each with its label in the active language."""
    return {
        "slug": network.slug,
        "name": network.name,
        "kind": network.kind,
        "kind_label": str(network.get_kind_display()),
        "status": network.status,
        "status_label": str(network.get_status_display()),
    }


# Briefs of networks that come from the in-process point index (areas.point_index), which marks them with
# the token of the data they were read at: the same token, network, language and URL prefix give the same
# brief, so it is built once (0.1 ms of a 1 ms lookup). Cleared wholesale when it grows: a new token
# leaves the old entries unused.
_BRIEFS: dict[tuple, dict] = {}
_BRIEFS_MAX = 20_000


def network_brief(network: Network) -> dict:
    """NetworkBrief(network).data, built directly: DRF builds its fields again for every instance, which
    cost 1.7 ms a network in a lookup answer (a test keeps both the same)."""
    token = getattr(network, "index_token", None)
    if token is None:
        return _network_brief(network)
    key = (token, network.pk, get_language(), get_script_prefix())
    brief = _BRIEFS.get(key)
    if brief is None:
        if len(_BRIEFS) >= _BRIEFS_MAX:
            _BRIEFS.clear()
        brief = _BRIEFS[key] = _network_brief(network)
    return {**brief}


def _network_brief(network: Network) -> dict:
    municipality = network.municipality
    zone = network.police_zone
    return {
        **network_labels(network),
        "municipality": {
            "nis_code": municipality.nis_code,
            "name": municipality.name,
            "name_nl": municipality.name_nl,
            "name_fr": municipality.name_fr,
            "name_de": municipality.name_de,
        },
        "police_zone": {"number": zone.number, "name": zone.name} if zone else None,
        "contact_email": network.contact_email,
        "url": reverse("api:network-detail", args=[network.slug]),
        "join_url": reverse("members:network-join", args=[network.slug]),
    }


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON MultiPolygon in EPSG:4326",
        "properties": {
            "type": {"type": "string", "enum": ["MultiPolygon"]},
            "coordinates": {"type": "array", "items": {"type": "array"}},
        },
    }
)
class Wgs84Boundary(GeometryField):
    """The boundary as the database transformed it to EPSG:4326 (the `boundary_4326` annotation)."""

    def __init__(self, **kwargs):
        super().__init__(source="boundary_4326", read_only=True, precision=7, **kwargs)


class NetworkFeature(GeoFeatureModelSerializer, NetworkBrief):
    """A network as a GeoJSON feature; the boundary is transformed to EPSG:4326 by the database."""

    boundary = Wgs84Boundary()

    class Meta(NetworkBrief.Meta):
        geo_field = "boundary"
        id_field = "slug"
        fields = [
            *NetworkBrief.Meta.fields,
            "published",
            "info_evening_date",
            "charter_signed_date",
            "recognised_date",
            "description",
            "boundary",
        ]
