"""The coverage report of a municipality (streets.coverage_report, areas.coverage) on tests/town.py's town:
which addresses lie in no BIN and their runs, the overlaps with their m², the networks lacking a contact,
and the command that prints the same."""

from io import StringIO

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command

from areas.models import Network
from streets.coverage_report import coverage_report
from tests.factories import X0, Y0, AddressFactory, NetworkFactory, StreetFactory, addresses, lambert, square

# Teststad's addresses: Kerkstraat 37 (34 numbers, 12A, and two boxes of 14), Molenstraat 9, Marktplein 3,
# Veldweg 3 (tests/town.py).
TOWN_ADDRESSES = 52


def rectangle(x1, y1, x2, y2) -> MultiPolygon:
    x1, x2, y1, y2 = X0 + x1, X0 + x2, Y0 + y1, Y0 + y2
    return MultiPolygon(
        Polygon(((x1, y1), (x2, y1), (x2, y2), (x1, y2), (x1, y1))), srid=square(0, 0, 1).srid
    )


def runs(row) -> list[tuple]:
    return [(r.side, r.first, r.last, r.count) for r in row.ranges]


def by_name(report) -> dict:
    return {row.street.name: row for row in report.streets}


@pytest.fixture
def outskirts(town):
    """Heideweg, north of the centre: 2 and 4 in the dissolved BIN Opgeheven, 6 in BIN Verborgen (live,
    unpublished), 8 on the border of the two (Verborgen's edge: covered), 10 in Opgeheven again, "A" (no
    number) in Opgeheven; Zandweg 1 in a suspended BIN, Zandweg 3 in a BIN-Z only."""
    heideweg = StreetFactory(municipality=town.muni, name_nl="Heideweg", postcode="9990")
    addresses(heideweg, {"2": (2700, 2100), "4": (2750, 2100), "6": (2400, 2100), "8": (2500, 2200)})
    addresses(heideweg, {"10": (2800, 2100)})
    AddressFactory(street=heideweg, house_number="A", number=None, point=lambert(2900, 2100))
    NetworkFactory(
        name="BIN Dicht",
        slug="bin-dicht",
        municipality=town.muni,
        boundary=square(-900, -900, 300),
        status=Network.Status.SUSPENDED,
    )
    NetworkFactory(
        name="BIN-Z Zand",
        slug="bin-z-zand",
        municipality=town.muni,
        boundary=square(3000, 0, 500),
        kind=Network.Kind.BIN_Z,
    )
    zandweg = StreetFactory(municipality=town.muni, name_nl="Zandweg", postcode="9990")
    addresses(zandweg, {"1": (-800, -800), "3": (3100, 100)})
    return town


def test_the_towns_addresses_in_no_bin(town):
    report = coverage_report(municipality=town.muni)
    assert report.addresses == TOWN_ADDRESSES
    assert report.uncovered_count == 3
    assert report.share == pytest.approx(3 / TOWN_ADDRESSES)
    assert [(row.street.name, row.count) for row in report.streets] == [("Veldweg", 3)]
    assert runs(report.streets[0]) == [("odd", "1", "5", 3)]
    assert [a.house_number for a in report.uncovered] == ["1", "3", "5"]
    # Kerkstraat 19 stands on the Alfa|Beta border: covered (the border rule gives it to Alfa).
    assert sorted(report.covering_ids) == sorted([town.alfa.pk, town.beta.pk, town.hidden.pk])


def test_dissolved_suspended_and_bin_z_cover_nothing(outskirts):
    town = outskirts
    report = coverage_report(municipality=town.muni)
    assert report.addresses == TOWN_ADDRESSES + 6 + 2
    streets = by_name(report)
    assert list(streets) == ["Heideweg", "Veldweg", "Zandweg"]
    heideweg = streets["Heideweg"]
    # 6 (inside Verborgen) and 8 (on its edge) cut the even side in two runs.
    assert heideweg.count == 4
    assert runs(heideweg) == [("even", "2", "4", 2), ("even", "10", "10", 1)]
    assert heideweg.unnumbered == ["A"]
    assert runs(streets["Zandweg"]) == [("odd", "1", "3", 2)]
    assert report.uncovered_count == 3 + 4 + 2
    # The runs hold every numbered uncovered address: the two readings of the border rule agree.
    numbered = [a for a in report.uncovered if a.number is not None]
    assert sum(r.count for row in report.streets for r in row.ranges) == len(numbered)


def test_another_municipality_counts_its_own(town):
    report = coverage_report(municipality=town.other_muni)
    assert (report.addresses, report.uncovered_count, report.overlaps) == (1, 0, [])
    empty = coverage_report(municipality=town.neighbour)
    assert (empty.addresses, empty.uncovered_count, empty.share) == (0, 0, None)


def test_overlaps_with_their_square_metres(town):
    # Legacy data: a BIN reaching 10 m into Beta (10 x 20 m), and one 0.1 m into Alfa (0.5 m², within the
    # 1 m² tolerance of the import, so not shown).
    NetworkFactory(
        name="BIN Oud", slug="bin-oud", municipality=town.muni, boundary=rectangle(1990, 0, 2100, 20)
    )
    NetworkFactory(
        name="BIN Kruim", slug="bin-kruim", municipality=town.muni, boundary=rectangle(-50, 0, 0.1, 5)
    )
    report = coverage_report(municipality=town.muni)
    pairs = {(o.first.slug, o.second.slug): o for o in report.overlaps}
    assert set(pairs) == {("bin-alfa", "bin-z-markt"), ("bin-beta", "bin-z-markt"), ("bin-beta", "bin-oud")}
    # The BIN-Z [790, 1210] x [200, 620] lies 210 m into each of Alfa and Beta.
    assert pairs[("bin-alfa", "bin-z-markt")].m2 == pytest.approx(210 * 420)
    assert pairs[("bin-beta", "bin-z-markt")].m2 == pytest.approx(210 * 420)
    assert pairs[("bin-beta", "bin-oud")].m2 == pytest.approx(200)
    assert [o.residential for o in report.overlaps] == [False, False, True]  # largest first
    assert pairs[("bin-beta", "bin-oud")].shape.startswith('{"type":"Polygon"')


def test_a_dissolved_network_overlaps_nothing(town):
    NetworkFactory(
        name="BIN Weg",
        slug="bin-weg",
        municipality=town.muni,
        boundary=square(100, 100, 100),
        status=Network.Status.DISSOLVED,
    )
    report = coverage_report(municipality=town.muni)
    assert {o.second.slug for o in report.overlaps} == {"bin-z-markt"}


def test_networks_without_a_coordinator_or_police_contact(town):
    town.alfa.police_contact = town.police
    town.alfa.save()
    report = coverage_report(municipality=town.muni)
    rows = [
        (n.slug, n.coordinator_count > 0, n.police_contact_id is not None) for n in report.missing_contacts
    ]
    # Dissolved Opgeheven is left out; Verborgen (unpublished) is in.
    assert rows == [
        ("bin-beta", True, False),
        ("bin-verborgen", False, False),
        ("bin-z-markt", True, False),
    ]


def test_the_command_prints_the_report(outskirts):
    out = StringIO()
    call_command("coverage_report", "99001", stdout=out)
    text = out.getvalue()
    assert "addresses: 60" in text
    assert "in no BIN: 9 (15.0%) in 3 streets" in text
    assert "Heideweg 9990: 4: even 2-4 (2), even 10 (1); without number: A" in text
    assert "BIN Alfa | BIN-Z (self-employed): BIN-Z Markt: 88200.0 m²" in text
    assert "networks without a coordinator or a police contact: 5" in text
    assert "BIN Verborgen (active): no coordinator and no police contact" in text
    with pytest.raises(CommandError):
        call_command("coverage_report", "12345", stdout=StringIO())
