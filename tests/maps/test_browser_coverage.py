"""The coverage report in Chromium (maps.views.coverage): the map clusters the addresses in no BIN and draws
the overlaps, axe-core finds nothing serious, and at 390 px nothing scrolls sideways, in English, Dutch and
French. Fixtures come from conftest.py; screenshots go to test-artifacts/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse_lazy, translate_url

from maps.coverage import OVERLAP_COLOUR

from .conftest import log_in
from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# The folium map is a global `map_<id>` named after its div (as in test_browser.py).
JS_MAP = "document.querySelector('.folium-map') && window[document.querySelector('.folium-map').id]"
URL = reverse_lazy("maps:municipality-coverage", args=["99001"])  # in the test's language (English)

# The addresses in the cluster group, and the overlaps drawn (their stroke colour).
JS_CLUSTERED = f"""() => {{
    const map = {JS_MAP}; let n = null;
    map.eachLayer(l => {{ if (l instanceof L.MarkerClusterGroup) {{ n = l.getLayers().length; }} }});
    return n;
}}"""
JS_OVERLAPS = f"""(colour) => {{
    const map = {JS_MAP}; let n = 0;
    map.eachLayer(l => {{ if (l instanceof L.Path && l.options.color === colour) {{ n += 1; }} }});
    return n;
}}"""


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def open_report(page, live_server, user, language=None):
    if language:
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
    log_in(page, live_server, user)
    response = page.goto(live_server.url + translate_url(str(URL), language or "en"))
    assert response.status == 200
    page.wait_for_function(f"() => {JS_MAP} && {JS_MAP}._loaded")


def test_the_map_clusters_the_addresses_and_draws_the_overlaps(live_server, page, town):
    open_report(page, live_server, town.municipality)
    assert page.evaluate(JS_CLUSTERED) == 3
    assert page.evaluate(JS_OVERLAPS, OVERLAP_COLOUR) == 2
    assert page.locator("[data-legend-key='uncovered']").inner_text() == "Addresses in no BIN (3)"
    # Zoomed in on Veldweg, the cluster opens into its three points, each with its address as a tooltip.
    js_zoom = f"([lat, lon]) => {{ {JS_MAP}.setView([lat, lon], 19, {{animate: false}}); }}"
    point = town.veldweg.addresses.get(house_number="3").point.transform(4326, clone=True)
    page.evaluate(js_zoom, [point.y, point.x])
    page.wait_for_selector(".bin-uncovered-address", state="visible")
    page.hover(".bin-uncovered-address >> nth=0")
    assert page.locator(".leaflet-tooltip").inner_text().startswith("Veldweg ")
    shot(page, "coverage-report")
    assert axe_serious(page) == []


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_the_page_at_390_px(live_server, page, town, language):
    page.set_viewport_size({"width": 390, "height": 844})
    open_report(page, live_server, town.police, language=language)
    assert page.get_attribute("html", "lang") == language
    assert no_sideways_scroll(page)
    shot(page, f"coverage-report-390-{language}")
    assert axe_serious(page) == []
