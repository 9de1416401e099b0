"""Reads for the maps: geometry made light enough to draw in a browser."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.fields import FloatField, TextField
from django.db.models.functions import Coalesce

from areas.api.serializers import network_labels
from areas.models import Municipality, Network, NetworkDisplayShape, PoliceZone

__all__ = [
    "COORDINATE_DECIMALS",
    "DISPLAY_TOLERANCES",
    "POPUP_FIELDS",
    "VERTEX_BUDGET",
    "DisplayLayers",
    "area_layers_for_display",
    "area_outline_for_display",
    "display_tolerance_m",
    "vertex_count",
]

# Six decimals of a degree are 0.11 m of latitude (0.07 m of longitude in Belgium): finer than any BIN
# boundary is drawn, and each coordinate costs 9 characters instead of 17.
COORDINATE_DECIMALS = 6
# The display tolerance is the area's larger side divided by this: at the zoom that fits the area in a
# ~1000 px map one pixel covers size/1000 m, so size/3000 stays below a pixel two zoom levels closer.
TOLERANCE_DIVISOR = 3000
TOLERANCE_MIN_M, TOLERANCE_MAX_M = 0.5, 50.0
# The tolerances the database keeps each network simplified at (areas_networkdisplayshape, filled by the
# trigger of areas/sql/display_shapes.sql, whose bin_display_tolerances() must list the same): powers of two
# from TOLERANCE_MIN_M up, then TOLERANCE_MAX_M. An area's tolerance is rounded down to one of them, so a
# map is never coarser than the area's size asks, and at most twice as detailed.
DISPLAY_TOLERANCES = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 50.0)
# At most this many positions on one map: ~24 bytes each in the page, so ~720 kB of a 1 MB budget.
VERTEX_BUDGET = 30_000
# What a popup or a list of networks shows; nothing else is read.
POPUP_FIELDS = ("slug", "name", "kind", "status", "contact_email", "published", "source_id")


class SimplifyPreserveTopology(Func):
    """ST_SimplifyPreserveTopology: Douglas-Peucker that never makes a polygon invalid or collapse."""

    function = "ST_SimplifyPreserveTopology"
    arity = 2


def display_tolerance_m(geometry: GEOSGeometry | None) -> float:
    """A simplification tolerance in metres for drawing the whole of `geometry` (storage CRS) on one map."""
    if geometry is None or geometry.empty:
        return TOLERANCE_MIN_M
    west, south, east, north = geometry.extent
    size = max(east - west, north - south)
    return min(max(size / TOLERANCE_DIVISOR, TOLERANCE_MIN_M), TOLERANCE_MAX_M)


def _display_geojson(field: str, tolerance_m: float) -> AsGeoJSON:
    # Simplify in the metric storage CRS, where the tolerance means metres; only then go to EPSG:4326.
    # Each polygon is simplified on its own, so neighbouring BINs may show slivers up to the tolerance
    # at their shared border; that is a display artefact, the stored geometry is untouched.
    geometry = F(field)
    if tolerance_m and tolerance_m > 0:
        geometry = SimplifyPreserveTopology(
            geometry,
            Value(float(tolerance_m), output_field=FloatField()),
            output_field=GeometryField(srid=settings.BIN_STORAGE_SRID),
        )
    return AsGeoJSON(Transform(geometry, 4326), precision=COORDINATE_DECIMALS)


def _stored_or_simplified(tolerance_m: float) -> Coalesce:
    # The stored shape when the database keeps one at this tolerance and these decimals (a zone page of
    # 200 BINs of 2,000 vertices: 1.16 s warm simplifying per request, 0.48 s reading the stored shapes,
    # scripts/bench_map_render.py); else, for a tolerance off the ladder (0: the stored geometry, an
    # export's own), simplified here. COALESCE evaluates the second argument only when the first is NULL.
    stored = NetworkDisplayShape.objects.filter(
        network=OuterRef("pk"), tolerance_m=float(tolerance_m), decimals=COORDINATE_DECIMALS
    ).values("geojson")[:1]
    return Coalesce(
        Subquery(stored, output_field=TextField()),
        _display_geojson("boundary", tolerance_m),
        output_field=TextField(),
    )


def _ladder_tolerance(tolerance_m: float) -> float:
    """The largest of DISPLAY_TOLERANCES not above `tolerance_m` (the smallest when all are)."""
    return max((t for t in DISPLAY_TOLERANCES if t <= tolerance_m), default=DISPLAY_TOLERANCES[0])


def _network_features(*, networks: QuerySet[Network], tolerance_m: float) -> tuple[list[dict], bool]:
    rows = (
        # networks_visible() joins the municipality and zone: their boundaries would come along, per row.
        networks.select_related(None)
        .only(*POPUP_FIELDS)
        .annotate(display_geojson=_stored_or_simplified(tolerance_m))
        .order_by("kind", "name", "pk")
    )
    features, demo = [], False
    for network in rows:
        demo = demo or bool(network.source_id and network.source_id.startswith("demo:"))
        features.append(
            {
                "type": "Feature",
                "id": network.slug,
                "geometry": json.loads(network.display_geojson),
                "properties": {
                    **network_labels(network),
                    "contact_email": network.contact_email,
                    "published": network.published,
                },
            }
        )
    return features, demo


def _boundary(*, area: Municipality | PoliceZone, tolerance_m: float) -> dict | None:
    if area.boundary is None:
        return None
    text = (
        type(area)
        .objects.filter(pk=area.pk)
        .values_list(_display_geojson("boundary", tolerance_m), flat=True)
        .get()
    )
    return json.loads(text)


def area_outline_for_display(*, area: Municipality | PoliceZone) -> dict | None:
    """The area's outline alone, simplified for its size (for a map whose networks come from tiles)."""
    return _boundary(area=area, tolerance_m=_ladder_tolerance(display_tolerance_m(area.boundary)))


def vertex_count(geometry: dict | None) -> int:
    """The number of positions in a GeoJSON geometry."""
    if not geometry:
        return 0

    def count(coords) -> int:
        if coords and isinstance(coords[0], int | float):
            return 1
        return sum(count(c) for c in coords)

    return count(geometry["coordinates"])


@dataclass(frozen=True)
class DisplayLayers:
    """What an area map draws, in EPSG:4326: the area's outline and its networks as GeoJSON features."""

    boundary: dict | None
    features: list[dict]
    tolerance_m: float
    vertices: int
    # Some network comes from the demo fixtures (drawn from neighbourhoods, not a real BIN area).
    demo: bool


def area_layers_for_display(
    *, area: Municipality | PoliceZone, networks: QuerySet[Network], tolerance_m: float | None = None
) -> DisplayLayers:
    """The area's outline and networks simplified by the database for display.

    tolerance_m None: start from the area's size (display_tolerance_m, rounded down to DISPLAY_TOLERANCES,
    whose shapes the database keeps) and go up that ladder while the drawing has more than VERTEX_BUDGET
    positions, so that a page stays light whatever was imported. A number (0: the stored geometry) is
    used as it is.
    """
    automatic = tolerance_m is None
    tolerance = _ladder_tolerance(display_tolerance_m(area.boundary)) if automatic else tolerance_m
    while True:
        boundary = _boundary(area=area, tolerance_m=tolerance)
        features, demo = _network_features(networks=networks, tolerance_m=tolerance)
        vertices = vertex_count(boundary) + sum(vertex_count(f["geometry"]) for f in features)
        if tolerance_m is not None or vertices <= VERTEX_BUDGET or tolerance >= TOLERANCE_MAX_M:
            return DisplayLayers(boundary, features, tolerance, vertices, demo)
        tolerance = min((t for t in DISPLAY_TOLERANCES if t > tolerance), default=TOLERANCE_MAX_M)
