"""The one way an import runs, whether it writes record by record or stages its file for set-based merges."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from .report import ImportAborted, ImportReport, RecordError

__all__ = [
    "ON_ERROR",
    "ImportRun",
    "Outcome",
    "RecordProblem",
    "check_on_error",
    "import_records",
    "run_import",
]

# skip: import the good records, report the bad ones; stop: the first bad record aborts, nothing is written.
ON_ERROR = ("skip", "stop")

# "created" / "updated" / "unchanged", the line for report.changes, what writes the record (None: nothing)
Outcome = tuple[str, str | None, Callable[[], None] | None]


class RecordProblem(Exception):
    """Why one record cannot be imported; becomes a RecordError with the record's position."""


def check_on_error(on_error: str) -> None:
    """A wrong on_error is the caller's mistake, not the file's: ValueError, before anything is read."""
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


class ImportRun:
    """One import under way: its report and bad records; with on_error='stop' the first one aborts it."""

    def __init__(self, report: ImportReport, on_error: str):
        check_on_error(on_error)
        self.report = report
        self.stop = on_error == "stop"
        self.position = ""  # the record being read, to say where the database failed

    def problem(self, position: str, reason: str) -> None:
        """Note a bad record; with on_error='stop', abort the import (ImportAborted)."""
        error = RecordError(position=position, reason=reason)
        self.report.errors.append(error)
        if self.stop:
            raise ImportAborted(
                _("%(error)s Stopped at the first bad record (on_error=stop): nothing was written.")
                % {"error": _sentence(str(error))},
                self.report,
            )

    def count(self, outcome: str, change: str | None = None) -> None:
        """Count one record as "created", "updated" or "unchanged", with its line for report.changes."""
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        if change:
            self.report.changes.append(change)


def run_import(
    *, source: str, dry_run: bool, on_error: str, work: Callable[[ImportRun], None]
) -> ImportReport:
    """Run `work` in one transaction for the whole file; roll back on dry runs and on any abort."""
    # One transaction: on_error="stop", an unreadable file found half-way and dry runs leave nothing behind,
    # and later records are checked against the earlier ones of the same file.
    report = ImportReport(source=source, dry_run=dry_run)
    run = ImportRun(report, on_error)
    try:
        with transaction.atomic():
            work(run)
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        # Validation should catch every value the database refuses; if one slips through, say so plainly.
        raise ImportAborted(
            _("%(position)s: the database failed: %(error)s. Nothing was written.")
            % {"position": run.position or source, "error": exc},
            report,
        ) from exc
    return report


def import_records(
    run: ImportRun, records: Iterable[tuple[str, Any]], handle: Callable[[str, Any], Outcome]
) -> None:
    """Handle each (position, record) of a file in turn; a RecordProblem makes it a bad record."""
    # Each write gets a savepoint, so that a record the database refuses does not spoil the others.
    # Unchanged records cost no write and no savepoint.
    for position, record in records:
        run.position = position
        try:
            outcome, change, write = handle(position, record)
            if write is not None:
                try:
                    with transaction.atomic():
                        write()
                except DatabaseError as exc:  # rolled back to the savepoint: the rest can go on
                    raise RecordProblem(
                        _("The database refused the record: %(error)s") % {"error": exc}
                    ) from exc
        except RecordProblem as exc:
            run.problem(position, str(exc))
            continue
        run.count(outcome, change)
