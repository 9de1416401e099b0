"""End to end on loopback: a real Celery worker (Redis broker) places voice calls through the voice gateway
simulator (alerts/gateway_simulator/voice.py), whose signed callbacks reach this service's live server;
members' SMS replies reach the inbound webhook of the same live server. The worker fixtures are
test_worker.py's."""

import time

import pytest
from django.urls import reverse

from alerts.backends import sms as sms_backends
from alerts.gateway_simulator.voice import VoiceSimulator, signed_post
from alerts.models import Delivery, InboundSms, Reaction
from members.models import Member
from tests.factories import alert_sent, member_at

from .test_worker import broker, sms_lines, wait_done, worker, worker_env  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOKEN, SECRET, SMS_SECRET = "voice-token", "voice-callback-secret", "sms-inbound-secret"
LANDLINE = "+3292345678"
FR = "Cambriolage rue de l'Église. Appelez le 0470 12 34 56 si vous voyez une camionnette blanche."


@pytest.fixture
def phone(settings, live_server, worker):  # noqa: F811 - test_worker's fixture
    """The live server takes the callbacks; the worker calls through the simulator."""
    settings.BIN_VOICE_CALLBACK_SECRET = SECRET
    settings.BIN_SMS_INBOUND_SECRET = SMS_SECRET
    settings.BIN_VOICE_RETRY_SECONDS = 1.0
    settings.BIN_PUBLIC_URL = live_server.url
    return live_server


def start(worker, sim, live_server):  # noqa: F811
    worker.env.update(
        BIN_VOICE_BACKEND="alerts.backends.voice.VoiceGatewayBackend",
        BIN_VOICE_GATEWAY_URL=sim.url,
        BIN_VOICE_GATEWAY_TOKEN=TOKEN,
        BIN_PUBLIC_URL=live_server.url,
    )
    worker.start()


def wait_for(predicate, timeout=60.0, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_an_urgent_alert_calls_a_french_landline_retries_busy_and_records_the_key(
    town,
    phone,
    worker,  # noqa: F811
):
    member = member_at(500, 500, town.alfa, mobile="", landline=LANDLINE, language="fr")
    with VoiceSimulator(token=TOKEN, secret=SECRET, script={LANDLINE: ["busy", "answered"]}) as sim:
        start(worker, sim, phone)
        alert = alert_sent(
            town.police, radius_m=400, message="Inbraak in de Kerkstraat.", translations={"fr": FR}
        )
        delivery = alert.deliveries.get()
        assert delivery.channel == "voice"
        wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == "delivered", what=f"{worker.tail()}")
        first, second = sim.calls
        assert [c["status"] for c in sim.calls] == ["busy", "answered"]
        assert first["id"] == second["id"] == str(delivery.pk) and first["to"] == LANDLINE
        assert second["language"] == "fr-BE" and "Cambriolage" in second["ssml"]
        assert '<say-as interpret-as="digits">0470123456</say-as>' in second["ssml"]
        assert second["keypad"] == {"1": "seen", "2": "observation"}
        assert [status for _payload, status in sim.callbacks] == [200, 200]
        delivery.refresh_from_db()
        assert delivery.attempts == 2

        assert sim.press(LANDLINE, "1") == 200
        reaction = Reaction.objects.get(alert=alert)
        assert (reaction.kind, reaction.member_id, reaction.delivery_id) == ("seen", member.pk, delivery.pk)

        # A callback that is not signed with the shared secret changes nothing.
        url = phone.url + reverse("api:voice-callback")
        forged = {"event": "key", "id": str(delivery.pk), "key": "2"}
        assert signed_post(url, forged, secret="guessed").status_code == 403
        assert Reaction.objects.filter(alert=alert).count() == 1


def test_sms_replies_and_stop_through_the_live_webhook(
    town,
    phone,
    worker,  # noqa: F811
    worker_env,  # noqa: F811
):
    member = member_at(500, 500, town.alfa, mobile="+32470000001", language="de")
    worker.start()
    alert = alert_sent(town.police, radius_m=400, message="Inbraak in de Kerkstraat.")
    wait_done(alert, worker)
    assert [line["to"] for line in sms_lines(worker_env)] == [member.mobile]
    url = phone.url + reverse("api:sms-inbound")

    reply = signed_post(url, {"id": "in-1", "from": "0470 00 00 01", "text": "ja"}, secret=SMS_SECRET)
    assert reply.status_code == 200
    assert Reaction.objects.get(alert=alert).kind == "seen"

    stop = signed_post(url, {"id": "in-2", "from": member.mobile, "text": "Bitte STOPP"}, secret=SMS_SECRET)
    assert stop.status_code == 200
    assert Member.objects.get(pk=member.pk).sms_opt_out
    (confirmation,) = sms_backends.outbox  # the live server's SMS backend (locmem)
    assert confirmation.to == member.mobile and "START" in confirmation.text

    assert signed_post(url, {"id": "in-3", "from": "+32479999999", "text": "1"}, secret=SMS_SECRET).is_success
    assert (
        signed_post(url, {"id": "in-4", "from": member.mobile, "text": "STOP"}, secret="x").status_code == 403
    )
    assert list(InboundSms.objects.order_by("gateway_id").values_list("action", flat=True)) == [
        "reaction",
        "stop",
        "stranger",
    ]

    nxt = alert_sent(town.police, radius_m=400, message="Nog een inbraak.")
    wait_done(nxt, worker)
    assert list(nxt.deliveries.values_list("channel", flat=True)) == ["email"]
    assert len(sms_lines(worker_env)) == 1  # no SMS for the next alert
