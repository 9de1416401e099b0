"""Reads for the maps of large zones: the networks as Mapbox vector tiles (ST_AsMVT), and the little a page
still carries when the shapes come from tiles (counts for the legend, one label point per network).

A police-zone page of 200 detailed BINs carried every shape in the page as GeoJSON (~700 kB at the vertex
budget) and built it in 0.5 s warm, 2.5-7 s on busy machines (issue 15, scripts/bench_map_render.py).
With tiles the page holds only the legend's counts and the labels, and the browser fetches the few tiles
it shows, each cut, simplified for its zoom and encoded by PostGIS (numbers: scripts/bench_vector_tiles.py).
"""

import math

from django.conf import settings
from django.db import connection
from django.db.models import Count, QuerySet

from areas.choices import NetworkKind
from areas.models import Network

from .selectors import COORDINATE_DECIMALS, DISPLAY_TOLERANCES

__all__ = [
    "MIN_TILE_ZOOM",
    "MVT_EXTENT",
    "MVT_LAYER",
    "NETWORK_TILE_PATH",
    "TILE_PROPERTIES",
    "network_label_points",
    "network_tally",
    "network_tile_mvt",
]

# The tiles' URL for Leaflet, as maps/urls.py routes it.
NETWORK_TILE_PATH = "/tiles/networks/{z}/{x}/{y}.mvt"
MVT_LAYER = "networks"
# Below this zoom a tile would hold every network of a province or the country, a BIN a few pixels wide:
# not served (maps.vector_elements hides the layer there), so nobody makes the database draw them all.
MIN_TILE_ZOOM = 8
MVT_EXTENT = 4096
# Shapes reach this far (in tile units) beyond the tile's edge, so that outlines do not stop at it.
MVT_BUFFER = 64
# What a tile says of a network: no contact address or anything else about people.
TILE_PROPERTIES = ("name", "slug", "kind", "status", "published")
# Web mercator's width of the world in metres at the equator.
_WORLD_M = 2 * math.pi * 6378137

# Each network is read as the database keeps it simplified for display (areas.NetworkDisplayShape, GeoJSON in
# EPSG:4326, rewritten by a trigger whenever a boundary changes) at the ladder's tolerance nearest below
# half a screen pixel of the zoom, so that no tile simplifies anything per request: simplifying the stored
# boundaries in the tile took up to 3.1 s for a zoom-11 tile of 200 BINs of 2,000 vertices, the stored
# shapes 40-95 ms (scripts/bench_vector_tiles.py --synthetic). A network without a stored shape (a
# tolerance off the ladder) is simplified here. ST_AsMVTGeom clips to the tile and snaps to its grid.
# The placeholders are positional (the visible networks' subquery comes from the ORM with its own): tile z,
# x, y; storage SRID, margin; layer name, extent; tolerance, decimals, tolerance, extent, buffer; then the
# subquery's.
_TILE_SQL = """
WITH tile AS (SELECT ST_TileEnvelope(%s, %s, %s) AS mercator),
     area AS (SELECT mercator, ST_Expand(ST_Transform(mercator, %s), %s) AS local FROM tile)
SELECT ST_AsMVT(t, %s, %s, 'geom') FROM (
    SELECT n.name, n.slug, n.kind, n.status, n.published,
           ST_AsMVTGeom(
               ST_Transform(
                   COALESCE(
                       (SELECT ST_SetSRID(ST_GeomFromGeoJSON(s.geojson), 4326)
                        FROM areas_networkdisplayshape s
                        WHERE s.network_id = n.id AND s.tolerance_m = %s AND s.decimals = %s),
                       ST_Transform(ST_SimplifyPreserveTopology(n.boundary, %s), 4326)
                   ),
                   3857
               ),
               area.mercator, %s, %s, true
           ) AS geom
    FROM areas_network n, area
    WHERE n.boundary && area.local AND n.id IN ({visible})
) AS t
WHERE t.geom IS NOT NULL
"""


def _tolerance_m(z: int) -> float:
    """The display tolerance of zoom z: the ladder's step at or below half a screen pixel (256 per tile)."""
    half_pixel = _tile_metres(z) / 512
    return max((t for t in DISPLAY_TOLERANCES if t <= half_pixel), default=DISPLAY_TOLERANCES[0])


def _visible_ids_sql(networks: QuerySet[Network]) -> tuple[str, tuple]:
    # The ids of the networks the caller may see, as the ORM writes the rule (Network.objects.visible).
    return networks.select_related(None).order_by().values("pk").query.sql_with_params()


def _tile_metres(z: int) -> float:
    # A mercator tile's width in true metres at Belgium's latitude (~50.5°), where the storage CRS measures.
    return _WORLD_M / 2**z * math.cos(math.radians(50.5))


def network_tile_mvt(*, networks: QuerySet[Network], z: int, x: int, y: int) -> bytes:
    """The tile z/x/y (web mercator, XYZ) of `networks` (which decides who sees what) as MVT bytes: one
    layer MVT_LAYER with TILE_PROPERTIES. Empty bytes when no network is in the tile."""
    visible_sql, visible_params = _visible_ids_sql(networks)
    width = _tile_metres(z)
    margin = width * MVT_BUFFER / MVT_EXTENT + 1
    tolerance = _tolerance_m(z)
    params = [z, x, y, settings.BIN_STORAGE_SRID, margin, MVT_LAYER, MVT_EXTENT]
    params += [tolerance, COORDINATE_DECIMALS, tolerance, MVT_EXTENT, MVT_BUFFER, *visible_params]
    with connection.cursor() as cursor:
        cursor.execute(_TILE_SQL.replace("{visible}", visible_sql), params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def network_tally(*, networks: QuerySet[Network]) -> dict[str, dict]:
    """How many of `networks` per kind, and of those per status and unpublished, as
    maps.builders.add_network_layers counts them for the legend: kind -> {label, count, statuses,
    unpublished}. BIN and BIN-Z are always there, as on the maps that carry the shapes."""
    rows = (
        networks.select_related(None).order_by().values("kind", "status", "published").annotate(n=Count("pk"))
    )
    tally = {
        kind: {"count": 0, "statuses": {}, "unpublished": 0} for kind in (NetworkKind.BIN, NetworkKind.BIN_Z)
    }
    for row in sorted(rows, key=lambda r: (r["kind"], r["status"])):
        kind = tally.setdefault(row["kind"], {"count": 0, "statuses": {}, "unpublished": 0})
        kind["count"] += row["n"]
        kind["statuses"][row["status"]] = kind["statuses"].get(row["status"], 0) + row["n"]
        kind["unpublished"] += 0 if row["published"] else row["n"]
    return {kind: {"label": str(NetworkKind(kind).label), **counts} for kind, counts in tally.items()}


# The label goes on a point inside the network's coarsest stored display shape (the largest tolerance,
# 50 m: a label is ~100 px wide anyway), and that shape's box says how wide the network is (its smaller
# side, in metres from degrees): reading 200 stored boundaries of 2,000 vertices for this took 85 ms of a
# 0.4 s page, the stored shapes a few ms.
_LABELS_SQL = """
SELECT n.slug, n.name, ST_X(p), ST_Y(p),
       LEAST((ST_XMax(g) - ST_XMin(g)) * 111320 * cos(radians(ST_Y(p))), (ST_YMax(g) - ST_YMin(g)) * 110574)
FROM areas_network n
CROSS JOIN LATERAL COALESCE(
    (SELECT ST_SetSRID(ST_GeomFromGeoJSON(s.geojson), 4326) FROM areas_networkdisplayshape s
     WHERE s.network_id = n.id AND s.tolerance_m = %s AND s.decimals = %s),
    ST_Transform(n.boundary, 4326)
) AS g
CROSS JOIN LATERAL ST_PointOnSurface(g) AS p
WHERE n.id IN ({visible})
ORDER BY n.name, n.id
"""


def network_label_points(*, networks: QuerySet[Network]) -> list[dict]:
    """Where each network's name goes (a point inside it, in EPSG:4326) and how wide it is in metres (the
    smaller side of its box), for maps.vector_elements.NetworkLabels."""
    visible_sql, params = _visible_ids_sql(networks)
    with connection.cursor() as cursor:
        sql = _LABELS_SQL.replace("{visible}", visible_sql)
        cursor.execute(sql, [DISPLAY_TOLERANCES[-1], COORDINATE_DECIMALS, *params])
        rows = cursor.fetchall()
    return [
        {"slug": slug, "name": name, "lon": round(lon, 6), "lat": round(lat, 6), "size_m": round(size or 0)}
        for slug, name, lon, lat, size in rows
    ]
