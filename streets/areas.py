"""The area a list of streets spans: what a proposal for a new BIN that names its streets is drawn from."""

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection

__all__ = ["AREA_CLOSE_M", "AREA_MARGIN_M", "streets_area"]

# A corridor of AREA_MARGIN_M around each street (the concave hull of its address points, or its line when
# it has no addresses), the corridors merged with a closing of AREA_CLOSE_M (grow, then shrink) so that
# neighbouring streets join, and the blocks the streets enclose filled in (holes dropped).
AREA_MARGIN_M = 30
AREA_CLOSE_M = 25

AREA_SQL = """
WITH corridors AS (
    SELECT ST_Buffer(ST_ConcaveHull(ST_Collect(a.point), 0.8), %(margin)s) AS g
    FROM streets_address a WHERE a.street_id = ANY(%(streets)s) GROUP BY a.street_id
    UNION ALL
    SELECT ST_Buffer(s.geometry, %(margin)s) FROM streets_street s
    WHERE s.id = ANY(%(streets)s) AND s.geometry IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM streets_address a WHERE a.street_id = s.id)
),
merged AS (
    SELECT ST_Buffer(ST_Buffer(ST_Union(g), %(close)s), -%(close)s) AS g FROM corridors HAVING count(*) > 0
)
SELECT ST_AsEWKB(ST_Multi(ST_Union(ST_MakePolygon(ST_ExteriorRing(d.geom)))))
FROM merged, ST_Dump(ST_CollectionExtract(merged.g, 3)) AS d
"""


def streets_area(*, street_ids: list[int]) -> MultiPolygon | None:
    """The area around the streets' address points (or lines), in the storage CRS; None when they have
    neither."""
    with connection.cursor() as cur:
        cur.execute(AREA_SQL, {"streets": street_ids, "margin": AREA_MARGIN_M, "close": AREA_CLOSE_M})
        row = cur.fetchone()
    if row is None or row[0] is None:
        return None
    area = GEOSGeometry(memoryview(bytes(row[0])))
    area.srid = settings.BIN_STORAGE_SRID
    return area
