"""One page per language in Chromium at 390 px: the language prefix in the URL decides the page's language
(whatever the browser's own), the page fits the phone and passes axe; the map's scale is metric only and
the embed code's language can be changed without reloading. Browser and page: tests/maps/conftest.py."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse, translate_url

from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

PAGES = [
    ("nl", "maps:lookup", [], "?q=Kerkstraat+3,+9990+Teststad"),
    ("fr", "maps:municipality", ["99001"], ""),
    ("de", "members:join", [], ""),
    ("en", "maps:police-zone", [5999], ""),
]


@pytest.mark.parametrize(("language", "name", "args", "query"), PAGES)
def test_a_page_per_language_fits_a_phone(live_server, page, town, language, name, args, query):
    page.set_viewport_size({"width": 390, "height": 844})
    url = translate_url(reverse(name, args=args), language)
    page.goto(live_server.url + url + query)  # the browser asks for English (locale en-US)
    assert page.evaluate("document.documentElement.lang") == language
    if page.locator(".folium-map").count():
        page.wait_for_selector(".leaflet-control-scale-line")
        # Metres only: one scale line, no feet or miles.
        assert page.locator(".leaflet-control-scale-line").count() == 1
        assert "ft" not in page.inner_text(".leaflet-control-scale") and "mi" not in page.inner_text(
            ".leaflet-control-scale"
        )
        assert "OpenStreetMap" in page.inner_text(".leaflet-control-attribution")
    assert no_sideways_scroll(page)
    assert axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / f"lang-{language}-390.png"), full_page=True)


def test_the_embed_code_follows_the_chosen_language(live_server, page, town):
    page.goto(live_server.url + translate_url(reverse("maps:municipality", args=["99001"]), "nl"))
    snippet = page.locator("[data-embed-snippet]")
    dutch = translate_url(reverse("maps:municipality-embed", args=["99001"]), "nl")
    assert dutch in snippet.input_value()
    assert page.locator("[data-embed-language-submit]").is_hidden()
    page.select_option("[data-embed-language]", "fr")
    french = translate_url(reverse("maps:municipality-embed", args=["99001"]), "fr")
    assert french in snippet.input_value() and dutch not in snippet.input_value()
    assert page.get_attribute("[data-embed-preview]", "href") == french
    # The switcher in the header: the same page in German.
    page.click("form.lang button[value='de']")
    page.wait_for_url(live_server.url + translate_url(reverse("maps:municipality", args=["99001"]), "de"))
    assert page.evaluate("document.documentElement.lang") == "de"
