"""manage.py import_bag <file.csv>: Dutch streets and addresses from a BAG CSV export."""

from core.importing import ImportCommand
from streets.importers.bag import BAG_COLUMNS, import_bag


class Command(ImportCommand):
    help = (
        "Import Dutch streets and addresses from a BAG CSV export (one nummeraanduiding per row, a header "
        "with " + ", ".join(BAG_COLUMNS) + "; x/y in RD New, EPSG:28992). Re-importing updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the BAG CSV file")
        super().add_arguments(parser)

    def handle(self, *args, path, **options):
        self.run_import(import_bag, options, path=path)
