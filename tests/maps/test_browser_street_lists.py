"""The admin's "Import street lists (CSV)" (streets.admin_street_lists) in Chromium: a GIS officer uploads a
street list with a bad row, reads the dry run's report and imports; at 390 px nothing scrolls sideways and
axe-core finds nothing serious, in English, Dutch and French."""

import pytest
from django.conf import settings
from django.urls import reverse

from areas.models import Network

from .conftest import log_in
from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

URL = reverse("admin:streets_networkstreetrange_import")
LIST = (
    "network,municipality,street,postcode,from,to,parity\n"
    "BIN Veld <b>,99001,Veldweg,9990,,,all\n"
    "BIN Veld <b>,99001,Rue de l'Église,9990,1,5,both\n"
)


def open_page(page, live_server, user, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    log_in(page, live_server, user)
    response = page.goto(live_server.url + URL)
    assert response.status == 200


def upload(page, tmp_path, *, dry_run: bool):
    path = tmp_path / "stratenlijst.csv"
    path.write_text(LIST, encoding="utf-8")
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_on_error", "skip")
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
    assert page.locator("ul.report.changes li").count() == 1
    assert page.locator("ul.report.errors li").count() == 1
    assert "line 3" in page.locator("ul.report.errors").inner_text()
    assert no_sideways_scroll(page)
    assert axe_serious(page) == []
    assert not Network.objects.filter(name="BIN Veld <b>").exists()


def test_import_after_the_dry_run(live_server, page, town, tmp_path):
    open_page(page, live_server, town.superuser, "en")
    upload(page, tmp_path, dry_run=False)
    # The network's name is text, never markup.
    assert "BIN Veld <b>: rows 1, addresses 3" in page.locator("ul.report.changes").inner_text()
    assert page.locator("ul.report b").count() == 0
    assert Network.objects.get(name="BIN Veld <b>").boundary_source == "street_list"
