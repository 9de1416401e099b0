"""manage.py import_best <directory | file.csv>: streets and addresses from the BeST Address register."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.importing import ImportAborted, ImportReport
from streets.importers import import_best_flat, import_best_register
from streets.importers.best import FLAT_COLUMNS, REGISTER_FILES
from streets.importers.common import ON_ERROR_CHOICES

SHOWN_ERRORS = 50


def print_report(command: BaseCommand, report: ImportReport) -> None:
    """The summary, the per-table lines and the first bad records of an import, on the command's stdout."""
    command.stdout.write(report.summary())
    for line in report.changes:
        command.stdout.write(f"  {line}")
    for error in report.errors[:SHOWN_ERRORS]:
        command.stdout.write(f"  {error}")
    if len(report.errors) > SHOWN_ERRORS:
        command.stdout.write(f"  ... and {len(report.errors) - SHOWN_ERRORS} more bad records")


def detect_layout(path: Path) -> str:
    """'register' for a directory in the register's own layout, 'flat' for the flat CSV; else CommandError."""
    if path.is_dir():
        return "register"
    if not path.is_file():
        raise CommandError(f"{path}: no such file or directory")
    with open(path, "rb") as fh:
        first = fh.readline(64 * 1024).decode("utf-8", "replace").lstrip("\ufeff").lower()
    if FLAT_COLUMNS[0] in first.split(","):
        return "flat"
    names = ", ".join(names[0] for names in REGISTER_FILES.values())
    if first.count(";") >= 4:
        raise CommandError(
            f"{path}: looks like one file of the register's own layout; pass its directory ({names})"
        )
    raise CommandError(
        f"{path}: unknown layout: expected a directory with {names}, or a CSV file whose header has "
        f"{', '.join(FLAT_COLUMNS)}"
    )


class Command(BaseCommand):
    help = (
        "Import streets and addresses from the BeST Address register: a directory in the register's own "
        "layout (addresses_part.csv, streets_part.csv, municipalities.csv, postals.csv) or the flat CSV "
        "form with a header (address_id, street_id, ..., x_31370, y_31370). Re-importing updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="directory of the register's files, or a flat CSV file")
        parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
        parser.add_argument(
            "--on-error",
            choices=ON_ERROR_CHOICES,
            default="skip",
            help="skip bad records and report them (default), or stop at the first and write nothing",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, source, dry_run, on_error, no_progress, **options):
        path = Path(source)
        layout = detect_layout(path)
        options = {"dry_run": dry_run, "on_error": on_error, "progress": not no_progress}
        try:
            if layout == "register":
                report = import_best_register(directory=path, **options)
            else:
                report = import_best_flat(path=path, **options)
        except ImportAborted as exc:
            raise CommandError(f"import aborted: {exc}") from exc
        print_report(self, report)
