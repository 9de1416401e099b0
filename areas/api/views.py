"""Public network API: the GeoJSON feed (filters, bbox, pages), one network, its streets (JSON, CSV)."""

import csv
import math

from django.conf import settings
from django.contrib.gis.db.models.functions import Transform
from django.contrib.gis.geos import Polygon
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination

from areas.models import Network
from areas.selectors import networks_visible
from streets.models import Street
from streets.selectors import streets_coverage

from .serializers import NetworkFeature

__all__ = ["NetworkViewSet"]


class CSVRenderer(BaseRenderer):
    """Lets ?format=csv and Accept: text/csv reach the views that write CSV themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes | str) else b""


class NetworkFilter(filters.FilterSet):
    municipality = filters.CharFilter(method="filter_municipality", help_text="NIS code or name")
    police_zone = filters.CharFilter(method="filter_police_zone", help_text="zone number (5905) or code")
    kind = filters.ChoiceFilter(choices=Network.Kind.choices)
    status = filters.ChoiceFilter(choices=Network.Status.choices)

    class Meta:
        model = Network
        fields = ["municipality", "police_zone", "kind", "status"]

    def filter_municipality(self, qs, name, value):
        if value.isdigit():
            return qs.filter(municipality__nis_code=value)
        return qs.filter(
            Q(municipality__name_nl__iexact=value)
            | Q(municipality__name_fr__iexact=value)
            | Q(municipality__name_de__iexact=value)
        )

    def filter_police_zone(self, qs, name, value):
        if value.isdigit():
            return qs.filter(police_zone__number=int(value))
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

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: a file")
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="The streets of a network, with the house-number ranges it covers on each side",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="streets",
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer, CSVRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def streets(self, request, slug=None):
        network = get_object_or_404(networks_visible(user=request.user), slug=slug)
        street_ids = list(
            Street.objects.filter(addresses__point__intersects=network.boundary)
            .values_list("pk", flat=True)
            .distinct()
        )
        # All the municipality's networks take part, so that the border rule between BINs applies.
        others = networks_visible(user=request.user).filter(municipality_id=network.municipality_id)
        coverage = streets_coverage(
            street_ids=street_ids, network_ids=list(others.values_list("pk", flat=True))
        )
        streets = {s.pk: s for s in Street.objects.filter(pk__in=street_ids).select_related("municipality")}
        rows = []
        for street_id, cov in coverage.items():
            ranges = cov.ranges.get(network.pk)
            if not ranges:
                continue
            street = streets[street_id]
            rows.append(
                {
                    "street_id": street.pk,
                    "street": str(street),
                    "name_nl": street.name_nl,
                    "name_fr": street.name_fr,
                    "name_de": street.name_de,
                    "postcode": street.postcode,
                    "coverage": cov.kind(network.pk),
                    "ranges": [
                        {"side": r.side, "from": r.first, "to": r.last, "count": r.count} for r in ranges
                    ],
                }
            )
        rows.sort(key=lambda r: (r["street"].lower(), r["street_id"]))
        if request.accepted_renderer.format == "csv":
            return _streets_csv(network, rows)
        return Response({"network": network.slug, "name": network.name, "count": len(rows), "streets": rows})


def _streets_csv(network, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{network.slug}-streets.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["street", "name_nl", "name_fr", "name_de", "postcode", "coverage", "side", "from", "to", "count"]
    )
    for row in rows:
        for r in row["ranges"]:
            writer.writerow(
                [
                    row["street"],
                    row["name_nl"],
                    row["name_fr"],
                    row["name_de"],
                    row["postcode"],
                    row["coverage"],
                    r["side"],
                    r["from"],
                    r["to"],
                    r["count"],
                ]
            )
    return response
