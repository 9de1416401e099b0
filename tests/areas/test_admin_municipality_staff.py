"""Municipality staff in the admin (issue 15): they log in by their role, edit their own municipality's
networks and proposals with the boundary editor and the upload, and see and change nothing of another
municipality; what they reach is access.permissions' answer (admin_scope, can_use_admin)."""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from areas.models import Network
from members.models import NetworkProposal
from tests.areas.test_boundary_editor import editor_text, editor_value, save, stored
from tests.areas.test_boundary_upload import feature_collection, upload, write_geojson
from tests.factories import NetworkFactory, login, lonlat_square, square
from tests.members.test_admin_and_demo import demo_world  # noqa: F401 (a fixture)
from tests.test_admin import post_data

pytestmark = pytest.mark.django_db


def test_a_municipality_role_opens_the_admin_whatever_the_stored_staff_flag(town):
    # The town gives the role directly (as a shell, SQL or an old database would): the flag is off.
    clerk = town.municipality
    clerk.refresh_from_db()
    assert not clerk.is_staff
    client = Client(headers={"accept-language": "en"})
    response = client.post(reverse("admin:login"), {"username": clerk.username, "password": "pw"})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("admin:areas_network_changelist")).content.decode()
    assert "BIN Alfa" in page and "BIN Elders" not in page


def test_the_demo_municipality_account_logs_in_to_the_admin_with_its_password(demo_world, town):  # noqa: F811
    call_command("load_demo_members", verbosity=0)
    client = Client(headers={"accept-language": "en"})
    response = client.post(reverse("admin:login"), {"username": "gemeente", "password": "demo"})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("admin:areas_network_changelist")).content.decode()
    assert "BIN Lembeek-Centrum" in page and "BIN Alfa" not in page
    # Its own network opens in the editor, Halle's boundary and the BIN-Z as context.
    page = client.get(reverse("admin:areas_network_change", args=[demo_world["bin"].pk])).content.decode()
    assert "bin-boundary-editor" in page and "Lembeek Handelskern" in page and "Halle" in page


@pytest.mark.parametrize("who", ["police", "coord_a"])
def test_accounts_without_a_municipality_role_are_still_refused(town, who):
    client = Client(headers={"accept-language": "en"})
    response = client.post(
        reverse("admin:login"), {"username": getattr(town, who).username, "password": "pw"}
    )
    assert response.status_code == 200
    assert "staff account" in response.content.decode()


def test_they_save_their_network_unchanged_and_it_keeps_its_bytes(town):
    client = login(town.municipality)
    before, _ = stored(town.alfa)
    response = save(client, town.alfa, editor_value(client, town.alfa), description="Nieuw")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(town.alfa)[0] == before


def test_they_replace_their_networks_area_with_a_file(town, tmp_path):
    path = write_geojson(tmp_path, feature_collection(("BIN Alfa", lonlat_square(100, 100, 500))))
    response = upload(login(town.municipality), town.alfa, path)
    assert response.status_code == 302, response.content.decode()[:3000]
    town.alfa.refresh_from_db()
    assert abs(town.alfa.boundary.area - 500 * 500) < 1


def test_they_cannot_open_or_change_another_municipalitys_network(town, tmp_path):
    client = login(town.municipality)
    url = reverse("admin:areas_network_change", args=[town.elders.pk])
    assert client.get(url).status_code == 302  # to the admin's index: not in their admin at all
    before, _ = stored(town.elders)
    client.post(url, post_data(town.elders, boundary=square(12000, 0, 500).ewkt, name="Overgenomen"))
    path = write_geojson(tmp_path, feature_collection(("BIN Elders", lonlat_square(12000, 0, 300))))
    upload(client, town.elders, path)
    town.elders.refresh_from_db()
    assert town.elders.name == "BIN Elders" and stored(town.elders)[0] == before


def test_they_cannot_move_their_network_to_another_municipality(town):
    client = login(town.municipality)
    response = save(client, town.alfa, editor_value(client, town.alfa), municipality=town.other_muni.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Network.objects.get(pk=town.alfa.pk).municipality_id == town.muni.pk


def proposal(municipality, name, boundary) -> NetworkProposal:
    return NetworkProposal.objects.create(
        name=name,
        municipality=municipality,
        initiator_type="resident",
        initiators=[{"name": "Iemand", "email": "iemand@example.be"}],
        boundary=boundary,
    )


def proposal_data(p: NetworkProposal, boundary: str) -> dict:
    return {
        "name": p.name,
        "kind": p.kind,
        "municipality": p.municipality_id,
        "initiator_type": p.initiator_type,
        "initiators": json.dumps(p.initiators),
        "streets": "",
        "boundary": boundary,
        "network": "",
    }


def test_they_see_and_change_only_their_municipalitys_proposals(town):
    own = proposal(town.muni, "BIN Veldweg", square(0, 2900, 300))
    other = proposal(town.other_muni, "BIN Anders", square(12000, 2000, 300))
    client = login(town.municipality)
    listing = client.get(reverse("admin:members_networkproposal_changelist")).content.decode()
    assert "BIN Veldweg" in listing and "BIN Anders" not in listing
    assert client.get(reverse("admin:members_networkproposal_change", args=[other.pk])).status_code == 302

    # Their own, through the editor: unchanged, byte for byte; the Teststad networks are its context.
    url = reverse("admin:members_networkproposal_change", args=[own.pk])
    page = client.get(url).content.decode()
    assert "bin-boundary-editor" in page and "BIN Alfa" in page and "BIN Elders" not in page
    value = editor_text(page)
    before = NetworkProposal.objects.filter(pk=own.pk).values_list("boundary", flat=True).get().wkb
    response = client.post(url, proposal_data(own, value))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert NetworkProposal.objects.get(pk=own.pk).boundary.wkb == before

    # Another municipality's: refused, unchanged.
    other_before = other.boundary.wkb
    client.post(
        reverse("admin:members_networkproposal_change", args=[other.pk]),
        proposal_data(other, square(12000, 2000, 100).ewkt),
    )
    assert NetworkProposal.objects.get(pk=other.pk).boundary.wkb == other_before


def test_the_editor_shows_them_another_municipalitys_network_only_if_they_may_see_it(town):
    # Touching BIN Alfa from Buurdorp: one published, one not.
    NetworkFactory(
        name="BIN Buur Open", slug="bin-buur-open", municipality=town.neighbour, boundary=square(0, -500, 500)
    )
    NetworkFactory(
        name="BIN Buur Dicht",
        slug="bin-buur-dicht",
        municipality=town.neighbour,
        boundary=square(500, -500, 500),
        published=False,
    )
    url = reverse("admin:areas_network_change", args=[town.alfa.pk])
    page = login(town.municipality).get(url).content.decode()
    assert "BIN Buur Open" in page and "BIN Buur Dicht" not in page
    assert "BIN Verborgen" in page  # their own municipality's, unpublished: theirs to manage
    assert "BIN Buur Dicht" in login(town.superuser).get(url).content.decode()
