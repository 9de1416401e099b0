"""An exercise in Chromium, with real clicks: the officer ticks "This is an exercise" on the alert map, the
preview counts only the members who opted in, the confirmation shows every text starting with the marker,
and what goes out reaches those members only, each in their language: SMS through the file backend and
e-mail over SMTP to an aiosmtpd server on loopback, read back. The alert's page says it is an exercise.

The live server sends in-process (no broker in the test settings)."""

import json
from email.header import decode_header, make_header

import pytest
from django.urls import reverse

from alerts.models import Alert
from tests.alerts.servers import SmtpSink
from tests.factories import lonlat, member_at
from tests.maps.conftest import browser, log_in, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_MS = 30_000


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def channels(settings, tmp_path, smtp):
    settings.BIN_PREVIEW_MIN_COUNT = 1  # exact counts
    settings.BIN_SMS_BACKEND = "alerts.backends.sms.FileBackend"
    settings.BIN_SMS_FILE_PATH = str(tmp_path / "sms")
    settings.BIN_ALERT_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    return tmp_path / "sms" / "sms.jsonl"


def test_an_exercise_from_the_alert_map_reaches_the_opted_in_members_marked(
    live_server,
    page,  # noqa: F811
    town,
    channels,
    smtp,
):
    nl = member_at(400, 500, town.alfa, exercise_opt_in=True)
    fr = member_at(420, 500, town.alfa, language="fr", exercise_opt_in=True)
    de = member_at(440, 500, town.alfa, language="de", exercise_opt_in=True, mobile="")
    member_at(460, 500, town.alfa)  # did not opt in
    member_at(480, 500, town.alfa, mobile="")  # did not opt in
    log_in(page, live_server, town.police)
    page.goto(live_server.url + reverse("maps:police-alert", args=[5999]))
    page.wait_for_selector("[data-alert-composer]")
    page.evaluate("(c) => window.binAlertComposer.setPerimeter({center: c, radius_m: 300})", lonlat(450, 500))
    page.locator("[data-alert-composer] [data-field='message']").fill("Oefening: inbraak in de Kerkstraat.")
    preview = page.locator("[data-alert-preview]")
    page.wait_for_function(
        "() => document.querySelector('[data-alert-preview]').getAttribute('data-recipients') === '5'",
        timeout=WAIT_MS,
    )
    with page.expect_response(
        lambda r: r.url.endswith(reverse("api:alert-preview")), timeout=WAIT_MS
    ) as answer:
        page.get_by_label("This is an exercise").check()
    assert answer.value.request.post_data_json["exercise"] is True
    page.wait_for_function(
        "() => document.querySelector('[data-alert-preview]').getAttribute('data-recipients') === '3'",
        timeout=WAIT_MS,
    )
    assert preview.get_attribute("data-state") == "ready"
    page.wait_for_function("() => !document.querySelector('[data-alert-send]').disabled", timeout=WAIT_MS)
    page.locator("[data-alert-send]").click()
    assert page.locator("[data-confirm-sms='nl']").text_content().startswith("OEFENING - ")
    assert page.locator("[data-confirm-sms='fr']").text_content().startswith("EXERCICE - ")
    with page.expect_navigation(timeout=WAIT_MS):
        page.locator("[data-confirm-send]").click()

    alert = Alert.objects.get()
    assert alert.exercise and alert.recipients == 3
    assert set(alert.deliveries.values_list("member_id", flat=True)) == {nl.pk, fr.pk, de.pk}
    assert page.locator("[data-exercise-banner]").is_visible()
    texts = {line["to"]: line["text"] for line in map(json.loads, channels.read_text().splitlines())}
    assert texts[nl.mobile].startswith("OEFENING - ") and texts[fr.mobile].startswith("EXERCICE - ")
    assert len(texts) == 2
    (mail,) = smtp.messages
    assert mail["To"] == de.email
    assert str(make_header(decode_header(mail["Subject"]))).startswith("ÜBUNG - ")
    assert mail.get_payload(decode=True).decode().startswith("ÜBUNG - ")
