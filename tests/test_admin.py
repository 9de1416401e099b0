"""Every admin page loads for a superuser, and a network can be edited on its map."""

import pytest
from django.urls import reverse

from areas.models import Network
from tests.factories import AddressFactory, NetworkFactory, square

pytestmark = pytest.mark.django_db

MODELS = [
    ("areas", "policezone"),
    ("areas", "municipality"),
    ("areas", "network"),
    ("streets", "street"),
    ("streets", "address"),
]


@pytest.fixture
def objects():
    network = NetworkFactory()
    address = AddressFactory(street__municipality=network.municipality)
    return {
        "network": network,
        "municipality": network.municipality,
        "policezone": network.police_zone,
        "address": address,
        "street": address.street,
    }


@pytest.mark.parametrize("app, model", MODELS)
def test_changelist_add_and_change_pages_load(admin_client, objects, app, model):
    assert admin_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200
    obj = objects[model]
    response = admin_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_network_change_page_has_a_map_widget(admin_client, objects):
    response = admin_client.get(reverse("admin:areas_network_change", args=[objects["network"].pk]))
    html = response.content.decode()
    assert "ol.js" in html or "OLMapWidget" in html or "MapWidget" in html


@pytest.mark.parametrize("filter_param", ["kind__exact=BIN", "status__exact=active", "published__exact=1"])
def test_network_list_filters(admin_client, objects, filter_param):
    response = admin_client.get(reverse("admin:areas_network_changelist") + "?" + filter_param)
    assert response.status_code == 200
    assert objects["network"].name in response.content.decode()


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


def test_superuser_edits_a_network_boundary(admin_client, objects):
    network = objects["network"]
    url = reverse("admin:areas_network_change", args=[network.pk])
    response = admin_client.post(
        url, post_data(network, boundary=square(0, 0, 1500).ewkt, status="suspended")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    network.refresh_from_db()
    assert network.status == Network.Status.SUSPENDED
    assert abs(network.boundary.area - 1500 * 1500) < 1


def test_admin_refuses_an_overlapping_bin_naming_the_other(admin_client, objects):
    network = objects["network"]
    other = NetworkFactory(
        municipality=network.municipality, name="BIN Andere", boundary=square(2000, 0, 500)
    )
    url = reverse("admin:areas_network_change", args=[other.pk])
    response = admin_client.post(url, post_data(other, boundary=square(900, 0, 500).ewkt))
    assert response.status_code == 200
    html = response.content.decode()
    assert network.name in html
    assert "50000 m²" in html
