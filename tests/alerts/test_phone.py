"""Voice calls and two-way SMS in-process: who gets a call, what it reads, the signed callbacks and the
inbound-SMS webhook (replies → reactions, STOP/ARRÊT/STOPP/STOPPEN → leaving SMS alerts, START)."""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from alerts.backends import sms as sms_backends
from alerts.backends import voice as voice_backends
from alerts.inbound import reply_words
from alerts.models import Delivery, InboundSms, Reaction
from alerts.voice_text import voice_ssml_plain
from members.models import Member
from members.services.membership import member_erase
from tests.factories import member_at

pytestmark = pytest.mark.django_db

SMS_SECRET = "inbound-secret"
VOICE_SECRET = "voice-secret"


@pytest.fixture(autouse=True)
def phone_settings(settings):
    settings.BIN_SMS_INBOUND_SECRET = SMS_SECRET
    settings.BIN_VOICE_CALLBACK_SECRET = VOICE_SECRET
    settings.BIN_VOICE_BACKEND = "alerts.backends.voice.LocmemBackend"
    voice_backends.calls.clear()
    yield settings
    voice_backends.calls.clear()


def signed_post(client, name, payload=None, *, secret, raw=None, timestamp=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    timestamp = timestamp or str(int(time.time()))
    signature = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return client.post(
        reverse(f"api:{name}"),
        data=body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=timestamp,
        HTTP_X_SIGNATURE=f"sha256={signature}",
    )


def inbound(client, text, *, number="+32470000001", gateway_id=None, secret=SMS_SECRET):
    payload = {"id": gateway_id or f"gw-{time.monotonic_ns()}", "from": number, "text": text}
    return signed_post(client, "sms-inbound", payload, secret=secret)


# --- who is called ----------------------------------------------------------------------------------


def test_urgent_alerts_call_landlines_of_members_without_sms(town, send_alert):
    landline_only = member_at(500, 500, town.alfa, mobile="", landline="+3292345678")
    chose_calls = member_at(510, 500, town.alfa, landline="+3292345679", voice_calls=True)
    mobile_and_landline = member_at(520, 500, town.alfa, landline="+3292345670")
    stopped = member_at(530, 500, town.alfa, sms_opt_out=True)
    stopped_landline = member_at(540, 500, town.alfa, sms_opt_out=True, landline="+3292345671")
    stopped_no_email = member_at(550, 500, town.alfa, sms_opt_out=True, email="")
    alert = send_alert(town.police, center=(500, 500), urgency="urgent")
    channels = dict(alert.deliveries.values_list("member_id", "channel"))
    assert channels == {
        landline_only.pk: "voice",
        chose_calls.pk: "voice",
        mobile_and_landline.pk: "sms",
        stopped.pk: "email",
        stopped_landline.pk: "voice",
    }
    assert stopped_no_email.pk not in channels
    assert {m.to for m in sms_backends.outbox} == {mobile_and_landline.mobile}
    assert {c.to for c in voice_backends.calls} == {"+3292345678", "+3292345679", "+3292345671"}

    routine = send_alert(town.police, center=(500, 500), urgency="non_urgent")
    assert set(routine.deliveries.values_list("channel", flat=True)) == {"email"}


def test_a_call_reads_the_alert_in_the_members_language_with_the_keypad(town, send_alert):
    member_at(500, 500, town.alfa, mobile="", landline="+3292345678", language="fr")
    send_alert(
        town.police,
        center=(500, 500),
        message="Inbraak, bel 0470 12 34 56.",
        language="nl",
        translations={"fr": "Cambriolage, appelez le 0470 12 34 56 <vite>."},
    )
    (call,) = voice_backends.calls
    assert call.extra["language"] == "fr-BE"
    assert call.extra["keypad"] == {"1": "seen", "2": "observation"}
    assert call.extra["callback_url"].endswith(reverse("api:voice-callback"))
    ssml = call.extra["ssml"]
    assert ssml.startswith("<speak>") and "Cambriolage" in ssml and "Inbraak" not in ssml
    assert '<say-as interpret-as="digits">0470123456</say-as>' in ssml
    assert "&lt;vite&gt;" in ssml and "<vite>" not in ssml  # the officer's text never becomes markup
    assert "0 4 7 0 1 2 3 4 5 6" in call.text and '<say-as interpret-as="digits">112</say-as>' in ssml


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("om 14:05 in huis 25 (2026)", []),
        ("bel 0470 12 34 56", ["0470123456"]),
        ("+32 2 123.45.67", ["+3221234567"]),
        ("code 12345, of 112", ["12345", "112"]),
    ],
)
def test_numbers_read_digit_by_digit(text, digits):
    ssml, _plain = voice_ssml_plain(text)
    assert [part.split("<")[0] for part in ssml.split('interpret-as="digits">')[1:]] == digits


# --- the voice callback -----------------------------------------------------------------------------


@pytest.fixture
def call(town, send_alert):
    member = member_at(500, 500, town.alfa, mobile="", landline="+3292345678")
    alert = send_alert(town.police, center=(500, 500))
    delivery = alert.deliveries.get()
    assert (delivery.channel, delivery.status) == ("voice", "sent")
    return member, alert, delivery


def test_answered_call_then_keys_record_reactions(client, call):
    _member, alert, delivery = call
    status = {"event": "status", "id": str(delivery.pk), "call_id": "c1", "status": "answered"}
    response = signed_post(client, "voice-callback", status, secret=VOICE_SECRET)
    assert response.status_code == 200 and response.json() == {"outcome": "delivered"}
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.receipt_at is not None
    for key, outcome in [("1", "recorded"), ("2", "recorded"), ("7", "ignored")]:
        body = {"event": "key", "id": str(delivery.pk), "key": key}
        assert signed_post(client, "voice-callback", body, secret=VOICE_SECRET).json() == {"outcome": outcome}
    kinds = sorted(Reaction.objects.filter(alert=alert).values_list("kind", flat=True))
    assert kinds == ["observation", "seen"]
    # A status sent again changes nothing.
    assert signed_post(client, "voice-callback", status, secret=VOICE_SECRET).json() == {"outcome": "ignored"}


def test_busy_calls_are_retried_then_given_up(client, call, settings):
    settings.BIN_VOICE_MAX_CALLS = 2
    _member, _alert, delivery = call
    body = {"event": "status", "id": str(delivery.pk), "status": "busy"}
    assert signed_post(client, "voice-callback", body, secret=VOICE_SECRET).json() == {"outcome": "retry"}
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.not_before is not None and "busy" in delivery.last_error
    Delivery.objects.filter(pk=delivery.pk).update(status="sent", attempts=2)
    body["status"] = "no-answer"
    assert signed_post(client, "voice-callback", body, secret=VOICE_SECRET).json() == {
        "outcome": "undeliverable"
    }
    delivery.refresh_from_db()
    assert delivery.status == "undeliverable" and "no-answer" in delivery.last_error


def test_forged_or_malformed_voice_callbacks(client, call, settings):
    _member, alert, delivery = call
    key = {"event": "key", "id": str(delivery.pk), "key": "1"}
    assert signed_post(client, "voice-callback", key, secret="guessed").status_code == 403
    stale = str(int(time.time()) - 3600)
    assert signed_post(client, "voice-callback", key, secret=VOICE_SECRET, timestamp=stale).status_code == 403
    unsigned = client.post(reverse("api:voice-callback"), key, content_type="application/json")
    assert unsigned.status_code == 403
    assert not Reaction.objects.filter(alert=alert).exists()
    assert signed_post(client, "voice-callback", raw=b"{not json", secret=VOICE_SECRET).status_code == 400
    wrong = {"event": "status", "id": str(delivery.pk), "status": "exploded"}
    assert signed_post(client, "voice-callback", wrong, secret=VOICE_SECRET).status_code == 400
    settings.BIN_VOICE_CALLBACK_SECRET = ""
    assert signed_post(client, "voice-callback", key, secret="").status_code == 403


# --- two-way SMS ------------------------------------------------------------------------------------


@pytest.fixture
def sms_member(town, send_alert):
    member = member_at(500, 500, town.alfa, mobile="+32470000001", language="fr")
    alert = send_alert(town.police, center=(500, 500))
    sms_backends.outbox.clear()
    return member, alert


def test_a_reply_reacts_to_the_latest_sms_alert(client, sms_member):
    member, alert = sms_member
    assert inbound(client, "1").json() == {"status": "received"}
    assert inbound(client, "2 un homme en veste bleue, 14h10").status_code == 200
    assert inbound(client, "Oui!").status_code == 200
    reactions = Reaction.objects.filter(alert=alert, member=member)
    assert sorted(reactions.values_list("kind", flat=True)) == ["observation", "seen"]
    assert reactions.get(kind="observation").text == "un homme en veste bleue, 14h10"
    row = InboundSms.objects.order_by("received").first()
    assert (row.action, row.member, row.alert, row.from_number) == ("reaction", member, alert, member.mobile)
    assert inbound(client, "bonjour").status_code == 200
    assert InboundSms.objects.order_by("-received").first().action == "unknown"
    assert sms_backends.outbox == []  # replies are not answered


def test_replies_outside_the_window_react_to_nothing(client, sms_member, settings):
    settings.BIN_SMS_REPLY_WINDOW_HOURS = 0
    assert inbound(client, "1").status_code == 200
    assert InboundSms.objects.get().action == "no_alert"
    assert not Reaction.objects.exists()


@pytest.mark.parametrize("text", ["STOP", "stop", "Arrêt svp", "ARRET", "Stopp bitte", "ik wil STOPPEN."])
def test_stop_leaves_sms_alerts_with_a_confirmation(
    client, sms_member, send_alert, town, text, django_capture_on_commit_callbacks
):
    member, _alert = sms_member
    with django_capture_on_commit_callbacks(execute=True):  # the confirmation leaves on commit
        assert inbound(client, text).json() == {"status": "received"}
    member.refresh_from_db()
    assert member.sms_opt_out
    (confirmation,) = sms_backends.outbox
    assert confirmation.to == member.mobile and "START" in confirmation.text
    assert InboundSms.objects.get().action == "stop"
    sms_backends.outbox.clear()
    nxt = send_alert(town.police, center=(500, 500))
    assert list(nxt.deliveries.values_list("channel", flat=True)) == ["email"]
    assert sms_backends.outbox == []


def test_start_brings_sms_back(client, sms_member, django_capture_on_commit_callbacks):
    member, _alert = sms_member
    with django_capture_on_commit_callbacks(execute=True):
        inbound(client, "STOP")
        inbound(client, "start")
    member.refresh_from_db()
    assert not member.sms_opt_out
    assert len(sms_backends.outbox) == 2 and "STOP" in sms_backends.outbox[1].text


def test_a_follow_up_skips_members_who_stopped(client, sms_member, town):
    member, alert = sms_member
    Member.objects.filter(pk=member.pk).update(sms_opt_out=True)
    from alerts.outbox import deliveries_process

    Delivery.objects.filter(alert=alert).update(status="queued")
    deliveries_process(list(alert.deliveries.values_list("pk", flat=True)))
    assert alert.deliveries.get().last_error == "the member left SMS alerts"


def test_unknown_numbers_are_logged_without_number_or_text(client, sms_member):
    assert inbound(client, "STOP", number="+32479999999").json() == {"status": "received"}
    assert inbound(client, "1", number="not a number").json() == {"status": "received"}
    rows = list(InboundSms.objects.values_list("from_number", "text", "member", "action"))
    assert rows == [("", "", None, "stranger")] * 2
    assert sms_backends.outbox == [] and not Reaction.objects.exists()


def test_the_same_gateway_message_is_handled_once(client, sms_member):
    assert inbound(client, "1", gateway_id="m-1").json() == {"status": "received"}
    assert inbound(client, "STOP", gateway_id="m-1").json() == {"status": "duplicate"}
    assert InboundSms.objects.count() == 1 and not Member.objects.filter(sms_opt_out=True).exists()


def test_forged_and_bad_webhooks(client, sms_member, settings):
    member, _alert = sms_member
    assert inbound(client, "STOP", secret="guessed").status_code == 403
    assert signed_post(client, "sms-inbound", raw=b"{oops", secret=SMS_SECRET).status_code == 400
    assert signed_post(client, "sms-inbound", [1, 2], secret=SMS_SECRET).status_code == 400
    assert (
        signed_post(client, "sms-inbound", {"id": "x", "text": "STOP"}, secret=SMS_SECRET).status_code == 400
    )
    settings.BIN_SMS_INBOUND_SECRET = ""
    assert inbound(client, "STOP", secret="").status_code == 403
    member.refresh_from_db()
    assert not member.sms_opt_out and not InboundSms.objects.exists()


def test_the_webhook_is_rate_limited(client, sms_member, settings):
    settings.BIN_SMS_INBOUND_PER_MINUTE = 2
    codes = [inbound(client, "hallo").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_erasing_a_member_erases_their_incoming_sms(client, sms_member):
    member, _alert = sms_member
    inbound(client, "1")
    member_erase(member=member)
    assert not InboundSms.objects.exists()


def test_reply_words():
    assert reply_words("Arrêt, merci!") == ["ARRET", "MERCI"]
    assert reply_words("stöpp") == ["STOPP"]


def test_members_choose_calls_and_sms_on_their_page(client, town):
    from members.tokens import MANAGE, token_make

    member = member_at(500, 500, town.alfa, landline="+3292345678", sms_opt_out=True)
    path = reverse("members:manage", kwargs={"token": token_make(member=member, purpose=MANAGE)})
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Urgent alerts as a phone call to my landline" in page.text
    fields = {"email": member.email, "mobile": member.mobile, "landline": member.landline, "language": "nl"}
    response = client.post(path, {**fields, "voice_calls": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.voice_calls and not member.sms_opt_out  # the box left unticked: SMS on again
