"""Importer of the BeST register's postals.csv: the place names of the postcodes (streets.postal)."""

from pathlib import Path

from django.utils.translation import gettext as _

from core.importing import ImportAborted, ImportReport, ImportRun, check_on_error, require_file, run_import

from ..postal import postal_name_rows, postal_names_replace, postal_names_stored
from .best_checks import POSTAL_FIELDS
from .common import separated_rows

__all__ = ["import_postal_names"]


def import_postal_names(
    *, path: str | Path, dry_run: bool = False, on_error: str = "stop", progress: bool = False
) -> ImportReport:
    """Replace the names of the postcodes listed in a BeST postals.csv (identifier;postcode;nameNL;nameFR;
    nameDE, `;`-separated, no header); other postcodes keep theirs. All or nothing unless on_error='skip'."""
    check_on_error(on_error)
    path = require_file(path)

    def work(run: ImportRun) -> None:
        names: dict[str, list[str]] = {}
        for position, _line, values in separated_rows(path, POSTAL_FIELDS, run, progress=progress):
            _identifier, postcode, *given = (v.strip() for v in values)
            if not (postcode.isdigit() and len(postcode) == 4):
                run.problem(
                    position, _("%(postcode)s is not a Belgian postcode") % {"postcode": repr(postcode)}
                )
                continue
            names.setdefault(postcode, []).extend(n for n in given if n)
        if not names:
            raise ImportAborted(_("%(name)s: no postcodes in the file") % {"name": path.name}, run.report)
        # A postcode listed without names (the register's Walloon rows) keeps the names it has.
        named = {pc: given for pc, given in names.items() if given}
        _count(run.report, named)
        run.report.unchanged += len(names) - len(named)
        rows = postal_names_replace(named)
        run.report.changes.append(
            _("%(names)s names for %(postcodes)s postcodes") % {"names": rows, "postcodes": len(named)}
        )

    return run_import(source=str(path), dry_run=dry_run, on_error=on_error, work=work)


def _count(report: ImportReport, named: dict[str, list[str]]) -> None:
    """Count each postcode as created (it had no names), updated or unchanged."""
    stored = postal_names_stored(postcodes=list(named))
    new: dict[str, set[str]] = {}
    for postcode, name in postal_name_rows(named):
        new.setdefault(postcode, set()).add(name)
    for postcode in named:
        if postcode not in stored:
            report.created += 1
        elif stored[postcode] == new.get(postcode, set()):
            report.unchanged += 1
        else:
            report.updated += 1
