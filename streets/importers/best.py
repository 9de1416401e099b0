"""Importers of the BeST Address register (FOD BOSA): its own `;`-separated layout and the flat CSV form."""

from pathlib import Path

from django.utils.translation import gettext as _

from core.importing import ImportAborted, ImportReport, ImportRun, check_on_error, require_file

from .best_checks import FLAT_COLUMNS, REGISTER_FILES, parse_wkb_point
from .best_flat import FlatImport
from .best_register import RegisterImport
from .staging import Staging, run_staged

__all__ = ["FLAT_COLUMNS", "REGISTER_FILES", "import_best_flat", "import_best_register", "parse_wkb_point"]

# BeST Address identifies every object as namespace/objectId/version: "BA/110975/2" (Brussels),
# "VA/246938/2017-10-11T20:29:25.223" (Flanders), "WA/..." (Wallonia); S for streets, M for municipalities,
# P for postal codes. The version changes each time the region edits the object, so the source id we store
# keeps namespace and object id only ("BA/110975"): the next download's version of an address updates it.
#
# Addresses and streets whose status is "retired" are history, not places: they are not imported (a
# retired street is imported after all when a live address still uses it). A retired address that an
# earlier import stored is left in place; the report says how many there are.
#
# Within one file the first row of an id wins; later rows with the same id are reported as bad records.
#
# Municipalities are created when a street needs one that does not exist (NIS code and names, no boundary);
# an existing municipality keeps its names and boundary. A street's postcode is the most common one of its
# addresses. The register's homonymAddition (what tells two same-named streets of a municipality apart) has
# no field in Street and is not stored. The postal names of the postcodes the files have are replaced
# (streets.postal).
#
# Both layouts run on core.importing like every importer; each reads and checks its file in Python while
# streaming the rows into staging tables, and merges them set-wise at the end (streets.importers.staging).


def import_best_register(
    *,
    directory,
    dry_run: bool = False,
    on_error: str = "skip",
    progress: bool = False,
    source_prefix: str = "",
) -> ImportReport:
    """Import a directory in the register's own layout (addresses_part.csv, streets_part.csv, ...)."""
    check_on_error(on_error)
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportAborted(_("%(path)s: no such directory") % {"path": directory})
    files = {}
    for kind, names in REGISTER_FILES.items():
        found = [directory / name for name in names if (directory / name).is_file()]
        if not found:
            raise ImportAborted(
                _("%(path)s: no %(kind)s file (%(first)s or %(second)s); nothing was imported")
                % {"path": directory, "kind": kind, "first": names[0], "second": names[1]}
            )
        files[kind] = found[0]

    def work(staging: Staging, run: ImportRun) -> None:
        RegisterImport(staging, run, files, progress=progress, prefix=source_prefix).execute()

    return run_staged(source=str(directory), dry_run=dry_run, on_error=on_error, work=work)


def import_best_flat(
    *, path, dry_run: bool = False, on_error: str = "skip", progress: bool = False, source_prefix: str = ""
) -> ImportReport:
    """Import the flat CSV form: one address per row with its street, municipality and x/y in Lambert 72."""
    check_on_error(on_error)
    path = require_file(path)

    def work(staging: Staging, run: ImportRun) -> None:
        FlatImport(staging, run, path, progress=progress, prefix=source_prefix).execute()

    return run_staged(source=str(path), dry_run=dry_run, on_error=on_error, work=work)
