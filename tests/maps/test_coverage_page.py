"""The coverage report's page over HTTP (maps.views.coverage): who may open it, what it lists, its CSV and
JSON, and the links to it. The numbers themselves are tests/streets/test_coverage_report.py's."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy

from tests.factories import NetworkFactory, StreetFactory, addresses, login, square
from tests.streets.test_coverage_report import TOWN_ADDRESSES, outskirts  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

URL = reverse_lazy("maps:municipality-coverage", args=["99001"])  # in the test's language (English)


def test_anonymous_visitors_are_sent_to_log_in(client, town):
    r = client.get(URL)
    assert r.status_code == 302
    assert r["Location"].startswith(reverse("access:login"))
    assert client.get(URL + "?format=csv").status_code == 302


@pytest.mark.parametrize("who", ["coord_a", "municipality_other", "police_other"])
def test_others_are_refused(town, who):
    r = login(getattr(town, who)).get(URL)
    assert r.status_code == 403
    assert login(getattr(town, who)).get(URL + "?format=csv").status_code == 403


@pytest.mark.parametrize("who", ["municipality", "police", "superuser"])
def test_the_municipality_its_police_and_administrators_see_it(town, who):
    r = login(getattr(town, who)).get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert "<title>Coverage of Teststad</title>" in html
    assert f'data-addresses="{TOWN_ADDRESSES}"' in html
    assert 'data-uncovered="3"' in html
    assert f"3 addresses in no BIN ({3 / TOWN_ADDRESSES * 100:.1f} %)" in html
    assert 'data-run="odd:1-5:3"' in html
    assert 'data-overlap="bin-alfa|bin-z-markt" data-m2="88200"' in html
    assert "88,200" in html
    assert 'data-network-slug="bin-verborgen" data-coordinator="0" data-police-contact="0"' in html
    assert "bin-opgeheven" not in html.split("data-missing", 1)[1]  # dissolved: not in the list
    # The map: its networks, the overlaps and the uncovered addresses, clustered from vendored files.
    assert "leaflet-markercluster-1.5.3/leaflet.markercluster.js" in html
    assert "bin-uncovered-address" in html
    assert "Veldweg 5" in html


def test_unknown_municipality_is_404(town):
    r = login(town.superuser).get(reverse("maps:municipality-coverage", args=["12345"]))
    assert r.status_code == 404


def test_admin_links_for_those_who_work_in_the_admin(town):
    admin_url = reverse("admin:areas_network_change", args=[town.hidden.pk])
    assert admin_url in login(town.superuser).get(URL).content.decode()
    assert admin_url not in login(town.police).get(URL).content.decode()
    town.municipality.is_staff = True
    town.municipality.save()
    assert admin_url in login(town.municipality).get(URL).content.decode()


def test_csv_of_the_addresses_in_no_bin(town):
    r = login(town.municipality).get(URL + "?format=csv")
    assert r.status_code == 200
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert r["Content-Disposition"] == 'attachment; filename="99001-addresses-in-no-bin.csv"'
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == [
        "nis_code",
        "street",
        "postcode",
        "house_number",
        "box_number",
        "longitude",
        "latitude",
    ]
    assert [row[:5] for row in rows[1:]] == [["99001", "Veldweg", "9990", n, ""] for n in ("1", "3", "5")]
    lon, lat = float(rows[1][5]), float(rows[1][6])
    assert 3.5 < lon < 4.5 and 50.5 < lat < 51  # near Lembeek, in EPSG:4326


def test_csv_quotes_what_a_spreadsheet_would_run(town):
    town.veldweg.name_nl = "=HYPERLINK(1)"
    town.veldweg.save()
    rows = list(csv.reader(io.StringIO(login(town.municipality).get(URL + "?format=csv").content.decode())))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_json_of_the_whole_report(outskirts):  # noqa: F811
    town = outskirts
    data = json.loads(login(town.police).get(URL + "?format=json").content)
    assert data["municipality"] == "99001"
    assert (data["addresses"], data["uncovered"]) == (TOWN_ADDRESSES + 8, 9)
    heideweg = data["streets"][0]
    assert (heideweg["street"], heideweg["count"], heideweg["unnumbered"]) == ("Heideweg", 4, ["A"])
    assert heideweg["ranges"] == [
        {"side": "even", "from": "2", "to": "4", "count": 2},
        {"side": "even", "from": "10", "to": "10", "count": 1},
    ]
    assert [(o["first"]["slug"], o["second"]["slug"], o["m2"]) for o in data["overlaps"]] == [
        ("bin-alfa", "bin-z-markt", 88200.0),
        ("bin-beta", "bin-z-markt", 88200.0),
    ]
    assert {n["slug"] for n in data["missing_contacts"]} == {
        "bin-alfa",
        "bin-beta",
        "bin-verborgen",
        "bin-z-markt",
        "bin-z-zand",
    }


def test_the_list_is_paged(outskirts, monkeypatch):  # noqa: F811
    monkeypatch.setattr("maps.views.coverage.STREETS_PER_PAGE", 2)
    client = login(outskirts.municipality)
    first = client.get(URL).content.decode()
    assert "Heideweg" in first and f'data-street-id="{outskirts.veldweg.pk}"' in first
    assert "Page 1 of 2" in first and "?page=2" in first
    second = client.get(URL + "?page=2").content.decode()
    assert "Zandweg" in second and f'data-street-id="{outskirts.veldweg.pk}"' not in second


def test_the_start_pages_link_to_it(town):
    home = login(town.municipality).get(reverse("maps:municipality-home")).content.decode()
    assert f'href="{URL}" data-coverage-link' in home
    police = login(town.police).get(reverse("maps:police-home")).content.decode()
    assert f'href="{URL}" data-coverage-link' in police


def test_the_map_carries_at_most_so_many_points(town, monkeypatch):
    monkeypatch.setattr("maps.coverage.MAP_POINTS_MAX", 2)
    html = login(town.municipality).get(URL).content.decode()
    assert "The map shows the first 2 of 3 addresses in no BIN; the list and the CSV hold them all." in html
    assert "Veldweg 3" in html and "Veldweg 5" not in html
    assert 'data-run="odd:1-5:3"' in html  # the list holds them all


def test_the_page_reads_in_few_queries(town):
    """The same number of queries with more streets, overlaps and networks: none per row."""
    client = login(town.superuser)
    client.get(URL)  # the session and the user, once

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    before = count()
    assert before <= 14
    street = StreetFactory(municipality=town.muni, name_nl="Heideweg", postcode="9990")
    addresses(street, {"2": (2700, 2100), "4": (3200, 3200)})
    NetworkFactory(name="BIN-Z Twee", slug="bin-z-twee", municipality=town.muni, kind="BIN-Z")
    assert count() == before


def test_overlapping_bins_are_marked(town):
    # Legacy data: a BIN over Beta's north-east corner (20 x 20 m), which the import would refuse.
    NetworkFactory(name="BIN Oud", slug="bin-oud", municipality=town.muni, boundary=square(1980, 980, 100))
    html = login(town.police).get(URL).content.decode()
    assert 'data-overlap="bin-beta|bin-oud" data-m2="400"' in html
    row = html.split('data-overlap="bin-beta|bin-oud"', 1)[1].split("</tr>", 1)[0]
    assert "data-conflict" in row and "BINs overlap" in row
    assert "Overlaps between BINs" in html  # its own layer on the map


def test_a_municipality_without_addresses_or_boundary(town):
    town.neighbour.boundary = None
    town.neighbour.save()
    r = login(town.superuser).get(reverse("maps:municipality-coverage", args=["99003"]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-addresses="0"' in html and 'data-uncovered="0"' in html
    assert "The address register holds no address of this municipality." in html
