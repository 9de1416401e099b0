"""The follow-up forms of an alert's page in Chromium, with real clicks: an update, a cancel (confirmed) and
the closing message with its outcome category, and what the members receive: SMS through the file backend
and e-mail over SMTP to an aiosmtpd server on loopback, read back. axe-core on the alert's page and the
evaluation page (no serious or critical violation); both fit a 390 px wide phone.

The live server sends in-process (no broker in the test settings): the page that follows a POST already
shows what went out."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from alerts.models import Alert
from tests.alerts.servers import SmtpSink
from tests.factories import alert_sent, member_at
from tests.maps.conftest import browser, log_in, page  # noqa: F401 (fixtures)

from .page_checks import axe_serious

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]



@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def channels(settings, tmp_path, smtp):
    """SMS to a file, alert e-mail over SMTP to the loopback server."""
    settings.BIN_SMS_BACKEND = "alerts.backends.sms.FileBackend"
    settings.BIN_SMS_FILE_PATH = str(tmp_path / "sms")
    settings.BIN_ALERT_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    return tmp_path / "sms" / "sms.jsonl"


@pytest.fixture
def alert(town, channels, smtp):
    """An urgent alert to three members of BIN Alfa: two by SMS, one without a mobile number by e-mail."""
    member_at(400, 500, town.alfa)
    member_at(420, 500, town.alfa)
    member_at(440, 500, town.alfa, mobile="")
    alert = alert_sent(town.police, center=(450, 500), radius_m=300)
    assert alert.recipients == 3
    assert len(sms_texts(channels)) == 2 and len(smtp.messages) == 1
    return alert


def sms_texts(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["text"] for line in path.read_text().splitlines()]


def mail_text(message) -> str:
    return message.get_payload(decode=True).decode()


def open_page(page, live_server, alert):  # noqa: F811
    page.goto(live_server.url + reverse("maps:alert", args=[alert.pk]))




def test_update_then_closing_message_reach_the_members(live_server, page, town, alert, channels, smtp):  # noqa: F811
    log_in(page, live_server, town.police)
    open_page(page, live_server, alert)
    assert page.locator("[data-clipped]").count() == 0

    form = page.locator("form[data-follow-up='update']")
    form.get_by_label("Message to the members").fill("De verdachte vluchtte richting het station.")
    with page.expect_navigation():
        form.get_by_role("button", name="Send the update").click()
    assert page.inner_text("[data-flash]") == "The update went out: 3 messages."
    update = alert.follow_ups.get()
    row = page.locator(f"tr[data-message-id='{update.pk}'] td")
    assert row.nth(2).inner_text() == "3"  # recipients
    texts = sms_texts(channels)
    assert len(texts) == 4
    assert [t.split(":")[0] for t in texts[2:]] == ["BIN-update (inbraak)"] * 2
    assert all("De verdachte vluchtte richting het station." in t for t in texts[2:])
    assert len(smtp.messages) == 2 and "De verdachte vluchtte" in mail_text(smtp.messages[1])

    form = page.locator("form[data-follow-up='feedback']")
    # The browser asks for the outcome first: nothing is posted without it.
    form.get_by_role("button", name="Send the closing message").click()
    assert alert.follow_ups.count() == 1
    form.get_by_label("suspect caught").check()
    form.get_by_label("Outcome in a few words").fill("Twee verdachten opgepakt")
    form.get_by_label("Message to the members").fill("Dank voor jullie waakzaamheid!")
    with page.expect_navigation():
        form.get_by_role("button", name="Send the closing message").click()
    assert "the closing message went out: 3 messages" in page.inner_text("[data-flash]")
    alert.refresh_from_db()
    assert (alert.outcome_category, alert.outcome) == ("caught", "Twee verdachten opgepakt")
    assert page.inner_text("[data-outcome-category]") == "suspect caught"
    assert page.locator("form[data-follow-up]").count() == 0
    texts = sms_texts(channels)
    assert len(texts) == 6 and all("Dank voor jullie waakzaamheid!" in t for t in texts[4:])
    closing = mail_text(smtp.messages[2])
    assert "Dank voor jullie waakzaamheid!" in closing and "Twee verdachten opgepakt" in closing


def test_cancel_asks_for_confirmation(live_server, page, town, alert, channels, smtp):  # noqa: F811
    log_in(page, live_server, town.police)
    open_page(page, live_server, alert)
    form = page.locator("form[data-follow-up='cancel']")
    form.get_by_label("Message to the members").fill("Vals alarm: de melding klopte niet.")
    form.get_by_role("button", name="Cancel the alert").click()  # not confirmed: the browser holds it
    assert not alert.follow_ups.exists() and page.locator("[data-flash]").count() == 0
    form.get_by_label("Yes, cancel this alert").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Cancel the alert").click()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.CANCELLED
    assert [f.get_attribute("data-follow-up") for f in page.locator("form[data-follow-up]").all()] == [
        "feedback"
    ]
    texts = sms_texts(channels)
    assert len(texts) == 4 and all(t.startswith("BIN geannuleerd") or "Vals alarm" in t for t in texts[2:])
    assert "Vals alarm" in mail_text(smtp.messages[1])


def test_a_service_refusal_shows_as_a_form_error(live_server, page, town, alert):  # noqa: F811
    """An old tab: the alert was closed elsewhere meanwhile; the update is refused with the reason."""
    log_in(page, live_server, town.police)
    open_page(page, live_server, alert)
    from alerts.services import alert_follow_up

    alert_follow_up(
        original=alert,
        user=town.police,
        msg_type="feedback",
        message="Afgesloten",
        outcome="Niets gevonden",
        outcome_category="false_alarm",
    )
    form = page.locator("form[data-follow-up='update']")
    form.get_by_label("Message to the members").fill("Nog iets")
    with page.expect_navigation():
        form.get_by_role("button", name="Send the update").click()
    assert "The feedback closed this alert" in page.inner_text("[data-form-errors]")
    assert not alert.follow_ups.filter(msg_type="update").exists()


def test_alert_and_evaluation_pages_pass_axe_and_fit_a_phone(live_server, page, town, alert):  # noqa: F811
    from alerts.services import alert_follow_up

    alert_follow_up(original=alert, user=town.police, msg_type="update", message="Rode bestelwagen")
    Alert.objects.filter(pk=alert.pk).update(clipped_fraction=0.2)
    log_in(page, live_server, town.police)
    urls = [
        reverse("maps:alert", args=[alert.pk]),
        reverse("maps:evaluation", args=[town.zone.number]),
    ]
    for url in urls:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(live_server.url + url)
        assert axe_serious(page) == [], url
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(live_server.url + url)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, url
        assert axe_serious(page) == [], url
    # The evaluation map draws the perimeter.
    assert page.locator("path.bin-map-evaluation-perimeter").count() == 1
    page.goto(live_server.url + urls[0])
    assert page.inner_text("[data-clipped]").startswith("20.0 % of the drawn perimeter")


def test_reactions_come_in_live_in_time_order(live_server, page, town, alert):  # noqa: F811
    from alerts.reactions import reaction_record

    page.add_init_script("window.binReactionsIntervalMs = 300;")
    log_in(page, live_server, town.police)
    open_page(page, live_server, alert)
    page.evaluate("() => { window.notReloaded = true; }")
    assert page.locator("tr[data-reaction-kind]").count() == 0
    first, second = alert.deliveries.order_by("pk")[:2]
    reaction_record(delivery=first, kind="observation", text="Witte bestelwagen <b>1-ABC-234</b>")
    page.wait_for_selector("tr[data-reaction-kind='observation']")
    reaction_record(delivery=second, kind="seen")
    page.wait_for_selector("tr[data-reaction-kind='seen']")
    kinds = page.locator("tr[data-reaction-kind]").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-reaction-kind'))"
    )
    assert kinds == ["observation", "seen"]  # in time order
    assert page.evaluate("() => window.notReloaded") is True
    # The member's text is text, not markup.
    assert page.locator("[data-live-reactions] b").count() == 0
    assert "Witte bestelwagen <b>1-ABC-234</b>" in page.inner_text("[data-live-reactions='timeline']")
    assert "BIN Alfa" in page.inner_text("[data-live-reactions='per-bin']")


def test_the_sms_counter_counts_the_whole_sms(live_server, page, town, alert):  # noqa: F811
    log_in(page, live_server, town.police)
    open_page(page, live_server, alert)
    form = page.locator("form[data-follow-up='update']")
    counter = form.locator("[data-sms-count]")
    area = form.get_by_label("Message to the members")
    assert "sms-count-update" in area.get_attribute("aria-describedby")
    assert counter.get_attribute("data-parts") == "1"
    empty = int(counter.inner_text().split(": ")[1].split(" ")[0])
    assert empty > 40  # the heading and the reaction link are counted
    area.fill("x" * (160 - empty + 1))
    assert counter.get_attribute("data-parts") == "2" and "GSM-7" in counter.inner_text()
    area.fill("Verdachte met een ŝ")
    assert "UCS-2" in counter.inner_text() and "ŝ" in counter.inner_text()
