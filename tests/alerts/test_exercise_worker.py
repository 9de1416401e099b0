"""Exercise mode and the approval notices end to end: a real Celery worker (tests/alerts/test_worker.py's
fixtures, Redis broker) sends an exercise to the members who opted in, by SMS through the file backend and
by e-mail over SMTP to an aiosmtpd server on loopback, each message starting with the marker in the
member's language; the officers who may approve are told over SMTP."""

from email.header import decode_header, make_header

import pytest
from django.urls import reverse

from alerts.approval import alert_submit
from alerts.models import ZoneAlertPolicy
from alerts.services import alert_create, alert_prepare
from tests.factories import alert_sent, lonlat, member_at, police_officer

from .servers import SmtpSink
from .test_worker import broker, sms_lines, wait_done, worker, worker_env  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MARKERS = {"nl": "OEFENING", "fr": "EXERCICE", "de": "ÜBUNG", "en": "EXERCISE"}


def _text(message) -> tuple[str, str]:
    subject = str(make_header(decode_header(message["Subject"])))
    part = message.get_payload(decode=True) if not message.is_multipart() else None
    if part is None:
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(
            decode=True
        )
    return subject, part.decode("utf-8")


def test_an_exercise_reaches_the_opted_in_members_marked_in_their_language(
    town,
    worker,  # noqa: F811
    worker_env,  # noqa: F811
):
    # Urgent: SMS to those with a mobile number, e-mail to those without one.
    by_sms = {
        lang: member_at(300 + 20 * i, 500, town.alfa, language=lang, exercise_opt_in=True)
        for i, lang in enumerate(("nl", "fr"))
    }
    by_mail = {
        lang: member_at(300 + 20 * i, 600, town.alfa, language=lang, exercise_opt_in=True, mobile="")
        for i, lang in enumerate(("de", "en"))
    }
    left_out = [
        member_at(700, 500, town.alfa),
        member_at(720, 500, town.alfa, mobile=""),
    ]
    with SmtpSink() as smtp:
        worker.env.update(
            BIN_ALERT_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
        )
        worker.start()
        alert = alert_sent(
            town.police, radius_m=800, message="Oefening: inbraak in de Kerkstraat.", exercise=True
        )
        assert alert.exercise and alert.recipients == 4
        wait_done(alert, worker)
        mails = list(smtp.messages)

    members = {d.member_id: d for d in alert.deliveries.all()}
    assert set(members) == {m.pk for m in [*by_sms.values(), *by_mail.values()]}
    assert not {m.pk for m in left_out} & set(members)
    texts = {int(line["id"]): line for line in sms_lines(worker_env)}
    assert len(texts) == 2
    for lang, member in by_sms.items():
        line = texts[members[member.pk].pk]
        assert line["to"] == member.mobile
        assert line["text"].startswith(f"{MARKERS[lang]} - "), line["text"]
    assert len(mails) == 2
    by_address = {m["To"]: m for m in mails}
    for lang, member in by_mail.items():
        subject, body = _text(by_address[member.email])
        assert subject.startswith(f"{MARKERS[lang]} - "), subject
        assert body.startswith(f"{MARKERS[lang]} - "), body[:200]
    assert set(alert.deliveries.values_list("status", flat=True)) == {"sent"}


def test_the_officers_who_may_approve_are_told_over_smtp(town, settings, transactional_db):
    ZoneAlertPolicy.objects.create(police_zone=town.zone, four_eyes=True)
    second = police_officer(town.zone, username="police-two")
    police_officer(town.zone, username="police-three", email="")  # no address: not told
    member_at(500, 500, town.alfa)
    with SmtpSink() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        data = alert_prepare(
            user=town.police,
            category="burglary",
            urgency="urgent",
            message="Inbraak; verdachten te voet.",
            center=lonlat(500, 500),
            radius_m=300,
        )
        alert = alert_create(user=town.police, data=data)
        alert_submit(alert=alert, user=town.police)  # its own transaction: the notice goes on commit
        (mail,) = smtp.messages
    assert mail["To"] == second.email
    subject, body = _text(mail)
    assert "approval" in subject
    assert reverse("maps:alert-approval", args=[alert.pk]) in body
    assert "Inbraak; verdachten te voet." in body
