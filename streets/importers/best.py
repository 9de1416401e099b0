"""Importers of the BeST Address register (FOD BOSA): its own `;`-separated layout and the flat CSV form."""

import csv
import struct
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from core.geometry import projected_extent
from core.importing import ImportAborted, ImportReport

from ..postal import postal_names_replace
from .common import (
    LAMBERT72,
    MAX_BOX_NUMBER,
    MAX_NAME,
    MAX_POSTCODE,
    MAX_SOURCE_ID,
    NULL,
    Problems,
    Staging,
    merge_all,
    parse_house_number,
    progress_bar,
    read_lines,
    run_import,
    say,
)

__all__ = ["FLAT_COLUMNS", "REGISTER_FILES", "import_best_flat", "import_best_register"]

# BeST Address identifies every object as namespace/objectId/version: "BA/110975/2" (Brussels),
# "VA/246938/2017-10-11T20:29:25.223" (Flanders), "WA/..." (Wallonia); S for streets, M for municipalities,
# P for postal codes. The version changes each time the region edits the object, so the source id we store
# keeps namespace and object id only ("BA/110975"): the next download's version of an address updates it.
#
# Addresses and streets whose status is "retired" are history, not places: they are not imported (a
# retired street is imported after all when a live address still uses it). A retired address that an
# earlier import stored is left in place; the report says how many there are.
#
# Within one file the first row of an id wins; later rows with the same id are reported as bad records.
#
# Municipalities are created when a street needs one that does not exist (NIS code and names, no boundary);
# an existing municipality keeps its names and boundary. A street's postcode is the most common one of its
# addresses. The register's homonymAddition (what tells two same-named streets of a municipality apart) has
# no field in Street and is not stored.

# The register's own layout: no header, ';'-separated, these columns (from best-tools' postgis.sql).
REGISTER_FILES = {
    "addresses": ("addresses_part.csv", "addresses.csv"),
    "streets": ("streets_part.csv", "streets.csv"),
    "municipalities": ("municipalities.csv", "municipalities_part.csv"),
    "postals": ("postals.csv", "postals_part.csv"),
}
ADDRESS_FIELDS = 17  # identifier;mIdentifier;mpIdentifier;sIdentifier;pIdentifier;housenumber;boxnumber;...
STREET_FIELDS = 12  # identifier;mIdentifier;nameNL;nameFR;nameDE;homonymAddition;streetnameType;status;...
MUNICIPALITY_FIELDS = 5  # identifier;refnisCode;nameNL;nameFR;nameDE
POSTAL_FIELDS = 5  # identifier;postalCode;nameNL;nameFR;nameDE

# The flat form: one address per row with its street and municipality, a header, coordinates in Lambert 72.
FLAT_COLUMNS = (
    "address_id",
    "street_id",
    "street_nl",
    "street_fr",
    "housenumber",
    "boxnumber",
    "postcode",
    "municipality_nis",
    "municipality_nl",
    "municipality_fr",
    "x_31370",
    "y_31370",
)
FLAT_OPTIONAL_COLUMNS = ("street_de", "municipality_de", "status", "postname_nl", "postname_fr")

ADDRESS_COLUMNS = (
    "line",
    "source_id",
    "street_source_id",
    "house_number",
    "number",
    "box_number",
    "postcode",
)
ADDRESS_COLUMNS += ("x", "y")
STREET_COLUMNS = ("line", "source_id", "nis", "name_nl", "name_fr", "name_de")
MUNICIPALITY_COLUMNS = ("nis", "name_nl", "name_fr", "name_de")
RETIRED = "retired"


def import_best_register(
    *,
    directory,
    dry_run: bool = False,
    on_error: str = "skip",
    progress: bool = False,
    source_prefix: str = "",
) -> ImportReport:
    """Import a directory in the register's own layout (addresses_part.csv, streets_part.csv, ...)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportAborted(f"{directory}: no such directory")
    files = {}
    for kind, names in REGISTER_FILES.items():
        found = [directory / name for name in names if (directory / name).is_file()]
        if not found:
            raise ImportAborted(f"{directory}: no {kind} file ({' or '.join(names)}); nothing was imported")
        files[kind] = found[0]

    def work(staging: Staging, problems: Problems) -> None:
        _RegisterImport(staging, problems, files, progress=progress, prefix=source_prefix).run()

    return run_import(source=str(directory), dry_run=dry_run, on_error=on_error, work=work)


def import_best_flat(
    *, path, dry_run: bool = False, on_error: str = "skip", progress: bool = False, source_prefix: str = ""
) -> ImportReport:
    """Import the flat CSV form: one address per row with its street, municipality and x/y in Lambert 72."""
    path = Path(path)
    if not path.is_file():
        raise ImportAborted(f"{path}: no such file")

    def work(staging: Staging, problems: Problems) -> None:
        _flat_import(staging, problems, path, progress=progress, prefix=source_prefix)

    return run_import(source=str(path), dry_run=dry_run, on_error=on_error, work=work)


# --- shared checks --------------------------------------------------------------------------------------


def object_id(identifier: str, prefix: str) -> str:
    """'BA/110975/2' -> prefix + 'BA/110975'; raise ValueError when it is not a BeST identifier."""
    namespace, _, rest = identifier.strip().partition("/")
    number = rest.partition("/")[0]
    source_id = f"{prefix}{namespace}/{number}"
    if not (namespace and number and source_id.isprintable()) or " " in source_id or "\\" in source_id:
        raise ValueError(f"{identifier!r} is not a BeST identifier")
    if len(source_id) > MAX_SOURCE_ID:
        raise ValueError(f"identifier {identifier!r} is too long")
    return source_id


def check_names(nl: str, fr: str, de: str, *, required: bool = True) -> tuple[str, str, str]:
    names = (nl.strip(), fr.strip(), de.strip())
    if required and not any(names):
        raise ValueError("no name in any language")
    if any(len(n) > MAX_NAME for n in names):
        raise ValueError(f"name longer than {MAX_NAME} characters")
    return names


def check_nis(nis: str) -> str:
    nis = nis.strip()
    if len(nis) != 5 or not nis.isdigit():
        raise ValueError(f"unknown municipality: {nis!r} is not a NIS code")
    return nis


def check_position(x: float, y: float, extent: tuple[float, float, float, float]) -> None:
    if x == 0 and y == 0:
        raise ValueError("no position (0, 0)")
    # NaN fails both comparisons too.
    if not (extent[0] <= x <= extent[2] and extent[1] <= y <= extent[3]):
        raise ValueError(f"position ({x}, {y}) is outside the country (EPSG:31370)")


def check_box(box: str) -> str:
    box = box.strip()
    if len(box) > MAX_BOX_NUMBER:
        raise ValueError(f"box number {box!r} is longer than {MAX_BOX_NUMBER} characters")
    if not box.isprintable() or "\\" in box:
        raise ValueError(f"box number {box!r} has unexpected characters")
    return box


def check_postcode(postcode: str) -> str:
    postcode = postcode.strip()
    if len(postcode) > MAX_POSTCODE:
        raise ValueError(f"postcode {postcode!r} is longer than {MAX_POSTCODE} characters")
    if not postcode.isprintable() or "\\" in postcode:
        raise ValueError(f"postcode {postcode!r} has unexpected characters")
    return postcode


def parse_wkb_point(text: str) -> tuple[float, float]:
    """x, y of a hex (E)WKB point in Lambert 72; raise ValueError when it is something else."""
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise ValueError("point is not hexadecimal WKB") from None
    if len(data) < 21 or data[0] not in (0, 1):
        raise ValueError("point is not WKB")
    order = ">" if data[0] == 0 else "<"
    (kind,) = struct.unpack_from(order + "I", data, 1)
    offset, srid = 5, LAMBERT72
    if kind & 0x20000000:  # EWKB: an SRID follows the type
        (srid,) = struct.unpack_from(order + "I", data, 5)
        offset = 9
    # EWKB flags Z/M/SRID in the high bits; ISO WKB says Z/M with 1001, 2001, 3001.
    if (kind & 0x0FFFFFFF) % 1000 != 1:
        raise ValueError("point WKB is not a point")
    if srid != LAMBERT72:
        raise ValueError(f"point is in EPSG:{srid}, not EPSG:{LAMBERT72}")
    if len(data) < offset + 16:
        raise ValueError("point WKB is truncated")
    return struct.unpack_from(order + "dd", data, offset)


# --- the register's own layout --------------------------------------------------------------------------


class _RegisterImport:
    def __init__(self, staging: Staging, problems: Problems, files: dict[str, Path], *, progress, prefix):
        self.staging = staging
        self.problems = problems
        self.files = files
        self.progress = progress
        self.prefix = prefix
        self.extent = projected_extent(tuple(settings.BIN_SERVICE_BBOX), LAMBERT72)
        self.postal_names: dict[str, set[str]] = {}

    def rows(self, kind: str, fields: int) -> Iterator[tuple[str, int, list[str]]]:
        """(position, line, fields) of each well-formed line of one file; the others are bad records."""
        path = self.files[kind]
        with progress_bar(path=path, progress=self.progress) as bar:
            for line, raw in read_lines(path, bar):
                position = f"{path.name} line {line}"
                try:
                    text = raw.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError:
                    self.problems.add(position, "not UTF-8 text")
                    continue
                if not text.strip():
                    continue
                values = text.split(";")
                if len(values) != fields:
                    self.problems.add(
                        position, f"expected {fields} fields separated by ';', found {len(values)}"
                    )
                    continue
                yield position, line, values

    def run(self) -> None:
        municipalities = self.read_municipalities()
        postcodes = self.read_postals()
        streets, rejected = self.read_streets(municipalities)
        used, retired = self.stage_addresses(streets, rejected, postcodes)
        self.stage_streets(streets, used, municipalities)
        say(self.progress, "merging into the database")
        name = self.files["addresses"].name
        merge_all(self.staging, self.problems, srid=LAMBERT72, position=lambda line, _: f"{name} line {line}")
        note_retired(self.staging, self.problems.report, retired)
        postal_names_replace({pc: names for pc, names in self.postal_names.items() if names})

    def read_municipalities(self) -> dict[str, tuple[str, str, str, str]]:
        found = {}
        for position, _, (identifier, nis, nl, fr, de) in self.rows("municipalities", MUNICIPALITY_FIELDS):
            try:
                key = object_id(identifier, "")
                found.setdefault(key, (check_nis(nis), *check_names(nl, fr, de, required=False)))
            except ValueError as exc:
                self.problems.add(position, str(exc))
        return found

    def read_postals(self) -> dict[str, str]:
        found = {}
        for position, _, (identifier, postcode, *names) in self.rows("postals", POSTAL_FIELDS):
            try:
                postcode = check_postcode(postcode)
                found.setdefault(object_id(identifier, ""), postcode)
            except ValueError as exc:
                self.problems.add(position, str(exc))
                continue
            self.postal_names.setdefault(postcode, set()).update(n.strip() for n in names if n.strip())
        return found

    def read_streets(self, municipalities):
        streets, rejected = {}, {}
        for position, line, values in self.rows("streets", STREET_FIELDS):
            identifier, m_identifier, nl, fr, de, _homonym, _type, status = values[:8]
            try:
                source_id = object_id(identifier, self.prefix)
            except ValueError as exc:
                self.problems.add(position, str(exc))
                continue
            try:
                if source_id in streets:
                    raise ValueError(
                        f"duplicate street id {source_id} (first at line {streets[source_id][0]}); "
                        "the first one is kept"
                    )
                municipality = municipalities.get(object_id(m_identifier, ""))
                if municipality is None:
                    raise ValueError(f"unknown municipality {m_identifier!r}")
                names = check_names(nl, fr, de)
            except ValueError as exc:
                rejected.setdefault(source_id, position)
                self.problems.add(position, str(exc))
                continue
            streets[source_id] = (line, municipality[0], *names, status.strip() == RETIRED)
        return streets, rejected

    def stage_addresses(self, streets, rejected, postcodes) -> tuple[set[str], list[str]]:
        used, retired = set(), []
        extent, prefix = self.extent, self.prefix
        with self.staging.copy(self.staging.address, ADDRESS_COLUMNS) as write:
            for position, line, values in self.rows("addresses", ADDRESS_FIELDS):
                try:
                    source_id = object_id(values[0], prefix)
                    if values[8].strip() == RETIRED:
                        retired.append(source_id)
                        continue
                    street = object_id(values[3], prefix)
                    if street in rejected:
                        raise ValueError(f"street {values[3]} was not imported (see {rejected[street]})")
                    postal = values[4].strip()
                    postcode = postcodes.get(object_id(postal, "")) if postal else ""
                    if postcode is None:
                        raise ValueError(f"unknown postal code id {postal!r}")
                    house_number, number = parse_house_number(values[5])
                    box = check_box(values[6])
                    x, y = parse_wkb_point(values[13].strip())
                    check_position(x, y, extent)
                except ValueError as exc:
                    self.problems.add(position, str(exc))
                    continue
                used.add(street)
                write((line, source_id, street, house_number, number, box, postcode, x, y))
        return used, retired

    def stage_streets(self, streets, used, municipalities) -> None:
        needed = set()
        with self.staging.copy(self.staging.street, STREET_COLUMNS) as write:
            for source_id, (line, nis, nl, fr, de, is_retired) in streets.items():
                if not is_retired or source_id in used:
                    needed.add(nis)
                    write((line, source_id, nis, nl, fr, de))
        by_nis = {}
        for nis, nl, fr, de in municipalities.values():
            if nis in needed:
                by_nis.setdefault(nis, (nis, nl, fr, de))
        with self.staging.copy(self.staging.municipality, MUNICIPALITY_COLUMNS) as write:
            for row in by_nis.values():
                write(row)


def note_retired(staging: Staging, report: ImportReport, retired: list[str]) -> None:
    if not retired:
        return
    stored = staging.execute("SELECT count(*) FROM streets_address WHERE source_id = ANY(%s)", [retired])[0][
        0
    ]
    report.changes.append(f"{len(retired)} retired addresses not imported")
    if stored:
        report.changes.append(
            f"{stored} retired addresses are still stored from an earlier import (left alone)"
        )


# --- the flat CSV form ----------------------------------------------------------------------------------


def _decoded_lines(path: Path, bar, bad: set[int]) -> Iterator[str]:
    """The lines of a file as text, moving the progress bar; lines that are not UTF-8 are noted in `bad`."""
    done = 0
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            done += len(raw)
            if done >= 1 << 20:
                bar.update(done)
                done = 0
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                bad.add(number)
                yield raw.decode("utf-8", "replace")
    bar.update(done)


def _unreadable(name: str, reader, exc: csv.Error, report: ImportReport) -> ImportAborted:
    # The csv module gives up on some broken files (a quote never closed swallows the rest into one field).
    return ImportAborted(
        f"{name} line {reader.line_num}: not readable as CSV ({exc}); nothing was imported", report
    )


def _flat_import(staging: Staging, problems: Problems, path: Path, *, progress: bool, prefix: str) -> None:
    extent = projected_extent(tuple(settings.BIN_SERVICE_BBOX), LAMBERT72)
    name = path.name
    streets: dict[str, tuple] = {}
    municipalities: dict[str, tuple] = {}
    retired: list[str] = []
    bad_lines: set[int] = set()
    add_problem = problems.add
    with progress_bar(path=path, progress=progress) as bar:
        reader = csv.reader(_decoded_lines(path, bar, bad_lines))
        try:
            header = [h.strip().lstrip("\ufeff").lower() for h in next(reader, [])]
        except csv.Error as exc:
            raise _unreadable(name, reader, exc, problems.report) from None
        missing = [c for c in FLAT_COLUMNS if c not in header]
        if missing:
            raise ImportAborted(
                f"{name}: not a flat BeST address file: missing column(s) {', '.join(missing)}; "
                "nothing was imported",
                problems.report,
            )
        width = len(header)
        (a_id, s_id, s_nl, s_fr, hnr, box_col, pc, m_nis, m_nl, m_fr, x_col, y_col) = (
            header.index(c) for c in FLAT_COLUMNS
        )
        s_de, m_de, status_col, p_nl, p_fr = (
            header.index(c) if c in header else None for c in FLAT_OPTIONAL_COLUMNS
        )
        postal_names: dict[str, set[str]] = {}
        # The hot loop of a country import: checks inline, rows written as COPY text (every value is checked
        # to be printable and free of backslashes, so none needs escaping).
        street_ids: dict[str, str] = {}  # as written in the file -> source id
        try:
            with staging.copy_text(staging.address, ADDRESS_COLUMNS) as write:
                for row in reader:
                    line = reader.line_num
                    if len(row) != width:
                        if len(row) == 0 or (len(row) == 1 and not row[0].strip()):
                            continue
                        add_problem(f"{name} line {line}", f"expected {width} fields, found {len(row)}")
                        continue
                    try:
                        if bad_lines and line in bad_lines:
                            raise ValueError("not UTF-8 text")
                        source_id = object_id(row[a_id], prefix)
                        street = street_ids.get(row[s_id])
                        if street is None:
                            if not row[s_id].strip():
                                raise ValueError("no street id")
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
                            raise ValueError(f"bad coordinates ({row[x_col]!r}, {row[y_col]!r})") from None
                        if not (extent[0] <= x <= extent[2] and extent[1] <= y <= extent[3]):
                            check_position(x, y, extent)
                    except ValueError as exc:
                        add_problem(f"{name} line {line}", str(exc))
                        continue
                    write(
                        f"{line}\t{source_id}\t{street}\t{house_number}\t"
                        f"{NULL if number is None else number}\t{box}\t{postcode}\t{x!r}\t{y!r}\n"
                    )
        except csv.Error as exc:
            raise _unreadable(name, reader, exc, problems.report) from None
    with staging.copy(staging.street, STREET_COLUMNS) as write:
        for row in streets.values():
            write(row)
    with staging.copy(staging.municipality, MUNICIPALITY_COLUMNS) as write:
        for row in municipalities.values():
            write(row)
    say(progress, "merging into the database")
    merge_all(staging, problems, srid=LAMBERT72, position=lambda line, _: f"{name} line {line}")
    note_retired(staging, problems.report, retired)
    postal_names_replace({pc: names for pc, names in postal_names.items() if names})
