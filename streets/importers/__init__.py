"""Importers of streets and addresses: the BeST Address register (two layouts), its postal names and
OpenStreetMap XML.

- `best` (with `best_register`, `best_flat`, `best_checks`): the register; `osm`: OpenStreetMap;
  `postal`: the place names of the postcodes;
- `staging`: the temporary tables the files are streamed into and the set-based merges from them;
- `common`: field limits, house numbers, the register's `;`-separated files.

They run on core.importing, as the area importers do.
"""

from .best import import_best_flat, import_best_register
from .osm import import_osm
from .postal import import_postal_names

__all__ = ["import_best_flat", "import_best_register", "import_osm", "import_postal_names"]
