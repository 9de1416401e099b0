"""Street and address importers: BeST register layout, BeST flat CSV, OpenStreetMap XML; their commands."""

import csv
import shutil
import struct
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command

from areas.models import Municipality
from core.importing import ImportAborted
from streets.importers import import_best_flat, import_best_register, import_osm
from streets.importers.best import parse_wkb_point
from streets.importers.common import parse_house_number
from streets.models import Address, Street

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
RAW = DATA / "best_raw"
FLAT = DATA / "best_flat.csv"
OSM = DATA / "lembeek.osm"
# The test files: 400 address rows of which 2 retired, on 89 streets, in Brussel (21004) and Halle (23027).
ADDRESSES, STREETS, MUNICIPALITIES = 398, 89, 2
RECORDS = ADDRESSES + STREETS + MUNICIPALITIES


def stored_rows():
    """Everything an import stores, in a comparable form (points to the millimetre)."""
    return sorted(
        (
            a.source_id,
            a.house_number,
            a.number,
            a.box_number,
            a.postcode,
            round(a.point.x, 3),
            round(a.point.y, 3),
            a.street.source_id,
            a.street.name_nl,
            a.street.name_fr,
            a.street.name_de,
            a.street.postcode,
            a.street.municipality.nis_code,
        )
        for a in Address.objects.select_related("street__municipality")
    )


def edited(path: Path, tmp_path: Path, edits: dict[int, str | None]) -> Path:
    """A copy of a file (or of a register directory's addresses) with some lines replaced or removed."""
    target = tmp_path / path.name
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [edits.get(n, line) for n, line in enumerate(lines, start=1)]
    target.write_text("\n".join(line for line in out if line is not None) + "\n", encoding="utf-8")
    return target


def raw_copy(
    tmp_path: Path, file: str = "addresses_part.csv", edits: dict[int, str | None] | None = None
) -> Path:
    directory = tmp_path / "raw"
    shutil.copytree(RAW, directory)
    if edits:
        edited(RAW / file, directory, edits)
    return directory


def raw_line(number: int, file: str = "addresses_part.csv") -> list[str]:
    return (RAW / file).read_text(encoding="utf-8").splitlines()[number - 1].split(";")


def flat_line(number: int) -> list[str]:
    return FLAT.read_text(encoding="utf-8").splitlines()[number - 1].split(",")


def wkb_hex(x: float, y: float, *, order: str = ">", srid: int | None = None) -> str:
    kind = 1 | (0x20000000 if srid else 0)
    head = bytes([0 if order == ">" else 1]) + struct.pack(order + "I", kind)
    if srid:
        head += struct.pack(order + "I", srid)
    return (head + struct.pack(order + "dd", x, y)).hex().upper()


# --- house numbers and points ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10", ("10", 10)),
        ("10A", ("10A", 10)),
        ("10 bis", ("10 bis", 10)),
        ("  7   bis ", ("7 bis", 7)),
        ("12\t3", ("12 3", 12)),
        ("12-14", ("12-14", 12)),
        ("42B1", ("42B1", 42)),
        ("2/1", ("2/1", 2)),
        ("0", ("0", 0)),
    ],
)
def test_house_number_keeps_the_text_and_takes_the_first_number(raw, expected):
    assert parse_house_number(raw) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("bis", "no digit"),
        ("12345678901234567", "longer than 16"),
        ("123456", "out of range"),
        ("12?", "unexpected characters"),
        ("12\x00", "unexpected characters"),
        ("12\\3", "unexpected characters"),
    ],
)
def test_absurd_house_numbers_are_refused_with_a_reason(raw, reason):
    with pytest.raises(ValueError, match=reason):
        parse_house_number(raw)


@pytest.mark.parametrize(
    "text, expected",
    [
        (wkb_hex(153835.939, 175936.949), (153835.939, 175936.949)),
        (wkb_hex(153835.939, 175936.949, order="<"), (153835.939, 175936.949)),
        (wkb_hex(153835.939, 175936.949, srid=31370), (153835.939, 175936.949)),
    ],
)
def test_wkb_points_big_and_little_endian_with_or_without_srid(text, expected):
    assert parse_wkb_point(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("XYZ", "not hexadecimal"),
        ("0000000001", "not WKB"),
        (wkb_hex(4.4, 50.9, srid=4326), "EPSG:4326"),
        ("000000000200000000" + "00" * 16, "not a point"),  # a linestring header
    ],
)
def test_bad_wkb_is_refused_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_wkb_point(text)


# --- the register's layout and the flat CSV -------------------------------------------------------------


def test_register_layout_imports_streets_addresses_and_municipalities():
    report = import_best_register(directory=RAW)

    assert (report.created, report.updated, report.unchanged, report.errors) == (RECORDS, 0, 0, [])
    assert "2 retired addresses not imported" in report.changes
    assert Address.objects.count() == ADDRESSES
    assert Street.objects.count() == STREETS
    # Only the municipalities that streets use are created, from the register's names, without boundary.
    halle = Municipality.objects.get(nis_code="23027")
    assert (halle.name_nl, halle.name_fr, halle.name_de, halle.boundary) == ("Halle", "Hal", "Halle", None)
    assert set(Municipality.objects.values_list("nis_code", flat=True)) == {"21004", "23027"}

    # Haren: bilingual street names; the street's postcode is its addresses'.
    seigneurie = Street.objects.get(source_id="BS/2855")
    assert (seigneurie.name_nl, seigneurie.name_fr, seigneurie.postcode) == (
        "Heerlijkheidsstraat",
        "Rue de la Seigneurie",
        "1130",
    )
    assert seigneurie.municipality.nis_code == "21004"
    # Source ids keep namespace and object id, not the version.
    first = Address.objects.get(source_id="BA/110975")
    assert (first.street, first.house_number, first.number, first.postcode) == (
        seigneurie,
        "138",
        138,
        "1130",
    )
    suffixed = Address.objects.get(source_id="BA/110990")
    assert (suffixed.house_number, suffixed.number, suffixed.street.name_fr) == ("89A", 89, "Rue Harenheyde")
    assert Address.objects.get(source_id="BA/110830").house_number == "361A"
    boxed = Address.objects.get(source_id="BA/698658")
    assert (boxed.house_number, boxed.box_number) == ("134", "b001")
    assert Address.objects.exclude(box_number="").count() == 80
    # Lembeek: Dutch names only; Flemish identifiers carry a timestamp version.
    lembeek = Address.objects.get(source_id="VA/4215376")
    assert (lembeek.house_number, lembeek.box_number, lembeek.postcode) == ("595", "12", "1502")
    assert (lembeek.street.name_fr, lembeek.street.municipality.nis_code) == ("", "23027")
    # Retired addresses and the unused retired street are not imported.
    assert not Address.objects.filter(source_id__in=["VA/246938", "VA/206201"]).exists()
    assert not Street.objects.filter(source_id="VS/26049").exists()


def test_points_match_the_joined_csv_within_a_millimetre():
    import_best_register(directory=RAW)
    with open(FLAT, encoding="utf-8") as fh:
        expected = {
            r["address_id"].rsplit("/", 1)[0]: (float(r["x_31370"]), float(r["y_31370"]))
            for r in csv.DictReader(fh)
            if r["status"] != "retired"
        }
    stored = {a.source_id: (a.point.x, a.point.y, a.point.srid) for a in Address.objects.all()}
    assert stored.keys() == expected.keys()
    for source_id, (x, y, srid) in stored.items():
        assert srid == 31370
        assert abs(x - expected[source_id][0]) < 0.001 and abs(y - expected[source_id][1]) < 0.001, source_id


def test_flat_csv_stores_the_same_rows_as_the_register_layout():
    import_best_register(directory=RAW)
    from_register = stored_rows()
    Address.objects.all().delete()
    Street.objects.all().delete()
    Municipality.objects.all().delete()

    report = import_best_flat(path=FLAT)

    assert (report.created, report.updated, report.unchanged, report.errors) == (RECORDS, 0, 0, [])
    assert stored_rows() == from_register
    halle = Municipality.objects.get(nis_code="23027")
    assert (halle.name_nl, halle.name_fr) == ("Halle", "Hal")


def test_flat_csv_over_the_register_layout_changes_nothing():
    import_best_register(directory=RAW)
    report = import_best_flat(path=FLAT)
    assert (report.created, report.updated, report.unchanged) == (0, 0, RECORDS)


@pytest.mark.parametrize("layout", ["register", "flat"])
def test_a_second_import_of_the_same_file_changes_nothing(layout):
    run = (
        (lambda: import_best_register(directory=RAW))
        if layout == "register"
        else lambda: import_best_flat(path=FLAT)
    )
    run()
    before = stored_rows()
    ids = set(Address.objects.values_list("pk", flat=True))

    report = run()

    assert (report.created, report.updated, report.unchanged, report.skipped) == (0, 0, RECORDS, 0)
    assert report.summary().endswith(f"0 were created, 0 were updated, {RECORDS} unchanged, 0 skipped")
    assert stored_rows() == before
    assert set(Address.objects.values_list("pk", flat=True)) == ids


def test_a_changed_row_is_updated_in_place(tmp_path):
    import_best_flat(path=FLAT)
    address = Address.objects.get(source_id="BA/110975")
    row = flat_line(2)
    row[4], row[13] = "140", "153840.5"  # new house number, moved 4.561 m east
    row[2] = "Heerlijkheidstraat"  # the street's Dutch name corrected
    changed = edited(FLAT, tmp_path, {2: ",".join(row)})

    report = import_best_flat(path=changed)

    assert (report.created, report.updated, report.unchanged) == (0, 2, RECORDS - 2)
    assert "streets: 0 were created, 1 were updated, 88 unchanged" in report.changes
    address.refresh_from_db()
    assert (address.house_number, address.number, address.point.x) == ("140", 140, 153840.5)
    assert address.street.name_nl == "Heerlijkheidstraat"
    assert Address.objects.count() == ADDRESSES


@pytest.mark.parametrize("layout", ["register", "flat"])
def test_dry_run_reports_but_writes_nothing(layout):
    if layout == "register":
        report = import_best_register(directory=RAW, dry_run=True)
    else:
        report = import_best_flat(path=FLAT, dry_run=True)
    assert report.dry_run
    assert report.created == RECORDS
    assert "addresses: 398 would be created, 0 would be updated, 0 unchanged" in report.changes
    assert "would be created" in report.summary()
    assert not Address.objects.exists()
    assert not Street.objects.exists()
    assert not Municipality.objects.exists()


def test_dry_run_of_a_change_reports_the_update(tmp_path):
    import_best_flat(path=FLAT)
    row = flat_line(3)
    row[5] = "b9"
    report = import_best_flat(path=edited(FLAT, tmp_path, {3: ",".join(row)}), dry_run=True)
    assert (report.created, report.updated) == (0, 1)
    assert Address.objects.get(source_id="BA/110990").box_number == ""


def _raw_field(line: int, index: int, value: str, file: str = "addresses_part.csv") -> str:
    fields = raw_line(line, file)
    fields[index] = value
    return ";".join(fields)


RAW_BAD = [
    (
        "wrong column count",
        {5: ";".join(raw_line(5)[:10])},
        "line 5",
        "expected 17 fields separated by ';', found 10",
    ),
    ("empty house number", {6: _raw_field(6, 5, "")}, "line 6", "empty house number"),
    (
        "absurd house number",
        {7: _raw_field(7, 5, "???")},
        "line 7",
        "house number '???' has unexpected characters",
    ),
    ("bad WKB", {8: _raw_field(8, 13, "00000000014102C75F")}, "line 8", "point is not WKB"),
    ("not hex", {9: _raw_field(9, 13, "GG")}, "line 9", "point is not hexadecimal WKB"),
    ("no position", {10: _raw_field(10, 13, wkb_hex(0, 0))}, "line 10", "no position (0, 0)"),
    (
        "outside",
        {11: _raw_field(11, 13, wkb_hex(900000, 175000))},
        "line 11",
        "position (900000.0, 175000.0) is outside the country (EPSG:31370)",
    ),
    ("unknown street", {12: _raw_field(12, 3, "BS/999999/2")}, "line 12", "unknown street id BS/999999"),
    (
        "unknown postcode",
        {13: _raw_field(13, 4, "BP/9999/2")},
        "line 13",
        "unknown postal code id 'BP/9999/2'",
    ),
    (
        "duplicate",
        {14: _raw_field(14, 0, "BA/110975/3")},
        "line 14",
        "duplicate address id BA/110975 (first at",
    ),
]


@pytest.mark.parametrize("kind, edits, where, reason", RAW_BAD, ids=[b[0] for b in RAW_BAD])
def test_register_bad_records_are_reported_by_position_and_skipped(tmp_path, kind, edits, where, reason):
    report = import_best_register(directory=raw_copy(tmp_path, edits=edits))

    assert [(e.position, e.reason[: len(reason)]) for e in report.errors] == [
        (f"addresses_part.csv {where}", reason)
    ]
    assert report.skipped == 1
    assert Address.objects.count() == ADDRESSES - 1
    if kind == "duplicate":  # the first row wins
        assert Address.objects.get(source_id="BA/110975").house_number == "138"


def test_register_street_of_an_unknown_municipality_is_reported_with_its_addresses(tmp_path):
    # Street line 2 is Heerlijkheidsstraat (BS/2855), used by addresses_part.csv lines 1, 21, 32, 111, 116.
    directory = raw_copy(
        tmp_path, "streets_part.csv", {2: _raw_field(2, 1, "BM/99999/1", "streets_part.csv")}
    )
    report = import_best_register(directory=directory)
    assert [str(e) for e in report.errors[:2]] == [
        "streets_part.csv line 2: unknown municipality 'BM/99999/1'",
        "addresses_part.csv line 1: street BS/2855/2 was not imported (see streets_part.csv line 2)",
    ]
    assert [e.position for e in report.errors[1:]] == [
        f"addresses_part.csv line {n}" for n in (1, 21, 32, 111, 116)
    ]
    assert Street.objects.count() == STREETS - 1


def test_register_directory_without_a_file_is_refused(tmp_path):
    directory = raw_copy(tmp_path)
    (directory / "postals.csv").unlink()
    with pytest.raises(ImportAborted, match=r"no postals file \(postals.csv or postals_part.csv\)"):
        import_best_register(directory=directory)


def test_register_accepts_the_full_download_file_names(tmp_path):
    directory = raw_copy(tmp_path)
    (directory / "addresses_part.csv").rename(directory / "addresses.csv")
    (directory / "streets_part.csv").rename(directory / "streets.csv")
    report = import_best_register(directory=directory)
    assert report.created == RECORDS


def _flat_field(line: int, index: int, value: str, *more: tuple[int, str]) -> str:
    fields = flat_line(line)
    for i, v in ((index, value), *more):
        fields[i] = v
    return ",".join(fields)


FLAT_BAD = [
    ("wrong column count", {5: ",".join(flat_line(5)[:14])}, "line 5", "expected 15 fields, found 14"),
    ("empty house number", {6: _flat_field(6, 4, "")}, "line 6", "empty house number"),
    (
        "absurd house number",
        {7: _flat_field(7, 4, "1234567")},
        "line 7",
        "house number '1234567' is out of range",
    ),
    ("bad coordinates", {8: _flat_field(8, 13, "east")}, "line 8", "bad coordinates ('east', "),
    ("no position", {9: _flat_field(9, 13, "0.0", (14, "0.0"))}, "line 9", "no position (0, 0)"),
    (
        "outside",
        {10: _flat_field(10, 14, "-175000")},
        "line 10",
        "position (152640.9, -175000.0) is outside the country",
    ),
    ("no street id", {11: _flat_field(11, 1, "")}, "line 11", "no street id"),
    # A street the file has not named before, in a municipality that is not a NIS code.
    (
        "unknown municipality",
        {12: _flat_field(12, 1, "BS/777/1", (9, "2100x"))},
        "line 12",
        "unknown municipality",
    ),
    ("duplicate", {13: _flat_field(13, 0, "BA/110975/9")}, "line 13", "duplicate address id BA/110975"),
]


@pytest.mark.parametrize("kind, edits, where, reason", FLAT_BAD, ids=[b[0] for b in FLAT_BAD])
def test_flat_bad_records_are_reported_by_position_and_skipped(tmp_path, kind, edits, where, reason):
    report = import_best_flat(path=edited(FLAT, tmp_path, edits))

    assert [(e.position, e.reason[: len(reason)]) for e in report.errors] == [
        (f"best_flat.csv {where}", reason)
    ]
    assert Address.objects.count() == ADDRESSES - 1


def test_flat_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,street,number\n1,Kerkstraat,1\n", encoding="utf-8")
    with pytest.raises(ImportAborted, match="missing column"):
        import_best_flat(path=path)


def test_flat_file_that_csv_cannot_read_is_refused(tmp_path):
    path = edited(FLAT, tmp_path, {3: 'BA/1/1,"' + "x" * 200_000})
    with pytest.raises(ImportAborted, match=r"best_flat.csv line \d+: not readable as CSV"):
        import_best_flat(path=path)
    assert not Address.objects.exists()


def test_flat_file_with_invalid_utf8_reports_the_line(tmp_path):
    path = edited(FLAT, tmp_path, {})
    data = path.read_bytes().replace(b"Heerlijkheidsstraat", b"Heerlijkheidsstr\xe0at", 1)
    path.write_bytes(data)
    report = import_best_flat(path=path)
    assert [str(e) for e in report.errors] == ["best_flat.csv line 2: not UTF-8 text"]


@pytest.mark.parametrize("layout", ["register", "flat"])
def test_on_error_stop_writes_nothing(tmp_path, layout):
    if layout == "register":
        directory = raw_copy(tmp_path, edits={300: _raw_field(300, 5, "")})
        run = lambda: import_best_register(directory=directory, on_error="stop")  # noqa: E731
        where = "addresses_part.csv line 300"
    else:
        path = edited(FLAT, tmp_path, {301: _flat_field(301, 4, "")})
        run = lambda: import_best_flat(path=path, on_error="stop")  # noqa: E731
        where = "best_flat.csv line 301"
    # The one message of every importer on on_error="stop" (core.importing.ImportRun).
    stopped = r"\. Stopped at the first bad record \(on_error=stop\): nothing was written\."
    with pytest.raises(ImportAborted, match=f"{where}: empty house number{stopped}") as exc:
        run()
    assert exc.value.report.skipped == 1
    assert not Address.objects.exists()
    assert not Street.objects.exists()
    assert not Municipality.objects.exists()


def test_on_error_stop_on_a_clean_file_imports_it():
    report = import_best_flat(path=FLAT, on_error="stop")
    assert report.created == RECORDS


def test_an_unknown_on_error_value_is_a_programming_error():
    with pytest.raises(ValueError, match="on_error"):
        import_best_flat(path=FLAT, on_error="ignore")


def test_progress_goes_to_stderr(capsys):
    import_best_flat(path=FLAT, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "merging into the database" in captured.err


# --- OpenStreetMap --------------------------------------------------------------------------------------


@pytest.fixture
def halle():
    """Halle (23027) with a boundary around the test file's Lembeek, 4.20-4.24 E, 50.70-50.72 N."""
    boundary = MultiPolygon(Polygon.from_bbox((4.20, 50.70, 4.24, 50.72)), srid=4326)
    return Municipality.objects.create(
        nis_code="23027", name_nl="Halle", name_fr="Hal", boundary=boundary.transform(31370, clone=True)
    )


def test_osm_nodes_buildings_and_highways(halle):
    report = import_osm(path=OSM)

    assert [str(e) for e in report.errors] == [
        "lembeek.osm node/201: no addr:street",
        "lembeek.osm node/202: several house numbers in one tag: '10;12'",
        "lembeek.osm node/204: position (13.4, 52.5) is outside the service area",
        "lembeek.osm way/305: node 999 is not in the file (a cut extract?)",
        "lembeek.osm node/203: unknown municipality: no municipality boundary contains (4.4, 50.9)",
    ]
    assert (report.created, report.updated, report.unchanged) == (3 + 5, 0, 1)
    streets = {s.source_id: s for s in Street.objects.all()}
    assert set(streets) == {"osm:23027:kerkstraat", "osm:23027:stationsstraat", "osm:23027:zonder weg"}
    # Two highway ways of one name merge into one line; name:fr is kept; the plain name is Dutch in Halle.
    station = streets["osm:23027:stationsstraat"]
    assert (station.name_nl, station.name_fr, station.municipality) == (
        "Stationsstraat",
        "Rue de la Gare",
        halle,
    )
    assert station.geometry.srid == 31370
    assert len(station.geometry) == 1 and len(station.geometry[0]) == 3
    assert streets["osm:23027:kerkstraat"].postcode == "1502"
    # An addr:street without a highway still gets its street, without geometry.
    assert streets["osm:23027:zonder weg"].geometry is None
    assert streets["osm:23027:zonder weg"].name_nl == "Zonder Weg"

    addresses = {a.source_id: a for a in Address.objects.select_related("street")}
    assert set(addresses) == {"osm:node/101", "osm:node/102", "osm:node/103", "osm:node/104", "osm:way/304"}
    # addr:street matched whatever its case and spaces, and in any language of the highway's names.
    assert addresses["osm:node/102"].street.source_id == "osm:23027:kerkstraat"
    assert (addresses["osm:node/102"].house_number, addresses["osm:node/102"].number) == ("14A", 14)
    assert addresses["osm:node/102"].box_number == "b2"
    assert addresses["osm:node/104"].street == station
    assert addresses["osm:node/103"].house_number == "7 bis"
    # A building's address is at the mean of its corners.
    building = addresses["osm:way/304"].point.transform(4326, clone=True)
    assert building.x == pytest.approx(4.2161, abs=1e-7)
    assert building.y == pytest.approx(50.7082, abs=1e-7)
    node = addresses["osm:node/101"].point.transform(4326, clone=True)
    assert (node.x, node.y) == (pytest.approx(4.2201, abs=1e-7), pytest.approx(50.7101, abs=1e-7))


def test_osm_reimport_changes_nothing(halle):
    import_osm(path=OSM)
    report = import_osm(path=OSM)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 9)


def test_osm_with_a_municipality_option_needs_no_boundary():
    Municipality.objects.create(nis_code="23027", name_nl="Halle")
    report = import_osm(path=OSM, municipality="23027")
    assert len(report.errors) == 4  # node/203 is no longer outside every boundary
    assert Address.objects.filter(source_id="osm:node/203").exists()


def test_osm_outside_every_boundary_is_an_unknown_municipality():
    report = import_osm(path=OSM)
    assert sum("unknown municipality" in e.reason for e in report.errors) == 6
    assert "3 highways outside every municipality boundary were not imported" in report.changes
    assert not Address.objects.exists()


def test_osm_dry_run_and_stop(halle):
    report = import_osm(path=OSM, dry_run=True)
    assert report.created == 8 and not Address.objects.exists()
    with pytest.raises(ImportAborted, match=r"node/201: no addr:street\. Stopped .*: nothing was written\."):
        import_osm(path=OSM, on_error="stop")
    assert not Street.objects.exists()


def test_osm_unreadable_files_are_refused(tmp_path):
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><node id='1'", encoding="utf-8")
    with pytest.raises(ImportAborted, match="not readable as XML"):
        import_osm(path=broken)
    other = tmp_path / "other.osm"
    other.write_text("<gpx></gpx>", encoding="utf-8")
    with pytest.raises(ImportAborted, match="not OpenStreetMap XML"):
        import_osm(path=other)
    pbf = tmp_path / "belgium.osm.pbf"
    pbf.write_bytes(b"\x00\x00")
    with pytest.raises(ImportAborted, match=r"osmium cat belgium\.osm\.pbf -o belgium\.osm;"):
        import_osm(path=pbf)
    with pytest.raises(ImportAborted, match="no municipality with NIS code 12345"):
        import_osm(path=OSM, municipality="12345")


# --- the commands ---------------------------------------------------------------------------------------


def run_command(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue()


def test_import_best_command_detects_both_layouts():
    output = run_command("import_best", str(RAW))
    assert f"{RAW}: {RECORDS} were created, 0 were updated, 0 unchanged, 0 skipped" in output
    assert "  addresses: 398 were created, 0 were updated, 0 unchanged" in output
    output = run_command("import_best", str(FLAT))
    assert f"0 were created, 0 were updated, {RECORDS} unchanged, 0 skipped" in output


def test_import_best_command_dry_run_and_errors(tmp_path):
    path = edited(FLAT, tmp_path, {n: _flat_field(n, 4, "") for n in range(2, 62)})
    output = run_command("import_best", str(path), "--dry-run")
    assert "would be created" in output
    assert "best_flat.csv line 2: empty house number" in output
    assert "best_flat.csv line 51: empty house number" in output
    assert "line 52" not in output
    assert "... and 10 more bad records" in output
    assert not Address.objects.exists()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda tmp: tmp / "missing.csv", "no such file or directory"),
        (lambda tmp: _write(tmp / "notes.txt", "hello\n"), "unknown layout"),
        (
            lambda tmp: _write(tmp / "streets_part.csv", (RAW / "streets_part.csv").read_text()),
            "pass its directory",
        ),
        (lambda tmp: tmp, "no addresses file"),
        (
            lambda tmp: edited(FLAT, tmp, {4: _flat_field(4, 4, "")}),
            "aborted: best_flat.csv line 4: empty house",
        ),
    ],
    ids=["missing", "unknown layout", "one register file", "empty directory", "aborted"],
)
def test_import_best_command_errors(tmp_path, make, message):
    source = make(tmp_path)
    with pytest.raises(CommandError, match=message):
        run_command("import_best", str(source), "--on-error", "stop")
    assert not Address.objects.exists()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_osm_command(halle, tmp_path):
    output = run_command("import_osm", str(OSM))
    assert "lembeek.osm: 8 were created, 0 were updated, 1 unchanged, 5 skipped" in output
    assert "lembeek.osm node/201: no addr:street" in output
    output = run_command("import_osm", str(OSM), "--municipality", "23027", "--dry-run")
    assert "would be" in output
    with pytest.raises(CommandError, match="no such file"):
        run_command("import_osm", str(tmp_path / "missing.osm"))
    with pytest.raises(CommandError, match=r"aborted: .*no municipality with NIS code 99999"):
        run_command("import_osm", str(OSM), "--municipality", "99999")
    with pytest.raises(CommandError, match=r"aborted: .*node/201: no addr:street"):
        run_command("import_osm", str(OSM), "--on-error", "stop")


def test_the_commands_take_the_options_every_import_command_has(halle, capsys):
    # --progress forces the bars and the steps on stderr (without it: only when stderr is a terminal).
    out = StringIO()
    call_command("import_best", str(FLAT), "--progress", "--dry-run", stdout=out)
    assert "merging into the database" in capsys.readouterr().err
    assert "would be created" in out.getvalue()
    out = StringIO()
    call_command("import_osm", str(OSM), "--verbosity=0", "--no-progress", stdout=out)
    # Verbosity 0: the bad records and the summary, without the per-table lines.
    assert "lembeek.osm node/201: no addr:street" in out.getvalue()
    assert "addresses:" not in out.getvalue()
    assert out.getvalue().splitlines()[-1] == f"{OSM}: 8 were created, 0 were updated, 1 unchanged, 5 skipped"
