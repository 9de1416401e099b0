"""manage.py import_osm <file.osm>: import the addresses and named streets of an OpenStreetMap XML file."""

from core.importing import ImportCommand
from streets.importers import import_osm


class Command(ImportCommand):
    help = (
        "Import addresses (nodes and buildings with addr:*) and streets (named highways) from an "
        "OpenStreetMap XML file. Each belongs to the municipality whose boundary contains it, or to "
        "--municipality. A .pbf file must be converted first: osmium cat x.osm.pbf -o x.osm"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an .osm (XML) file")
        parser.add_argument("--municipality", metavar="NIS", help="put everything in this municipality")
        super().add_arguments(parser)

    def handle(self, *args, path, municipality, **options):
        self.run_import(import_osm, options, path=path, municipality=municipality)
