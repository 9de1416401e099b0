"""The police alert map in Chromium: an officer draws with Leaflet.draw's own tools (real clicks on the map),
the page shows the preview API's count for exactly the perimeter it sent, and Send creates and sends the
alert, then opens its page. Fixtures and helpers come from test_browser.py; screenshots go to
test-artifacts/.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from alerts.models import Alert, Delivery
from alerts.reactions import reaction_record
from tests.factories import lambert

from .conftest import log_in
from .test_browser import ARTIFACTS, JS_MAP, screen_point, shot

# Restores the migrations' rows before it empties the database, as test_browser.py says.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The machine running the tests may be busy: a preview is a database round trip behind a debounce.
WAIT_MS = 30_000


# Leaflet drops a setView that comes while a zoom animation runs (the page's own fitBounds animates for
# 250 ms after load): wait for the map to be still, then check that the view was taken.
JS_MAP_STILL = f"() => {{ const m = {JS_MAP}; return m && m._loaded && !m._animatingZoom; }}"


def zoom_to(page, point: Point, zoom: float = 16):
    p = point.transform(4326, clone=True)
    page.wait_for_function(JS_MAP_STILL, timeout=WAIT_MS)
    js = f"([lat, lon, z]) => {{ const m = {JS_MAP}; m.setView([lat, lon], z, {{animate: false}}); "
    js += "return m.getZoom(); }"
    assert page.evaluate(js, [p.y, p.x, zoom]) == zoom
    page.wait_for_timeout(300)


def click_at(page, point: Point):
    x, y = screen_point(page, point)
    # A click meant for the map must not land on the legend or another control.
    over = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y); return e && e.closest('.leaflet-control') "
        "? e.closest('.leaflet-control').className : null; }",
        [x, y],
    )
    assert over is None, f"({x:.0f}, {y:.0f}) is on a map control ({over}), not on the map"
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_timeout(150)


# Leaflet.draw 1.0.4 (vendored) ignores a click that comes within 50 ms (a setTimeout) of the previous
# vertex, as a guard against double clicks; on a busy machine that timeout runs late. A person waits for
# the vertex to appear before the next click, and so does the test: folium names the Draw control
# `draw_control_<id>`, and its polygon handler says how many vertices it has and whether it takes clicks.
JS_POLYGON_READY = """(n) => {
    const name = Object.keys(window).find(k => k.startsWith('draw_control_'));
    const handler = window[name]._toolbars.draw._modes.polygon.handler;
    return handler._markers.length === n && !handler._disableMarkers && !handler._clickHandled;
}"""


def click_vertex(page, point: Point, vertices_after: int):
    click_at(page, point)
    page.wait_for_function(JS_POLYGON_READY, arg=vertices_after, timeout=WAIT_MS)


def preview_of(user, body: dict) -> dict:
    """What POST /api/alerts/preview/ answers for `body`, asked outside the browser."""
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(reverse("api:alert-preview"), body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def is_preview(response) -> bool:
    return response.url.endswith(reverse("api:alert-preview")) and response.request.method == "POST"


def test_officer_draws_a_polygon_sees_the_apis_count_and_sends(live_server, page, town, density, settings):
    # Exact counts (k = 1): the test compares the page's numbers with the API's for BIN Alfa's four
    # members, which the default k-anonymity of the preview would show as "fewer than 5".
    settings.BIN_PREVIEW_MIN_COUNT = 1
    officer = town.police
    log_in(page, live_server, officer)
    page.goto(live_server.url + reverse("maps:police-alert", args=[5999]))
    page.wait_for_selector("[data-alert-composer]")
    assert page.locator("[data-alert-preview]").get_attribute("data-state") == "empty"
    assert page.locator("[data-alert-send]").is_disabled()
    # The density layer: one square (BIN Alfa's four members), no marker for any member.
    assert page.locator("path.bin-map-density-cell").count() == 1
    # The polygon below spans 500 m: at zoom 15.5 it keeps clear of the legend in the lower right corner.
    zoom_to(page, lambert(400, 420), zoom=15.5)
    shot(page, "maps-police-alert-empty")

    # Leaflet.draw's polygon tool: four corners around BIN Alfa's members, then the first corner again.
    corners = [lambert(150, 250), lambert(650, 250), lambert(650, 750), lambert(150, 750)]
    page.click(".leaflet-draw-draw-polygon")
    page.wait_for_function(JS_POLYGON_READY, arg=0, timeout=WAIT_MS)
    for n, corner in enumerate(corners, start=1):
        click_vertex(page, corner, n)
    with page.expect_response(is_preview, timeout=WAIT_MS) as answer:
        click_at(page, corners[0])
    sent = answer.value.request.post_data_json
    preview = page.locator("[data-alert-preview][data-state='ready']")
    preview.wait_for(timeout=WAIT_MS)

    # The page asked about the polygon that was drawn ...
    assert sent["perimeter"]["type"] == "Polygon"
    drawn = GEOSGeometry(json.dumps(sent["perimeter"]), srid=4326).transform(31370, clone=True)
    for corner in corners:
        assert min(Point(c, srid=31370).distance(corner) for c in drawn.coords[0]) < 5  # within a few pixels
    assert sent["police_zone"] == town.zone.pk
    # ... and shows what the API answers for that same polygon: BIN Alfa's four approved members.
    expected = preview_of(officer, sent)
    assert expected["recipients"] == 4
    assert int(preview.get_attribute("data-recipients")) == expected["recipients"]
    assert page.inner_text("[data-preview-total]") == "4 members reached"
    rows = page.locator("[data-preview-networks] tr[data-network-slug]")
    shown = rows.evaluate_all("rows => rows.map(r => [r.dataset.networkSlug, Number(r.dataset.count)])")
    assert dict(shown) == {n["slug"]: n["total"] for n in expected["networks"]}
    assert page.get_attribute("[data-channel='sms']", "data-count") == str(expected["channels"]["sms"])
    assert page.inner_text("[data-preview-warnings]") == ""  # inside the zone: nothing clipped
    # Without a message there is nothing to send yet.
    assert page.locator("[data-alert-send]").is_disabled()

    # The incident marker, with the marker tool.
    incident = lambert(480, 600)
    page.click(".leaflet-draw-draw-marker")
    with page.expect_response(is_preview, timeout=WAIT_MS) as answer:
        click_at(page, incident)
    located = answer.value.request.post_data_json["location"]
    assert Point(*located, srid=4326).transform(31370, clone=True).distance(incident) < 5

    # The message: the preview comes back with the SMS length, and Send names the count.
    with page.expect_response(is_preview, timeout=WAIT_MS):
        page.fill("[data-field='message']", "Inbraak in de Kerkstraat. Sluit ramen en deuren; bel 101.")
    page.wait_for_selector("[data-sms-length][data-segments]", timeout=WAIT_MS)
    assert "GSM-7" in page.inner_text("[data-sms-length]")
    send = page.locator("[data-alert-send]")
    send.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('[data-alert-send]').disabled", timeout=WAIT_MS)
    assert send.inner_text() == "Send to 4 members…"
    shot(page, "maps-police-alert-preview")

    # Send opens the confirmation: nothing is sent until "Confirm and send".
    send.click()
    dialog = page.locator("dialog[data-alert-confirm]")
    dialog.wait_for(state="visible")
    assert Alert.objects.count() == 0
    assert "4 members reached" in dialog.inner_text()
    # Then the alert is created and sent, and the page moves to the alert's page.
    dialog.locator("[data-confirm-send]").click()
    page.wait_for_url("**/maps/alerts/*/", timeout=WAIT_MS)
    alert = Alert.objects.get()
    # The alert's page in the composer's language (the test thread's active language is not a given after
    # Playwright's event loop has run: it once came back as Dutch in a full run).
    with translation.override("en"):
        assert page.url == live_server.url + reverse("maps:alert", args=[alert.pk])
    assert alert.status == Alert.Status.SENT and alert.recipients == 4
    assert alert.perimeter_kind == Alert.PerimeterKind.POLYGON
    assert alert.location.distance(incident) < 5
    assert alert.created_by == officer and alert.police_zone == town.zone
    deliveries = Delivery.objects.filter(alert=alert)
    assert deliveries.count() == 4
    assert set(deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}  # sent in-process
    assert {m.pk for m in density["alfa"]} == set(deliveries.values_list("member_id", flat=True))

    page.wait_for_selector("path.bin-map-alert-perimeter")
    assert page.get_attribute("[data-alert-id]", "data-alert-status") == "sent"
    assert page.inner_text("[data-alert-recipients]") == "4"
    shot(page, "maps-police-alert-sent")

    # Members react; the page lists the reactions in time order, without who reacted.
    first, second = deliveries.order_by("pk")[:2]
    reaction_record(delivery=first, kind="seen")
    reaction_record(delivery=second, kind="observation", text="Twee mannen met een ladder aan nr. 12")
    page.reload()
    page.wait_for_selector("[data-reactions] tr[data-reaction-kind]")
    kinds = page.locator("[data-reactions] tr[data-reaction-kind]").evaluate_all(
        "rows => rows.map(r => r.dataset.reactionKind)"
    )
    assert kinds == ["seen", "observation"]
    text = page.inner_text("body")
    assert "Twee mannen met een ladder aan nr. 12" in text
    for member in density["alfa"]:
        assert member.name not in text and member.mobile not in text
    page.screenshot(path=str(ARTIFACTS / "maps-police-alert-page.png"), full_page=True)


def test_a_circle_beyond_the_zone_is_clipped_and_the_page_says_so(live_server, page, town, density, settings):
    settings.BIN_PREVIEW_MIN_COUNT = 1  # exact counts, as above
    log_in(page, live_server, town.police)
    page.goto(live_server.url + reverse("maps:police-alert", args=[5999]))
    page.wait_for_selector("[data-alert-composer]")
    # The zone's western edge is at x = -2000; a circle of ~500 m around x = -1900 reaches beyond it.
    zoom_to(page, lambert(-1900, 500), zoom=15)
    page.click(".leaflet-draw-draw-circle")
    x0, y0 = screen_point(page, lambert(-1900, 500))
    x1, _y1 = screen_point(page, lambert(-1400, 500))
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * step / 10, y0)
    with page.expect_response(is_preview, timeout=WAIT_MS) as answer:
        page.mouse.up()
    sent = answer.value.request.post_data_json["perimeter"]
    assert set(sent) == {"center", "radius_m"}
    assert 450 < sent["radius_m"] < 550
    preview = page.locator("[data-alert-preview][data-state='ready']")
    preview.wait_for(timeout=WAIT_MS)
    expected = preview_of(town.police, answer.value.request.post_data_json)
    assert int(preview.get_attribute("data-recipients")) == expected["recipients"] == 0
    # The circular segment beyond a line 100 m from the centre: 37 % of a 500 m circle.
    clipped = float(preview.get_attribute("data-clipped-fraction"))
    assert clipped == expected["clipped_fraction"] and 0.33 < clipped < 0.42
    warning = page.inner_text("[data-preview-warnings]")
    assert "extends beyond police zone" in warning and "was cut off" in warning
    # What remains inside the zone is drawn, dashed, over the circle.
    assert page.locator("path.bin-alert-clipped").count() == 1
    # A message does not make an alert to nobody worth sending.
    with page.expect_response(is_preview, timeout=WAIT_MS):
        page.fill("[data-field='message']", "Brand in de Grensstraat.")
    page.wait_for_selector("[data-sms-length][data-segments]", timeout=WAIT_MS)
    assert page.locator("[data-alert-send]").is_disabled()
    shot(page, "maps-police-alert-clipped")


def test_an_officer_of_another_zone_gets_no_map(live_server, page, town):
    log_in(page, live_server, town.police_other)
    response = page.goto(live_server.url + reverse("maps:police-alert", args=[5999]))
    assert response.status == 403
    assert page.locator("[data-alert-composer]").count() == 0


def test_evaluation_map_clusters_the_alerts_of_the_period(live_server, page, town, density, send_alert):
    officer = town.police
    for center in ((340, 440), (360, 420), (1570, 540)):
        send_alert(officer, center=center)
    send_alert(officer, center=(340, 440), sent_at=timezone.now() - timedelta(days=400))  # out of the period
    log_in(page, live_server, town.municipality)
    page.goto(live_server.url + reverse("maps:evaluation", args=[5999]))
    page.wait_for_selector(".leaflet-marker-icon", timeout=WAIT_MS)
    # At the zone's scale the three alerts of the period cluster into one marker saying 3.
    clusters = page.locator(".marker-cluster")
    clusters.first.wait_for(timeout=WAIT_MS)
    # During the map's first zoom Leaflet.markercluster briefly shows the clusters of two zoom levels.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.marker-cluster')]
                 .reduce((n, e) => n + Number(e.innerText), 0) === 3""",
        timeout=WAIT_MS,
    )
    assert page.locator("[data-alerts] tr[data-alert-id]").count() == 3
    alfa = "[data-network-statistics] tr[data-network-slug='bin-alfa']"
    assert page.get_attribute(alfa, "data-alerts") == "2"
    shot(page, "maps-police-evaluation")
    # A click on the cluster opens it up to the single alerts.
    clusters.first.click()
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-marker-icon:not(.marker-cluster)').length >= 1",
        timeout=WAIT_MS,
    )
    shot(page, "maps-police-evaluation-zoomed")
