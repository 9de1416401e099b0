"""manage.py import_postal_names <postals.csv>: the place names of the postcodes, from the BeST register."""

from core.importing import ImportCommand
from streets.importers import import_postal_names


class Command(ImportCommand):
    help = (
        "Replace the postal names of the postcodes listed in a BeST postals.csv (identifier;postcode;nameNL;"
        "nameFR;nameDE, ';'-separated, no header). The address lookup then knows that Lembeek is 1502. "
        "The BeST importers do this too for the files they read."
    )
    # The names of a postcode are replaced as a whole: a bad line stops the import unless told otherwise.
    default_on_error = "stop"

    def add_arguments(self, parser):
        parser.add_argument("path", help="postals.csv of the BeST Address download")
        super().add_arguments(parser)

    def handle(self, *args, path, **options):
        self.run_import(import_postal_names, options, path=path)
