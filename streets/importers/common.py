"""What the street and address importers share: field limits, house numbers, `;`-separated files, the run."""

import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core.importing import ImportRun, progress_bar, read_lines

__all__ = [
    "LAMBERT72",
    "MAX_BOX_NUMBER",
    "MAX_HOUSE_NUMBER",
    "MAX_NAME",
    "MAX_NUMBER",
    "MAX_POSTCODE",
    "MAX_SOURCE_ID",
    "NULL",
    "SRID",
    "parse_house_number",
    "postcode_too_long",
    "separated_rows",
]

NULL = "\\N"  # in COPY text
SRID = settings.BIN_STORAGE_SRID
LAMBERT72 = 31370

# Field sizes of the models (streets.models, areas.models): longer values are bad records, not truncated.
MAX_HOUSE_NUMBER = 16
MAX_BOX_NUMBER = 16
MAX_POSTCODE = 8
MAX_NAME = 200
MAX_SOURCE_ID = 100
# The numeric part of a house number above this is a typing error, not a house.
MAX_NUMBER = 99999

_FIRST_DIGITS = re.compile(r"[0-9]+")
_HOUSE_NUMBER = re.compile(r"[\w /.,'+-]+")


def parse_house_number(raw: str) -> tuple[str, int | None]:
    """Split a house number as written into (text, numeric part); raise ValueError saying why it is absurd."""
    if raw.isdigit() and raw.isascii() and len(raw) <= 5:  # the common case, "138"
        return raw, int(raw)
    text = " ".join(raw.split())
    if not text:
        raise ValueError(_("empty house number"))
    if len(text) > MAX_HOUSE_NUMBER:
        raise ValueError(
            _("house number %(number)s is longer than %(max)s characters")
            % {"number": repr(text), "max": MAX_HOUSE_NUMBER}
        )
    if not _HOUSE_NUMBER.fullmatch(text):
        raise ValueError(_("house number %(number)s has unexpected characters") % {"number": repr(text)})
    # "10A", "10 bis", "12-14" and "12/2" all sort and answer as 12-ish: the first run of digits.
    digits = _FIRST_DIGITS.search(text)
    if digits is None:
        raise ValueError(_("house number %(number)s has no digit") % {"number": repr(text)})
    number = int(digits.group())
    if number > MAX_NUMBER:
        raise ValueError(_("house number %(number)s is out of range") % {"number": repr(text)})
    return text, number


def postcode_too_long(postcode: str) -> str:
    return _("postcode %(postcode)s is longer than %(max)s characters") % {
        "postcode": repr(postcode),
        "max": MAX_POSTCODE,
    }


def separated_rows(
    path: Path, fields: int, run: ImportRun, *, progress: bool
) -> Iterator[tuple[str, int, list[str]]]:
    """(position, line, values) of each line of a `;`-separated file without header (BeST's own layout)
    that has `fields` values; the other lines are bad records, blank lines are passed over."""
    with progress_bar(path=path, progress=progress) as bar:
        for line, raw in read_lines(path, bar):
            position = f"{path.name} line {line}"
            try:
                text = raw.decode("utf-8-sig" if line == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                run.problem(position, _("not UTF-8 text"))
                continue
            if not text.strip():
                continue
            values = text.split(";")
            if len(values) != fields:
                run.problem(
                    position,
                    _("expected %(expected)s fields separated by ';', found %(found)s")
                    % {"expected": fields, "found": len(values)},
                )
                continue
            yield position, line, values
