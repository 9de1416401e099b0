"""Reads on networks: which networks cover a point, which are near it, which a user may see."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import connection
from django.db.models import QuerySet

from .models import Municipality, Network, PoliceZone

__all__ = [
    "COVERING_SQL",
    "CoveringNetwork",
    "covering_params",
    "networks_covering_points",
    "networks_near_point",
    "networks_near_points",
    "networks_visible",
]


def _sees_everything(user) -> bool:
    return user is not None and user.is_authenticated and user.is_staff


def networks_visible(*, user=None) -> QuerySet[Network]:
    """Networks `user` may see: anonymous users and members see only published, non-dissolved networks."""
    qs = Network.objects.select_related("municipality", "police_zone")
    if _sees_everything(user):
        return qs
    return qs.filter(published=True).exclude(status=Network.Status.DISSOLVED)


@dataclass(frozen=True)
class CoveringNetwork:
    network: Network
    # True when the point lies on the network's edge rather than inside it.
    on_border: bool
    # For a point on the shared border of residential BINs: the other BINs on that border.
    border_with: tuple[Network, ...] = ()


# The candidates come from the GiST index on the boundary; PostGIS then decides inside / on the edge for
# each point (ST_Intersects without ST_Contains: on the edge). Boundaries never leave the database.
# The columns _network_from_row reads, after the query's own leading ones.
_NETWORK_SQL = """
       n.id, n.kind, n.name, n.slug, n.status, n.published, n.contact_email, n.municipality_id,
       (SELECT json_build_array(m.nis_code, m.name_nl, m.name_fr, m.name_de)
        FROM areas_municipality m WHERE m.id = n.municipality_id),
       n.police_zone_id,
       (SELECT json_build_array(z.number, z.code, z.name)
        FROM areas_policezone z WHERE z.id = n.police_zone_id)"""
_POINTS_SQL = """
FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS u(x, y, ord)
CROSS JOIN LATERAL ST_SetSRID(ST_MakePoint(u.x, u.y), %(srid)s) AS p(geom)"""

COVERING_SQL = (
    "SELECT u.ord, ST_Contains(n.boundary, p.geom) AS inside,"
    + _NETWORK_SQL
    + _POINTS_SQL
    + """
JOIN areas_network n ON ST_Intersects(n.boundary, p.geom)
WHERE %(everything)s OR (n.published AND n.status <> 'dissolved')
ORDER BY u.ord, n.id
"""
)
# Municipality and zone come as scalar subqueries, not joins: planning the joins took 0.16 of 0.34 ms.
_NETWORK_COLUMNS = ["id", "kind", "name", "slug", "status", "published", "contact_email", "municipality_id"]
_MUNICIPALITY_COLUMNS = ["id", "nis_code", "name_nl", "name_fr", "name_de"]
_ZONE_COLUMNS = ["id", "number", "code", "name"]


def covering_params(*, points: list[Point], user=None) -> dict:
    """The parameters of COVERING_SQL for `points` (in the storage CRS) as `user` may see them."""
    srid = settings.BIN_STORAGE_SRID
    if any(p.srid != srid for p in points):
        raise ValueError(f"points must be in EPSG:{srid}")
    return {
        "xs": [p.x for p in points],
        "ys": [p.y for p in points],
        "srid": srid,
        "everything": _sees_everything(user),
    }


def networks_covering_points(*, points: list[Point], user=None) -> list[list[CoveringNetwork]]:
    """For each point (in the storage CRS), the networks covering it, in one query.

    The border rule: a point inside a residential BIN belongs to it alone. A point exactly on the shared
    border of several residential BINs (inside none) belongs to the oldest of them (lowest id), and the
    answer names the others in `border_with`. BIN-Z and other kinds are listed whenever they cover the
    point, after the residential BIN.

    The networks come without their boundary (it is loaded if asked for); municipality and police zone
    are attached.
    """
    if not points:
        return []
    with connection.cursor() as cur:
        cur.execute(COVERING_SQL, covering_params(points=points, user=user))
        rows = cur.fetchall()
    hits: list[list[tuple[Network, bool]]] = [[] for _ in points]
    networks: dict[int, Network] = {}
    for ord_, inside, *values in rows:
        network = networks.get(values[0])
        if network is None:
            network = networks[values[0]] = _network_from_row(values)
        hits[ord_ - 1].append((network, inside))
    return [_apply_border_rule(found) for found in hits]


def _partial(model, columns: list[str], values) -> object:
    """A model instance with only these columns loaded (the others load when read, as with .only())."""
    data = dict(zip(columns, values, strict=True))
    names = [f.attname for f in model._meta.concrete_fields if f.attname in data]
    return model.from_db("default", names, [data[name] for name in names])


def _network_from_row(values: list) -> Network:
    network = _partial(Network, _NETWORK_COLUMNS, values[:8])
    municipality_id, municipality, zone_id, zone = values[7:]
    network.municipality = _partial(Municipality, _MUNICIPALITY_COLUMNS, [municipality_id, *municipality])
    network.police_zone = None if zone_id is None else _partial(PoliceZone, _ZONE_COLUMNS, [zone_id, *zone])
    return network


def _apply_border_rule(found: list[tuple[Network, bool]]) -> list[CoveringNetwork]:
    inside = [n for n, is_inside in found if is_inside]
    border = [n for n, is_inside in found if not is_inside]
    residential = [n for n in inside if n.kind in Network.EXCLUSIVE_KINDS]
    border_residential = [n for n in border if n.kind in Network.EXCLUSIVE_KINDS]
    result = []
    if residential:
        result.append(CoveringNetwork(residential[0], on_border=False))
    elif border_residential:
        owner, *others = border_residential
        result.append(CoveringNetwork(owner, on_border=True, border_with=tuple(others)))
    for network in inside + border:
        if network.kind not in Network.EXCLUSIVE_KINDS:
            result.append(CoveringNetwork(network, on_border=network in border))
    return result


NEAR_SQL = (
    "SELECT u.ord, n.distance,"
    + _NETWORK_SQL
    + _POINTS_SQL
    + """
CROSS JOIN LATERAL (
    SELECT n.*, ST_Distance(n.boundary, p.geom) AS distance FROM areas_network n
    WHERE n.kind = ANY(%(kinds)s) AND ST_DWithin(n.boundary, p.geom, %(within)s)
      AND (%(everything)s OR (n.published AND n.status <> 'dissolved'))
    ORDER BY n.boundary <-> p.geom, n.id
    LIMIT %(limit)s
) n
ORDER BY u.ord, n.distance, n.id
"""
)
# <-> orders by the true distance through the GiST index (KNN, rechecked on the geometries).


def networks_near_points(
    *, points: list[Point], user=None, within_m: float = 10_000, limit: int = 3
) -> list[list[Network]]:
    """For each point, the nearest residential networks within `within_m` metres, each with `.distance`
    (a Distance), nearest first; one query for all the points."""
    if not points:
        return []
    params = covering_params(points=points, user=user)
    params.update(kinds=list(Network.EXCLUSIVE_KINDS), within=within_m, limit=limit)
    with connection.cursor() as cur:
        cur.execute(NEAR_SQL, params)
        rows = cur.fetchall()
    answers: list[list[Network]] = [[] for _ in points]
    for ord_, distance, *values in rows:
        network = _network_from_row(values)
        network.distance = D(m=distance)
        answers[ord_ - 1].append(network)
    return answers


def networks_near_point(
    *, point: Point, user=None, within_m: float = 10_000, limit: int = 3
) -> list[Network]:
    """The nearest residential networks to `point` within `within_m` metres, each with `.distance`."""
    return networks_near_points(points=[point], user=user, within_m=within_m, limit=limit)[0]
