"""manage.py import_street_lists FILE.csv: street-list BINs, their polygons derived from their addresses."""

from core.importing import ImportCommand
from streets.streetlists import import_street_lists
from streets.streetlists.rows import COLUMNS


class Command(ImportCommand):
    help = (
        f"Import networks defined by street lists: a UTF-8 CSV table with the header {','.join(COLUMNS)}. "
        "Creates or updates each network named (by municipality and name), replaces its list and derives its "
        "polygon from the listed addresses of the BeST register (import_best first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")
        super().add_arguments(parser)

    def handle(self, *args, path, **options):
        self.run_import(import_street_lists, options, path=path)
