"""The network admin's boundary history: the versions on the change page, the comparison of two versions
(differences computed by PostGIS), the reason for a change, and who may see them (access.permissions)."""

import json

import pytest
from django.urls import reverse

from areas.models import Network, NetworkBoundaryVersion
from areas.services import boundary_change
from areas.versions import BoundaryChangeSource
from tests.factories import login, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(town):
    with boundary_change(user=town.municipality, reason="Council <b>decision</b> 12", source="admin"):
        Network.objects.filter(pk=town.alfa.pk).update(boundary=square(0, 0, 1200))
    return town


def compare_url(network, **query):
    url = reverse("admin:areas_network_boundary_compare", args=[network.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_change_page_lists_the_versions_with_areas_and_the_reason_escaped(moved):
    page = login(moved.superuser).get(reverse("admin:areas_network_change", args=[moved.alfa.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Boundary history" in html and "Reason for the boundary change" in html
    assert "Council &lt;b&gt;decision&lt;/b&gt; 12" in html and "<b>decision" not in html
    assert "gemeente-teststad" in html
    assert "1,440,000" in html and "1,000,000" in html and "440,000" in html  # area, change in m²
    assert compare_url(moved.alfa) in html


def test_the_add_page_offers_the_reason_and_saves_a_first_version(admin_client, town):
    page = admin_client.get(reverse("admin:areas_network_add"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Reason for the boundary change" in page.content.decode()


def test_the_comparison_shows_added_and_removed_parts(moved):
    old, new = NetworkBoundaryVersion.objects.filter(network=moved.alfa).order_by("valid_from")
    page = login(moved.superuser).get(compare_url(moved.alfa))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Added: 440,000 m²" in html and "Removed: 0 m²" in html
    data = page.context["map_data"]
    assert data["added"]["type"] == "Polygon" and data["removed"] is None
    assert page.context["old"] == old and page.context["new"] == new
    # Reversed, the same pair: the older is always "old".
    again = login(moved.superuser).get(compare_url(moved.alfa, old=new.pk, new=old.pk))
    assert again.context["old"] == old and again.context["compared"].added_m2 == pytest.approx(440_000)
    assert "leaflet.js" in html and "unpkg" not in html and "cdn" not in html.lower()
    assert json.loads(
        html.split('id="boundary-compare-data" type="application/json">')[1].split("</script>")[0]
    )


def test_a_shrunk_boundary_shows_the_removed_part(moved):
    with boundary_change(reason="smaller", source=BoundaryChangeSource.API):
        Network.objects.filter(pk=moved.alfa.pk).update(boundary=square(0, 0, 900))
    page = login(moved.superuser).get(compare_url(moved.alfa))
    compared = page.context["compared"]
    assert compared.removed_m2 == pytest.approx(1200**2 - 900**2) and compared.added is None


def test_municipality_staff_see_their_networks_history_only(moved):
    # Staff status comes with a municipality role (access.services); the town's accounts are made without.
    type(moved.municipality).objects.filter(
        pk__in=[moved.municipality.pk, moved.municipality_other.pk]
    ).update(is_staff=True)
    own = login(moved.municipality)
    assert own.get(compare_url(moved.alfa)).status_code == 200
    assert own.get(reverse("admin:areas_network_change", args=[moved.alfa.pk])).status_code == 200
    other = login(moved.municipality_other)
    assert other.get(compare_url(moved.alfa)).status_code in (302, 403, 404)
    assert login(moved.police).get(compare_url(moved.alfa)).status_code in (302, 403, 404)


def test_a_version_of_another_network_is_not_found(moved):
    other = NetworkBoundaryVersion.objects.get(network=moved.beta)
    client = login(moved.superuser)
    assert client.get(compare_url(moved.alfa, old=other.pk)).status_code == 404
    assert client.get(compare_url(moved.alfa, old="\uff11")).status_code == 404
    assert client.get(compare_url(moved.alfa, new="x")).status_code == 404
