"""Street-list BINs: networks defined by streets and house-number ranges instead of a drawn polygon.

The file (and the export) is a UTF-8 CSV table with the header `network,municipality,street,postcode,from,to,
parity`: the network's name; the municipality's NIS code; the street's name in any of its languages; its
postcode (tells same-named streets apart; may be empty); the numeric parts of the first and last house number,
inclusive (either empty: open-ended; both empty: the whole street); `odd`, `even` or `all`.

- `rows`: reading and checking the rows, finding their streets;
- `labels`: which network each address of a municipality belongs to, and what contradicts itself;
- `derive`: the networks' polygons from those labels (Voronoi cells of the address points);
- `services`: import_street_lists, the one importer (command, admin upload);
- `export`: street_list_rows / street_list_csv, the same format from the networks' addresses.
"""

from .export import STREET_LIST_COLUMNS, street_list_csv, street_list_rows
from .services import import_street_lists

__all__ = ["STREET_LIST_COLUMNS", "import_street_lists", "street_list_csv", "street_list_rows"]
