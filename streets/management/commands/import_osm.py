"""manage.py import_osm <file.osm>: import the addresses and named streets of an OpenStreetMap XML file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.importing import ImportAborted
from streets.importers import import_osm
from streets.importers.common import ON_ERROR_CHOICES

from .import_best import print_report


class Command(BaseCommand):
    help = (
        "Import addresses (nodes and buildings with addr:*) and streets (named highways) from an "
        "OpenStreetMap XML file. Each belongs to the municipality whose boundary contains it, or to "
        "--municipality. A .pbf file must be converted first: osmium cat x.osm.pbf -o x.osm"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an .osm (XML) file")
        parser.add_argument("--municipality", metavar="NIS", help="put everything in this municipality")
        parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
        parser.add_argument(
            "--on-error",
            choices=ON_ERROR_CHOICES,
            default="skip",
            help="skip bad records and report them (default), or stop at the first and write nothing",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, path, municipality, dry_run, on_error, no_progress, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            report = import_osm(
                path=path,
                municipality=municipality,
                dry_run=dry_run,
                on_error=on_error,
                progress=not no_progress,
            )
        except ImportAborted as exc:
            raise CommandError(f"import aborted: {exc}") from exc
        print_report(self, report)
