"""Bad input: each a clear 400 (or 403) that says what is wrong, and nothing stored, nothing sent."""

import pytest
from django.urls import reverse

from alerts.backends import sms as sms_backends
from alerts.models import Alert, Delivery
from tests.factories import circle, lonlat, member_at, polygon

from .helpers import alert_body

pytestmark = pytest.mark.django_db


def square_ring(x, y, size):
    return [lonlat(x, y), lonlat(x + size, y), lonlat(x + size, y + size), lonlat(x, y + size), lonlat(x, y)]


def bowtie():
    # (0,0) → (1000,1000) → (1000,0) → (0,1000) → (0,0): the two diagonals cross at (500, 500).
    return {
        "type": "Polygon",
        "coordinates": [[lonlat(0, 0), lonlat(1000, 1000), lonlat(1000, 0), lonlat(0, 1000), lonlat(0, 0)]],
    }


def many_vertices(n):
    import math

    # Degrees straight away: projecting 100,000 points one by one would dominate the test.
    lon, lat = lonlat(500, 500)
    ring = [
        [lon + 0.005 * math.cos(2 * math.pi * i / n), lat + 0.003 * math.sin(2 * math.pi * i / n)]
        for i in range(n)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


CASES = [
    ("self-intersecting", lambda: bowtie(), "perimeter", ["crosses itself near longitude", "latitude"]),
    (
        "unclosed ring",
        lambda: {"type": "Polygon", "coordinates": [square_ring(0, 0, 1000)[:-1]]},
        "perimeter",
        ["ring 1 is not closed", "Repeat the first position"],
    ),
    (
        "lon/lat swapped",
        lambda: {"type": "Polygon", "coordinates": [[[lat, lon] for lon, lat in square_ring(0, 0, 1000)]]},
        "perimeter",
        ["outside the service area", "swapped"],
    ),
    (
        "Lambert 72 metres",
        lambda: {
            "type": "Polygon",
            "coordinates": [
                [[145000, 160000], [146000, 160000], [146000, 161000], [145000, 161000], [145000, 160000]]
            ],
        },
        "perimeter",
        ["outside the service area", "metres of a projected CRS"],
    ),
    (
        "declared other CRS",
        lambda: {
            **polygon((0, 0), (1000, 0), (1000, 1000)),
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
        },
        "perimeter",
        ["RFC 7946", "31370"],
    ),
    (
        "outside Belgium",
        lambda: polygon_lonlat([[10, 45], [10.1, 45], [10.1, 45.1], [10, 45]]),
        "perimeter",
        ["outside the service area"],
    ),
    ("radius 0", lambda: circle(500, 500, 0), "perimeter", ["more than 0 and at most 50,000 m", "got 0 m"]),
    (
        "radius 500 km",
        lambda: circle(500, 500, 500_000),
        "perimeter",
        ["at most 50,000 m (50 km)", "500,000"],
    ),
    ("radius text", lambda: circle(500, 500, "far"), "perimeter", ["radius must be a number"]),
    ("circle without radius", lambda: {"center": lonlat(500, 500)}, "perimeter", ["needs both"]),
    (
        "centre swapped",
        lambda: {"center": lonlat(500, 500)[::-1], "radius_m": 300},
        "perimeter",
        ["swapped"],
    ),
    ("10 001 vertices", lambda: many_vertices(10_001), "perimeter", ["10,002 vertices", "limit is 10,000"]),
    # 4 MB of JSON: refused before parsing, with the same advice.
    (
        "100 000 vertices",
        lambda: many_vertices(100_000),
        "perimeter",
        ["larger than 2.6 MB", "10,000 vertices"],
    ),
    ("not a polygon", lambda: {"type": "Point", "coordinates": lonlat(1, 1)}, "perimeter", ["got Point"]),
    (
        "too few positions",
        lambda: polygon_lonlat([lonlat(0, 0), lonlat(1, 1), lonlat(0, 0)]),
        "perimeter",
        ["at least 4"],
    ),
]


def polygon_lonlat(ring):
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(("name", "make", "field", "phrases"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("url_name", ["api:alert-preview", "api:alert-list"])
def test_bad_perimeter(town, api, name, make, field, phrases, url_name):
    member_at(500, 500, town.alfa)
    api.force_authenticate(town.police)
    response = api.post(reverse(url_name), alert_body(make()), format="json")
    assert response.status_code == 400, response.json()
    message = " ".join(response.json()[field])
    for phrase in phrases:
        assert phrase in message, message
    assert not Alert.objects.exists()
    assert not Delivery.objects.exists()
    assert sms_backends.outbox == []


def test_vertex_limit_is_a_setting(town, api, settings):
    settings.BIN_ALERT_MAX_VERTICES = 50
    api.force_authenticate(town.police)
    response = api.post(reverse("api:alert-preview"), alert_body(many_vertices(60)), format="json")
    assert response.status_code == 400
    assert "61 vertices; the limit is 50" in response.json()["perimeter"][0]
    settings.BIN_ALERT_MAX_VERTICES = 10_000
    response = api.post(reverse("api:alert-preview"), alert_body(many_vertices(60)), format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("message", ["", "   \n "])
def test_empty_message(town, api, message):
    api.force_authenticate(town.police)
    response = api.post(
        reverse("api:alert-list"), alert_body(circle(500, 500, 300), message=message), format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == ["The message is empty."]
    assert not Alert.objects.exists()


def test_unknown_category_and_tip(town, api):
    api.force_authenticate(town.police)
    response = api.post(
        reverse("api:alert-list"), alert_body(circle(500, 500, 300), category="ufo"), format="json"
    )
    assert response.status_code == 400 and "category" in response.json()
    response = api.post(
        reverse("api:alert-list"), alert_body(circle(500, 500, 300), tip=999999), format="json"
    )
    assert response.status_code == 400 and response.json()["tip"] == ["No such tip."]


def test_perimeter_entirely_in_another_zone(town, api):
    member_at(12500, 500, town.elders)
    api.force_authenticate(town.police)
    response = api.post(reverse("api:alert-list"), alert_body(circle(12500, 500, 300)), format="json")
    assert response.status_code == 403
    assert "entirely outside police zone PZ Testzone" in response.json()["detail"]
    assert not Alert.objects.exists() and sms_backends.outbox == []


def test_second_send_is_refused_and_sends_nothing(town, api, django_capture_on_commit_callbacks):
    member_at(500, 500, town.alfa)
    api.force_authenticate(town.police)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(reverse("api:alert-list"), alert_body(circle(500, 500, 300)), format="json")
    assert created.status_code == 201
    assert len(sms_backends.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = api.post(reverse("api:alert-send", args=[created.json()["id"]]), format="json")
    assert again.status_code == 400
    assert "already sent" in again.json()["detail"][0]
    assert callbacks == []
    assert Delivery.objects.count() == 1 and len(sms_backends.outbox) == 1


def test_draft_then_send_once(town, api, django_capture_on_commit_callbacks):
    member_at(500, 500, town.alfa)
    api.force_authenticate(town.police)
    draft = api.post(reverse("api:alert-list"), alert_body(circle(500, 500, 300), send=False), format="json")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(reverse("api:alert-send", args=[draft.json()["id"]]), format="json")
    assert sent.status_code == 200 and sent.json()["recipients"] == 1
    assert api.post(reverse("api:alert-send", args=[draft.json()["id"]]), format="json").status_code == 400
    assert len(sms_backends.outbox) == 1
