"""The download list of the map pages in Chromium: at 390 px nothing scrolls sideways, axe finds no serious
violation in it, in Dutch and French, and a click on a link saves the file (a GeoPackage GDAL opens)."""

import subprocess

import pytest
from django.conf import settings
from django.urls import reverse, translate_url

from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_download_list_fits_a_phone_and_passes_axe(live_server, page, town, language):
    # The language as the site's language switcher leaves it (Chromium's locale decides Accept-Language).
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    page.context.add_cookies([cookie])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + translate_url(reverse("maps:police-zone", args=[5999]), language))
    section = page.locator("[data-downloads]")
    section.scroll_into_view_if_needed()
    assert page.evaluate("() => document.documentElement.lang") == language
    assert section.locator("a").count() >= 8
    assert no_sideways_scroll(page)
    assert axe_serious(page, "[data-downloads]") == []


def test_a_click_saves_the_file(live_server, page, town, tmp_path):
    page.goto(live_server.url + reverse("maps:municipality", args=["99001"]))
    link = page.locator("[data-downloads] a[href$='networks.gpkg?crs=31370']")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("bin-99001-") and saved.name.endswith("-31370.gpkg")
    info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(saved)], capture_output=True, text=True)
    assert "Feature Count: 3" in info.stdout and 'ID["EPSG",31370]' in info.stdout
