"""The resident's home and answer pages in Chromium at 390 x 844 (a phone), in Dutch and French: nothing
scrolls sideways, axe-core finds nothing serious, the map is inline in a region with a name and fills its box
(no notebook iframe, no blank gap)."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation

from .page_checks import axe_serious, no_sideways_scroll
from .test_browser import shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = {
    "home": None,
    "covered": "Kerkstraat 5, 9990 Teststad",
    "no-bin": "Veldweg 1, 9990 Teststad",
    "hint": "Kerkstraat, 9990 Teststad",
}


def _url(live_server, language: str, q: str | None, name: str = "maps:lookup") -> str:
    with translation.override(language):
        path = reverse(name)
    return live_server.url + path + (f"?{urlencode({'q': q})}" if q else "")


@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_the_answer_page_on_a_phone(live_server, page, town, language, kind):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(_url(live_server, language, PAGES[kind]))
    assert page.get_attribute("html", "lang") == language
    if PAGES[kind]:
        page.wait_for_selector("[data-lookup-map] .leaflet-container")
    assert no_sideways_scroll(page)
    assert page.locator("[data-home-links] a").count() == 5
    assert page.locator("[data-emergency]").is_visible()
    shot(page, f"answer-{kind}-390-{language}")
    assert axe_serious(page) == []


def test_the_map_is_a_named_region_that_fills_its_box(live_server, page, town):
    page.goto(_url(live_server, "nl", PAGES["covered"]))
    region = page.locator("[data-lookup-map]")
    region.locator(".leaflet-container").wait_for()
    assert region.get_attribute("role") == "region"
    # "Kaart van …" once the Dutch catalogue has it (.i18n-answer.po), "Map of …" before.
    assert region.get_attribute("aria-label").endswith(" Kerkstraat 5, 9990 Teststad")
    assert page.locator("iframe").count() == 0
    assert "Make this Notebook Trusted" not in page.content()
    box = region.bounding_box()
    inner = region.locator(".folium-map").bounding_box()
    assert abs(box["height"] - inner["height"]) <= 1 and abs(box["y"] - inner["y"]) <= 1
    # No blank gap: the element after the map's card starts right below it.
    card = page.locator(".result").bounding_box()
    assert box["y"] + box["height"] <= card["y"] + card["height"] + 1
    assert card["y"] + card["height"] - (box["y"] + box["height"]) < 40


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_maps_list_on_a_phone(live_server, page, town, language):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(_url(live_server, language, None, name="maps:municipalities"))
    assert page.locator("[data-municipalities] a").count() == 3
    assert no_sideways_scroll(page)
    assert axe_serious(page) == []
