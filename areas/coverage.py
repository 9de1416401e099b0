"""Reads for a municipality's coverage report (streets.coverage_report): where its networks overlap, and
which of them lack a coordinator or a police contact."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from core.replica import read_connection

from .models import Municipality, Network
from .rules import exclusive_sql, existing_sql

__all__ = ["OVERLAPS_SQL", "NetworkOverlap", "networks_missing_contacts", "networks_overlapping"]

# Pairs of non-dissolved networks of one municipality whose interiors meet (relate 'T********': touching
# edges do not count, as NetworkQuerySet.overlapping), with the m² they share and the shared part in
# EPSG:4326 for the map. ST_Intersects first, so that the GiST index picks the candidates.
OVERLAPS_SQL = f"""
SELECT a.id, b.id, {exclusive_sql("a")} AND {exclusive_sql("b")} AS residential, o.m2,
       ST_AsGeoJSON(ST_Transform(o.shared, 4326), %(decimals)s)
FROM areas_network a
JOIN areas_network b
  ON b.municipality_id = a.municipality_id AND a.id < b.id AND ST_Intersects(a.boundary, b.boundary)
CROSS JOIN LATERAL (
    SELECT ST_CollectionExtract(ST_Intersection(a.boundary, b.boundary), 3) AS shared
) i
CROSS JOIN LATERAL (SELECT ST_Area(i.shared) AS m2, i.shared) o
WHERE a.municipality_id = %(municipality)s AND {existing_sql("a")} AND {existing_sql("b")}
  AND ST_Relate(a.boundary, b.boundary, 'T********')
ORDER BY o.m2 DESC, a.id, b.id
"""

# Six decimals of a degree: 0.1 m, as the other maps (maps.selectors.COORDINATE_DECIMALS).
_DECIMALS = 6


@dataclass
class NetworkOverlap:
    """Two networks of a municipality that share `m2` square metres; `shape` is the shared part (GeoJSON
    text, EPSG:4326). `residential`: both are residential BINs, which must not overlap (areas.rules)."""

    first: Network
    second: Network
    m2: float
    residential: bool
    shape: str


def networks_overlapping(*, municipality: Municipality) -> list[NetworkOverlap]:
    """The overlaps between the municipality's networks, largest first: a BIN-Z (or another kind that may
    overlap) with any network, and two residential BINs when they share more than
    settings.BIN_OVERLAP_TOLERANCE_M2 (the import's tolerance: legacy data, or slop let through).
    Dissolved networks are left out; suspended ones are in, since they may come back."""
    with read_connection(Network).cursor() as cur:
        cur.execute(OVERLAPS_SQL, {"municipality": municipality.pk, "decimals": _DECIMALS})
        rows = cur.fetchall()
    tolerance = settings.BIN_OVERLAP_TOLERANCE_M2
    rows = [r for r in rows if r[3] > 0 and not (r[2] and r[3] <= tolerance)]
    ids = {i for r in rows for i in r[:2]}
    networks = Network.objects.only("slug", "name", "kind", "status", "municipality").in_bulk(ids)
    return [
        NetworkOverlap(networks[a], networks[b], m2, residential, shape)
        for a, b, residential, m2, shape in rows
    ]


def networks_missing_contacts(*, municipality: Municipality) -> list[Network]:
    """The municipality's live networks (areas.rules) without a coordinator or without a police contact,
    by kind and name; each with `coordinator_count` and `police_contact_id`."""
    return list(
        Network.objects.live()
        .filter(municipality=municipality)
        .annotate(coordinator_count=Count("coordinators"))
        .filter(Q(coordinator_count=0) | Q(police_contact__isnull=True))
        .only("slug", "name", "kind", "status", "published", "police_contact")
        .order_by("kind", "name", "pk")
    )
