"""Reads on boundary versions (areas.versions): a network's history, two versions compared, and which
networks covered points at the end of a past day."""

import datetime as dt
import json
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models.query import RawQuerySet
from django.utils import timezone

from .models import Network, NetworkBoundaryVersion
from .network_rows import NETWORK_SQL, networks_per_point
from .rules import border_rule, visible_sql
from .selectors import CoveringNetwork, covering_params

__all__ = [
    "COVERING_AT_SQL",
    "VersionsCompared",
    "boundary_versions_compared",
    "day_end",
    "network_boundary_history",
    "networks_covering_points_at",
]


def day_end(day: dt.date) -> dt.datetime:
    """The end of `day` in the service's time zone: the next midnight, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


HISTORY_SQL = """
SELECT v.id, v.network_id, v.valid_from, v.valid_to, v.changed_by_id, v.reason, v.source,
       ST_Area(v.boundary) AS area_m2,
       ST_Area(ST_SymDifference(v.boundary, lag(v.boundary) OVER w)) AS change_m2
FROM areas_networkboundaryversion v
WHERE v.network_id = %s
WINDOW w AS (ORDER BY v.valid_from, v.id)
ORDER BY v.valid_from DESC, v.id DESC
"""
# change_m2: the area that changed hands with the version before (added plus removed); NULL for the first.


def network_boundary_history(*, network: Network) -> RawQuerySet:
    """The network's boundary versions, newest first, each with `area_m2` and `change_m2` (the m² added plus
    removed since the version before; None for the first) and its `changed_by`; without the boundaries."""
    return NetworkBoundaryVersion.objects.raw(HISTORY_SQL, [network.pk]).prefetch_related("changed_by")


@dataclass(frozen=True)
class VersionsCompared:
    """Two versions of a boundary and what changed from the older to the newer, as GeoJSON (EPSG:4326)."""

    old: dict
    new: dict
    added: dict | None
    removed: dict | None
    added_m2: float
    removed_m2: float


# The differences are computed by PostGIS in the storage CRS, where ST_Area means m²; only the result goes
# to EPSG:4326. Slivers of digitising (below 0.01 m²) are not worth a colour.
COMPARE_SQL = """
WITH d AS (
    SELECT a.boundary AS old, b.boundary AS new,
           ST_CollectionExtract(ST_Difference(b.boundary, a.boundary), 3) AS added,
           ST_CollectionExtract(ST_Difference(a.boundary, b.boundary), 3) AS removed
    FROM areas_networkboundaryversion a, areas_networkboundaryversion b
    WHERE a.id = %(old)s AND b.id = %(new)s
)
SELECT ST_AsGeoJSON(ST_Transform(old, 4326), 7), ST_AsGeoJSON(ST_Transform(new, 4326), 7),
       CASE WHEN ST_Area(added) >= 0.01 THEN ST_AsGeoJSON(ST_Transform(added, 4326), 7) END,
       CASE WHEN ST_Area(removed) >= 0.01 THEN ST_AsGeoJSON(ST_Transform(removed, 4326), 7) END,
       ST_Area(added), ST_Area(removed)
FROM d
"""


def boundary_versions_compared(
    *, old: NetworkBoundaryVersion, new: NetworkBoundaryVersion
) -> VersionsCompared:
    """What changed between two versions (of one network, or of two: the caller decides what it allows)."""
    with connection.cursor() as cursor:
        cursor.execute(COMPARE_SQL, {"old": old.pk, "new": new.pk})
        old_json, new_json, added, removed, added_m2, removed_m2 = cursor.fetchone()
    return VersionsCompared(
        old=json.loads(old_json),
        new=json.loads(new_json),
        added=json.loads(added) if added else None,
        removed=json.loads(removed) if removed else None,
        added_m2=added_m2 or 0.0,
        removed_m2=removed_m2 or 0.0,
    )


# As areas.selectors.COVERING_SQL, with the boundary of the version valid at %(until)s (the versions' own
# GiST index finds the candidates) instead of today's; the network's other columns are today's.
COVERING_AT_SQL = (
    "SELECT u.ord, ST_Contains(v.boundary, p.geom) AS inside,"
    + NETWORK_SQL
    + """
FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS u(x, y, ord)
CROSS JOIN LATERAL ST_SetSRID(ST_MakePoint(u.x, u.y), %(srid)s) AS p(geom)
JOIN areas_networkboundaryversion v ON ST_Intersects(v.boundary, p.geom)
    AND v.valid_from < %(until)s AND (v.valid_to IS NULL OR v.valid_to >= %(until)s)
JOIN areas_network n ON n.id = v.network_id
WHERE """
    + visible_sql("n")
    + """
ORDER BY u.ord, n.id
"""
)
# A version is valid from valid_from (inclusive) to valid_to (exclusive); "at the end of the day" is the
# instant just before `until` (the next midnight), so a change at midnight exactly belongs to the next day.


def networks_covering_points_at(
    *, points: list[Point], until: dt.datetime, user=None
) -> list[list[CoveringNetwork]]:
    """For each point (storage CRS), the networks whose boundary just before `until` covered it, by the
    border rule (areas.rules.border_rule), as `user` may see them today; networks deleted since are not
    answered (areas.versions)."""
    if not points:
        return []
    params = {**covering_params(points=points, user=user), "until": until}
    with connection.cursor() as cursor:
        cursor.execute(COVERING_AT_SQL, params)
        rows = cursor.fetchall()
    hits = networks_per_point(rows, len(points))
    return [[CoveringNetwork(n, b, others) for n, b, others in border_rule(found)] for found in hits]
