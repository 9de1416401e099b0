"""The base of every import command: the shared options, the progress switch, and how a report is printed."""

from argparse import BooleanOptionalAction
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from .report import ImportAborted, ImportReport
from .run import ON_ERROR

__all__ = ["ImportCommand"]


class ImportCommand(BaseCommand):
    """A thin wrapper around one importer function: options in, report out."""

    # With --on-error skip, what the importer does when the command is run without --on-error.
    default_on_error = "skip"
    # Lines of each kind (changes, bad records) printed; all of them with --verbosity 2.
    shown_lines = 50

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--on-error",
            choices=ON_ERROR,
            default=self.default_on_error,
            help="skip: import the good records and list the bad ones; stop: stop at the first bad record "
            f"and write nothing (default: {self.default_on_error}).",
        )
        parser.add_argument(
            "--progress",
            action=BooleanOptionalAction,
            default=None,
            help="Progress bars on stderr (default: when stderr is a terminal and verbosity is 1 or more).",
        )

    def import_options(self, options) -> dict:
        """The keyword arguments every importer takes, from the shared options."""
        progress = options["progress"]
        if progress is None:
            # A progress bar only for a person watching, never in logs or tests.
            progress = options["verbosity"] >= 1 and self.stderr.isatty()
        return {"dry_run": options["dry_run"], "on_error": options["on_error"], "progress": progress}

    def run_import(self, importer: Callable[..., ImportReport], options, **kwargs) -> ImportReport:
        """Call the importer with the shared options and `kwargs`, print its report and return it."""
        try:
            report = importer(**self.import_options(options), **kwargs)
        except ImportAborted as exc:
            # The message names the bad record; the counts so far mean nothing, as all was rolled back.
            raise CommandError(_("Import aborted: %(error)s") % {"error": exc}) from exc
        self.print_report(report, verbosity=options["verbosity"])
        return report

    def print_report(self, report: ImportReport, *, verbosity: int = 1) -> None:
        """The change lines, the first bad records and, last, the summary, on stdout."""
        everything = verbosity >= 2
        # A dry run is asked for to see the changes: all of them.
        if report.dry_run or verbosity >= 1:
            self._lines(report.changes, everything or report.dry_run, _("... and %(count)s more changes"))
        self._lines([str(e) for e in report.errors], everything, _("... and %(count)s more bad records"))
        self.stdout.write(report.summary())

    def _lines(self, lines: list[str], everything: bool, more: str) -> None:
        shown = lines if everything else lines[: self.shown_lines]
        for line in shown:
            self.stdout.write(f"  {line}")
        if len(lines) > len(shown):
            self.stdout.write("  " + more % {"count": len(lines) - len(shown)})
