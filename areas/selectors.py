"""Reads on networks: which networks cover a point, which are near it, which a user may see."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.contrib.gis.measure import D
from django.db import connection
from django.db.models import QuerySet

from access.permissions import sees_unpublished_networks
from core.replica import read_connection

from .models import Municipality, Network, PoliceZone
from .network_rows import NETWORK_SQL, network_from_row, networks_per_point
from .point_index import point_index, point_index_enabled
from .rules import border_rule, exclusive_sql, existing_sql, visible_sql

__all__ = [
    "AREA_MIN_PIECE_M2",
    "COVERING_SQL",
    "MUNICIPALITY_NAMES_SQL",
    "MUNICIPALITY_SQL",
    "CoveringNetwork",
    "FreeArea",
    "area_free_of_networks",
    "covering_params",
    "municipality_by_key",
    "municipality_containing",
    "municipality_containing_sql",
    "municipality_ids_matching",
    "municipality_join_sql",
    "municipality_nis_join_sql",
    "network_join_sql",
    "networks_covering_points",
    "networks_near_point",
    "networks_near_points",
    "networks_visible",
    "police_zone_part",
]


MUNICIPALITY_SQL = """
SELECT id FROM areas_municipality
WHERE bin_normalise(name_nl) = bin_normalise(%(text)s) OR bin_normalise(name_fr) = bin_normalise(%(text)s)
   OR bin_normalise(name_de) = bin_normalise(%(text)s)
ORDER BY id
"""
# bin_normalise() (core/sql/normalise.sql); the expression indexes of streets migration 0003 serve these
# comparisons.


# For statements of other apps that show a municipality with their rows: the join and the columns (in the
# order of Municipality's fields after the id).
MUNICIPALITY_NAMES_SQL = "m.nis_code, m.name_nl, m.name_fr, m.name_de"


def municipality_join_sql(*, on: str) -> str:
    """JOIN the municipality whose id is the expression `on`, as `m`."""
    return f"JOIN areas_municipality m ON m.id = {on}"


def municipality_ids_matching(*, text: str) -> list[int]:
    """Ids of the municipalities whose NIS code or one of whose names is `text`, ignoring case and accents."""
    text = text.strip()
    if text.isdigit() and len(text) == 5:
        return list(Municipality.objects.filter(nis_code=text).values_list("pk", flat=True))
    with read_connection(Municipality).cursor() as cur:
        cur.execute(MUNICIPALITY_SQL, {"text": text})
        return [row[0] for row in cur.fetchall()]


def municipality_by_key(key: str) -> Municipality | None:
    """A municipality by NIS code (`23027`) or by the slug of one of its names (`halle`, `bruxelles`,
    `sint-pieters-leeuw`: the normalised name's words joined with dashes)."""
    key = key.strip().lower()
    if key.isdigit():
        return Municipality.objects.filter(nis_code=key).first()
    ids = municipality_ids_matching(text=key.replace("-", " "))
    return Municipality.objects.filter(pk__in=ids).order_by("nis_code").first()


def networks_visible(*, user=None) -> QuerySet[Network]:
    """Networks `user` may see (NetworkQuerySet.visible), with their municipality and police zone."""
    return Network.objects.visible(user).select_related("municipality", "police_zone")


@dataclass(frozen=True)
class CoveringNetwork:
    network: Network
    # True when the point lies on the network's edge rather than inside it.
    on_border: bool
    # For a point on the shared border of residential BINs: the other BINs on that border.
    border_with: tuple[Network, ...] = ()


# The candidates come from the GiST index on the boundary; PostGIS then decides inside / on the edge for
# each point (ST_Intersects without ST_Contains: on the edge). What anonymous visitors see is answered the
# same way from the web process's memory (areas/point_index.py), without a round trip.
_POINTS_SQL = """
FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS u(x, y, ord)
CROSS JOIN LATERAL ST_SetSRID(ST_MakePoint(u.x, u.y), %(srid)s) AS p(geom)"""

COVERING_SQL = (
    "SELECT u.ord, ST_Contains(n.boundary, p.geom) AS inside,"
    + NETWORK_SQL
    + _POINTS_SQL
    + """
JOIN areas_network n ON ST_Intersects(n.boundary, p.geom)
WHERE """
    + visible_sql("n")
    + """
ORDER BY u.ord, n.id
"""
)


def covering_params(*, points: list[Point], user=None) -> dict:
    """The parameters of COVERING_SQL for `points` (in the storage CRS) as `user` may see them."""
    srid = settings.BIN_STORAGE_SRID
    if any(p.srid != srid for p in points):
        raise ValueError(f"points must be in EPSG:{srid}")
    return {
        "xs": [p.x for p in points],
        "ys": [p.y for p in points],
        "srid": srid,
        "everything": sees_unpublished_networks(user),
    }


def networks_covering_points(
    *, points: list[Point], user=None, cached: bool = False
) -> list[list[CoveringNetwork]]:
    """For each point (in the storage CRS), the networks covering it by the border rule
    (areas.rules.border_rule), in one query. With `cached`, a read-only public path accepts an answer up to
    BIN_POINT_INDEX_CHECK_SECONDS old from the in-process index (areas.point_index) when `user` sees only
    public networks.

    The networks come without their boundary (it is loaded if asked for); municipality and police zone
    are attached.
    """
    if not points:
        return []
    params = covering_params(points=points, user=user)
    db = read_connection(Network)
    if cached and point_index_enabled(user):
        index = point_index(using=db.alias)
        return [
            _apply_border_rule(index.covering(x, y)) for x, y in zip(params["xs"], params["ys"], strict=True)
        ]
    with db.cursor() as cur:
        cur.execute(COVERING_SQL, params)
        rows = cur.fetchall()
    hits = networks_per_point(rows, len(points))
    return [_apply_border_rule(found) for found in hits]


def _apply_border_rule(found: list[tuple[Network, bool]]) -> list[CoveringNetwork]:
    return [CoveringNetwork(n, on_border, others) for n, on_border, others in border_rule(found)]


NEAR_SQL = (
    "SELECT u.ord, n.distance,"
    + NETWORK_SQL
    + _POINTS_SQL
    + """
CROSS JOIN LATERAL (
    SELECT n.*, ST_Distance(n.boundary, p.geom) AS distance FROM areas_network n
    WHERE """
    + exclusive_sql("n")
    + " AND ST_DWithin(n.boundary, p.geom, %(within)s) AND "
    + visible_sql("n")
    + """
    ORDER BY n.boundary <-> p.geom, n.id
    LIMIT %(limit)s
) n
ORDER BY u.ord, n.distance, n.id
"""
)
# <-> orders by the true distance through the GiST index (KNN, rechecked on the geometries).


def networks_near_points(
    *, points: list[Point], user=None, within_m: float = 10_000, limit: int = 3, cached: bool = False
) -> list[list[Network]]:
    """For each point, the nearest residential networks within `within_m` metres, each with `.distance`
    (a Distance), nearest first; one query for all the points."""
    if not points:
        return []
    params = covering_params(points=points, user=user)
    db = read_connection(Network)
    if cached and point_index_enabled(user):
        index = point_index(using=db.alias)
        return [
            index.nearest_residential(x, y, within_m=within_m, limit=limit)
            for x, y in zip(params["xs"], params["ys"], strict=True)
        ]
    params.update(within=within_m, limit=limit)
    with db.cursor() as cur:
        cur.execute(NEAR_SQL, params)
        rows = cur.fetchall()
    answers: list[list[Network]] = [[] for _ in points]
    for ord_, distance, *values in rows:
        network = network_from_row(values)
        network.distance = D(m=distance)
        answers[ord_ - 1].append(network)
    return answers


def networks_near_point(
    *, point: Point, user=None, within_m: float = 10_000, limit: int = 3, cached: bool = False
) -> list[Network]:
    """The nearest residential networks to `point` within `within_m` metres, each with `.distance`."""
    return networks_near_points(points=[point], user=user, within_m=within_m, limit=limit, cached=cached)[0]


# --- the free part of an area -----------------------------------------------------------------------

# Pieces of an area smaller than this (m²) are crumbs of the cutting, not land.
AREA_MIN_PIECE_M2 = 200


@dataclass
class FreeArea:
    """The part of an area a new network may take, and the existing BINs whose parts were left out."""

    boundary: MultiPolygon | None
    left_out: list[str] = field(default_factory=list)


FREE_AREA_SQL = (
    """
WITH limited AS (
    SELECT CASE WHEN m.boundary IS NULL THEN a.g ELSE ST_Intersection(a.g, m.boundary) END AS g
    FROM (SELECT ST_GeomFromEWKB(%(area)s) AS g) a LEFT JOIN areas_municipality m ON m.id = %(municipality)s
),
taken AS (
    -- Every overlapping BIN is cut out; only those that took a real piece are named.
    SELECT ST_Union(n.boundary) AS g,
           array_agg(n.name ORDER BY n.name)
               FILTER (WHERE ST_Area(ST_Intersection(n.boundary, limited.g)) > %(min_piece)s) AS names
    FROM areas_network n, limited
    WHERE %(clip)s AND """
    + exclusive_sql("n")
    + " AND "
    + existing_sql("n")
    + """
      AND n.municipality_id = %(municipality)s AND ST_Intersects(n.boundary, limited.g)
),
clipped AS (
    SELECT CASE WHEN taken.g IS NULL THEN limited.g ELSE ST_Difference(limited.g, taken.g) END AS g
    FROM limited, taken
)
SELECT ST_AsEWKB(ST_Multi(ST_Union(d.geom))), (SELECT names FROM taken)
FROM clipped, ST_Dump(ST_CollectionExtract(clipped.g, 3)) AS d
WHERE ST_Area(d.geom) > %(min_piece)s
"""
)


def area_free_of_networks(*, area: MultiPolygon, municipality: Municipality, kind: str) -> FreeArea:
    """`area` cut to the municipality and, for a residential kind, without the parts already inside another
    (non-dissolved) residential BIN of the municipality, since two never overlap; a BIN-Z may overlap and
    keeps them."""
    params = {
        "area": bytes(area.ewkb),
        "municipality": municipality.pk,
        "clip": kind in Network.EXCLUSIVE_KINDS,
        "min_piece": AREA_MIN_PIECE_M2,
    }
    with connection.cursor() as cur:
        cur.execute(FREE_AREA_SQL, params)
        ewkb, names = cur.fetchone()
    boundary = GEOSGeometry(memoryview(bytes(ewkb))) if ewkb is not None else None
    if boundary is not None:
        boundary.srid = settings.BIN_STORAGE_SRID
    return FreeArea(boundary, list(names or []))


# --- the municipality of a place ------------------------------------------------------------------------
# A place belongs to the municipality whose boundary contains it; where boundaries overlap (two editions,
# slivers of rounding), the lowest NIS code wins. ST_Contains uses the boundary's spatial index.


def municipality_containing(*, point: Point) -> Municipality | None:
    """The municipality whose boundary contains `point` (in the storage CRS), with its police zone."""
    return (
        Municipality.objects.select_related("police_zone")
        .filter(boundary__contains=point)
        .order_by("nis_code")
        .first()
    )


def municipality_containing_sql(*, point: str, column: str = "nis_code") -> str:
    """A scalar subquery: `column` of the municipality containing the SQL expression `point` (a geometry in
    the storage CRS), or NULL; for statements of other apps that place their rows set-wise."""
    return f"""(
        SELECT m.{column} FROM areas_municipality m
        WHERE ST_Contains(m.boundary, {point}) ORDER BY m.nis_code LIMIT 1
    )"""


def municipality_nis_join_sql(*, nis: str) -> str:
    """JOIN the municipality whose NIS code is the expression `nis`, as `m`."""
    return f"JOIN areas_municipality m ON m.nis_code = {nis}"


# --- the part of an area inside a police zone ----------------------------------------------------------


def police_zone_part(*, area: MultiPolygon, police_zone: PoliceZone) -> tuple[MultiPolygon | None, float]:
    """The part of `area` (storage CRS) inside the police zone, computed by PostGIS, and the area of the
    whole in m². A zone without a boundary cannot cut: the area comes back as it is. None: nothing of it
    lies in the zone."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT ST_AsEWKB(CASE WHEN z.boundary IS NULL THEN p.g
                        ELSE ST_Multi(ST_CollectionExtract(ST_Intersection(p.g, z.boundary), 3)) END),
                   ST_Area(p.g)
            FROM areas_policezone z, (SELECT ST_GeomFromEWKB(%s) AS g) p
            WHERE z.id = %s
            """,
            [bytes(area.ewkb), police_zone.pk],
        )
        ewkb, whole_m2 = cur.fetchone()
    part = GEOSGeometry(memoryview(bytes(ewkb))) if ewkb is not None else None
    if part is None or part.empty:
        return None, whole_m2
    if part.srid is None:
        part.srid = area.srid
    if not isinstance(part, MultiPolygon):
        part = MultiPolygon(part, srid=part.srid)
    return part, whole_m2


def network_join_sql(*, on: str, outer: bool = False) -> str:
    """JOIN areas_network as `n` on the condition `on` (LEFT JOIN when `outer`), for statements of other
    apps that place their rows in networks."""
    return f"{'LEFT ' if outer else ''}JOIN areas_network n ON {on}"
