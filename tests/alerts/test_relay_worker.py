"""Relay networks end to end: a real Celery worker (tests/alerts/test_worker.py's fixtures, Redis broker)
and SMTP to an aiosmtpd server on loopback. The police's alert waits for the coordinator (told over SMTP),
who forwards it edited with a note; the members get the coordinator's version over SMTP with a reaction
link and the coordinator as Reply-To; a member reacts, the coordinator passes it on, the police see it."""

from email.header import decode_header, make_header

import pytest
from django.urls import reverse

from alerts.messages import reaction_token
from alerts.models import AlertRelay, Delivery
from alerts.relay import relay_forward, relay_reactions_forward
from alerts.relay_notices import relay_coordinators_mail
from alerts.selectors import alert_thread
from tests.factories import alert_sent, login, member_at

from .servers import SmtpSink
from .test_worker import broker, wait_done, worker, worker_env  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _body(message) -> str:
    if message.is_multipart():
        message = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return message.get_payload(decode=True).decode("utf-8")


def test_alert_through_the_coordinator_to_the_members_and_back(
    town,
    settings,
    worker,  # noqa: F811
    worker_env,  # noqa: F811
):
    town.alfa.relay_via_coordinator = True
    town.alfa.save(update_fields=["relay_via_coordinator"])
    relayed = [member_at(400, 500, town.alfa, language=lang) for lang in ("nl", "fr")]
    direct = member_at(1500, 500, town.beta, mobile="")
    with SmtpSink() as smtp:
        worker.env.update(
            BIN_ALERT_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
        )
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        worker.start()
        alert = alert_sent(town.police, center=(1000, 500), radius_m=800, message="Inbraak; let op.")
        wait_done(alert, worker)
        assert [m["To"] for m in smtp.messages] == [direct.email]  # the relay network waits
        relay = AlertRelay.objects.get(alert=alert, network=town.alfa)
        # The worker tells the coordinator (its own Django mail); here the same e-mail over SMTP.
        assert relay_coordinators_mail(relay_id=relay.pk) == 1
        notice = smtp.messages[-1]
        assert notice["To"] == town.coord_a.email and "Inbraak; let op." in _body(notice)
        smtp.messages.clear()
        relay_forward(relay_id=relay.pk, user=town.coord_a, text="Inbraak in de Kerkstraat.", note="Anna")
        wait_done(alert, worker)
        mails = {m["To"]: m for m in smtp.messages}
    assert set(mails) == {m.email for m in relayed}
    for member in relayed:
        message = mails[member.email]
        body = _body(message)
        assert "Inbraak in de Kerkstraat." in body and "Anna" in body
        assert message["Reply-To"] == town.coord_a.email
        assert str(make_header(decode_header(message["Subject"])))
        delivery = Delivery.objects.get(alert=alert, member=member)
        assert reaction_token(delivery.pk) in body
    delivery = Delivery.objects.get(alert=alert, member=relayed[0])
    login(town.coord_b).post(
        reverse("alerts:react", args=[reaction_token(delivery.pk)]),
        {"kind": "observation", "text": "Twee mannen met een ladder"},
    )
    reaction = delivery.reactions.get()
    assert not alert_thread(alert=alert)["timeline"]
    assert relay_reactions_forward(relay_id=relay.pk, user=town.coord_a, reaction_ids=[reaction.pk]) == 1
    assert [t["reaction"].text for t in alert_thread(alert=alert)["timeline"]] == [
        "Twee mannen met een ladder"
    ]
