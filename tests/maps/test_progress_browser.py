"""The alert's page in Chromium: the delivery progress bar moves to "delivered" as delivery receipts come in,
without a reload, and fits a 390 px wide phone. The browser and page fixtures are tests/maps/conftest.py's;
the deliveries go out through the real outbox with tests/alerts/test_receipts.py's PartsBackend, which
gives every message a gateway id."""

import pytest
from django.urls import reverse

from alerts.models import Delivery
from alerts.receipts import receipt_record
from tests.alerts.test_receipts import GATEWAY
from tests.factories import alert_sent, member_at
from tests.maps.conftest import browser, log_in, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_MS = 30_000
SMS = "[data-progress-channel='sms']"


@pytest.fixture
def sent_alert(town, settings):
    """An urgent alert to three members of BIN Alfa, sent through the outbox (the test runs outside a
    transaction, so the fan-out runs on commit): three SMS accepted by the gateway, no receipt yet."""
    settings.BIN_SMS_BACKEND = "tests.alerts.test_receipts.PartsBackend"
    for x in (400, 420, 440):
        member_at(x, 500, town.alfa)
    alert = alert_sent(town.police, radius_m=400)
    assert list(alert.deliveries.values_list("status", flat=True)) == ["sent"] * 3
    return alert


def bar(page):  # noqa: F811
    return page.locator(f"{SMS} [role='progressbar']")


def test_the_bar_moves_to_delivered_as_receipts_come(live_server, page, town, sent_alert):  # noqa: F811
    log_in(page, live_server, town.police)
    page.goto(live_server.url + reverse("maps:alert", args=[sent_alert.pk]))
    assert page.get_attribute(SMS, "data-sent") == "3" and page.get_attribute(SMS, "data-delivered") == "0"
    assert page.inner_text("[data-progress-state]") == "Sent; waiting for delivery receipts"
    assert bar(page).get_attribute("aria-valuemax") == "3"
    # A mark on the window: gone if the page were loaded again.
    page.evaluate("() => { window.notReloaded = true; }")

    ids = list(sent_alert.deliveries.order_by("pk").values_list("pk", flat=True))
    assert receipt_record(gateway=GATEWAY, provider_id=f"{ids[0]}-1", status="delivered") == "recorded"
    page.wait_for_selector(f"{SMS}[data-delivered='1']", timeout=WAIT_MS)
    assert page.get_attribute("[data-progress]", "data-finished") == "false"

    for pk in ids[1:]:
        assert receipt_record(gateway=GATEWAY, provider_id=f"{pk}-1", status="delivered") == "recorded"
    page.wait_for_selector(f"{SMS}[data-delivered='3']", timeout=WAIT_MS)
    assert page.evaluate("() => window.notReloaded") is True
    assert page.get_attribute("[data-progress]", "data-finished") == "true"
    assert page.inner_text("[data-progress-state]") == "Done"
    progressbar = bar(page)
    assert (progressbar.get_attribute("aria-valuenow"), progressbar.get_attribute("aria-valuemax")) == (
        "3",
        "3",
    )
    assert progressbar.get_attribute("aria-valuetext").startswith("3 delivered, 0 sent without a receipt yet")
    assert progressbar.get_attribute("aria-labelledby") == "progress-label-sms"
    assert page.inner_text("#progress-label-sms") == "SMS"
    # The delivered part of the bar fills it.
    widths = progressbar.evaluate("b => [b.querySelector('.seg-delivered').offsetWidth, b.offsetWidth]")
    assert widths[0] >= widths[1] - 1
    assert "delivered 3" in page.inner_text(f"{SMS} [data-legend]")
    row = page.locator("[data-progress-networks] tr[data-network-slug='bin-alfa'] td")
    assert row.all_inner_texts() == ["BIN Alfa", "0", "0", "3", "0", "0", "3"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_the_progress_fits_a_phone(live_server, page, town, sent_alert):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, town.police)
    page.goto(live_server.url + reverse("maps:alert", args=[sent_alert.pk]))
    ids = list(sent_alert.deliveries.values_list("pk", flat=True))
    receipt_record(gateway=GATEWAY, provider_id=f"{ids[0]}-1", status="undeliverable", reason="absent")
    page.wait_for_selector(f"{SMS}[data-failed='1']", timeout=WAIT_MS)
    section = page.locator("[data-progress]").bounding_box()
    assert section["x"] >= 0 and section["x"] + section["width"] <= 390
    box = bar(page).bounding_box()
    assert box["width"] > 200 and box["x"] + box["width"] <= 390
    # Nothing on the page is wider than the phone (tables scroll inside their own box).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
