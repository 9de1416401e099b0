"""The BeST Address register's flat CSV form: one address per row with its street and municipality."""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core.geometry import projected_extent
from core.importing import ImportAborted, ImportRun, progress_bar, read_lines, say

from ..postal import postal_names_replace
from .best_checks import (
    ADDRESS_COLUMNS,
    FLAT_COLUMNS,
    FLAT_OPTIONAL_COLUMNS,
    MUNICIPALITY_COLUMNS,
    RETIRED,
    STREET_COLUMNS,
    check_box,
    check_names,
    check_nis,
    check_position,
    check_postcode,
    note_retired,
    object_id,
)
from .common import LAMBERT72, NULL, parse_house_number
from .staging import Staging, merge_all

__all__ = ["FlatImport"]


def _decoded_lines(path: Path, bar, bad: set[int]) -> Iterator[str]:
    """The lines of a file as text, moving the progress bar; lines that are not UTF-8 are noted in `bad`."""
    for number, raw in read_lines(path, bar):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            bad.add(number)
            yield raw.decode("utf-8", "replace")


class FlatImport:
    """One flat CSV file: read and checked row by row while its addresses stream into staging, then merged."""

    def __init__(self, staging: Staging, run: ImportRun, path: Path, *, progress: bool, prefix: str):
        self.staging = staging
        self.run = run
        self.path = path
        self.progress = progress
        self.prefix = prefix
        self.streets: dict[str, tuple] = {}
        self.municipalities: dict[str, tuple] = {}
        self.postal_names: dict[str, set[str]] = {}
        self.retired: list[str] = []
        self.bad_lines: set[int] = set()

    def execute(self) -> None:
        staging = self.staging
        with progress_bar(path=self.path, progress=self.progress) as bar:
            reader = csv.reader(_decoded_lines(self.path, bar, self.bad_lines))
            try:
                columns = self.columns(reader)
                with staging.copy_text(staging.address, ADDRESS_COLUMNS) as write:
                    self.stage_addresses(reader, columns, write)
            except csv.Error as exc:
                # The csv module gives up on some broken files (a quote never closed swallows the rest).
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
        merge_all(staging, self.run, srid=LAMBERT72, position=lambda line, _id: f"{name} line {line}")
        note_retired(staging, self.run.report, self.retired)
        postal_names_replace({pc: names for pc, names in self.postal_names.items() if names})

    def columns(self, reader) -> tuple[int, list[int], list[int | None]]:
        """The header's width, the index of each FLAT_COLUMNS and of each FLAT_OPTIONAL_COLUMNS (or None)."""
        header = [h.strip().lstrip("\ufeff").lower() for h in next(reader, [])]
        missing = [c for c in FLAT_COLUMNS if c not in header]
        if missing:
            raise ImportAborted(
                _(
                    "%(name)s: not a flat BeST address file: missing column(s) %(columns)s; nothing was "
                    "imported"
                )
                % {"name": self.path.name, "columns": ", ".join(missing)},
                self.run.report,
            )
        required = [header.index(c) for c in FLAT_COLUMNS]
        optional = [header.index(c) if c in header else None for c in FLAT_OPTIONAL_COLUMNS]
        return len(header), required, optional

    def stage_addresses(self, reader, columns, write) -> None:
        # The hot loop of a country import: checks inline, rows written as COPY text (every value is checked
        # to be printable and free of backslashes, so none needs escaping); locals rather than attributes.
        width, required, optional = columns
        (a_id, s_id, s_nl, s_fr, hnr, box_col, pc, m_nis, m_nl, m_fr, x_col, y_col) = required
        s_de, m_de, status_col, p_nl, p_fr = optional
        extent = projected_extent(tuple(settings.BIN_SERVICE_BBOX), LAMBERT72)
        name, prefix, bad_lines, add_problem = self.path.name, self.prefix, self.bad_lines, self.run.problem
        streets, municipalities, postal_names, retired = (
            self.streets,
            self.municipalities,
            self.postal_names,
            self.retired,
        )
        street_ids: dict[str, str] = {}  # as written in the file -> source id
        for row in reader:
            line = reader.line_num
            if len(row) != width:
                if len(row) == 0 or (len(row) == 1 and not row[0].strip()):
                    continue
                add_problem(
                    f"{name} line {line}",
                    _("expected %(expected)s fields, found %(found)s")
                    % {"expected": width, "found": len(row)},
                )
                continue
            try:
                if bad_lines and line in bad_lines:
                    raise ValueError(_("not UTF-8 text"))
                source_id = object_id(row[a_id], prefix)
                street = street_ids.get(row[s_id])
                if street is None:
                    if not row[s_id].strip():
                        raise ValueError(_("no street id"))
                    street = object_id(row[s_id], prefix)
                    # The street and its municipality come from the street's first row, even when that
                    # row's address is bad: the street itself is fine.
                    nis = check_nis(row[m_nis])
                    if nis not in municipalities:
                        m_names = (row[m_nl], row[m_fr], row[m_de] if m_de is not None else "")
                        municipalities[nis] = (nis, *check_names(*m_names, required=False))
                    s_names = (row[s_nl], row[s_fr], row[s_de] if s_de is not None else "")
                    streets.setdefault(street, (line, street, nis, *check_names(*s_names)))
                    street_ids[row[s_id]] = street
                if status_col is not None and row[status_col].strip() == RETIRED:
                    retired.append(source_id)
                    continue
                house_number, number = parse_house_number(row[hnr])
                box = row[box_col]
                if box:
                    box = check_box(box)
                postcode = row[pc]
                if not (postcode.isdigit() and len(postcode) == 4):  # the Belgian case
                    postcode = check_postcode(postcode)
                if postcode not in postal_names:
                    given = (row[c] for c in (p_nl, p_fr) if c is not None)
                    postal_names[postcode] = {n.strip() for n in given if n.strip()}
                try:
                    x, y = float(row[x_col]), float(row[y_col])
                except ValueError:
                    raise ValueError(
                        _("bad coordinates (%(x)s, %(y)s)") % {"x": repr(row[x_col]), "y": repr(row[y_col])}
                    ) from None
                if not (extent[0] <= x <= extent[2] and extent[1] <= y <= extent[3]):
                    check_position(x, y, extent)
            except ValueError as exc:
                add_problem(f"{name} line {line}", str(exc))
                continue
            write(
                f"{line}\t{source_id}\t{street}\t{house_number}\t"
                f"{NULL if number is None else number}\t{box}\t{postcode}\t{x!r}\t{y!r}\n"
            )
