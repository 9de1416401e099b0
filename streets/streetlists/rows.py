"""The rows of a street-list file: read, checked one by one, and their streets found."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from areas.models import Municipality
from core.importing import ImportAborted
from core.text import normalise

from ..models import NetworkStreetRange, Street

__all__ = ["COLUMNS", "Range", "RowProblem", "StreetFinder", "read_rows"]

COLUMNS = ("network", "municipality", "street", "postcode", "from", "to", "parity")
PARITIES = tuple(NetworkStreetRange.Parity.values)
# More digits than any house number: a typo, not a number (and no 5,000-digit int()).
_MAX_DIGITS = 6


class RowProblem(Exception):
    """Why one row cannot be used; the message goes into the report with the row's position."""


@dataclass
class Range:
    """One row of a street list, checked: a range of house numbers of one street for one network."""

    position: str  # "line 7" of the file, or "the stored list of BIN X" for ranges already in the database
    network: str
    municipality: Municipality
    street: Street
    first: int | None
    last: int | None
    parity: str
    network_id: int | None = None  # set for stored ranges, and once the network is written
    stored: bool = False  # a range of a network the file does not name: kept as it is
    address_ids: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str]:
        """The network the range belongs to: municipality and name (case as written)."""
        return self.municipality.pk, self.network

    def describe(self) -> str:
        numbers = "" if self.first is None and self.last is None else f" {self.first or ''}-{self.last or ''}"
        return f"“{self.street.name}”{numbers} ({self.parity})"

    def overlaps(self, other: "Range") -> bool:
        """The two ranges share a possible house number of the same street (addresses or not)."""
        if self.street.pk != other.street.pk:
            return False
        if "all" not in (self.parity, other.parity) and self.parity != other.parity:
            return False
        low = max(self.first or 0, other.first or 0)
        high = min(
            self.last if self.last is not None else 10**9, other.last if other.last is not None else 10**9
        )
        return low <= high

    def takes(self, number: int | None) -> bool:
        """The range includes an address with this numeric part (None: an address without a number)."""
        if number is None:
            return self.first is None and self.last is None and self.parity == "all"
        if self.parity != "all" and (number % 2 == 1) != (self.parity == "odd"):
            return False
        return (self.first is None or number >= self.first) and (self.last is None or number <= self.last)


def read_rows(data: bytes, *, name: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ("line N", row) of a UTF-8 CSV table after checking its header (ImportAborted if it is wrong)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportAborted(
            _("%(name)s is not UTF-8 text: %(error)s.") % {"name": name, "error": exc}
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ImportAborted(
                _("line 1 (%(name)s): the header has no column %(missing)s; it must be %(columns)s.")
                % {"name": name, "missing": ", ".join(missing), "columns": ",".join(COLUMNS)}
            )
        reader.fieldnames = header
        for row in reader:
            yield f"line {reader.line_num}", {k: (v or "").strip() for k, v in row.items() if k}
    except csv.Error as exc:
        raise ImportAborted(
            _("%(name)s is not a CSV table: %(error)s.") % {"name": name, "error": exc}
        ) from None


def _number(text: str, column: str) -> int | None:
    if not text:
        return None
    if len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    raise RowProblem(
        _("“%(value)s” in column “%(column)s” is not a house number (digits only, or empty).")
        % {"value": text, "column": column}
    )


class StreetFinder:
    """The streets and municipalities the rows name, looked up once per municipality."""

    def __init__(self, *, allowed_municipalities: set[int] | None = None):
        self.allowed = allowed_municipalities
        self.municipalities: dict[str, Municipality | None] = {}
        self.streets: dict[int, dict[str, list[Street]]] = {}

    def municipality(self, nis: str) -> Municipality:
        if nis not in self.municipalities:
            self.municipalities[nis] = Municipality.objects.filter(nis_code=nis).first() if nis else None
        found = self.municipalities[nis]
        if found is None:
            raise RowProblem(_("Unknown municipality “%(nis)s” (a NIS code, e.g. 23027).") % {"nis": nis})
        if self.allowed is not None and found.pk not in self.allowed:
            raise RowProblem(
                _("You may not manage the networks of %(municipality)s.") % {"municipality": found}
            )
        return found

    def street(self, municipality: Municipality, name: str, postcode: str) -> Street:
        by_name = self.streets.get(municipality.pk)
        if by_name is None:
            by_name = self.streets[municipality.pk] = {}
            for street in Street.objects.filter(municipality=municipality):
                for key in {normalise(n) for n in (street.name_nl, street.name_fr, street.name_de) if n}:
                    by_name.setdefault(key, []).append(street)
        found = by_name.get(normalise(name), [])
        if postcode:
            found = [s for s in found if s.postcode == postcode]
        if not found:
            raise RowProblem(
                _("Unknown street “%(street)s” in %(municipality)s (postcode %(postcode)s).")
                % {"street": name, "municipality": municipality, "postcode": postcode or "-"}
            )
        if len(found) > 1:
            raise RowProblem(
                _("Several streets of %(municipality)s are called “%(street)s”: give the postcode.")
                % {"street": name, "municipality": municipality}
            )
        return found[0]

    def range(self, position: str, row: dict[str, str]) -> Range:
        """The row as a Range, or RowProblem saying what is wrong with it."""
        if not row.get("network"):
            raise RowProblem(_("The network name is empty."))
        parity = row.get("parity", "").lower()
        if parity not in PARITIES:
            raise RowProblem(
                _("Bad parity “%(parity)s”: it must be odd, even or all.") % {"parity": row.get("parity", "")}
            )
        first, last = _number(row.get("from", ""), "from"), _number(row.get("to", ""), "to")
        if first is not None and last is not None and first > last:
            raise RowProblem(
                _("The range %(first)s-%(last)s ends before it starts.") % {"first": first, "last": last}
            )
        municipality = self.municipality(row.get("municipality", ""))
        street = self.street(municipality, row.get("street", ""), row.get("postcode", ""))
        return Range(position, row["network"], municipality, street, first, last, parity)
