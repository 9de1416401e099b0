"""A message written in Dutch and French reaches each member in their language, through a real Celery worker
(Redis broker), by SMS (the file backend, read back) and by e-mail (SMTP to an aiosmtpd server on
loopback). The worker and its fixtures are test_worker.py's."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import circle, member_at

from .helpers import alert_body
from .servers import SmtpSink
from .test_worker import broker, sms_lines, wait_done, worker, worker_env  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NL = "Inbraak in de Kerkstraat om 14:05. Let op een man in een blauwe jas."
FR = "Cambriolage rue de l'Église à 14h05. Attention à un homme en veste bleue."


def test_a_message_in_dutch_and_french_reaches_each_member_in_their_language(
    town,
    worker,  # noqa: F811 - test_worker's fixture
    worker_env,  # noqa: F811
):
    members = {
        "nl_sms": member_at(300, 500, town.alfa, language="nl", mobile="+32470000001"),
        "fr_sms": member_at(310, 500, town.alfa, language="fr", mobile="+32470000002"),
        # German is not written: French (alerts.languages), with the words around it in German.
        "de_sms": member_at(320, 500, town.alfa, language="de", mobile="+32470000003"),
        "nl_mail": member_at(330, 500, town.alfa, language="nl", mobile="", email="nl@example.be"),
        "fr_mail": member_at(340, 500, town.alfa, language="fr", mobile="", email="fr@example.be"),
        # English is not written: the alert's main language, Dutch.
        "en_mail": member_at(350, 500, town.alfa, language="en", mobile="", email="en@example.be"),
    }
    with SmtpSink() as smtp:
        worker.env.update(
            BIN_ALERT_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
        )
        worker.start()
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        api.force_authenticate(town.police)
        body = alert_body(circle(300, 500, 300), message=NL, language="nl", translations={"fr": FR})
        response = api.post(reverse("api:alert-list"), body, format="json")
        assert response.status_code == 201, response.json()
        from alerts.models import Alert

        alert = Alert.objects.get(pk=response.json()["id"])
        assert alert.recipients == 6
        wait_done(alert, worker)
        mails = {m["To"]: m for m in smtp.messages}

    sms = {line["to"]: line["text"] for line in sms_lines(worker_env)}
    assert set(sms) == {"+32470000001", "+32470000002", "+32470000003"}
    assert NL in sms["+32470000001"] and FR not in sms["+32470000001"]
    assert FR in sms["+32470000002"] and NL not in sms["+32470000002"]
    assert "(cambriolage)" in sms["+32470000002"] and "(Einbruch)" in sms["+32470000003"]
    assert FR in sms["+32470000003"] and NL not in sms["+32470000003"]

    assert set(mails) == {"nl@example.be", "fr@example.be", "en@example.be"}

    def text(message) -> str:
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")

    assert NL in text(mails["nl@example.be"]) and FR not in text(mails["nl@example.be"])
    assert FR in text(mails["fr@example.be"]) and NL not in text(mails["fr@example.be"])
    assert NL in text(mails["en@example.be"]) and FR not in text(mails["en@example.be"])
    assert set(alert.deliveries.values_list("status", flat=True)) == {"sent"}
    assert {d.member_id for d in alert.deliveries.all()} == {m.pk for m in members.values()}
