"""The one import framework (core.importing): the run and its bad records, dry runs, database failures, and
the command base every import command prints its report with."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from core.importing import (
    ImportAborted,
    ImportCommand,
    ImportReport,
    RecordError,
    RecordProblem,
    import_records,
    run_import,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def table():
    """A table of unique numbers for the records to write into."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE import_test (n integer UNIQUE)")
    yield "import_test"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE import_test")


def stored(table: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n FROM {table} ORDER BY n")
        return [n for (n,) in cursor.fetchall()]


def number_import(table: str, values: list[str], **options) -> ImportReport:
    """An importer of numbers, one a record: "x" is a bad record, a repeated number the database refuses."""

    def handle(position, value):
        if not value.isdigit():
            raise RecordProblem(f"{value!r} is not a number")

        def write():
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {table} (n) VALUES (%s)", [int(value)])

        return "created", f"create {value}", write

    records = [(f"line {n}", value) for n, value in enumerate(values, start=1)]
    return run_import(
        source="numbers.txt",
        work=lambda run: import_records(run, records, handle),
        **{"dry_run": False, "on_error": "skip", **options},
    )


def test_bad_records_are_skipped_with_their_position(table):
    report = number_import(table, ["1", "x", "2", "2"])
    assert (report.created, report.skipped) == (2, 2)
    assert report.errors[0] == RecordError("line 2", "'x' is not a number")
    # The repeated number: refused by the database, rolled back to its savepoint, the others stay.
    assert report.errors[1].position == "line 4"
    assert report.errors[1].reason.startswith("The database refused the record")
    assert report.changes == ["create 1", "create 2"]
    assert stored(table) == [1, 2]


def test_on_error_stop_writes_nothing(table):
    with pytest.raises(ImportAborted) as exc:
        number_import(table, ["1", "x", "2"], on_error="stop")
    assert str(exc.value) == (
        "line 2: 'x' is not a number. Stopped at the first bad record (on_error=stop): nothing was written."
    )
    assert exc.value.report.errors == [RecordError("line 2", "'x' is not a number")]
    assert stored(table) == []


def test_dry_run_counts_and_rolls_back(table):
    report = number_import(table, ["1", "2"], dry_run=True)
    assert report.created == 2 and report.dry_run
    assert report.summary() == "numbers.txt: 2 would be created, 0 would be updated, 0 unchanged, 0 skipped"
    assert stored(table) == []


def test_a_database_failure_aborts_the_import_and_says_where(table):
    def work(run):
        import_records(run, [("line 1", "1")], lambda position, value: ("created", None, None))
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    with pytest.raises(ImportAborted, match=r"^line 1: the database failed: .*division by zero.*Nothing was"):
        run_import(source="numbers.txt", dry_run=False, on_error="skip", work=work)


def test_an_unknown_on_error_is_a_programming_error():
    with pytest.raises(ValueError, match="on_error must be one of"):
        run_import(source="x", dry_run=False, on_error="ignore", work=lambda run: None)


def test_the_summary_speaks_the_active_language():
    report = ImportReport(source="wijken.shp", created=2, updated=1, unchanged=3)
    with translation.override("nl"):
        assert report.summary() == "wijken.shp: 2 aangemaakt, 1 bijgewerkt, 3 ongewijzigd, 0 overgeslagen"
    with translation.override("fr"):
        assert report.summary() == "wijken.shp : 2 créés, 1 mis à jour, 3 inchangés, 0 ignorés"


# --- the command base ------------------------------------------------------------------------------------


class NumbersCommand(ImportCommand):
    """A command around a fake importer that reports `changes` change lines and `errors` bad records."""

    shown_lines = 3

    def add_arguments(self, parser):
        parser.add_argument("--changes", type=int, default=0)
        parser.add_argument("--errors", type=int, default=0)
        parser.add_argument("--abort", action="store_true")
        super().add_arguments(parser)

    def handle(self, *args, changes, errors, abort, **options):
        self.run_import(self.importer, options, changes=changes, errors=errors, abort=abort)

    def importer(self, *, changes, errors, abort, dry_run, on_error, progress):
        self.received = {"dry_run": dry_run, "on_error": on_error, "progress": progress}
        if abort:
            raise ImportAborted("line 7: broken. Nothing was written.")
        report = ImportReport(source="numbers.txt", dry_run=dry_run, created=changes)
        report.changes = [f"create {n}" for n in range(1, changes + 1)]
        report.errors = [RecordError(f"line {n}", "bad") for n in range(1, errors + 1)]
        return report


def run(*args) -> tuple[NumbersCommand, list[str], str]:
    command, out, err = NumbersCommand(), StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return command, out.getvalue().splitlines(), err.getvalue()


def test_the_report_is_changes_then_bad_records_then_the_summary():
    _command, out, err = run("--changes=2", "--errors=1")
    assert out == [
        "  create 1",
        "  create 2",
        "  line 1: bad",
        "numbers.txt: 2 were created, 0 were updated, 0 unchanged, 1 skipped",
    ]
    assert err == ""


def test_long_lists_are_cut_unless_asked_for():
    _command, out, _err = run("--changes=5", "--errors=4")
    assert out[3] == "  ... and 2 more changes"
    assert out[4:8] == ["  line 1: bad", "  line 2: bad", "  line 3: bad", "  ... and 1 more bad records"]
    _command, out, _err = run("--changes=5", "--errors=4", "--verbosity=2")
    assert len(out) == 5 + 4 + 1
    # A dry run is run to see the changes: all of them.
    _command, out, _err = run("--changes=5", "--errors=4", "--dry-run")
    assert out[:5] == [f"  create {n}" for n in range(1, 6)] and "  ... and 1 more bad records" in out
    # Verbosity 0: the bad records and the summary.
    _command, out, _err = run("--changes=5", "--errors=1", "--verbosity=0")
    assert out == ["  line 1: bad", "numbers.txt: 5 were created, 0 were updated, 0 unchanged, 1 skipped"]


def test_the_shared_options_and_both_spellings_of_progress():
    command, _out, _err = run()
    # Progress bars only for a person at a terminal; the test's stderr is none.
    assert command.received == {"dry_run": False, "on_error": "skip", "progress": False}
    command, _out, _err = run("--dry-run", "--on-error=stop", "--progress")
    assert command.received == {"dry_run": True, "on_error": "stop", "progress": True}
    command, _out, _err = run("--no-progress")
    assert command.received["progress"] is False
    with pytest.raises(CommandError):
        run("--on-error=ignore")


def test_an_aborted_import_is_a_command_error():
    with pytest.raises(CommandError, match=r"^Import aborted: line 7: broken\. Nothing was written\.$"):
        run("--abort")
