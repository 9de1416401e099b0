"""Reading import files: that they exist, and CSV tables with a header."""

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from .report import ImportAborted

__all__ = ["csv_rows", "require_file"]


def require_file(path: str | Path) -> Path:
    """`path` as a Path, or ImportAborted when there is no such file."""
    path = Path(path)
    if not path.is_file():
        raise ImportAborted(_("%(path)s: no such file.") % {"path": path})
    return path


def csv_rows(path: str | Path, columns: Iterable[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ("line N (file)", row) for a UTF-8 CSV table with a header, after checking it has `columns`."""
    path = require_file(path)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        try:
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportAborted(
                    _("%(path)s has no column %(missing)s; its columns are: %(columns)s.")
                    % {
                        "path": path,
                        "missing": ", ".join(f"“{c}”" for c in missing),
                        "columns": ", ".join(reader.fieldnames or []),
                    }
                )
            for row in reader:
                values = {k: (v or "").strip() for k, v in row.items() if k}
                yield f"line {reader.line_num} ({path.name})", values
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ImportAborted(
                _("%(path)s is not a UTF-8 CSV table: %(error)s.") % {"path": path, "error": exc}
            ) from None
