"""A large zone's map in Chromium: the networks drawn from /tiles/networks/ vector tiles with the status
colours, the legend's counts, names as labels once zoomed in, a popup on click; a 390 px phone, axe-core,
in English, Dutch and French. The town's zone is "large" here: BIN_VECTOR_TILES_MIN_NETWORKS is lowered.
"""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse, translate_url

from areas.models import Network
from maps.styles import STATUS_COLOURS

from .conftest import log_in
from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
JS_MAP = "document.querySelector('.folium-map') && window[document.querySelector('.folium-map').id]"
JS_PATHS = "els => els.map(e => e.getAttribute('stroke'))"
TILE_PATHS = "[data-network-tiles] path"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def open_zone(page, live_server, town, language="en"):
    """The zone page, with the answers to its tile requests collected in page.tile_answers."""
    page.tile_answers = []
    page.on(
        "response",
        lambda r: "/tiles/networks/" in r.url and page.tile_answers.append((urlparse(r.url).path, r.status)),
    )
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    page.context.add_cookies([cookie])
    zone = translate_url(reverse("maps:police-zone", args=[town.zone.number]), language)
    response = page.goto(live_server.url + zone)
    assert response.status == 200
    page.wait_for_selector(TILE_PATHS, state="attached")


@pytest.fixture
def large(settings):
    settings.BIN_VECTOR_TILES_MIN_NETWORKS = 2


def test_the_zone_map_draws_the_networks_from_vector_tiles(live_server, page, town, large):
    open_zone(page, live_server, town)
    # Drawn from tiles, every one of them answered; the shapes are not in the page itself.
    assert page.tile_answers and all(status == 200 for _, status in page.tile_answers)
    assert '"contact_email"' not in page.content()  # no GeoJSON properties of networks
    strokes = page.eval_on_selector_all(TILE_PATHS, JS_PATHS)
    # Alfa, Gamma and the BIN-Z are active, Beta recognised (and the tiles around may repeat a shape).
    assert len(strokes) >= 4
    assert set(strokes) == {STATUS_COLOURS["active"], STATUS_COLOURS["recognised"]}
    legend = page.inner_text("[data-map-legend]")
    assert "active: 3 networks" in legend and "recognised by FPS Home Affairs: 1 network" in legend
    assert "BIN (residents) (3)" in legend and "BIN-Z (self-employed) (1)" in legend
    shot(page, "maps-zone-vector-tiles")

    # Zoomed in, the names are labels; a click opens the network's popup.
    point = town.beta.boundary.point_on_surface.transform(4326, clone=True)
    page.evaluate(f"([lat, lon]) => {JS_MAP}.setView([lat, lon], 15, {{animate: false}})", [point.y, point.x])
    page.wait_for_selector(".bin-map-label [data-label-slug='bin-beta']")
    assert page.inner_text(".bin-map-label [data-label-slug='bin-beta']") == "BIN Beta"
    page.wait_for_load_state("networkidle")  # the tiles of zoom 15
    box = page.locator(".folium-map").bounding_box()
    # Beside the label (which lets clicks through anyway), inside Beta.
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 + 40)
    popup = page.locator(".leaflet-popup-content [data-network-slug='bin-beta']")
    popup.wait_for()
    assert "BIN Beta" in popup.inner_text() and "recognised" in popup.inner_text()
    assert popup.locator("[data-join-link]").get_attribute("href") == reverse(
        "members:network-join", args=["bin-beta"]
    )
    shot(page, "maps-zone-vector-tiles-zoomed")
    assert axe_serious(page) == []


def test_staff_see_the_unpublished_network_dashed(live_server, page, town, large):
    log_in(page, live_server, town.superuser)
    open_zone(page, live_server, town)
    point = town.hidden.boundary.point_on_surface.transform(4326, clone=True)
    page.evaluate(f"([lat, lon]) => {JS_MAP}.setView([lat, lon], 15, {{animate: false}})", [point.y, point.x])
    page.wait_for_selector(f"{TILE_PATHS}[stroke-dasharray]", state="attached")
    assert "Not published (only staff see it): 1 network" in page.inner_text("[data-map-legend]")


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_the_tiled_zone_page_at_390_px(live_server, page, town, large, language):
    page.set_viewport_size({"width": 390, "height": 844})
    open_zone(page, live_server, town, language=language)
    assert page.evaluate("() => document.documentElement.lang") == language
    assert no_sideways_scroll(page)
    assert page.locator(TILE_PATHS).count() > 0
    shot(page, f"maps-zone-vector-tiles-390-{language}")
    assert axe_serious(page) == []


def test_a_name_with_markup_stays_text_in_labels_and_tile_popups(live_server, page, town, large):
    payload = '<img src=x onerror="window.pwned=1">${1+1}`'
    Network.objects.filter(pk=town.beta.pk).update(name=payload)
    open_zone(page, live_server, town)
    point = town.beta.boundary.point_on_surface.transform(4326, clone=True)
    page.evaluate(f"([lat, lon]) => {JS_MAP}.setView([lat, lon], 15, {{animate: false}})", [point.y, point.x])
    label = page.locator(".bin-map-label [data-label-slug='bin-beta']")
    label.wait_for()
    assert label.inner_text() == payload
    page.wait_for_load_state("networkidle")
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 + 40)
    popup = page.locator(".leaflet-popup-content [data-network-slug='bin-beta'] strong")
    popup.wait_for()
    assert popup.inner_text() == payload
    assert page.locator(".folium-map img[src='x']").count() == 0
    assert page.evaluate("() => window.pwned") is None
