"""Web Push in-process: subscribing through the member's signed link, the outbox rows (a push beside the
SMS or e-mail), and the backend against a push service on loopback that verifies the VAPID signature and
decrypts the payload as the browser would (tests/alerts/push_service.py)."""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alerts.management.commands.vapid_keys import vapid_key_pair
from alerts.models import Delivery
from alerts.outbox import deliveries_process
from members.models import Membership, PushSubscription
from members.services import member_erase, membership_leave
from members.tokens import MANAGE, token_make
from tests.factories import alert_sent, member_at

from .push_service import BrowserKeys, PushService

pytestmark = pytest.mark.django_db


@pytest.fixture
def vapid(settings):
    public, private = vapid_key_pair()
    settings.BIN_VAPID_PUBLIC_KEY, settings.BIN_VAPID_PRIVATE_KEY = public, private
    settings.BIN_PUSH_ALLOW_LOOPBACK = True
    return public


@pytest.fixture
def service(vapid):
    with PushService(vapid) as s:
        yield s


def subscribe(member, subscription: dict, *, token=None, user_agent="Mozilla/5.0 (Android 14) Firefox/140.0"):
    token = token or token_make(member=member, purpose=MANAGE)
    return Client().post(
        reverse("members:push-subscribe", args=[token]),
        json.dumps(subscription),
        content_type="application/json",
        HTTP_USER_AGENT=user_agent,
    )


def queued_alert(town, *, urgency="urgent", message="Inbraak in de Kerkstraat."):
    return alert_sent(town.police, radius_m=400, urgency=urgency, message=message)


def process(alert):
    return deliveries_process(list(alert.deliveries.order_by("pk").values_list("pk", flat=True)), eager=True)


# --- subscribing ---------------------------------------------------------------------------------------


def test_a_member_subscribes_and_unsubscribes_with_their_link(town, service):
    member = member_at(500, 500, town.alfa)
    response = subscribe(member, service.subscribe("phone"))
    assert response.status_code == 201
    assert response["Referrer-Policy"] == "no-referrer"
    saved = PushSubscription.objects.get()
    assert (saved.member, saved.user_agent) == (member, "Firefox · Android")
    assert saved.p256dh == service.keys["phone"].p256dh
    # The same browser again replaces its row; a second browser adds one.
    assert subscribe(member, service.subscribe("phone")).status_code == 201
    assert subscribe(member, service.subscribe("laptop")).status_code == 201
    assert member.push_subscriptions.count() == 2
    token = token_make(member=member, purpose=MANAGE)
    off = Client().post(
        reverse("members:push-unsubscribe", args=[token]),
        json.dumps({"endpoint": f"{service.origin}/push/laptop"}),
        content_type="application/json",
    )
    assert off.json() == {"removed": 1}
    assert list(member.push_subscriptions.values_list("endpoint", flat=True)) == [
        f"{service.origin}/push/phone"
    ]


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda s: {**s, "keys": {**s["keys"], "p256dh": "not-a-key"}}, "p256dh"),
        # 65 bytes starting with 04, but not a point on the curve.
        (lambda s: {**s, "keys": {**s["keys"], "p256dh": "BA" + "A" * 85}}, "p256dh"),
        (lambda s: {**s, "keys": {**s["keys"], "auth": "c2hvcnQ"}}, "auth"),
        (lambda s: {**s, "keys": "none"}, "keys"),
        (lambda s: {**s, "endpoint": "http://push.example.org/x"}, "endpoint"),
        (lambda s: {**s, "endpoint": "https://evil.example.org/x"}, "endpoint"),
        (lambda s: {**s, "endpoint": "https://10.0.0.5/fcm/send/x"}, "endpoint"),
        (lambda s: {**s, "endpoint": "https://user:pw@fcm.googleapis.com/fcm/send/x"}, "endpoint"),
        (lambda s: {**s, "endpoint": "javascript:alert(1)"}, "endpoint"),
        (lambda s: {**s, "endpoint": 42}, "endpoint"),
    ],
)
def test_forged_subscriptions_are_refused(town, service, change, field):
    member = member_at(500, 500, town.alfa)
    response = subscribe(member, change(service.subscribe("phone")))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not PushSubscription.objects.exists()


def test_a_real_push_service_endpoint_is_accepted_and_loopback_only_in_tests(town, vapid, settings):
    member = member_at(500, 500, town.alfa)
    keys = BrowserKeys()
    assert (
        subscribe(member, keys.subscription("https://fcm.googleapis.com/fcm/send/abc:def")).status_code == 201
    )
    assert subscribe(member, keys.subscription("https://web.push.apple.com/QG8x")).status_code == 201
    settings.BIN_PUSH_ALLOW_LOOPBACK = False
    assert subscribe(member, keys.subscription("http://127.0.0.1:9/push/x")).status_code == 400


def test_a_bad_or_revoked_link_cannot_subscribe(town, service):
    member = member_at(500, 500, town.alfa)
    assert subscribe(member, service.subscribe("a"), token="nonsense").status_code == 403
    token = token_make(member=member, purpose=MANAGE)
    member.link_version += 1  # "sign out everywhere"
    member.save(update_fields=["link_version"])
    assert subscribe(member, service.subscribe("a"), token=token).status_code == 403
    bad_json = Client().post(
        reverse("members:push-subscribe", args=[token_make(member=member, purpose=MANAGE)]),
        "[1, 2",
        content_type="application/json",
    )
    assert bad_json.status_code == 400
    get = Client().get(reverse("members:push-subscribe", args=[token_make(member=member, purpose=MANAGE)]))
    assert get.status_code == 405
    assert not PushSubscription.objects.exists()


def test_leaving_the_last_network_and_erasure_remove_the_subscriptions(town, service):
    member = member_at(500, 500, town.alfa, town.beta)
    subscribe(member, service.subscribe("phone"))
    membership_leave(member=member, network=town.alfa)
    assert member.push_subscriptions.count() == 1  # still in Beta
    membership_leave(member=member, network=town.beta)
    assert member.push_subscriptions.count() == 0
    other = member_at(510, 500, town.alfa)
    subscribe(other, service.subscribe("other"))
    member_erase(member=other, reason="test")
    assert not PushSubscription.objects.exists()


def test_the_manage_page_offers_notifications_when_push_is_set_up(town, vapid, settings):
    member = member_at(500, 500, town.alfa)
    url = reverse("members:manage", args=[token_make(member=member, purpose=MANAGE)])
    page = Client(headers={"accept-language": "en"}).get(url).content.decode()
    assert "Notifications on this phone" in page and f'data-push-key="{vapid}"' in page
    assert reverse("members:push-subscribe", args=[url.rstrip("/").rsplit("/", 1)[-1]]) in page
    settings.BIN_VAPID_PUBLIC_KEY = ""
    assert "data-push-key" not in Client().get(url).content.decode()


# --- sending -------------------------------------------------------------------------------------------


def test_a_subscribed_member_gets_a_push_beside_the_sms(town, service):
    subscribed = member_at(500, 500, town.alfa, language="fr")
    plain = member_at(510, 500, town.alfa)
    push_only = member_at(520, 500, town.alfa, mobile="", email="")
    subscribe(subscribed, service.subscribe("phone"))
    subscribe(push_only, service.subscribe("push-only"))
    alert = queued_alert(town, message="Inbraak in de Kerkstraat.")
    rows = sorted(alert.deliveries.values_list("member_id", "channel"))
    assert rows == sorted(
        [(subscribed.pk, "sms"), (subscribed.pk, "push"), (plain.pk, "sms"), (push_only.pk, "push")]
    )
    assert alert.recipients == 3  # members, not rows
    result = process(alert)
    assert (result.sent, result.failed) == (4, 0)
    by_name = {r["name"]: r for r in service.received}
    assert set(by_name) == {"phone", "push-only"} and all(r["error"] == "" for r in service.received)
    phone = by_name["phone"]
    assert phone["payload"]["lang"] == "fr"
    assert phone["payload"]["body"] == "Inbraak in de Kerkstraat."
    assert phone["payload"]["tag"] == f"bin-alert-{alert.pk}"
    assert "/r/" in phone["payload"]["url"] and phone["payload"]["urgent"] is True
    assert phone["headers"]["urgency"] == "high" and int(phone["headers"]["ttl"]) > 0
    assert PushSubscription.objects.get(endpoint__endswith="/phone").last_success is not None


def test_a_non_urgent_push_is_normal_urgency_and_follows_e_mail(town, service):
    member = member_at(500, 500, town.alfa)
    subscribe(member, service.subscribe("phone"))
    alert = queued_alert(town, urgency="non_urgent")
    assert sorted(alert.deliveries.values_list("channel", flat=True)) == ["email", "push"]
    process(alert)
    (received,) = service.received
    assert received["headers"]["urgency"] == "normal" and received["payload"]["urgent"] is False


def test_an_expired_subscription_is_removed_and_the_others_still_get_it(town, service):
    member = member_at(500, 500, town.alfa)
    gone_only = member_at(510, 500, town.alfa)
    subscribe(member, service.subscribe("old-phone"))
    subscribe(member, service.subscribe("new-phone"))
    subscribe(gone_only, service.subscribe("gone"))
    service.answers.update({"old-phone": [410], "gone": [404]})
    alert = queued_alert(town)
    process(alert)
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        f"{service.origin}/push/new-phone"
    ]
    push = {d.member_id: d for d in alert.deliveries.filter(channel="push")}
    assert push[member.pk].status == "sent"
    assert push[gone_only.pk].status == "failed" and "expired" in push[gone_only.pk].last_error


def test_a_busy_push_service_is_tried_again(town, service):
    member = member_at(500, 500, town.alfa)
    subscribe(member, service.subscribe("phone"))
    service.answers["phone"] = [503, 429]
    alert = queued_alert(town)
    push = alert.deliveries.get(channel="push")
    assert process(alert).retry  # 503: back to the outbox
    assert deliveries_process([push.pk], eager=True).retry  # 429
    assert deliveries_process([push.pk], eager=True).sent == 1
    push.refresh_from_db()
    assert (push.status, push.attempts) == ("sent", 3)
    assert [r["status"] for r in service.received] == [503, 429, 201]


def test_a_follow_up_reaches_the_same_push_subscriptions(town, service):
    from alerts.services import alert_follow_up

    member = member_at(500, 500, town.alfa)
    subscribe(member, service.subscribe("phone"))
    original = queued_alert(town)
    follow_up = alert_follow_up(original=original, user=town.police, msg_type="update", message="Nog bezig.")
    assert sorted(follow_up.deliveries.values_list("channel", flat=True)) == ["push", "sms"]
    assert follow_up.recipients == 1


def test_vapid_keys_command_prints_a_pair(capsys):
    call_command("vapid_keys")
    out = capsys.readouterr().out
    assert out.startswith("BIN_VAPID_PUBLIC_KEY=B") and "BIN_VAPID_PRIVATE_KEY=" in out


def test_without_vapid_keys_push_deliveries_fail_with_the_reason(town, service, settings):
    member = member_at(500, 500, town.alfa)
    subscribe(member, service.subscribe("phone"))
    settings.BIN_VAPID_PRIVATE_KEY = ""
    alert = queued_alert(town)
    process(alert)
    push = alert.deliveries.get(channel=Delivery.Channel.PUSH)
    assert push.status == "failed" and "BIN_VAPID_PRIVATE_KEY" in push.last_error
    assert alert.deliveries.get(channel="sms").status == "sent"
    assert Membership.objects.filter(member=member).exists()


def test_the_members_download_lists_their_subscriptions(town, service):
    member = member_at(500, 500, town.alfa)
    subscribe(member, service.subscribe("phone"))
    token = token_make(member=member, purpose=MANAGE)
    data = Client().get(reverse("members:export", args=[token])).json()
    assert [(p["device"], p["endpoint"]) for p in data["push_subscriptions"]] == [
        ("Firefox · Android", f"{service.origin}/push/phone")
    ]
