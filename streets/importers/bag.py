"""Dutch addresses from the BAG (Basisregistratie Adressen en Gebouwen): its public CSV export layout."""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from core.importing import (
    ImportAborted,
    ImportReport,
    ImportRun,
    check_on_error,
    progress_bar,
    read_lines,
    require_file,
    say,
)

from ..postal import postal_names_replace
from .best_checks import ADDRESS_COLUMNS, MUNICIPALITY_COLUMNS, STREET_COLUMNS, check_names
from .common import MAX_NUMBER, MAX_SOURCE_ID
from .staging import Staging, merge_all, run_staged

__all__ = [
    "BAG_COLUMNS",
    "RD_NEW",
    "bag_house_number",
    "bag_municipality_code",
    "bag_postcode",
    "import_bag",
]

# The BAG's CSV export (one row per nummeraanduiding, as PDOK's and NLExtract's address exports give it):
# a header row, ',' or ';' between values, x/y in RD New. Other columns (status, gebruiksdoel, ...) are
# allowed and ignored.
BAG_COLUMNS = (
    "identificatie",
    "openbareruimte",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "postcode",
    "woonplaats",
    "gemeentecode",
    "x",
    "y",
)
RD_NEW = 28992
# EPSG:28992's area of use (the Netherlands with its territorial sea): a point outside is a bad record.
RD_NEW_EXTENT = (-7000.0, 289000.0, 300000.0, 629000.0)

# How the BAG's parts become one Address (streets.models). A nummeraanduiding is huisnummer (12) +
# huisletter (a) + huisnummertoevoeging (II, 1, hs, bis): the letter makes another house ("12a" is not
# "12"), the toevoeging another door in the same house, as a Belgian box does. So: house_number "12a",
# number 12, box_number "II", postcode "1234AB", as core.country's docstring settles it for the importer and
# the lookup alike: "Dorpsstraat 12a" is then a house with boxes, "12a-II" one of its boxes.
#
# Streets: the export has no street id, so a street is its name within its woonplaats and gemeente (two
# woonplaatsen of one gemeente may each have a Dorpsstraat); source id "BAG/GM0363/<woonplaats>/<name>".
# Addresses keep the 16-digit nummeraanduiding id: "BAG/0363200000123456". Municipalities are matched and
# created by CBS code; a new one is named after the woonplaats of its first row (the export has no gemeente
# name); a stored municipality keeps its name and boundary. The woonplaats is the place name of the postcode
# (streets.postal), so "1234 AB Ons Dorp" finds its postcode by name too.
#
# Like the BeST importers, the rows are checked in Python while they stream into the staging tables, and
# merged set-wise (streets.importers.staging); coordinates are transformed from RD New to the storage SRID
# there, whatever it is.


def bag_house_number(huisnummer: str, huisletter: str, toevoeging: str) -> tuple[str, int, str]:
    """(house_number, number, box_number) of a BAG nummeraanduiding; ValueError says why it is absurd."""
    digits = huisnummer.strip()
    if not digits:
        raise ValueError(_("empty house number"))
    if not (digits.isdigit() and digits.isascii() and 0 < int(digits) <= MAX_NUMBER):
        raise ValueError(
            _("house number %(number)s is not a number from 1 to 99999") % {"number": repr(digits)}
        )
    letter = huisletter.strip()
    if len(letter) > 1 or (letter and not (letter.isalpha() and letter.isascii())):
        raise ValueError(_("huisletter %(letter)s is not one letter") % {"letter": repr(letter)})
    box = "".join(toevoeging.split())
    if len(box) > 4 or not all(c.isascii() and c.isalnum() for c in box):
        # The BAG allows at most four letters or digits.
        raise ValueError(
            _("huisnummertoevoeging %(value)s is not 1 to 4 letters or digits") % {"value": repr(box)}
        )
    number = int(digits)
    house_number = f"{number}{letter}"
    return house_number, number, box


def bag_postcode(raw: str) -> str:
    """'1234 ab', '1234AB' -> '1234AB' (the BAG's form, core.country); ValueError when it is not Dutch."""
    text = "".join(raw.split()).upper()
    if not (len(text) == 6 and text[:4].isdigit() and text[:4].isascii() and text[0] != "0"):
        raise ValueError(
            _("postcode %(postcode)s is not a Dutch postcode (1234 AB)") % {"postcode": repr(raw)}
        )
    if not (text[4:].isalpha() and text[4:].isascii()):
        raise ValueError(
            _("postcode %(postcode)s is not a Dutch postcode (1234 AB)") % {"postcode": repr(raw)}
        )
    return text


def bag_municipality_code(raw: str) -> str:
    """CBS gemeentecode '363', '0363' or 'GM0363' -> 'GM0363' (Municipality.nis_code's form, core.country)."""
    code = raw.strip().upper().removeprefix("GM")
    if not (code.isdigit() and code.isascii() and 1 <= len(code) <= 4 and int(code) > 0):
        raise ValueError(_("gemeentecode %(code)s is not a CBS code (GM0363)") % {"code": repr(raw)})
    return f"GM{code.zfill(4)}"


def _clean_text(value: str, missing: str) -> str:
    """`value` trimmed; ValueError `missing` when it is empty."""
    text = " ".join(value.split())
    if not text:
        raise ValueError(missing)
    if not text.isprintable() or "\\" in text:
        raise ValueError(_("%(value)s has unexpected characters") % {"value": repr(text)})
    return text


def _coordinates(x: str, y: str) -> tuple[float, float]:
    try:
        fx, fy = float(x.replace(",", ".")), float(y.replace(",", "."))
    except ValueError:
        raise ValueError(_("bad coordinates (%(x)s, %(y)s)") % {"x": repr(x), "y": repr(y)}) from None
    xmin, ymin, xmax, ymax = RD_NEW_EXTENT
    if not (xmin <= fx <= xmax and ymin <= fy <= ymax):  # NaN fails too
        raise ValueError(
            _("position (%(x)s, %(y)s) is outside the Netherlands (EPSG:28992)") % {"x": fx, "y": fy}
        )
    return fx, fy


def _decoded_lines(path: Path, bar, bad: set[int]) -> Iterator[str]:
    for number, raw in read_lines(path, bar):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            bad.add(number)
            yield raw.decode("utf-8", "replace")


class BagImport:
    """One BAG CSV file: checked row by row while its addresses stream into staging, then merged."""

    def __init__(self, staging: Staging, run: ImportRun, path: Path, *, progress: bool):
        self.staging, self.run, self.path, self.progress = staging, run, path, progress
        self.streets: dict[str, tuple] = {}
        self.municipalities: dict[str, tuple] = {}
        self.postal_names: dict[str, set[str]] = {}
        self.bad_lines: set[int] = set()

    def execute(self) -> None:
        staging = self.staging
        with self.path.open("rb") as fh:
            first = fh.readline(64 * 1024).decode("utf-8", "replace")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        with progress_bar(path=self.path, progress=self.progress) as bar:
            reader = csv.reader(_decoded_lines(self.path, bar, self.bad_lines), delimiter=delimiter)
            try:
                columns = self.columns(reader)
                with staging.copy_text(staging.address, ADDRESS_COLUMNS) as write:
                    self.stage_addresses(reader, columns, write)
            except csv.Error as exc:
                raise ImportAborted(
                    _("%(name)s line %(line)s: not readable as CSV (%(error)s); nothing was imported")
                    % {"name": self.path.name, "line": reader.line_num, "error": exc},
                    self.run.report,
                ) from None
        with staging.copy(staging.street, STREET_COLUMNS) as write:
            for row in self.streets.values():
                write(row)
        with staging.copy(staging.municipality, MUNICIPALITY_COLUMNS) as write:
            for row in self.municipalities.values():
                write(row)
        say(self.progress, _("merging into the database"))
        name = self.path.name
        merge_all(staging, self.run, srid=RD_NEW, position=lambda line, _id: f"{name} line {line}")
        postal_names_replace(self.postal_names)

    def columns(self, reader) -> tuple[int, list[int]]:
        header = [h.strip().lstrip("\ufeff").lower() for h in next(reader, [])]
        missing = [c for c in BAG_COLUMNS if c not in header]
        if missing:
            raise ImportAborted(
                _("%(name)s: not a BAG address file: missing column(s) %(columns)s; nothing was imported")
                % {"name": self.path.name, "columns": ", ".join(missing)},
                self.run.report,
            )
        return len(header), [header.index(c) for c in BAG_COLUMNS]

    def stage_addresses(self, reader, columns, write) -> None:
        width, indexes = columns
        name, problem = self.path.name, self.run.problem
        for row in reader:
            line = reader.line_num
            if len(row) != width:
                if len(row) == 0 or (len(row) == 1 and not row[0].strip()):
                    continue
                problem(
                    f"{name} line {line}",
                    _("expected %(expected)s fields, found %(found)s")
                    % {"expected": width, "found": len(row)},
                )
                continue
            try:
                if line in self.bad_lines:
                    raise ValueError(_("not UTF-8 text"))
                text = self.stage_row([row[i] for i in indexes], line)
            except ValueError as exc:
                problem(f"{name} line {line}", str(exc))
                continue
            write(text)

    def stage_row(self, values: list[str], line: int) -> str:
        """The staging line (COPY text) of one row; its street, municipality and postal name are noted."""
        identificatie, street_name, nr, letter, toevoeging, postcode, place, gemeente, x, y = values
        identificatie = identificatie.strip()
        if not (identificatie.isdigit() and identificatie.isascii() and len(identificatie) == 16):
            raise ValueError(_("identificatie %(id)s is not a 16-digit BAG id") % {"id": repr(identificatie)})
        street_name = _clean_text(street_name, _("no street name (openbareruimte)"))
        place = _clean_text(place, _("no woonplaats"))
        house_number, number, box = bag_house_number(nr, letter, toevoeging)
        postcode = bag_postcode(postcode)
        code = bag_municipality_code(gemeente)
        px, py = _coordinates(x, y)
        check_names(street_name, "", "")
        street = f"BAG/{code}/{place}/{street_name}"
        if len(street) > MAX_SOURCE_ID:
            raise ValueError(_("street name %(name)s is too long") % {"name": repr(street_name)})
        if code not in self.municipalities:
            self.municipalities[code] = (code, *check_names(place, "", ""))
        self.streets.setdefault(street, (line, street, code, street_name, "", ""))
        self.postal_names.setdefault(postcode, set()).add(place)
        # COPY text: every value was checked to be printable without backslashes, so none needs escaping.
        values = (
            line,
            f"BAG/{identificatie}",
            street,
            house_number,
            number,
            box,
            postcode,
            repr(px),
            repr(py),
        )
        return "\t".join(map(str, values)) + "\n"


def import_bag(
    *, path, dry_run: bool = False, on_error: str = "skip", progress: bool = False
) -> ImportReport:
    """Import a BAG CSV export: one nummeraanduiding per row with its street, postcode, gemeente, x/y."""
    check_on_error(on_error)
    path = require_file(path)

    def work(staging: Staging, run: ImportRun) -> None:
        BagImport(staging, run, path, progress=progress).execute()

    return run_staged(source=str(path), dry_run=dry_run, on_error=on_error, work=work)
