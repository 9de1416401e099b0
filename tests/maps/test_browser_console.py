"""The dispatcher's console in Chromium (real clicks and keys): an address found with the service's own
lookup, a typed radius, the confirmation before sending, a keyboard-only alert, a polygon drawn where the
legend used to lie, the police home with a live progress bar, the 403 page, axe-core and a 390 px phone.
The browser and page fixtures are tests/maps/conftest.py's; the map helpers test_browser_police.py's."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.urls import reverse, translate_url

from alerts.models import Alert, Delivery
from alerts.receipts import receipt_record
from tests.alerts.test_receipts import GATEWAY
from tests.factories import alert_sent, lambert, member_at

from .conftest import log_in
from .page_checks import axe_serious
from .test_browser import ARTIFACTS, shot
from .test_browser_police import (
    JS_POLYGON_READY,
    WAIT_MS,
    click_at,
    click_vertex,
    is_preview,
    zoom_to,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Kerkstraat 6, Teststad lies at (350, 480): BIN Alfa's four members of the density fixture are within
# 100 m of it.
ADDRESS = "Kerkstraat 6, Teststad"
ADDRESS_POINT = lambert(350, 480)
SEND = "[data-alert-send]"
CONFIRM = "dialog[data-alert-confirm]"


def alert_map(page, live_server, user, language="en"):
    log_in(page, live_server, user)
    page.goto(live_server.url + translate_url(reverse("maps:police-alert", args=[5999]), language))
    page.wait_for_selector("[data-alert-composer]")




def to_lambert(lonlat) -> Point:
    return Point(*lonlat, srid=4326).transform(31370, clone=True)


def radius_preview(radius: float):
    """A predicate for page.expect_response: the preview of a circle of `radius` metres."""

    def match(response) -> bool:
        if not is_preview(response):
            return False
        perimeter = response.request.post_data_json["perimeter"]
        return perimeter.get("radius_m") == radius

    return match


def active(page) -> str:
    """What has the keyboard focus: its data-field / data-* marker or tag."""
    return page.evaluate(
        """() => { const e = document.activeElement; if (!e) return "";
            for (const a of ["data-field", "data-alert-send", "data-confirm-send", "data-confirm-back"]) {
                if (e.hasAttribute(a)) return a + "=" + (e.getAttribute(a) || ""); }
            return e.tagName.toLowerCase() + (e.id ? "#" + e.id : ""); }"""
    )


def tab_to(page, wanted: str, limit: int = 80):
    """Press Tab until the focus is on `wanted` (as active() names it): what a keyboard user does."""
    for _ in range(limit):
        if active(page) == wanted:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{wanted} is not reached with Tab (focus on {active(page)})")


def test_address_typed_radius_confirm_and_send(live_server, page, town, density, settings):
    settings.BIN_PREVIEW_MIN_COUNT = 1  # exact counts: BIN Alfa's four members
    alert_map(page, live_server, town.police)
    # The legend lies beside the map, not over it, and folds.
    assert page.locator(".folium-map [data-map-legend]").count() == 0
    legend = page.locator("#alert-legend [data-map-legend] details")
    assert legend.evaluate("d => d.open") is True
    legend.locator("summary").click()
    assert legend.evaluate("d => d.open") is False

    # The address, found with the service's lookup: the incident marker goes there.
    page.click("[data-field='address']")
    # Street names are proposed as one types (streets/static/streets/street-autocomplete.js).
    page.keyboard.type("Kerkstr")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#bin-alert-streets option')]"
        ".some(o => o.value.startsWith('Kerkstraat'))",
        timeout=WAIT_MS,
    )
    page.fill("[data-field='address']", "")
    page.keyboard.type(ADDRESS)
    page.click("[data-address-find]")
    page.wait_for_selector("[data-alert-composer][data-address-state='found']", timeout=WAIT_MS)
    assert "6, 9990 Teststad" in page.inner_text("[data-address-status]")
    page.wait_for_selector("[data-incident-marker]", state="attached")

    # A radius typed in metres: the circle follows, and the preview asks about exactly that circle.
    page.fill("[data-field='radius']", "")
    with page.expect_response(radius_preview(200), timeout=WAIT_MS) as answer:
        page.type("[data-field='radius']", "200", delay=30)
    sent = answer.value.request.post_data_json
    assert to_lambert(sent["perimeter"]["center"]).distance(ADDRESS_POINT) < 1
    assert to_lambert(sent["location"]).distance(ADDRESS_POINT) < 1
    preview = page.locator("[data-alert-preview][data-state='ready']")
    preview.wait_for(timeout=WAIT_MS)
    assert preview.get_attribute("data-recipients") == "4"
    assert page.inner_text("[data-preview-total]") == "4 members reached"

    # Curly quotes and ê force UCS-2: the counter names them and replaces them with GSM-7 characters.
    page.fill("[data-field='message']", "Inbraak in de “Kerkstraat”: een rode fiets, ê. Bel 101.")
    ucs = page.locator("[data-sms-ucs]")
    ucs.wait_for(state="visible")
    assert ucs.get_attribute("data-non-gsm") == "“”ê"
    assert "“ ” ê" in ucs.inner_text()
    with page.expect_response(is_preview, timeout=WAIT_MS):
        page.click("[data-sms-replace]")
    replaced = 'Inbraak in de "Kerkstraat": een rode fiets, e. Bel 101.'
    assert page.input_value("[data-field='message']") == replaced
    assert ucs.is_hidden()
    page.wait_for_selector("[data-sms-length][data-encoding='GSM-7']", timeout=WAIT_MS)
    assert "1 part" in page.inner_text("[data-sms-length]")

    # Send opens the confirmation; nothing is sent yet.
    page.wait_for_function(f"() => !document.querySelector('{SEND}').disabled", timeout=WAIT_MS)
    assert page.inner_text(SEND) == "Send to 4 members…"
    page.click(SEND)
    dialog = page.locator(CONFIRM)
    dialog.wait_for(state="visible")
    assert Alert.objects.count() == 0
    assert "burglary" in dialog.locator("[data-confirm-summary]").inner_text()
    assert dialog.locator("[data-confirm-channel='sms']").get_attribute("data-count") == "4"
    assert (
        dialog.locator("[data-confirm-networks] tr[data-network-slug='bin-alfa']").get_attribute("data-count")
        == "4"
    )
    for language in ("nl", "fr", "de"):
        # text_content: the languages other than the page's are folded (<details>).
        sms = dialog.locator(f"[data-confirm-sms='{language}']").text_content()
        assert 'Inbraak in de "Kerkstraat"' in sms and "/r/" in sms
        body = dialog.locator(f"[data-confirm-body='{language}']").text_content()
        assert 'Inbraak in de "Kerkstraat"' in body
        assert dialog.locator(f"[data-confirm-subject='{language}']").text_content()
    assert "at once" in dialog.locator("[data-confirm-next]").inner_text()
    shot(page, "maps-console-confirm")
    assert axe_serious(page, CONFIRM) == []

    # Escape closes it and gives the focus back to Send.
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert active(page) == "data-alert-send="
    assert Alert.objects.count() == 0

    page.click(SEND)
    dialog.wait_for(state="visible")
    dialog.locator("[data-confirm-send]").click()
    page.wait_for_url("**/maps/alerts/*/", timeout=WAIT_MS)
    alert = Alert.objects.get()
    assert alert.status == Alert.Status.SENT and alert.recipients == 4
    assert alert.perimeter_kind == Alert.PerimeterKind.CIRCLE and alert.circle_radius_m == 200
    assert alert.location.distance(ADDRESS_POINT) < 1
    assert alert.message == replaced
    assert Delivery.objects.filter(alert=alert).count() == 4


def test_a_keyboard_only_alert(live_server, page, town, density):
    # The default k-anonymity: BIN Alfa's four members show as "fewer than 5", in the dialog too.
    alert_map(page, live_server, town.police)
    tab_to(page, "data-field=address")
    page.keyboard.type(ADDRESS)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-alert-composer][data-address-state='found']", timeout=WAIT_MS)
    # The focus moves on to the radius; Enter takes it and moves on to the form.
    assert active(page) == "data-field=radius"
    page.keyboard.press("Control+A")
    with page.expect_response(radius_preview(250), timeout=WAIT_MS):
        page.keyboard.type("250")
        page.keyboard.press("Enter")
    assert active(page) == "data-field=category"
    tab_to(page, "data-field=message")
    page.keyboard.type("Verdachte persoon in de Kerkstraat; bel 101.")
    page.wait_for_selector("[data-alert-preview][data-state='ready']", timeout=WAIT_MS)
    page.wait_for_function(f"() => !document.querySelector('{SEND}').disabled", timeout=WAIT_MS)
    assert page.inner_text(SEND) == "Send to fewer than 5 members…"
    tab_to(page, "data-alert-send=")
    page.keyboard.press("Enter")
    dialog = page.locator(CONFIRM)
    dialog.wait_for(state="visible")
    # The focus is in the dialog, on its title; the counts keep the preview's privacy rule.
    assert active(page) == "h2#bin-alert-confirm-title"
    assert dialog.locator("[data-confirm-channel='sms']").get_attribute("data-count") == "<5"
    assert "fewer than 5" in dialog.locator("[data-confirm-reach]").inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert active(page) == "data-alert-send="
    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    tab_to(page, "data-confirm-send=")
    page.keyboard.press("Enter")
    page.wait_for_url("**/maps/alerts/*/", timeout=WAIT_MS)
    alert = Alert.objects.get()
    assert alert.circle_radius_m == 250 and alert.recipients == 4
    assert alert.message == "Verdachte persoon in de Kerkstraat; bel 101."


def test_a_polygon_drawn_in_the_south_east_comes_out_as_drawn(live_server, page, town, density):
    alert_map(page, live_server, town.police)
    zoom_to(page, lambert(400, 420), zoom=15.5)
    box = page.locator(".folium-map").bounding_box()
    # The lower right corner of the map, where the legend lay (and swallowed the clicks) before; clear of
    # the attribution line at the very bottom.
    right, bottom = box["x"] + box["width"] - 30, box["y"] + box["height"] - 40
    corners = [(right - 200, bottom - 170), (right, bottom - 170), (right, bottom), (right - 200, bottom)]
    js = "([x, y]) => { const m = window[document.querySelector('.folium-map').id]; "
    js += "const b = m.getContainer().getBoundingClientRect(); "
    js += "const p = m.containerPointToLatLng([x - b.left, y - b.top]); return [p.lng, p.lat]; }"
    points = [to_lambert(page.evaluate(js, [x, y])) for x, y in corners]

    page.click(".leaflet-draw-draw-polygon")
    page.wait_for_function(JS_POLYGON_READY, arg=0, timeout=WAIT_MS)
    for n, point in enumerate(points, start=1):
        click_vertex(page, point, n)
    with page.expect_response(is_preview, timeout=WAIT_MS) as answer:
        click_at(page, points[0])
    sent = answer.value.request.post_data_json["perimeter"]
    drawn = GEOSGeometry(json.dumps(sent), srid=4326).transform(31370, clone=True)
    assert len(drawn.coords[0]) == 5
    for point in points:
        assert min(Point(c, srid=31370).distance(point) for c in drawn.coords[0]) < 5
    expected = GEOSGeometry(f"POLYGON(({', '.join(f'{p.x} {p.y}' for p in [*points, points[0]])}))")
    assert abs(drawn.area - expected.area) < 0.02 * expected.area  # the whole polygon, not a sliver
    shot(page, "maps-console-south-east")


def test_the_police_home_shows_the_running_alert_with_a_live_bar(live_server, page, town, settings):
    settings.BIN_SMS_BACKEND = "tests.alerts.test_receipts.PartsBackend"
    for x in (400, 420, 440):
        member_at(x, 500, town.alfa)
    alert = alert_sent(town.police, radius_m=400)
    log_in(page, live_server, town.police)
    # A login lands on the home of the user's role.
    page.goto(live_server.url + reverse("maps:home"))
    assert page.url == live_server.url + reverse("maps:police-home")
    running = page.locator(f"[data-running-alert='{alert.pk}']")
    sms = running.locator("[data-progress-channel='sms']")
    assert sms.get_attribute("data-sent") == "3" and sms.get_attribute("data-delivered") == "0"
    assert page.locator(f"[data-recent-alerts] tr[data-alert-id='{alert.pk}']").count() == 1
    assert page.get_attribute("[data-new-alert]", "href") == reverse("maps:police-alert", args=[5999])
    page.evaluate("() => { window.notReloaded = true; }")

    for pk in alert.deliveries.order_by("pk").values_list("pk", flat=True):
        assert receipt_record(gateway=GATEWAY, provider_id=f"{pk}-1", status="delivered") == "recorded"
    running.locator("[data-progress-channel='sms'][data-delivered='3']").wait_for(timeout=WAIT_MS)
    assert page.evaluate("() => window.notReloaded") is True
    bar = running.locator("[data-progress-channel='sms'] [role='progressbar']")
    assert (bar.get_attribute("aria-valuenow"), bar.get_attribute("aria-valuemax")) == ("3", "3")
    assert running.locator("[data-progress]").get_attribute("data-finished") == "true"
    assert axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "maps-police-home.png"), full_page=True)

    # A phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "maps-police-home-390.png"), full_page=True)


def test_the_alert_map_passes_axe_and_fits_a_phone(live_server, page, town, density):
    alert_map(page, live_server, town.police)
    page.wait_for_selector("#alert-legend [data-map-legend]")
    assert axe_serious(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("[data-alert-composer]")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "maps-console-alert-map-390.png"), full_page=True)


def test_the_403_page_says_why_and_leads_home(live_server, page, town):
    log_in(page, live_server, town.municipality)
    response = page.goto(live_server.url + reverse("maps:police-alert", args=[5999]))
    assert response.status == 403
    assert page.inner_text("[data-forbidden-reason]") == "You do not send alerts for this police zone."
    assert axe_serious(page) == []
    page.click("[data-home-link]")
    page.wait_for_url(live_server.url + reverse("maps:municipality-home"))
    assert page.locator("[data-municipality]").count() >= 1
    assert axe_serious(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_the_plain_alert_form_confirms_before_sending(live_server, page, town, density):
    log_in(page, live_server, town.police)
    page.goto(live_server.url + reverse("alerts:new"))
    centre = Point(*ADDRESS_POINT.coords, srid=31370).transform(4326, clone=True)
    page.fill("#lon", str(round(centre.x, 6)))
    page.fill("#lat", str(round(centre.y, 6)))
    page.fill("#radius", "200")
    page.fill("#message", "Inbraak in de \u201cKerkstraat\u201d.")
    assert page.locator("#sms-ucs").is_visible()
    page.click("#sms-replace")
    assert page.input_value("#message") == 'Inbraak in de "Kerkstraat".'
    assert "1 part" in page.inner_text("#sms-counter")
    with page.expect_response(is_preview, timeout=WAIT_MS):
        page.click("#preview-button")
    page.wait_for_function("() => !document.querySelector('#send-button').disabled", timeout=WAIT_MS)
    page.click("#send-button")
    page.locator("#confirm").wait_for(state="visible")
    assert 'Inbraak in de "Kerkstraat".' in page.inner_text("#confirm-body")
    assert Alert.objects.count() == 0
    page.keyboard.press("Escape")
    page.locator("#confirm").wait_for(state="hidden")
    assert Alert.objects.count() == 0
    page.click("#send-button")
    page.click("#confirm-send")
    page.wait_for_selector("#result a[href*='/api/alerts/']", timeout=WAIT_MS)
    assert Alert.objects.get().status == Alert.Status.SENT


def test_the_drawing_tools_and_counts_speak_dutch(live_server, page, town, density, settings):
    settings.BIN_PREVIEW_MIN_COUNT = 1
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": live_server.url}])
    alert_map(page, live_server, town.police, language="nl")
    assert page.title().startswith("Nieuwe melding"), page.title()
    assert page.get_attribute(".leaflet-draw-draw-polygon", "title") == "Teken een veelhoek"
    assert page.get_attribute(".leaflet-draw-draw-circle", "title") == "Teken een cirkel"
    page.click(".leaflet-draw-draw-polygon")
    assert page.inner_text(".leaflet-draw-tooltip") == "Klik om de perimeter te beginnen tekenen."
    assert page.locator(".leaflet-draw-actions:visible").inner_text().split("\n") == [
        "Klaar",
        "Laatste punt wissen",
        "Annuleren",
    ]
    page.keyboard.press("Escape")
    with page.expect_response(is_preview, timeout=WAIT_MS):
        page.evaluate(
            "(c) => window.binAlertComposer.setPerimeter({center: c, radius_m: 200})",
            list(ADDRESS_POINT.transform(4326, clone=True).coords),
        )
    page.wait_for_selector("[data-alert-preview][data-state='ready']", timeout=WAIT_MS)
    assert page.inner_text("[data-preview-total]") == "4 leden bereikt"
    with page.expect_response(is_preview, timeout=WAIT_MS):
        page.fill("[data-field='message']", "Inbraak.")
    page.wait_for_selector("[data-sms-length][data-segments]", timeout=WAIT_MS)
    assert "in 1 deel." in page.inner_text("[data-sms-length]")
    assert page.inner_text(SEND) == "Versturen naar 4 leden…"


def test_the_other_police_pages_pass_axe(live_server, page, town, density):
    """The plain alert form and the zone's map, as a police officer sees them (the console, the alert page,
    the approval page, the evaluation and the zone's templates page have their own tests)."""
    log_in(page, live_server, town.police)
    for url in (reverse("alerts:new"), reverse("maps:police-zone", args=[5999])):
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert axe_serious(page) == [], url
