"""The maps in a real browser: Debian's Chromium driven by Playwright against the live test server.

Chromium and the page fixtures are in conftest.py. Each drawn BIN is an SVG path carrying data-network-slug
(set by maps.elements.NetworkPopups), so the tests check the map BIN by BIN. Requests leave only for the
test server and files: OpenStreetMap tiles are refused, as they would be offline, and the vector layers
must draw without them. Screenshots go to test-artifacts/ (git-ignored).
"""

import io
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.urls import reverse

from areas.models import Municipality, Network
from areas.selectors import networks_visible
from maps.styles import STATUS_COLOURS
from streets.models import Address

# Every test that empties the database after it (transaction=True: the live server needs committed rows)
# first restores what the migrations put there (serialized_rollback), so that whatever runs next, the
# Celery worker tests among them, finds it in whichever order the tests run.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# The folium map is a global `map_<id>` named after its div; these helpers find it from the page.
JS_MAP = "document.querySelector('.folium-map') && window[document.querySelector('.folium-map').id]"
JS_TO_SCREEN = f"""([lat, lon]) => {{
    const map = {JS_MAP};
    const p = map.latLngToContainerPoint([lat, lon]);
    const box = map.getContainer().getBoundingClientRect();
    return [box.left + p.x, box.top + p.y];
}}"""
JS_DRAWN = """els => els.map(e => [e.getAttribute('data-network-slug'), e.getAttribute('stroke')])"""
JS_MARKERS = f"""() => {{
    const map = {JS_MAP}, out = [];
    map.eachLayer(l => {{
        if (l instanceof L.Marker) {{ const p = l.getLatLng(); out.push([p.lat, p.lng]); }}
    }});
    return out;
}}"""


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(400)  # Leaflet fades popups in over 200 ms
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def drawn(page, frame=None) -> dict[str, str]:
    """slug -> stroke colour of every network path on the map."""
    target = frame or page
    target.wait_for_selector("path[data-network-slug]", state="attached")
    return dict(target.eval_on_selector_all("path[data-network-slug]", JS_DRAWN))


def screen_point(page, point: Point) -> tuple[float, float]:
    p = point.transform(4326, clone=True)
    return tuple(page.evaluate(JS_TO_SCREEN, [p.y, p.x]))


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def test_demo_municipality_map_shows_every_published_bin_and_none_unpublished(live_server, page):
    load_demo()
    halle = Municipality.objects.get(nis_code="23027")
    published = {n.slug: n for n in networks_visible().filter(municipality=halle)}
    unpublished = set(Network.objects.filter(municipality=halle).values_list("slug", flat=True)) - set(
        published
    )
    assert "bin-nederhem" in unpublished and len(published) == 7

    page.goto(live_server.url + reverse("maps:municipality", args=["23027"]))
    paths = drawn(page)
    assert set(paths) == set(published)
    assert not set(paths) & unpublished
    for slug, stroke in paths.items():
        assert stroke == STATUS_COLOURS[published[slug].status], slug
    assert page.locator("path.bin-map-area-boundary").count() == 1
    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [t.strip() for t in overlays] == ["Municipality Halle", "BIN (residents)", "BIN-Z (self-employed)"]
    legend = page.inner_text("[data-map-legend]")
    assert "BIN (residents) (6)" in legend and "BIN-Z (self-employed) (1)" in legend
    attribution = page.inner_text(".leaflet-control-attribution")
    assert "OpenStreetMap contributors" in attribution
    assert "demo BINs drawn from neighbourhood boundaries" in attribution
    shot(page, "maps-halle-public")

    # Hover shows the name, a click the popup: status, contact and the join link.
    centrum = published["bin-halle-centrum"]
    x, y = screen_point(page, Network.objects.get(pk=centrum.pk).boundary.point_on_surface)
    page.mouse.move(x, y)
    assert "BIN Halle-Centrum (active)" in page.inner_text(".leaflet-tooltip:not(.bin-map-label)")
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content [data-network-slug='bin-halle-centrum']")
    text = popup.inner_text()
    assert "BIN Halle-Centrum" in text and "active" in text and centrum.contact_email in text
    assert popup.locator("[data-join-link]").get_attribute("href") == reverse(
        "members:network-join", args=["bin-halle-centrum"]
    )
    shot(page, "maps-halle-popup")

    # The layer control hides the BIN-Zs, and shows them again with their data attributes.
    page.locator(".leaflet-control-layers-overlays label", has_text="BIN-Z").locator("input").uncheck()
    assert "bin-z-lembeek-handelskern" not in drawn(page)
    page.locator(".leaflet-control-layers-overlays label", has_text="BIN-Z").locator("input").check()
    assert "bin-z-lembeek-handelskern" in drawn(page)


def _address_text(address: Address) -> str:
    street = address.street
    return f"{street.name_nl} {address.house_number}, {address.postcode} {street.municipality.name}"


def _search(page, text, expect="found"):
    page.fill("[data-map-search-input]", text)
    page.click("form[data-map-search] button")
    page.wait_for_selector(f"form[data-map-search][data-state='{expect}']")


def test_address_search_puts_a_marker_in_the_right_bin(live_server, page):
    load_demo()
    lembeek = Network.objects.get(slug="bin-lembeek-centrum")
    binz = Network.objects.get(slug="bin-z-lembeek-handelskern")
    homes = Address.objects.filter(box_number="").select_related("street__municipality").order_by("pk")
    home = homes.filter(point__within=lembeek.boundary).exclude(point__within=binz.boundary).first()
    shop = homes.filter(point__within=binz.boundary).first()

    page.goto(live_server.url + reverse("maps:municipality", args=["halle"]))
    drawn(page)
    _search(page, _address_text(home))
    marker = page.wait_for_selector("[data-search-marker]")
    assert marker.get_attribute("data-network-slugs") == "bin-lembeek-centrum"
    result = page.wait_for_selector(".leaflet-popup-content [data-search-result]")
    assert "BIN Lembeek-Centrum" in result.inner_text()
    assert "BIN-Z" not in result.inner_text()
    # The marker stands where the register puts the address, inside the BIN.
    (lat, lon), *others = page.evaluate(JS_MARKERS)
    assert not others
    at = Point(lon, lat, srid=4326).transform(lembeek.boundary.srid, clone=True)
    assert lembeek.boundary.contains(at)
    assert at.distance(home.point) < 0.5
    shot(page, "maps-halle-search")

    # An address in the BIN-Z: both networks are named, and the old marker makes way.
    _search(page, _address_text(shop))
    slugs = page.get_attribute("[data-search-marker]", "data-network-slugs")
    assert slugs == "bin-lembeek-centrum,bin-z-lembeek-handelskern"
    assert len(page.evaluate(JS_MARKERS)) == 1
    # Leaflet fades the old marker's popup out for 200 ms (longer on a busy machine) before removing it.
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-popup-content [data-search-result]').length === 1"
    )
    text = page.locator(".leaflet-popup-content [data-search-result]").inner_text()
    assert "BIN Lembeek-Centrum" in text and "BIN-Z Lembeek Handelskern" in text
    shot(page, "maps-halle-search-bin-z")

    # Nonsense: the API's message, no marker moved.
    _search(page, "Qwxzstraat 1, 1502 Lembeek", expect="not-found")
    assert "Qwxzstraat" in page.inner_text("[data-map-search-status]")
    assert len(page.evaluate(JS_MARKERS)) == 1


def test_address_outside_every_bin_says_so(live_server, page, town):
    page.goto(live_server.url + reverse("maps:municipality", args=["99001"]))
    assert set(drawn(page)) == {"bin-alfa", "bin-beta", "bin-z-markt"}
    _search(page, "Veldweg 5, 9990 Teststad")
    page.wait_for_selector("[data-search-marker]")
    text = page.inner_text(".leaflet-popup-content [data-search-result]")
    assert "No BIN covers this address." in text
    assert "The nearest BINs:" in text
    assert "BIN Alfa (2000 m)" in text
    shot(page, "maps-town-search-no-bin")


def test_embed_page_works_in_an_iframe_and_the_full_page_refuses_to(live_server, page, town):
    embed = live_server.url + reverse("maps:municipality-embed", args=["99001"])
    full = live_server.url + reverse("maps:municipality", args=["99001"])
    # A page of another origin (about:blank) framing both, as a municipal website would.
    page.set_content(
        f'<h1>Gemeente Teststad</h1><iframe id="embed" src="{embed}" width="900" height="500"></iframe>'
        f'<iframe id="full" src="{full}" width="300" height="200"></iframe>'
    )
    frame = page.frame_locator("#embed")
    frame.locator("path[data-network-slug]").first.wait_for(state="attached")
    slugs = set(
        frame.locator("path[data-network-slug]").evaluate_all("els => els.map(e => e.dataset.networkSlug)")
    )
    assert slugs == {"bin-alfa", "bin-beta", "bin-z-markt"}
    assert frame.locator("form[data-map-search]").count() == 1
    # The full page says frame-ancestors 'none' (and X-Frame-Options: DENY): Chromium refuses it.
    assert page.frame_locator("#full").locator(".folium-map").count() == 0
    for _ in range(50):
        if page.csp_reports:
            break
        page.wait_for_timeout(100)
    assert len(page.csp_reports) == 1 and "frame-ancestors 'none'" in page.csp_reports[0]
    page.csp_reports.clear()
    shot(page, "maps-town-embedded")


def test_static_export_opens_from_disk_and_shows_the_bins(page, town, tmp_path):
    path = tmp_path / "teststad.html"
    call_command("export_map", "99001", "-o", str(path), stdout=io.StringIO())
    page.goto(path.as_uri())
    paths = drawn(page)
    assert set(paths) == {"bin-alfa", "bin-beta", "bin-z-markt"}
    assert paths["bin-z-markt"] == STATUS_COLOURS[Network.Status.ACTIVE]
    assert page.locator("form[data-map-search]").count() == 0
    assert page.locator("[data-map-legend]").is_visible()
    # Everything came from the file itself; only the (refused) OpenStreetMap tiles were asked for.
    assert {urlparse(u).scheme for u in page.requests} <= {"file", "data", "https"}
    assert {urlparse(u).hostname for u in page.requests if u.startswith("https")} <= {
        "tile.openstreetmap.org"
    }
    x, y = screen_point(page, town.beta.boundary.point_on_surface)
    page.mouse.click(x, y)
    assert "BIN Beta" in page.inner_text(".leaflet-popup-content")
    shot(page, "maps-export-from-disk")


def test_the_resident_page_suggests_streets_as_one_types_and_answers(live_server, page, town):
    """The resident page in Chromium: typing fills the street suggestions from the API (the shared
    street-autocomplete.js), the form answers with the BIN; without JavaScript the form alone does."""
    from streets.models import Street

    Street.objects.create(
        municipality=town.muni, name_nl="Molenweg", postcode="9990", source_id="test:molenweg"
    )
    page.goto(live_server.url + reverse("maps:lookup"))
    page.fill("#q", "molen")
    page.wait_for_function("() => document.querySelectorAll('#street-suggestions option').length >= 2")
    options = page.eval_on_selector_all("#street-suggestions option", "els => els.map(e => e.value)")
    assert set(options) == {"Molenstraat, 9990 Teststad", "Molenweg, 9990 Teststad"}
    # A typo on, the next answer replaces the first.
    page.fill("#q", "molensrtaat")
    page.wait_for_function("() => document.querySelectorAll('#street-suggestions option').length === 1")
    only = page.eval_on_selector("#street-suggestions option", "e => e.value")
    assert only == "Molenstraat, 9990 Teststad"
    page.fill("#q", "Molenstraat 3, 9990 Teststad")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    assert "BIN Beta" in page.inner_text("main")
