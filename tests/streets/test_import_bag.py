"""The BAG importer (Dutch addresses) and the invented Dutch sample, on real PostGIS.

Independent of the storage SRID: positions are compared after transforming them back to RD New, so these
tests run in the Belgian run (Lambert 72) and in the Dutch one (RD New) alike."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from areas.models import Municipality, Network
from core.importing import ImportAborted
from streets.importers.bag import (
    BAG_COLUMNS,
    bag_house_number,
    bag_municipality_code,
    bag_postcode,
    import_bag,
)
from streets.models import Address, PostalName, Street
from streets.selectors import address_lookup

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "nl" / "bag_addresses.csv"
HEADER = ";".join(BAG_COLUMNS)
GOOD = [
    "0363200000000001;Dorpsstraat;12;;;1234AB;Ons Dorp;GM9999;170620.0;441994.0",
    "0363200000000002;Dorpsstraat;12;a;;1234 ab;Ons Dorp;9999;170621.0;441994.0",
    "0363200000000003;Dorpsstraat;12;a;II;1234AB;Ons Dorp;9999;170622.0;441994.0",
    "0363200000000004; Kerkpad ;7;;hs;1235AA; Ons  Dorp ;999;171494.5;441096.25",
]


def write(tmp_path, rows, name="bag.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def rd(address: Address) -> tuple[float, float]:
    """The stored position in RD New, whatever the storage SRID."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(%s::geometry, 28992) p) t",
            [address.point.ewkt],
        )
        return cur.fetchone()


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("12", "", ""), ("12", 12, "")),
        (("12", "a", ""), ("12a", 12, "")),
        (("12", "", "II"), ("12", 12, "II")),
        (("12", "A", "2 h"), ("12A", 12, "2h")),
        ((" 007", "", "bis"), ("7", 7, "bis")),
    ],
)
def test_huisletter_and_toevoeging_map_onto_house_number_and_box(parts, expected):
    assert bag_house_number(*parts) == expected


@pytest.mark.parametrize(
    ("parts", "reason"),
    [
        (("", "", ""), "empty house number"),
        (("12b", "", ""), "not a number"),
        (("0", "", ""), "not a number"),
        (("100000", "", ""), "not a number"),
        (("12", "ab", ""), "not one letter"),
        (("12", "7", ""), "not one letter"),
        (("12", "", "abcde"), "1 to 4 letters or digits"),
        (("12", "", "-II"), "1 to 4 letters or digits"),
    ],
)
def test_absurd_house_numbers_are_refused(parts, reason):
    with pytest.raises(ValueError, match=reason):
        bag_house_number(*parts)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1234AB", "1234AB"), ("1234 ab", "1234AB"), (" 9999zz ", "9999ZZ")]
)
def test_postcodes_are_normalised(raw, expected):
    assert bag_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["1234", "0123AB", "1234ABC", "12345A", "AB1234", "1234 A1"])
def test_bad_postcodes_are_refused(raw):
    with pytest.raises(ValueError, match="not a Dutch postcode"):
        bag_postcode(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("0363", "GM0363"), ("GM0363", "GM0363"), ("363", "GM0363"), ("gm9999", "GM9999")]
)
def test_cbs_codes(raw, expected):
    assert bag_municipality_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "GM", "GM03633", "0000", "BE0363"])
def test_bad_cbs_codes(raw):
    with pytest.raises(ValueError, match="not a CBS code"):
        bag_municipality_code(raw)


def test_rows_become_streets_addresses_and_municipalities(tmp_path):
    report = import_bag(path=write(tmp_path, GOOD))
    assert report.errors == []
    municipality = Municipality.objects.get(nis_code="GM9999")
    assert municipality.name_nl == "Ons Dorp"
    assert sorted(Street.objects.values_list("name_nl", "postcode")) == [
        ("Dorpsstraat", "1234AB"),
        ("Kerkpad", "1235AA"),
    ]
    rows = sorted(
        Address.objects.values_list("source_id", "house_number", "number", "box_number", "postcode")
    )
    assert rows == [
        ("BAG/0363200000000001", "12", 12, "", "1234AB"),
        ("BAG/0363200000000002", "12a", 12, "", "1234AB"),
        ("BAG/0363200000000003", "12a", 12, "II", "1234AB"),
        ("BAG/0363200000000004", "7", 7, "hs", "1235AA"),
    ]
    # The woonplaats is the place name of the postcode.
    assert set(PostalName.objects.filter(postcode="1235AA").values_list("name", flat=True)) >= {"Ons Dorp"}


def test_coordinates_are_transformed_from_rd_new_to_the_storage_srid(tmp_path):
    import_bag(path=write(tmp_path, GOOD))
    address = Address.objects.get(source_id="BAG/0363200000000004")
    assert address.point.srid == settings.BIN_STORAGE_SRID
    x, y = rd(address)
    assert abs(x - 171494.5) < 0.001 and abs(y - 441096.25) < 0.001


def test_a_second_import_changes_nothing_and_a_changed_row_is_updated(tmp_path):
    import_bag(path=write(tmp_path, GOOD))
    ids = dict(Address.objects.values_list("source_id", "pk"))
    again = import_bag(path=write(tmp_path, GOOD))
    assert (again.created, again.updated) == (0, 0)
    changed = [*GOOD[:3], GOOD[3].replace(";7;;hs;", ";9;;;")]
    report = import_bag(path=write(tmp_path, changed))
    assert (report.created, report.updated) == (0, 1)
    address = Address.objects.get(source_id="BAG/0363200000000004")
    assert (address.pk, address.house_number, address.box_number) == (ids[address.source_id], "9", "")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("036320000000001;Dorpsstraat;1;;;1234AB;Ons Dorp;9999;170000;441000", "not a 16-digit BAG id"),
        ("0363200000000009;;1;;;1234AB;Ons Dorp;9999;170000;441000", "no street name"),
        ("0363200000000009;Dorpsstraat;;;;1234AB;Ons Dorp;9999;170000;441000", "empty house number"),
        ("0363200000000009;Dorpsstraat;1;;;1234A;Ons Dorp;9999;170000;441000", "not a Dutch postcode"),
        ("0363200000000009;Dorpsstraat;1;;;1234AB;;9999;170000;441000", "no woonplaats"),
        ("0363200000000009;Dorpsstraat;1;;;1234AB;Ons Dorp;;170000;441000", "not a CBS code"),
        ("0363200000000009;Dorpsstraat;1;;;1234AB;Ons Dorp;9999;;441000", "bad coordinates"),
        ("0363200000000009;Dorpsstraat;1;;;1234AB;Ons Dorp;9999;150000;50000", "outside the Netherlands"),
        # Lambert 72 or lon/lat by mistake: outside RD New's area.
        ("0363200000000009;Dorpsstraat;1;;;1234AB;Ons Dorp;9999;5.38;52.15", "outside the Netherlands"),
        ("0363200000000009;Dorpsstraat;1;;;1234AB;Ons Dorp;9999;170000", "expected 10 fields, found 9"),
    ],
)
def test_bad_rows_are_reported_by_line_and_skipped(tmp_path, row, reason):
    report = import_bag(path=write(tmp_path, [GOOD[0], row, GOOD[1]]))
    assert [(e.position, reason in e.reason) for e in report.errors] == [("bag.csv line 3", True)], (
        report.errors
    )
    assert Address.objects.count() == 2


def test_duplicate_ids_keep_the_first_row(tmp_path):
    report = import_bag(path=write(tmp_path, [GOOD[0], GOOD[0].replace(";12;", ";14;")]))
    assert [e.position for e in report.errors] == ["bag.csv line 3"]
    assert Address.objects.get().house_number == "12"


def test_a_file_without_the_columns_is_refused(tmp_path):
    with pytest.raises(ImportAborted, match=r"missing column.*gemeentecode"):
        import_bag(path=write(tmp_path, GOOD, header=HEADER.replace("gemeentecode", "gemeente")))


def test_comma_separated_exports_are_read_too(tmp_path):
    rows = [row.replace(";", ",") for row in GOOD]
    report = import_bag(path=write(tmp_path, rows, header=HEADER.replace(";", ",")))
    assert report.errors == [] and Address.objects.count() == 4


def test_dry_run_and_on_error_stop_write_nothing(tmp_path):
    report = import_bag(path=write(tmp_path, GOOD), dry_run=True)
    assert report.created > 0 and Address.objects.count() == 0
    with pytest.raises(ImportAborted, match="line 3"):
        import_bag(path=write(tmp_path, [GOOD[0], "x;;;;;;;;;"]), on_error="stop")
    assert Address.objects.count() == 0


def test_the_command_prints_the_report(tmp_path, capsys):
    call_command("import_bag", str(write(tmp_path, GOOD)))
    assert "addresses: 4 were created" in capsys.readouterr().out


# --- the invented sample (fixtures/nl) and the Dutch demo ---------------------------------------------


@pytest.fixture
def dutch_demo(settings):
    # The Dutch profile (its municipality codes, parser and service area) in any run; the storage SRID stays
    # what the run has, so this runs in the Belgian run (Lambert 72) and the Dutch one (RD New) alike.
    settings.BIN_COUNTRY = "NL"
    settings.BIN_SERVICE_BBOX = (3.2, 50.7, 7.3, 53.6)
    call_command("load_demo_nl")


def test_the_whole_sample_imports_without_a_bad_record():
    report = import_bag(path=SAMPLE, on_error="stop")
    assert report.errors == []
    assert Address.objects.count() == 495
    assert Address.objects.filter(box_number="II", house_number="12a").count() == 1


def test_the_dutch_demo_loads_once(dutch_demo, capsys):
    assert (
        Network.objects.filter(source_id__startswith="demo-nl:", status="active", published=True).count() == 2
    )
    municipality = Municipality.objects.get(nis_code="GM9999")
    assert municipality.police_zone.code == "nl-bt-onsdorp" and municipality.boundary is not None
    call_command("load_demo_nl")
    assert "Dutch demo data present (2 networks, 495 addresses)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "house_number", "box", "network"),
    [
        ("Dorpsstraat 12a, 1234 AB Ons Dorp", "12a", "", "Buurtpreventie Dorpsstraat"),
        ("dorpsstr 12-II 1234ab", "12", "II", "Buurtpreventie Dorpsstraat"),
        ("Dorpsstraat 12a-II, Ons Dorp", "12a", "II", "Buurtpreventie Dorpsstraat"),
        ("Molenweg 80, 1235AB Ons Dorp", "80", "", "Buurtpreventie Molenweg"),
        ("Kerkpad 3, Ons Dorp", "3", "", None),
    ],
)
def test_sample_addresses_answer_their_buurtpreventie(dutch_demo, text, house_number, box, network):
    result = address_lookup(text=text)
    top = result.matches[0]
    assert (top.match, top.house_number.lower(), top.box) == ("exact", house_number, box)
    names = [c.network.name for c in top.networks]
    assert names == ([network] if network else [])
