"""Input and output shapes of the lookup and street APIs; input serializers carry unique names for OpenAPI."""

import math

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.geometry import in_service_area
from streets.address_text import AddressTextError, clean_query

__all__ = ["LookupQueryInput", "StreetOutput", "StreetSearchInput", "lookup_position"]


class FiniteFloat(serializers.FloatField):
    default_error_messages = {"invalid": gettext_lazy("A number is required, such as 50.7131.")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


def lookup_position(query) -> tuple[float, float] | None:
    """(lat, lon) when `query` is exactly a position LookupQueryInput accepts (lat and lon, finite numbers,
    in the service area), else None: the hot path of the point lookup skips building the serializer (its
    fields are deep-copied per instance: 0.2 ms), and everything else, errors included, goes through it."""
    if len(query) != 2 or "lat" not in query or "lon" not in query:
        return None
    try:
        lat, lon = float(query["lat"]), float(query["lon"])
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon) if in_service_area(lon, lat) else None


class LookupQueryInput(serializers.Serializer):
    """Either `address` (free text) or `lat` and `lon` (EPSG:4326 degrees); `at`: a past day, not now."""

    address = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=10_000
    )
    lat = FiniteFloat(required=False, min_value=-90, max_value=90)
    lon = FiniteFloat(required=False, min_value=-180, max_value=180)
    at = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=gettext_lazy("The networks as their boundaries were at the end of this day (YYYY-MM-DD)."),
        error_messages={"invalid": gettext_lazy("Give the date as YYYY-MM-DD, e.g. 2025-06-30.")},
    )

    def validate_at(self, value):
        # A future day has no boundaries yet: a clear refusal rather than today's answer under its name.
        if value > timezone.localdate():
            raise serializers.ValidationError(
                _("%(date)s lies in the future: give today or an earlier day.") % {"date": value.isoformat()}
            )
        return value

    def validate_address(self, value):
        try:
            return clean_query(value)
        except AddressTextError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate(self, attrs):
        has_text = "address" in attrs
        has_lat, has_lon = "lat" in attrs, "lon" in attrs
        if has_text and (has_lat or has_lon):
            raise serializers.ValidationError(_("Give either an address or lat and lon, not both."))
        if has_lat != has_lon:
            raise serializers.ValidationError(_("Give both lat and lon."))
        if not has_text and not has_lat:
            raise serializers.ValidationError(_("Give an address (address=…) or a position (lat=…&lon=…)."))
        if has_lat:
            lat, lon = attrs["lat"], attrs["lon"]
            if not in_service_area(lon, lat):
                if in_service_area(lat, lon):
                    raise serializers.ValidationError(
                        _(
                            "lat=%(lat)s, lon=%(lon)s lies outside the service area, but the swapped point "
                            "lies inside: did you mean lat=%(lon)s&lon=%(lat)s?"
                        )
                        % {"lat": lat, "lon": lon}
                    )
                raise serializers.ValidationError(
                    _("lat=%(lat)s, lon=%(lon)s lies outside the service area (Belgium).")
                    % {"lat": lat, "lon": lon}
                )
        return attrs


class StreetSearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=10_000, trim_whitespace=False)
    municipality = serializers.CharField(
        required=False,
        max_length=100,
        help_text=gettext_lazy("NIS code or name of a municipality, or a village it includes (Lembeek)."),
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)

    def validate_q(self, value):
        try:
            return clean_query(value, max_length=100)
        except AddressTextError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class StreetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_nl = serializers.CharField()
    name_fr = serializers.CharField()
    name_de = serializers.CharField()
    postcode = serializers.CharField()
    municipality = serializers.SerializerMethodField()
    score = serializers.FloatField(required=False)

    def get_municipality(self, obj) -> dict:
        m = obj.municipality
        return {"nis_code": m.nis_code, "name": m.name}
