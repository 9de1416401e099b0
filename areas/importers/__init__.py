"""Import police zones, municipalities and networks from GeoJSON, GeoPackage or Shapefile files in any CRS.

- `vector`: the layer of a file GDAL reads, its CRS, its geometries in the storage CRS, its import run;
- `records`: what the importers share (field values, comparing and applying them, a record's outcome);
- `networks`: import_networks; `zones`: import_municipalities, import_police_zones, link_police_zones;
- `repair`, `overlaps`: what import_networks does with real data: invalid polygons (make_valid, GEOS's
  notices said once) and overlaps between residential BINs (refuse or clip).

They run on core.importing: one transaction a file, a savepoint a written record.
"""

from .networks import NETWORK_DEFAULT_FIELDS, import_networks
from .records import GEOMETRY_TOLERANCE_M
from .zones import import_municipalities, import_police_zones, link_police_zones

__all__ = [
    "GEOMETRY_TOLERANCE_M",
    "NETWORK_DEFAULT_FIELDS",
    "import_municipalities",
    "import_networks",
    "import_police_zones",
    "link_police_zones",
]
