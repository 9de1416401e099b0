"""SQL that lives in files: functions and triggers, one file per subject beside the app that owns it.

The current definition of a database function or trigger is the file (`<app>/sql/<name>.sql`), written with
CREATE OR REPLACE (and DROP TRIGGER IF EXISTS before CREATE TRIGGER), so that running it again is harmless.
Migrations load the files with `RunSQLFile`: the migration that introduced a function loads its file, and a
change to a file comes with a new migration that loads it again. One-off statements (a new column, a
backfill) stay in their migration.
"""

from pathlib import Path

from django.db import migrations

__all__ = ["RunSQLFile", "sql_file"]

ROOT = Path(__file__).resolve().parent.parent.parent


def sql_file(app: str, name: str) -> str:
    """The text of `<app>/sql/<name>`."""
    return (ROOT / app / "sql" / name).read_text(encoding="utf-8")


def RunSQLFile(app: str, name: str, *, reverse_sql: str | None = None, before: str = "", after: str = ""):
    """A RunSQL operation that runs `<app>/sql/<name>` (with `before` and `after` around it)."""
    sql = "\n".join(part for part in (before, sql_file(app, name), after) if part)
    return migrations.RunSQL(sql, reverse_sql or migrations.RunSQL.noop)
