"""The import framework every importer uses.

An importer is one function, called by its management command (and the admin, the API, load_demo alike): it
reads a file, reports each bad record by its position and goes on (on_error="skip") or stops and writes
nothing (on_error="stop"); a dry run reports what would change and rolls back. It returns an ImportReport
or raises ImportAborted.

- `report`: ImportReport, RecordError, ImportAborted: what comes back.
- `run`: run_import, the one transaction of a whole file and its collector of bad records (ImportRun);
  import_records, the loop of importers that write record by record (a savepoint each); importers that
  stage their file for set-based merges (the street importers) report into the same ImportRun.
- `progress`, `files`: progress bars on stderr, reading lines and CSV tables.
- `command`: ImportCommand, the base of every import command.
"""

from .command import ImportCommand
from .files import csv_rows, require_file
from .progress import CountingFile, progress_bar, progress_iter, read_lines, say
from .report import ImportAborted, ImportReport, RecordError
from .run import ON_ERROR, ImportRun, Outcome, RecordProblem, check_on_error, import_records, run_import

__all__ = [
    "ON_ERROR",
    "CountingFile",
    "ImportAborted",
    "ImportCommand",
    "ImportReport",
    "ImportRun",
    "Outcome",
    "RecordError",
    "RecordProblem",
    "check_on_error",
    "csv_rows",
    "import_records",
    "progress_bar",
    "progress_iter",
    "read_lines",
    "require_file",
    "run_import",
    "say",
]
