"""The public map pages with their map parts cached (maps/cache.py): never stale, never leaking, CSP intact.

Each test warms the cache with a first request, changes the data behind the map through a writer that
bypasses Django's save() (raw SQL or QuerySet.update, so nothing but the data version can tell), and checks
the next page draws the change.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, translate_url

from areas.models import Network
from maps.builders import bounds_of
from tests.factories import login, lonlat

from .test_builders import drawn_slugs, feature_collections

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def zone_page(client, town, **extra):
    response = client.get(reverse("maps:police-zone", args=[town.zone.number]), **EN, **extra)
    assert response.status_code == 200
    return response


def west_edge_of(html: str, slug: str) -> float:
    """The westernmost longitude of the network `slug` as drawn."""
    (feature,) = [
        f for fc in feature_collections(html) for f in fc.get("features", []) if f.get("id") == slug
    ]
    return bounds_of([feature["geometry"]])[0][1]


# 300 m is ~0.0043° of longitude in Belgium; the drawing is simplified by at most a few metres.
MOVED = 0.003


def test_the_second_request_is_served_from_the_cache(client, town):
    first = zone_page(client, town).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = zone_page(client, town).content.decode()
    # Nothing simplified or read from the stored shapes but their ids (the data version).
    assert not [q["sql"] for q in queries if "geojson" in q["sql"].lower()]
    assert drawn_slugs(second) == drawn_slugs(first) == {"bin-alfa", "bin-beta", "bin-z-markt", "bin-gamma"}


def test_a_boundary_changed_by_raw_sql_shows_at_once(client, town):
    before = west_edge_of(zone_page(client, town).content.decode(), "bin-alfa")
    assert before == pytest.approx(lonlat(0, 0)[0], abs=1e-4)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE areas_network SET boundary = ST_Multi(ST_Translate(boundary, -300, 0)) WHERE id = %s",
            [town.alfa.pk],
        )
    assert west_edge_of(zone_page(client, town).content.decode(), "bin-alfa") < before - MOVED


def test_the_embed_follows_a_boundary_change_too(client, town):
    url = reverse("maps:police-zone-embed", args=[town.zone.number])
    before = west_edge_of(client.get(url, **EN).content.decode(), "bin-alfa")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE areas_network SET boundary = ST_Multi(ST_Translate(boundary, -300, 0)) WHERE id = %s",
            [town.alfa.pk],
        )
    assert west_edge_of(client.get(url, **EN).content.decode(), "bin-alfa") < before - MOVED


@pytest.mark.parametrize(
    "change", [{"published": False}, {"status": Network.Status.DISSOLVED}], ids=["unpublished", "dissolved"]
)
def test_a_network_taken_off_the_public_map_does_not_stay_in_the_cache(client, town, change):
    assert "bin-beta" in drawn_slugs(zone_page(client, town).content.decode())
    Network.objects.filter(pk=town.beta.pk).update(**change)
    html = zone_page(client, town).content.decode()
    assert "bin-beta" not in drawn_slugs(html)
    assert "bin-alfa" in drawn_slugs(html)


def test_staff_maps_are_never_cached_nor_served_to_the_public(client, town):
    staff = login(town.superuser)
    assert "bin-verborgen" in drawn_slugs(zone_page(staff, town).content.decode())
    assert "bin-verborgen" not in drawn_slugs(zone_page(client, town).content.decode())
    # And the other way round: the public entry does not hide the unpublished network from staff.
    assert "bin-verborgen" in drawn_slugs(zone_page(staff, town).content.decode())


def test_a_cached_script_carries_the_nonce_of_its_own_response(client, town):
    nonces = []
    for _ in range(2):
        response = zone_page(client, town)
        html = response.content.decode()
        policy = response["Content-Security-Policy"]
        (nonce,) = set(re.findall(r"<script nonce=\"([^\"]+)\"", html))
        assert f"'nonce-{nonce}'" in policy
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_each_language_has_its_own_entry(client, town):
    url = reverse("maps:police-zone", args=[town.zone.number])
    # The map's script (the legend's title) in the language of the request, after the English one is cached.
    english = client.get(url, **EN).content.decode().split("<script nonce")[1]
    dutch = client.get(translate_url(url, "nl")).content.decode().split("<script nonce")[1]
    assert "Neighbourhood information networks" in english
    assert "Buurtinformatienetwerken" in dutch and "Neighbourhood information networks" not in dutch
