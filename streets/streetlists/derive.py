"""A street-list network's polygon: the area nearer to its addresses than to any other address of the
municipality.

The Voronoi diagram of all the municipality's address positions (ST_VoronoiPolygons) gives each position a
cell: the points nearer to it than to any other position. A network's area is the union of the cells of its
addresses, cut to the municipality's boundary (widened by OUTSIDE_MARGIN_M around listed addresses that lie
outside it) and with any drawn residential BIN left out. Each address then
lies strictly inside its own cell (half the distance to its nearest neighbour from any edge), so a listed
address lies inside its network and an address of no network or another network lies outside it, border
rule or not; and the cells of two networks share edges but never area, so derived networks never overlap.
One position shared by addresses of different networks cannot be split: labels.py refuses that row.
On the demo's Halle (3,405 addresses at 3,042 positions, 7 networks) the derivation takes 0.5 s and the
lookup answers 100 % of the listed addresses with their network and none of the others
(scripts/bench_street_lists.py).
"""

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection, transaction

from areas.choices import AreaSource
from areas.rules import exclusive_sql, existing_sql

__all__ = ["DERIVE_SQL", "SITES_SQL", "areas_derived"]

# Without a municipal boundary, the area ends this far around the convex hull of the addresses.
HULL_MARGIN_M = 100

# Positions outside the municipality's boundary (a generalised boundary, or a house on the line) keep their
# cell's part within this distance: the listed ones stay inside their network.
OUTSIDE_MARGIN_M = 25

# One site per position (labels.py made sure the addresses of a position agree), in a temporary table with
# a spatial index: joining the Voronoi cells to their sites without one compared every cell with every site
# (Halle: 3,042 x 2,207 pairs, 2.3 s of the 2.4 s the derivation took).
SITES_SQL = """
DROP TABLE IF EXISTS streetlist_sites;
CREATE TEMPORARY TABLE streetlist_sites ON COMMIT DROP AS
SELECT ST_SetSRID(ST_MakePoint(x, y), %(srid)s) AS geom, network_id FROM (
    SELECT ST_X(a.point) AS x, ST_Y(a.point) AS y, max(l.network_id) AS network_id
    FROM streets_address a JOIN streets_street s ON s.id = a.street_id
    LEFT JOIN unnest(%(address_ids)s::bigint[], %(network_ids)s::bigint[]) AS l(address_id, network_id)
        ON l.address_id = a.id
    WHERE s.municipality_id = %(municipality)s
    GROUP BY 1, 2
) p;
CREATE INDEX ON streetlist_sites USING gist (geom);
ANALYZE streetlist_sites;
"""

DERIVE_SQL = f"""
WITH boundary AS (
    SELECT COALESCE(
        (SELECT boundary FROM areas_municipality WHERE id = %(municipality)s),
        (SELECT ST_Buffer(ST_ConvexHull(ST_Collect(geom)), %(margin)s) FROM streetlist_sites)
    ) AS g
),
area AS (
    SELECT ST_Union(b.g, COALESCE(
        (SELECT ST_Union(ST_Buffer(s.geom, %(outside)s)) FROM streetlist_sites s
         WHERE s.network_id IS NOT NULL AND NOT ST_Covers(b.g, s.geom)),
        ST_SetSRID('GEOMETRYCOLLECTION EMPTY'::geometry, %(srid)s))) AS g
    FROM boundary b
),
cells AS (
    SELECT d.geom AS cell
    FROM area, ST_Dump(ST_VoronoiPolygons((SELECT ST_Collect(geom) FROM streetlist_sites), 0, area.g)) AS d
),
labelled AS (
    SELECT s.network_id, c.cell
    FROM cells c JOIN streetlist_sites s ON ST_Intersects(c.cell, s.geom)
    WHERE s.network_id IS NOT NULL
),
drawn AS (
    SELECT ST_Union(n.boundary) AS g FROM areas_network n
    WHERE n.municipality_id = %(municipality)s AND {exclusive_sql("n")} AND {existing_sql("n")}
      AND n.boundary_source = %(drawn)s AND NOT (n.id = ANY(%(converted)s))
),
merged AS (
    SELECT network_id, ST_Union(cell) AS g FROM labelled GROUP BY network_id
)
SELECT m.network_id, ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(
    CASE WHEN drawn.g IS NULL THEN ST_Intersection(m.g, area.g)
         ELSE ST_Difference(ST_Intersection(m.g, area.g), drawn.g) END), 3)))
FROM merged m, area, drawn
"""


def areas_derived(
    *, municipality_id: int, labels: dict[int, int], converted: list[int]
) -> dict[int, MultiPolygon]:
    """Per label, the area of its addresses. `labels`: address id -> a number per network (all the listed
    addresses of the municipality, of all its street-list networks); `converted`: the drawn networks that
    become street lists (their drawn area does not count)."""
    if not labels:
        return {}
    params = {
        "address_ids": list(labels),
        "network_ids": list(labels.values()),
        "municipality": municipality_id,
        "margin": HULL_MARGIN_M,
        "outside": OUTSIDE_MARGIN_M,
        "srid": settings.BIN_STORAGE_SRID,
        "drawn": AreaSource.DRAWN,
        "converted": converted,
    }
    # The temporary table lives until the transaction ends (the import's; this one when called alone).
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(SITES_SQL, params)
        cur.execute(DERIVE_SQL, params)
        rows = cur.fetchall()
    result = {}
    for network_id, ewkb in rows:
        area = GEOSGeometry(memoryview(bytes(ewkb)))
        area.srid = settings.BIN_STORAGE_SRID
        result[network_id] = area
    return result
