"""What the import commands share: the source options, the progress bar and how a report is printed."""

from django.core.management.base import BaseCommand, CommandError

from core.importing import ImportAborted, ImportReport

__all__ = ["ImportCommand"]


class ImportCommand(BaseCommand):
    """A thin wrapper around one importer of areas.importers: options in, report out."""

    def add_source_arguments(self, parser):
        parser.add_argument("path", help="GeoJSON, GeoPackage or Shapefile (any vector format GDAL reads).")
        parser.add_argument("--layer", help="Layer name or index (default: the first layer).")
        parser.add_argument(
            "--srid",
            type=int,
            dest="source_srid",
            help="EPSG code of the coordinates, when the file does not say (or says wrong), e.g. 31370.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--on-error",
            choices=["skip", "stop"],
            default="skip",
            help="skip: import the good records and list the bad ones (default); stop: write nothing.",
        )

    def source_kwargs(self, options) -> dict:
        return {
            "path": options["path"],
            "layer": options["layer"],
            "source_srid": options["source_srid"],
            "dry_run": options["dry_run"],
            "on_error": options["on_error"],
            # A progress bar only for a person watching, never in logs or tests.
            "progress": options["verbosity"] >= 1 and self.stderr.isatty(),
        }

    def run_import(self, importer, options, **kwargs) -> ImportReport:
        try:
            report = importer(**kwargs)
        except ImportAborted as exc:
            # The message names the bad record; the counts so far mean nothing, as all was rolled back.
            raise CommandError(str(exc)) from None
        if report.dry_run or options["verbosity"] >= 2:
            for line in report.changes:
                self.stdout.write(line)
        self.print_errors(report)
        self.stdout.write(report.summary())
        return report

    def print_errors(self, report: ImportReport) -> None:
        for error in report.errors:
            self.stderr.write(str(error))
