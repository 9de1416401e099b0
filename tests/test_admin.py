"""Every admin page loads for a superuser, and a network can be edited on its map."""

import pytest
from django.urls import reverse

from access.models import AccessLog, Role
from areas.models import Network
from members.models import NetworkProposal
from tests.factories import MembershipFactory, login, square

pytestmark = pytest.mark.django_db

MODELS = [
    ("areas", "policezone"),
    ("areas", "municipality"),
    ("areas", "network"),
    ("streets", "street"),
    ("streets", "address"),
    ("members", "member"),
    ("members", "membership"),
    ("access", "role"),
    ("members", "networkproposal"),
    ("access", "accesslog"),
]
# The access log is written by the service only: it has no add page.
NO_ADD_PAGE = {"accesslog"}


@pytest.fixture
def objects(town):
    """One object of each model in the admin, from the town and a few added to it."""
    membership = MembershipFactory(network=town.alfa, member__name="Admin Adriaan")
    proposal = NetworkProposal.objects.create(
        name="BIN Voorstel",
        municipality=town.muni,
        initiator_type="resident",
        initiators=[{"name": "Iemand", "email": "iemand@example.be"}],
        boundary=town.alfa.boundary,
    )
    log = AccessLog.objects.create(user=town.coord_a, action="view", network_id=town.alfa.pk, reason="test")
    return {
        "policezone": town.zone,
        "municipality": town.muni,
        "network": town.alfa,
        "street": town.kerkstraat,
        "address": town.kerkstraat.addresses.first(),
        "member": membership.member,
        "membership": membership,
        "role": Role.objects.first(),
        "networkproposal": proposal,
        "accesslog": log,
    }


@pytest.mark.parametrize("app, model", MODELS)
def test_changelist_add_and_change_pages_load(town, objects, app, model):
    client = login(town.superuser)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{model}_change", args=[objects[model].pk])).status_code == 200
    if model not in NO_ADD_PAGE:
        assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200


def test_network_change_page_has_a_map_widget(admin_client, town):
    response = admin_client.get(reverse("admin:areas_network_change", args=[town.alfa.pk]))
    html = response.content.decode()
    # The editor of areas.boundary_editor on the vendored Leaflet: nothing from a CDN (issue 15).
    assert "bin-boundary-editor" in html and "leaflet-geoman.min.js" in html
    assert "cdn.jsdelivr.net" not in html and "ol.js" not in html


@pytest.mark.parametrize("filter_param", ["kind__exact=BIN", "status__exact=active", "published__exact=1"])
def test_network_list_filters(admin_client, town, filter_param):
    response = admin_client.get(reverse("admin:areas_network_changelist") + "?" + filter_param)
    assert response.status_code == 200
    assert town.alfa.name in response.content.decode()


def post_data(network, **changes):
    data = {
        "name": network.name,
        "slug": network.slug,
        "kind": network.kind,
        "municipality": network.municipality_id,
        "police_zone": network.police_zone_id,
        "published": "on",
        "description": "",
        "status": network.status,
        "info_evening_date": "",
        "charter_signed_date": "",
        "recognised_date": "",
        "contact_email": network.contact_email,
        "boundary": network.boundary.ewkt,
        "source_id": "",
    }
    data.update(changes)
    return data


def test_superuser_edits_a_network_boundary(admin_client, town):
    network = town.alfa
    url = reverse("admin:areas_network_change", args=[network.pk])
    # 500 m further west and south: BIN Alfa still only touches BIN Beta.
    response = admin_client.post(
        url, post_data(network, boundary=square(-500, -500, 1500).ewkt, status="suspended")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    network.refresh_from_db()
    assert network.status == Network.Status.SUSPENDED
    assert abs(network.boundary.area - 1500 * 1500) < 1


def test_admin_refuses_an_overlapping_bin_naming_the_other(admin_client, town):
    url = reverse("admin:areas_network_change", args=[town.beta.pk])
    # BIN Beta moved 100 m into BIN Alfa, 500 m high: 50,000 m² of overlap.
    response = admin_client.post(url, post_data(town.beta, boundary=square(900, 0, 500).ewkt))
    assert response.status_code == 200
    html = response.content.decode()
    assert town.alfa.name in html
    assert "50000 m²" in html
