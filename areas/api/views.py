"""Public network API: the GeoJSON feed (filters, bbox, pages) and one network."""

import math

from django.conf import settings
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import Polygon
from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination

from areas.models import Network
from areas.selectors import networks_visible
from core.api import ascii_int

from .serializers import NetworkFeature

__all__ = ["NetworkViewSet"]


class NetworkFilter(filters.FilterSet):
    municipality = filters.CharFilter(method="filter_municipality", help_text="NIS code or name")
    police_zone = filters.CharFilter(method="filter_police_zone", help_text="zone number (5905) or code")
    kind = filters.ChoiceFilter(choices=Network.Kind.choices)
    status = filters.ChoiceFilter(choices=Network.Status.choices)

    class Meta:
        model = Network
        fields = ["municipality", "police_zone", "kind", "status"]

    def filter_municipality(self, qs, name, value):
        if ascii_int(value) is not None:
            return qs.filter(municipality__nis_code=value)
        return qs.filter(
            Q(municipality__name_nl__iexact=value)
            | Q(municipality__name_fr__iexact=value)
            | Q(municipality__name_de__iexact=value)
        )

    def filter_police_zone(self, qs, name, value):
        number = ascii_int(value)
        if number is not None:
            return qs.filter(police_zone__number=number)
        return qs.filter(police_zone__code__iexact=value)


class NetworkPagination(GeoJsonPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class BBoxFilter(InBBoxFilter):
    """in_bbox=west,south,east,north in EPSG:4326; a malformed box is a 400, not a 500.

    The box is cut to the service area before it meets the database: networks lie there only, and a box
    reaching far beyond it (a pole, 1e16 degrees) cannot be projected to the storage CRS.
    """

    def get_filter_bbox(self, request):
        text = request.query_params.get(self.bbox_param)
        if not text:
            return None
        try:
            west, south, east, north = (float(n) for n in text.split(","))
        except ValueError:
            raise ValidationError(
                {"in_bbox": [_("Expected west,south,east,north in degrees, e.g. 4.2,50.7,4.3,50.8.")]}
            ) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
            -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90
        ):
            raise ValidationError(
                {"in_bbox": [_("Longitudes lie between -180 and 180, latitudes between -90 and 90.")]}
            )
        if west > east or south > north:
            raise ValidationError(
                {"in_bbox": [_("The box is west,south,east,north: west ≤ east and south ≤ north.")]}
            )
        w, s, e, n = settings.BIN_SERVICE_BBOX
        west, south, east, north = max(west, w), max(south, s), min(east, e), min(north, n)
        if west > east or south > north:
            return _NOWHERE
        box = Polygon.from_bbox((west, south, east, north))
        box.srid = 4326
        return box

    def filter_queryset(self, request, queryset, view):
        if self.get_filter_bbox(request) is _NOWHERE:
            return queryset.none()
        return super().filter_queryset(request, queryset, view)


# A box wholly outside the service area: no network can be in it.
_NOWHERE = object()


class NetworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Networks as GeoJSON. Anonymous users see only published networks."""

    serializer_class = NetworkFeature
    lookup_field = "slug"
    pagination_class = NetworkPagination
    filter_backends = [filters.DjangoFilterBackend, BBoxFilter]
    filterset_class = NetworkFilter
    bbox_filter_field = "boundary"
    bbox_filter_include_overlapping = True

    def get_queryset(self):
        return (
            networks_visible(user=self.request.user)
            .annotate(boundary_4326=Transform("boundary", 4326))
            .defer("boundary")
            .order_by("municipality__nis_code", "name")
        )
