"""Four-eyes approval in Chromium, with real clicks, by two officers in two browser sessions: the author
submits from the alert map (whose Send reads "Submit for approval" in such a zone), the second officer
finds it on the police console, sees the texts and the reach, and approves it: it is sent. And a return
with a reason, which the author reads, edits and submits again. axe-core on the approval page (no serious
or critical violation), as the approver and as the author; it fits a 390 px wide phone.

The live server sends in-process (no broker in the test settings)."""

import pytest
from django.urls import reverse

from alerts.models import Alert, AlertEvent, Delivery, ZoneAlertPolicy
from alerts.services import alert_create, alert_prepare
from tests.factories import lonlat, member_at, police_officer
from tests.maps.conftest import CHROMIUM_ARGS, TIMEOUT_MS, browser, is_csp_report, log_in, page  # noqa: F401

from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_MS = 30_000


@pytest.fixture
def four_eyes(town, settings):
    settings.BIN_PREVIEW_MIN_COUNT = 1  # exact counts for the two members
    ZoneAlertPolicy.objects.create(police_zone=town.zone, four_eyes=True)
    member_at(400, 500, town.alfa)
    member_at(420, 500, town.alfa, language="fr", mobile="")
    return police_officer(town.zone, username="police-two")


@pytest.fixture
def second_page(browser):  # noqa: F811
    """A second browser session (the second officer), with the same checks as `page`."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    p.errors, p.csp_reports = [], []
    p.on("pageerror", lambda exc: p.errors.append(str(exc)))
    p.on("console", lambda msg: is_csp_report(msg.text) and p.csp_reports.append(msg.text))
    yield p
    context.close()
    assert p.errors == [], f"JavaScript errors: {p.errors}"
    assert p.csp_reports == [], f"Content-Security-Policy refusals: {p.csp_reports}"






def draft(user) -> Alert:
    data = alert_prepare(
        user=user,
        category="burglary",
        urgency="urgent",
        message="Inbraak in de Kerkstraat; let op.",
        center=lonlat(450, 500),
        radius_m=300,
    )
    return alert_create(user=user, data=data)


def test_author_submits_from_the_map_and_a_second_officer_approves_it(
    live_server,
    page,  # noqa: F811
    second_page,
    town,
    four_eyes,
):
    author, second = town.police, four_eyes
    log_in(page, live_server, author)
    page.goto(live_server.url + reverse("maps:police-alert", args=[5999]))
    page.wait_for_selector("[data-alert-composer]")
    assert page.locator("[data-alert-composer] [data-field='exercise']").count() == 1
    # Place the perimeter through the composer's own hook, then type and click as an officer does.
    page.evaluate("(c) => window.binAlertComposer.setPerimeter({center: c, radius_m: 300})", lonlat(450, 500))
    page.locator("[data-alert-composer] [data-field='message']").fill("Inbraak in de Kerkstraat; let op.")
    page.locator("[data-alert-preview][data-state='ready']").wait_for(timeout=WAIT_MS)
    send = page.locator("[data-alert-send]")
    send.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('[data-alert-send]').disabled", timeout=WAIT_MS)
    assert "Submit for approval" in send.inner_text()
    send.click()
    confirm = page.locator("[data-confirm-send]")
    assert "submit for approval" in confirm.inner_text().lower()
    with page.expect_navigation(timeout=WAIT_MS):
        confirm.click()
    alert = Alert.objects.get()
    assert alert.status == Alert.Status.PENDING and not Delivery.objects.exists()
    assert page.url.endswith(reverse("maps:alert-approval", args=[alert.pk]))
    assert page.locator("[data-own-pending]").is_visible()
    assert page.locator("[data-approve]").count() == 0
    assert axe_serious(page) == []

    # The second officer finds it on the console and opens it.
    log_in(second_page, live_server, second)
    second_page.goto(live_server.url + reverse("maps:police-home"))
    with second_page.expect_navigation():
        second_page.locator(f"[data-to-approve='{alert.pk}'] a").click()
    assert (
        second_page.locator("[data-text-language='nl'] [data-sms]")
        .inner_text()
        .startswith("BIN-melding (inbraak): Inbraak in de Kerkstraat; let op.")
    )
    assert second_page.locator("[data-reach]").get_attribute("data-recipients") == "2"
    assert second_page.locator("[data-reach-network='bin-alfa']").is_visible()
    assert axe_serious(second_page) == []
    second_page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(second_page)
    second_page.set_viewport_size({"width": 1200, "height": 900})
    with second_page.expect_navigation():
        second_page.locator("[data-approve]").click()
    assert second_page.url.endswith(reverse("maps:alert", args=[alert.pk]))
    assert second_page.locator("[data-approval-note]").is_visible()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT and alert.approved_by == second
    assert Delivery.objects.filter(alert=alert).count() == 2
    assert list(alert.events.values_list("action", flat=True).order_by("at", "pk")) == [
        "created",
        "submitted",
        "approved",
        "sent",
    ]


def test_returned_with_a_reason_edited_and_submitted_again(
    live_server,
    page,  # noqa: F811
    second_page,
    town,
    four_eyes,
):
    author, second = town.police, four_eyes
    alert = draft(author)
    url = live_server.url + reverse("maps:alert-approval", args=[alert.pk])
    log_in(page, live_server, author)
    page.goto(url)
    with page.expect_navigation():
        page.locator("[data-edit-submit]").click()
    assert page.locator("[data-approval]").get_attribute("data-alert-status") == "pending"

    log_in(second_page, live_server, second)
    second_page.goto(url)
    second_page.get_by_label("Why do you return it? The author reads this.").fill(
        "Zeg welke kant de verdachten uit gingen."
    )
    with second_page.expect_navigation():
        second_page.locator("[data-return]").click()
    assert second_page.locator("[data-approval]").get_attribute("data-alert-status") == "returned"
    assert second_page.locator("[data-approve]").count() == 0

    page.goto(url)
    assert "Zeg welke kant de verdachten uit gingen." in page.locator("[data-return-reason]").inner_text()
    assert axe_serious(page) == []
    message = page.get_by_label("Message", exact=True)
    message.fill("Inbraak in de Kerkstraat; twee verdachten te voet richting station.")
    with page.expect_navigation():
        page.locator("[data-edit-submit]").click()
    assert page.locator("[data-approval]").get_attribute("data-alert-status") == "pending"
    rows = page.locator("[data-history] tbody tr")
    assert [rows.nth(i).get_attribute("data-history-action") for i in range(rows.count())] == [
        "created",
        "submitted",
        "returned",
        "edited",
        "submitted",
    ]
    edited = AlertEvent.objects.get(alert=alert, action="edited")
    assert (
        edited.changes["message"][1] == "Inbraak in de Kerkstraat; twee verdachten te voet richting station."
    )

    second_page.goto(url)
    assert (
        "twee verdachten te voet"
        in second_page.locator("[data-text-language='fr'] [data-email-body]").inner_text()
    )
    with second_page.expect_navigation():
        second_page.locator("[data-approve]").click()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT and alert.recipients == 2
