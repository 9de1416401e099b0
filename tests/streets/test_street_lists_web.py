"""Street lists on the web: the CSV exports (a network's, a municipality's) and the admin upload, with who
may see and do what (access.permissions)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from areas.models import Municipality, Network
from areas.selectors import networks_covering_points
from streets.models import NetworkStreetRange
from streets.streetlists import import_street_lists

from ..factories import UserFactory, login, municipality_staff
from .street_list_data import HALLE, load_halle, write
from .test_street_lists import HEADER, LISTS

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_municipality_export_of_the_town(client, town):
    # Teststad's residential BINs that everyone sees (Alfa, Beta): Kerkstraat 19 lies on their border and
    # counts for Alfa, the older one (the border rule); 8 and 10 do not exist, so 1-19 is one `all` row.
    r = client.get(reverse("api:municipality-street-lists", args=["99001"]))
    assert r.content.decode().splitlines()[0] == HEADER.strip()
    assert [tuple(row.values()) for row in rows_of(r)] == [
        ("BIN Alfa", "99001", "Kerkstraat", "9990", "1", "19", "all"),
        ("BIN Alfa", "99001", "Marktplein", "9990", "", "", "all"),
        ("BIN Beta", "99001", "Kerkstraat", "9990", "20", "36", "all"),
        ("BIN Beta", "99001", "Molenstraat", "9990", "", "", "all"),
    ]
    assert 'filename="street-lists-99001.csv"' in r["Content-Disposition"]
    assert client.get(reverse("api:municipality-street-lists", args=["12345"])).status_code == 404


@pytest.fixture
def halle(tmp_path):
    load_halle(tmp_path)
    report = import_street_lists(path=write(tmp_path, LISTS), on_error="stop")
    assert report.created == 3
    return tmp_path


def test_exports_show_unpublished_networks_to_staff_only(client, halle):
    url = reverse("api:municipality-street-lists", args=["halle"])
    # New networks are unpublished: anonymous visitors get the header only.
    assert rows_of(client.get(url)) == []
    staff = login(UserFactory(is_staff=True))
    assert {row["network"] for row in rows_of(staff.get(url))} == {
        "BIN Proef Noord",
        "BIN Proef Zuid",
        "BIN Proef West",
    }
    assert "no-store" in staff.get(url)["Cache-Control"]
    assert "no-store" not in client.get(url).get("Cache-Control", "")
    noord = Network.objects.get(name="BIN Proef Noord")
    per_network = reverse("api:network-streets", args=[noord.slug])
    assert client.get(per_network, {"format": "csv"}).status_code == 404
    Network.objects.filter(pk=noord.pk).update(published=True, status=Network.Status.ACTIVE)
    assert {row["network"] for row in rows_of(client.get(url))} == {"BIN Proef Noord"}
    rows = rows_of(client.get(per_network, {"format": "csv"}))
    assert {(r["street"], r["from"], r["to"], r["parity"]) for r in rows} == {
        ("Fonteinstraat", "", "", "all"),
        ("Boslaan", "", "", "all"),
    }


def upload(client, text: str, **options):
    data = {"file": SimpleUploadedFile("lists.csv", text.encode("utf-8"), "text/csv"), "on_error": "skip"}
    data.update(options)
    return client.post(reverse("admin:streets_networkstreetrange_import"), data)


def test_admin_upload_scoped_to_the_staff_members_municipalities(tmp_path):
    load_halle(tmp_path)
    halle = Municipality.objects.get(nis_code=HALLE)
    brussels = Municipality.objects.get(nis_code="21004")
    officer_user = municipality_staff(halle, is_staff=True)
    officer = login(officer_user)
    page = officer.get(reverse("admin:streets_networkstreetrange_import"))
    assert page.status_code == 200 and b"Import street lists (CSV)" in page.content
    # A dry run shows what would change and writes nothing.
    r = upload(officer, LISTS, dry_run="on")
    assert b"3 would be created" in r.content and not Network.objects.exists()
    # A row of another municipality is refused, by its line; the rest is imported.
    r = upload(officer, LISTS + "BIN Elders,21004,Wetstraat,1000,,,all\n")
    assert r.status_code == 200
    assert "line 9: You may not manage the networks of Brussel / Bruxelles." in r.content.decode()
    assert Network.objects.filter(municipality=halle).count() == 3
    assert not Network.objects.filter(municipality=brussels).exists()
    # The boundary versions say who drew the areas, from what (areas.versions).
    version = Network.objects.get(name="BIN Proef Noord").boundary_versions.get()
    assert (version.source, version.changed_by, version.reason) == (
        "street_list",
        officer_user,
        "street list lists.csv",
    )
    # On stop, nothing is written and the page names the row.
    r = upload(
        officer,
        HEADER + "BIN Nieuw,23027,Boslaan,1502,,,even\nBIN Nieuw,23027,Nergens,1502,,,all\n",
        on_error="stop",
    )
    assert "line 3: Unknown street “Nergens”" in r.content.decode()
    assert not Network.objects.filter(name="BIN Nieuw").exists()
    # The ranges are listed for the officer; staff of another municipality see none and import nothing.
    assert officer.get(reverse("admin:streets_networkstreetrange_changelist")).status_code == 200
    other = login(municipality_staff(brussels, is_staff=True))
    r = other.get(reverse("admin:streets_networkstreetrange_changelist"))
    assert r.status_code == 200 and b"Fonteinstraat" not in r.content
    r = upload(other, LISTS)
    assert "line 2: You may not manage the networks of Halle / Hal." in r.content.decode()
    assert NetworkStreetRange.objects.count() == 7


def test_admin_upload_refused_to_others_and_linked_from_the_network_list(town):
    assert upload(login(town.coord_a), LISTS).status_code in (302, 403)
    assert not Network.objects.filter(name__startswith="BIN Proef").exists()
    page = login(town.superuser).get(reverse("admin:areas_network_changelist"))
    assert reverse("admin:streets_networkstreetrange_import").encode() in page.content


def covering(user, address) -> list[str]:
    (found,) = networks_covering_points(points=[address.point], user=user)
    return [c.network.name for c in found if c.network.kind in Network.EXCLUSIVE_KINDS]


def test_street_lists_beside_drawn_bins(town, tmp_path):
    # Teststad's Veldweg lies in no BIN: its list gives a new BIN whose Voronoi area leaves the drawn BINs
    # (Alfa, Beta, Verborgen) out. Listing addresses that lie inside drawn Alfa is refused.
    text = HEADER + "BIN Veld,99001,Veldweg,9990,,,all\nBIN Fout,99001,Rue de l'Église,9990,1,5,odd\n"
    report = import_street_lists(path=write(tmp_path, text), on_error="skip")
    assert report.created == 1
    assert [str(e) for e in report.errors] == [
        "line 3: “Kerkstraat” 1-5 (odd): addresses lie in the drawn BIN “BIN Alfa”."
    ]
    veld = Network.objects.get(name="BIN Veld")
    assert veld.boundary_source == "street_list" and veld.street_ranges.count() == 1
    for drawn in (town.alfa, town.beta):
        assert not Network.objects.filter(pk=veld.pk, boundary__relate=(drawn.boundary, "T********")).exists()
    assert all(covering(town.superuser, a) == ["BIN Veld"] for a in town.veldweg.addresses.all())
    # Alfa turned into a street list (Kerkstraat up to 19, the Marktplein): Beta stays drawn; Kerkstraat 19
    # on their border is still Alfa's (the older, by the border rule), 20 Beta's.
    text = HEADER + "BIN Alfa,99001,Kerkstraat,9990,,19,all\nBIN Alfa,99001,Marktplein,9990,,,all\n"
    report = import_street_lists(path=write(tmp_path, text), on_error="stop")
    assert (report.updated, report.errors) == (1, [])
    town.alfa.refresh_from_db()
    assert town.alfa.boundary_source == "street_list"
    kerkstraat = {a.house_number: a for a in town.kerkstraat.addresses.all()}
    assert covering(town.superuser, kerkstraat["19"]) == ["BIN Alfa"]
    assert covering(town.superuser, kerkstraat["20"]) == ["BIN Beta"]
    assert covering(town.superuser, kerkstraat["1"]) == ["BIN Alfa"]
    assert all(covering(town.superuser, a) == ["BIN Veld"] for a in town.veldweg.addresses.all())
