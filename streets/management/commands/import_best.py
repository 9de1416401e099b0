"""manage.py import_best <directory | file.csv>: streets and addresses from the BeST Address register."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.importing import ImportCommand
from streets.importers import import_best_flat, import_best_register
from streets.importers.best import FLAT_COLUMNS, REGISTER_FILES


def detect_layout(path: Path) -> str:
    """'register' for a directory in the register's own layout, 'flat' for the flat CSV; else CommandError."""
    if path.is_dir():
        return "register"
    if not path.is_file():
        raise CommandError(_("%(path)s: no such file or directory") % {"path": path})
    with open(path, "rb") as fh:
        first = fh.readline(64 * 1024).decode("utf-8", "replace").lstrip("\ufeff").lower()
    if FLAT_COLUMNS[0] in first.split(","):
        return "flat"
    names = ", ".join(names[0] for names in REGISTER_FILES.values())
    if first.count(";") >= 4:
        raise CommandError(
            _("%(path)s: looks like one file of the register's own layout; pass its directory (%(names)s)")
            % {"path": path, "names": names}
        )
    raise CommandError(
        _(
            "%(path)s: unknown layout: expected a directory with %(names)s, or a CSV file whose header has "
            "%(columns)s"
        )
        % {"path": path, "names": names, "columns": ", ".join(FLAT_COLUMNS)}
    )


class Command(ImportCommand):
    help = (
        "Import streets and addresses from the BeST Address register: a directory in the register's own "
        "layout (addresses_part.csv, streets_part.csv, municipalities.csv, postals.csv) or the flat CSV "
        "form with a header (address_id, street_id, ..., x_31370, y_31370). Re-importing updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="directory of the register's files, or a flat CSV file")
        super().add_arguments(parser)

    def handle(self, *args, source, **options):
        path = Path(source)
        if detect_layout(path) == "register":
            self.run_import(import_best_register, options, directory=path)
        else:
            self.run_import(import_best_flat, options, path=path)
