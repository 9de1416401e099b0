"""The admin's comparison of two boundary versions (areas.admin_versions) in Chromium, with no network
beyond loopback: Leaflet from the vendored copy draws both versions and the added part; the page fits a
390 px phone and has no serious axe violation, in en, nl and fr. The browser and page fixtures are
tests/maps/conftest.py's (every request to another host is refused there)."""

import pytest
from django.conf import settings
from django.urls import reverse

from areas.models import Network
from areas.services import boundary_change
from areas.versions import BoundaryChangeSource
from tests.factories import square

from .conftest import log_in
from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

READY = '#boundary-compare-map[data-ready="1"]'


@pytest.fixture
def local_tiles(settings):
    # Tiles through the site's own proxy, which fetches nothing upstream here: the map works without.
    settings.BIN_TILE_PROXY = True
    settings.BIN_TILE_PROXY_FETCH = False


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_the_comparison_map_offline_on_a_phone(page, live_server, town, local_tiles, language):
    with boundary_change(user=town.superuser, reason="Veldweg <script>", source=BoundaryChangeSource.ADMIN):
        Network.objects.filter(pk=town.alfa.pk).update(boundary=square(0, 0, 1200))
    log_in(page, live_server, town.superuser)
    # The language as the site's language switcher leaves it (Chromium's locale decides Accept-Language).
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    page.context.add_cookies([cookie])
    page.goto(live_server.url + reverse("admin:areas_network_boundary_compare", args=[town.alfa.pk]))
    page.wait_for_selector(READY)
    assert page.evaluate("document.documentElement.lang") == language
    # The older outline, the newer one and the added part (nothing was removed).
    assert page.locator(".leaflet-overlay-pane path").count() == 3
    assert "Veldweg <script>" in page.inner_text(".boundary-compare-legend")
    assert axe_serious(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    assert no_sideways_scroll(page)
    assert axe_serious(page) == []
    assert all("localhost" in u or "127.0.0.1" in u or u.startswith("data:") for u in page.requests)
