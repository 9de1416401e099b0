"""The lookup at a past day (`?at=YYYY-MM-DD`): the networks whose boundary covered the place at the end of
that day (areas.versions), by the same border rule as today's lookup.

BIN Alfa of the town moves twice; the versions' times are then set to known days (the triggers stamp the
real time of the test) in the service's time zone, Europe/Brussels:
  v1 [0, 1000]²             2024-01-10 09:00 .. 2025-03-01 10:00
  v2 [-500, 1000]²          2025-03-01 10:00 .. 2025-09-15 00:00 (midnight: the change belongs to the 15th)
  v3 [0, 800]² (current)    2025-09-15 00:00 ..
BIN Beta [1000, 2000] x [0, 1000] exists since 2024-01-01; the other networks only since the test began.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from areas.models import Network, NetworkBoundaryVersion
from areas.services import boundary_change
from areas.versions import BoundaryChangeSource
from tests.factories import latlon, square
from tests.town import town as town

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSELS)


def backdate(network: Network, *times: dt.datetime) -> None:
    """Give the network's versions, oldest first, these start times (each ends where the next starts)."""
    ids = list(
        NetworkBoundaryVersion.objects.filter(network=network)
        .order_by("valid_from", "id")
        .values_list("pk", flat=True)
    )
    assert len(ids) == len(times)
    ends = [*times[1:], None]
    with connection.cursor() as cursor:
        for pk, start, end in zip(ids, times, ends, strict=True):
            cursor.execute(
                "UPDATE areas_networkboundaryversion SET valid_from = %s, valid_to = %s WHERE id = %s",
                [start, end, pk],
            )


@pytest.fixture
def moved(town):
    for boundary, reason in ((square(-500, -500, 1500), "first move"), (square(0, 0, 800), "second move")):
        with boundary_change(user=town.superuser, reason=reason, source=BoundaryChangeSource.API):
            Network.objects.filter(pk=town.alfa.pk).update(boundary=boundary)
    backdate(town.alfa, brussels(2024, 1, 10, 9), brussels(2025, 3, 1, 10), brussels(2025, 9, 15))
    backdate(town.beta, brussels(2024, 1, 1))
    return town


def at_point(client, x, y, at):
    lat, lon = latlon(x, y)
    return client.get(reverse("api:lookup"), {"lat": lat, "lon": lon, "at": at}, HTTP_ACCEPT_LANGUAGE="en")


def slugs(body):
    return [n["slug"] for n in body["networks"]]


ONLY_IN_V2 = (-200, -200)
IN_V1_AND_V2 = (900, 900)


@pytest.mark.parametrize(
    ("at", "only_v2", "v1_and_v2"),
    [
        ("2023-12-31", [], []),  # before Alfa existed
        ("2024-06-01", [], ["bin-alfa"]),  # v1
        ("2025-02-28", [], ["bin-alfa"]),  # v1: the move came the next morning
        ("2025-03-01", ["bin-alfa"], ["bin-alfa"]),  # v2 at the end of the day of the move
        ("2025-09-14", ["bin-alfa"], ["bin-alfa"]),  # v2 until midnight
        ("2025-09-15", [], []),  # v3 from midnight
    ],
)
def test_a_network_moved_twice_is_answered_with_the_boundary_of_the_day(
    client, moved, at, only_v2, v1_and_v2
):
    for point, expected in ((ONLY_IN_V2, only_v2), (IN_V1_AND_V2, v1_and_v2)):
        r = at_point(client, *point, at)
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["at"] == at
        assert slugs(body) == expected, (at, point)
        assert ("message" in body) == (not expected)


def test_today_answers_as_the_lookup_without_a_date(client, moved):
    today = timezone.localdate().isoformat()
    lat, lon = latlon(500, 500)
    now = client.get(reverse("api:lookup"), {"lat": lat, "lon": lon}, HTTP_ACCEPT_LANGUAGE="en").json()
    then = at_point(client, 500, 500, today).json()
    assert slugs(then) == slugs(now) == ["bin-alfa"]
    assert then["networks"] == now["networks"]


def test_the_border_rule_of_a_past_day(client, moved):
    # Kerkstraat 19 stands on the Alfa|Beta border (x = 1000), as it did in 2024: Alfa, the older network,
    # owns it, as today's lookup says.
    params = {"address": "Kerkstraat 19, 9990 Teststad", "at": "2024-06-01"}
    top = client.get(reverse("api:lookup"), params, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    (network,) = top["networks"]
    assert network["slug"] == "bin-alfa" and network["on_border"] and network["border_with"] == ["bin-beta"]


def test_unpublished_networks_stay_hidden_in_the_past(client, moved, town):
    assert at_point(client, 2000, 2500, timezone.localdate().isoformat()).json()["networks"] == []
    client.force_login(town.superuser)
    assert slugs(at_point(client, 2000, 2500, timezone.localdate().isoformat()).json()) == ["bin-verborgen"]


def test_an_address_at_a_past_day(client, moved):
    # Kerkstraat 17 (x = 900, y = 520): in Alfa's v1 and v2, not v3; the BIN-Z exists only since the test.
    params = {"address": "Kerkstraat 17, 9990 Teststad", "at": "2024-06-01"}
    r = client.get(reverse("api:lookup"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200, r.content
    top = r.json()["results"][0]
    assert top["at"] == "2024-06-01" and slugs(top) == ["bin-alfa"]
    today = client.get(reverse("api:lookup"), {"address": params["address"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert slugs(today.json()["results"][0]) == ["bin-z-markt"]


@pytest.mark.parametrize("at", ["2025-13-01", "2025-02-30", "yesterday", "2025-06-30T10:00", "30/06/2025"])
def test_a_bad_date_is_refused_with_the_format(client, moved, at):
    r = at_point(client, 500, 500, at)
    assert r.status_code == 400, r.content
    assert r.json()["at"] == ["Give the date as YYYY-MM-DD, e.g. 2025-06-30."]


def test_a_future_date_is_refused(client, moved):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = at_point(client, 500, 500, tomorrow)
    assert r.status_code == 400
    assert r.json()["at"] == [f"{tomorrow} lies in the future: give today or an earlier day."]
