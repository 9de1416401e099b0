"""manage.py import_postal_names <postals.csv>: the place names of the postcodes, from the BeST register."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from streets.postal import PostalFileError, postal_names_import


class Command(BaseCommand):
    help = (
        "Replace the postal names of the postcodes listed in a BeST postals.csv (identifier;postcode;nameNL;"
        "nameFR;nameDE, ';'-separated, no header). The address lookup then knows that Lembeek is 1502. "
        "The BeST importers do this too for the files they read."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="postals.csv of the BeST Address download")

    def handle(self, *args, path, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            postcodes, names = postal_names_import(path)
        except PostalFileError as exc:
            raise CommandError(f"{exc}; nothing was imported") from exc
        self.stdout.write(f"{path.name}: {names} names for {postcodes} postcodes")
