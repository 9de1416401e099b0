"""Joining in Chromium at 390 x 844 (members/views/joining.py), one step per page, in Dutch, French and
English: nothing scrolls sideways, axe-core finds nothing serious, a bad submit puts the focus on the error
summary and the title says "Error:"; and proposing a BIN: the drawing map with its undo button."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from members.models import Member

from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # Empties the database after it: restores the migrations' rows first (tests/maps/test_browser.py).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def check_page(page, language: str, where: str):
    assert page.get_attribute("html", "lang") == language, where
    assert no_sideways_scroll(page), where
    assert axe_serious(page) == [], where


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_join_step_by_step_at_390_px(live_server, page, town, language):
    with translation.override(language):
        start, error_word = reverse("members:join"), gettext("Error:")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + start)
    check_page(page, language, "address")
    page.fill("#address", "Kerkstraat 5, 9990 Teststad")
    page.locator("form button[type=submit]").click()

    page.wait_for_selector("#join-map.leaflet-container")
    assert page.locator('input[name=networks][value="bin-alfa"]').is_checked()
    check_page(page, language, "BIN")
    page.locator("form[method=post] button[type=submit]").click()

    page.wait_for_selector("input[name=name]")
    assert page.locator("input[name=business_name]").count() == 0
    check_page(page, language, "details")
    page.fill("input[name=email]", "anna@")
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.title().startswith(error_word + " ")
    assert page.get_attribute("#id_email", "aria-invalid") == "true"
    check_page(page, language, "details with errors")
    page.locator('#error-summary a[href="#id_name"]').click()
    assert page.evaluate("() => document.activeElement.id") == "id_name"

    page.fill("input[name=name]", "Anna Peeters")
    page.fill("input[name=email]", f"anna.{language}@example.be")
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_selector("#privacy-notice")
    check_page(page, language, "consent")
    page.locator("input[name=consent]").check()
    page.locator("form[method=post] button[type=submit]").click()
    page.wait_for_selector(f"text=anna.{language}@example.be")
    check_page(page, language, "check your e-mail")
    assert Member.objects.filter(email=f"anna.{language}@example.be").exists()


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_proposal_drawing_with_undo_at_390_px(live_server, page, town, language):
    with translation.override(language):
        path = reverse("members:network-start")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + path)
    page.wait_for_selector("#draw-map.leaflet-container")
    page.select_option("#id_municipality", str(town.muni.pk))
    # The municipality's three published BINs, read-only, behind the drawing.
    page.wait_for_function("() => document.getElementById('draw-map').dataset.existing === '3'")
    page.locator("#draw-map").scroll_into_view_if_needed()
    box = page.locator("#draw-map").bounding_box()
    for dx, dy in [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.5, 0.9)]:
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    assert page.get_attribute("#draw-map", "data-corners") == "4"
    assert '"Polygon"' in page.input_value("#id_area")
    page.locator("#draw-undo").click()
    assert page.get_attribute("#draw-map", "data-corners") == "3"
    page.locator("#draw-undo").press("Enter")  # a button: the keyboard works too
    assert page.get_attribute("#draw-map", "data-corners") == "2"
    assert page.input_value("#id_area") == ""
    page.locator("#draw-centre").click()
    assert page.get_attribute("#draw-map", "data-corners") == "3"
    assert '"Polygon"' in page.input_value("#id_area")
    assert page.locator("#id_area").get_attribute("type") == "hidden"
    check_page(page, language, "proposal")
