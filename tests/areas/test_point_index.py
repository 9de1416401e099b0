"""The in-process point index (areas/point_index.py) answers as PostGIS does, and never from stale data for
longer than BIN_POINT_INDEX_CHECK_SECONDS (0 in the tests)."""

import base64

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas import point_index
from areas.models import Network
from areas.selectors import networks_covering_points, networks_near_points
from tests.factories import lambert, latlon, square

# Inside, on shared borders and corners, on the BIN-Z's edge, in no BIN, near the unpublished and the
# dissolved BIN, in Buurdorp and Anderdorp (the town of tests/town.py), every 250 m and on the edges.
GRID = [(x, y) for x in range(-500, 3001, 250) for y in range(-500, 3001, 250)]
EDGES = [(1000, 500), (1000, 0), (1000, 1000), (0, 0), (790, 300), (1210, 620), (1000, 300), (2500, 2000)]
ELSEWHERE = [(5500, 500), (12500, 500), (6000, 1000), (100, 3000), (-1500, -1500)]
POINTS = [lambert(x, y) for x, y in GRID + EDGES + ELSEWHERE]


def described(answers) -> list:
    return [[(c.network.pk, c.on_border, [n.pk for n in c.border_with]) for c in found] for found in answers]


def near(answers) -> list:
    return [[(n.pk, round(n.distance.m, 6)) for n in found] for found in answers]


@pytest.mark.django_db
def test_the_index_answers_as_postgis_for_every_point(town):
    for user in (None, town.coord_a):
        db = networks_covering_points(points=POINTS, user=user)
        cached = networks_covering_points(points=POINTS, user=user, cached=True)
        assert described(cached) == described(db)
        assert near(networks_near_points(points=POINTS, user=user, cached=True)) == near(
            networks_near_points(points=POINTS, user=user)
        )
    # The answers are real: the grid meets every public network, on borders too, and leaves some uncovered.
    found = {pk for answer in described(cached) for pk, _border, _others in answer}
    assert found == set(
        Network.objects.filter(published=True).exclude(status="dissolved").values_list("pk", flat=True)
    )
    assert any(border for answer in described(cached) for _pk, border, _others in answer)
    assert any(not answer for answer in cached)


@pytest.mark.django_db
def test_unpublished_and_dissolved_networks_only_for_staff(town):
    hidden = lambert(2000, 2500)  # BIN Verborgen (unpublished)
    (anonymous,) = networks_covering_points(points=[hidden], cached=True)
    (staff,) = networks_covering_points(points=[hidden], user=town.superuser, cached=True)
    assert anonymous == []
    assert [c.network.name for c in staff] == ["BIN Verborgen"]


@pytest.mark.django_db
def test_a_change_is_answered_at_once_and_a_rolled_back_one_is_forgotten(town):
    inside_beta = lambert(1500, 500)

    def names():
        (found,) = networks_covering_points(points=[inside_beta], cached=True)
        return [c.network.name for c in found]

    assert names() == ["BIN Beta"]
    beta = Network.objects.get(name="BIN Beta")
    with transaction.atomic():
        sid = transaction.savepoint()
        Network.objects.filter(pk=beta.pk).update(name="BIN Beta Nieuw")
        assert names() == ["BIN Beta Nieuw"]
        Network.objects.filter(pk=beta.pk).update(published=False)
        assert names() == []
        transaction.savepoint_rollback(sid)
    # The index was built from the rolled-back rows; the token it was built at no longer exists.
    assert names() == ["BIN Beta"]
    beta.boundary = square(1600, 0, 400)
    beta.save()
    assert names() == []


@pytest.mark.django_db
def test_between_checks_the_index_is_not_asked_again(town):
    inside_alfa = [lambert(500, 500)]
    networks_covering_points(points=inside_alfa, cached=True)
    with override_settings(BIN_POINT_INDEX_CHECK_SECONDS=3600):
        networks_covering_points(points=inside_alfa, cached=True)  # checked now: the next hour is free
        with CaptureQueriesContext(connection) as queries:
            (found,) = networks_covering_points(points=inside_alfa, cached=True)
        assert [c.network.name for c in found] == ["BIN Alfa"]
        assert len(queries) == 0
        # Within the interval a change is not seen (the price of the hour; production waits 1 s) ...
        Network.objects.filter(name="BIN Alfa").update(name="BIN Alfa Nieuw")
        (found,) = networks_covering_points(points=inside_alfa, cached=True)
        assert [c.network.name for c in found] == ["BIN Alfa"]
    # ... and is at the next check. The database path never waits.
    (found,) = networks_covering_points(points=inside_alfa, cached=True)
    assert [c.network.name for c in found] == ["BIN Alfa Nieuw"]


@pytest.mark.django_db
def test_writes_read_the_database(town):
    """Joining decides a member's network: it never takes the index's answer."""
    inside_alfa = [lambert(500, 500)]
    networks_covering_points(points=inside_alfa, cached=True)
    with override_settings(BIN_POINT_INDEX_CHECK_SECONDS=3600):
        networks_covering_points(points=inside_alfa, cached=True)
        Network.objects.filter(name="BIN Alfa").update(name="BIN Alfa Nieuw")
        (found,) = networks_covering_points(points=inside_alfa)
    assert [c.network.name for c in found] == ["BIN Alfa Nieuw"]


@pytest.mark.django_db
def test_answers_are_copies(town):
    (first,) = networks_covering_points(points=[lambert(500, 500)], cached=True)
    first[0].network.name = "changed by a caller"
    first[0].network.distance = 5
    (again,) = networks_covering_points(points=[lambert(500, 500)], cached=True)
    assert again[0].network.name == "BIN Alfa"
    assert not hasattr(again[0].network, "distance")
    index = point_index.point_index()
    assert all(n.name != "changed by a caller" for n in index.networks)


# --- the API's point lookup: answered before DRF, the same answer -------------------------------------------


def lookup(client, x, y, params=None, **headers):
    lat, lon = latlon(x, y)
    return client.get(reverse("api:lookup"), {"lat": lat, "lon": lon, **(params or {})}, **headers)


HEADERS_PER_RESPONSE = {"X-Request-ID", "Content-Security-Policy", "Content-Length"}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_fast_point_lookup_is_drfs_answer(town, language):
    client = Client(headers={"accept-language": language})
    for x, y in [(500, 500), (1000, 500), (900, 300), (100, 3000), (12500, 500), (-1500, -1500)]:
        fast = lookup(client, x, y)
        # format=json is one parameter more: DRF answers it, as every request did before.
        drf = lookup(client, x, y, {"format": "json"})
        assert fast.status_code == drf.status_code == 200
        assert fast.content == drf.content, (x, y)
        assert {k: v for k, v in fast.items() if k not in HEADERS_PER_RESPONSE} == {
            k: v for k, v in drf.items() if k not in HEADERS_PER_RESPONSE
        }
        assert fast["Content-Security-Policy"] == drf["Content-Security-Policy"]


@pytest.mark.django_db
def test_fast_point_lookup_leaves_everything_else_to_drf(town):
    client = Client(headers={"accept-language": "en"})
    # Bad input: DRF's messages, 400.
    lat, lon = latlon(500, 500)
    for params, message in [
        ({"lat": "abc", "lon": lon}, "A number is required"),
        ({"lat": lat}, "Give both lat and lon."),
        ({"lat": lon, "lon": lat}, "did you mean"),
        ({"lat": "nan", "lon": lon}, "A number is required"),
        ({"lat": lat, "lon": lon, "address": "Kerkstraat 1"}, "not both"),
    ]:
        response = client.get(reverse("api:lookup"), params)
        assert response.status_code == 400, params
        assert message in response.content.decode(), (params, response.content)
    # The browsable API for a browser.
    html = lookup(client, 500, 500, HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    # HTTP Basic: DRF authenticates the administrator, who sees the unpublished BIN.
    basic = "Basic " + base64.b64encode(b"root:pw").decode()
    staff = lookup(client, 2000, 2500, HTTP_AUTHORIZATION=basic)
    assert [n["name"] for n in staff.json()["networks"]] == ["BIN Verborgen"]
    assert lookup(client, 2000, 2500).json()["networks"] == []


@pytest.mark.django_db
def test_an_anonymous_point_lookup_asks_the_database_only_for_the_token(town):
    client = Client()
    lookup(client, 500, 500)
    with CaptureQueriesContext(connection) as queries:
        assert lookup(client, 500, 500).json()["networks"][0]["name"] == "BIN Alfa"
    assert [q["sql"] for q in queries] == [point_index._TOKEN_SQL]
