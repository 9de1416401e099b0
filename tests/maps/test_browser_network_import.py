"""The network admin's "Import networks from a file" (areas.admin_import) in Chromium: a GIS officer uploads
a file of quartiers with a broken ring and overlaps, checks the dry run's report, and imports it; at 390 px
nothing scrolls sideways and axe-core finds nothing serious, in English, Dutch and French."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from areas.models import Network
from tests.areas.test_admin_import import geojson_bytes

from .conftest import log_in
from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

URL = reverse("admin:areas_network_import")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_page(page, live_server, user, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    log_in(page, live_server, user)
    response = page.goto(live_server.url + URL)
    assert response.status == 200


def upload(page, tmp_path, *, dry_run: bool):
    path = tmp_path / "wijken.geojson"
    path.write_bytes(geojson_bytes())
    page.set_input_files("#id_file", str(path))
    page.check("#id_make_valid")
    page.select_option("#id_overlaps", "clip")
    if dry_run:
        page.check("#id_dry_run")
    else:
        page.uncheck("#id_dry_run")
    page.click("input[type=submit]")
    page.wait_for_selector("#import-report")


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_the_page_and_its_report_at_390_px(live_server, page, town, tmp_path, language):
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, live_server, town.superuser, language)
    assert page.get_attribute("html", "lang") == language
    assert no_sideways_scroll(page)
    assert axe_serious(page) == []
    upload(page, tmp_path, dry_run=True)
    assert page.locator("ul.report.changes li").count() == 3
    assert no_sideways_scroll(page)
    shot(page, f"network-import-390-{language}")
    assert axe_serious(page) == []
    assert not Network.objects.filter(name="BIN Buur").exists()


def test_import_after_the_dry_run(live_server, page, town, tmp_path):
    open_page(page, live_server, town.superuser, "en")
    upload(page, tmp_path, dry_run=False)
    assert "25.0 m² left to BIN Alfa" in page.locator("ul.report.changes").inner_text()
    assert Network.objects.filter(name__in=["BIN Zuidwest", "BIN Rand <b>", "BIN Buur"]).count() == 3
