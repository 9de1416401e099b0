"""The HTTP gateway backend (alerts/backends/http.py) against the simulator: requests really in flight at
once, keep-alive, batches, 429 honoured, transient errors and broken answers turned into reasons; the
receipt endpoint (alerts/api/receipts.py): signed receipts move deliveries, forged ones change nothing;
exactly-once through the outbox with transient errors and lost answers."""

import hashlib
import hmac
import json
import time

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.backends.base import Accepted, OutgoingMessage, PermanentSendError, RetryableSendError
from alerts.backends.http import HttpGatewayBackend
from alerts.backends.sms import HttpGatewayBackend as OldPath
from alerts.gateway_simulator.http import HttpGatewaySimulator
from alerts.models import Delivery, ProviderMessage
from alerts.outbox import deliveries_process
from members.models import Member, Membership
from tests.factories import alert_sent, lambert, member_at

SECRET = "s3cret"


@pytest.fixture
def sim():
    with HttpGatewaySimulator(latency_ms=2, token="tok") as simulator:
        yield simulator


def backend(sim, *, batch=1, concurrency=4, timeout=5.0):
    path = "/message" if batch == 1 else "/messages"
    return HttpGatewayBackend(
        url=sim.url + path, token="tok", timeout=timeout, concurrency=concurrency, gateway_batch_size=batch
    )


def messages(n, start=1, to=None):
    return [
        OutgoingMessage(key=str(i), to=to or f"+3247{i:07d}", text="Inbraak.")
        for i in range(start, start + n)
    ]


def test_the_old_dotted_path_still_works():
    assert OldPath is HttpGatewayBackend


def test_requests_are_in_flight_at_once(sim):
    sim.control(latency_ms=200)
    started = time.monotonic()
    outcomes = backend(sim, concurrency=16).send_messages(messages(48))
    elapsed = time.monotonic() - started
    assert sim.stats()["max_in_flight"] == 16
    assert 0.6 <= elapsed < 2.0  # three rounds of 16, not 48 rounds
    ids = sim.message_ids()
    assert outcomes == {key: Accepted([ids[key]]) for key in ids} and len(outcomes) == 48


def test_keep_alive_few_connections_for_many_messages(sim):
    gateway = backend(sim, concurrency=4)
    for start in (1, 101):
        assert all(isinstance(o, Accepted) for o in gateway.send_messages(messages(100, start)).values())
    stats = sim.stats()
    assert stats["accepted"] == 200 and stats["connections_opened"] <= 4


def test_batches_with_per_message_results(sim):
    batch = messages(120)
    batch[5] = OutgoingMessage(key="6", to="0470 12 34 56", text="x")  # not E.164: refused by the gateway
    outcomes = backend(sim, batch=50).send_messages(batch)
    assert sim.stats()["requests"] == 3
    assert isinstance(outcomes["6"], PermanentSendError) and "E.164" in str(outcomes["6"])
    assert sum(isinstance(o, Accepted) for o in outcomes.values()) == 119


def test_429_with_a_short_retry_after_is_waited_out(sim, settings):
    settings.BIN_SMS_GATEWAY_RETRY_AFTER_MAX = 5
    sim.control(rate=100, burst=100)
    started = time.monotonic()
    outcomes = backend(sim, batch=50, concurrency=2).send_messages(messages(250))
    assert all(isinstance(o, Accepted) for o in outcomes.values())
    assert sim.stats()["rejected_429"] >= 1 and time.monotonic() - started >= 1.0


def test_429_with_a_long_retry_after_goes_back_to_the_outbox(sim, settings):
    settings.BIN_SMS_GATEWAY_RETRY_AFTER_MAX = 0.5
    sim.control(rate=100, burst=100)
    outcomes = backend(sim, batch=100, concurrency=1).send_messages(messages(200))
    later = [o for o in outcomes.values() if isinstance(o, RetryableSendError)]
    assert len(later) == 100 and all(o.retry_after == 1.0 for o in later)
    assert "HTTP 429" in str(later[0])


def test_transient_errors_timeouts_and_refusals(sim):
    sim.control(error_rate=1.0)
    (outcome,) = backend(sim, batch=10).send_messages(messages(1)).values()
    assert isinstance(outcome, RetryableSendError) and "HTTP 503" in str(outcome)
    sim.control(error_rate=0.0, latency_ms=1500)
    (outcome,) = backend(sim, timeout=0.3).send_messages(messages(1)).values()
    assert isinstance(outcome, RetryableSendError) and "timed out after 0.3 s" in str(outcome)
    sim.control(latency_ms=1)
    wrong_token = HttpGatewayBackend(url=sim.url + "/message", token="nope", timeout=2)
    (outcome,) = wrong_token.send_messages(messages(1)).values()
    assert isinstance(outcome, PermanentSendError) and "HTTP 401" in str(outcome)
    sim.control(down=True, mode="close")
    (outcome,) = backend(sim, batch=10).send_messages(messages(1)).values()
    assert isinstance(outcome, RetryableSendError) and "connection failed" in str(outcome)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("not-json", "with a body that is not JSON"),
        ("no-results", "without a results list"),
        ("unknown-ids", "no result for this message"),
    ],
)
def test_garbage_answers_are_reasons_and_a_resend_is_not_a_second_sms(sim, mode, reason):
    gateway = backend(sim, batch=10)
    sim.control(garbage=mode)
    outcomes = gateway.send_messages(messages(25))
    assert len(outcomes) == 25
    assert all(isinstance(o, RetryableSendError) and reason in str(o) for o in outcomes.values())
    sim.control(garbage=None)
    again = gateway.send_messages(messages(25))
    ids = sim.message_ids()
    assert again == {key: Accepted([ids[key]]) for key in ids}
    assert sim.stats()["accepted"] == 25 and sim.stats()["duplicates"] == 25


# --- through the outbox --------------------------------------------------------------------------------


def use_simulator(settings, sim, *, batch=50, concurrency=8):
    settings.BIN_SMS_BACKEND = "alerts.backends.sms.HttpGatewayBackend"
    settings.BIN_SMS_GATEWAY_URL = sim.url + ("/messages" if batch > 1 else "/message")
    settings.BIN_SMS_GATEWAY_TOKEN = "tok"
    settings.BIN_SMS_GATEWAY_TIMEOUT = 5.0
    settings.BIN_SMS_GATEWAY_BATCH_SIZE = batch
    settings.BIN_SMS_GATEWAY_CONCURRENCY = concurrency
    settings.BIN_SMS_GATEWAY_RECEIPT_SECRET = SECRET


def many_members(town, n):
    members = Member.objects.bulk_create(
        Member(
            name=f"Lid {i}",
            address_text="Teststraat",
            point=lambert(100 + (i % 80) * 10, 100 + (i // 80) * 10),
            mobile=f"+32478{i:06d}",
            consent_at=timezone.now(),
            consent_version="t",
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(member=m, network=town.alfa, status=Membership.Status.APPROVED) for m in members
    )


def work_off(ids, rounds=20):
    """deliveries_process until nothing is left to retry (retries made due at once)."""
    for _ in range(rounds):
        result = deliveries_process(ids)
        if not result.retry:
            return
        Delivery.objects.filter(status="queued").update(not_before=None)
    raise AssertionError("still retrying")


@pytest.mark.django_db
def test_exactly_once_through_the_outbox_with_errors_and_lost_answers(town, sim, settings):
    use_simulator(settings, sim, batch=20)
    settings.BIN_DELIVERY_MAX_ATTEMPTS = 20
    # 1 % of requests 503, 1 % of messages refused for now, 5 % of requests taken and their answer lost.
    sim.control(error_rate=0.01, message_error_rate=0.01, lost_answer_rate=0.05, seed=12)
    many_members(town, 2000)
    alert = alert_sent(town.police, radius_m=1500, message="Inbraak in de Kerkstraat.")
    ids = list(alert.deliveries.values_list("id", flat=True))
    assert len(ids) == 2000
    work_off(ids)
    assert set(alert.deliveries.values_list("status", flat=True)) == {"sent"}
    accepted = sim.accepted()
    assert set(accepted) == {str(i) for i in ids}  # every delivery accepted, by id, once
    stats = sim.stats()
    assert stats["accepted"] == 2000
    assert stats["transient_errors"] > 0 and stats["lost_answers"] > 0  # the errors did happen
    # A lost answer's messages were submitted again and dropped by the gateway as duplicates.
    assert stats["duplicates"] == sum(n - 1 for n in accepted.values()) > 0
    kept = dict(ProviderMessage.objects.filter(gateway="http").values_list("delivery_id", "provider_id"))
    assert kept == {int(k): v for k, v in sim.message_ids().items()}


@pytest.mark.django_db
def test_a_long_retry_after_is_the_outbox_delay(town, sim, settings):
    use_simulator(settings, sim, batch=10, concurrency=1)
    settings.BIN_SMS_GATEWAY_RETRY_AFTER_MAX = 0.1
    sim.control(rate=0.5, burst=5)
    others = {"messages": [{"id": f"x{i}", "to": "+32470000001", "text": "x"} for i in range(5)]}
    httpx.post(
        sim.url + "/messages", json=others, headers={"Authorization": "Bearer tok"}
    )  # the bucket is empty
    for x in range(8):
        member_at(500 + 10 * x, 500, town.alfa, mobile=f"+3247000010{x}")
    alert = alert_sent(town.police, radius_m=400)
    result = deliveries_process(list(alert.deliveries.values_list("id", flat=True)))
    assert result.sent == 0 and list(result.retry) == [10.0]  # 5 tokens at 0.5/s: 10 s, as the gateway said
    assert set(alert.deliveries.values_list("status", flat=True)) == {"queued"}


# --- the receipt endpoint --------------------------------------------------------------------------------


def signed(body: bytes, *, secret=SECRET, at=None) -> dict:
    timestamp = str(int(at if at is not None else time.time()))
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_TIMESTAMP": timestamp, "HTTP_X_SIGNATURE": f"sha256={digest}"}


@pytest.fixture
def sent(town, sim, settings):
    """Two deliveries sent through the simulator: {delivery id: the gateway's message id}."""
    use_simulator(settings, sim, batch=1)
    member_at(500, 500, town.alfa, mobile="+32470000201")
    member_at(510, 500, town.alfa, mobile="+32470000202")
    alert = alert_sent(town.police, radius_m=400)
    deliveries_process(list(alert.deliveries.values_list("id", flat=True)))
    return {int(k): v for k, v in sim.message_ids().items()}


def post(api, payload, **headers):
    body = json.dumps(payload).encode()
    headers = headers or signed(body)
    return api.post(reverse("api:gateway-receipts"), body, content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_signed_receipt_moves_the_delivery(api, sent):
    (first, mid1), (second, mid2) = sorted(sent.items())
    answer = post(
        api,
        {
            "receipts": [
                {
                    "message_id": mid1,
                    "id": str(first),
                    "status": "delivered",
                    "at": "2026-12-06T10:00:00+00:00",
                },
                {"message_id": mid2, "status": "UNDELIV"},
                {"message_id": "sim-never", "status": "delivered"},
                {"message_id": mid1, "status": "on its way"},
            ]
        },
    )
    assert answer.status_code == 200
    outcomes = [r["outcome"] for r in answer.json()["results"]]
    assert outcomes == ["recorded", "recorded", "unknown", "invalid"]
    rows = Delivery.objects.in_bulk([first, second])
    assert (
        rows[first].status == "delivered"
        and rows[first].receipt_at.isoformat() == "2026-12-06T10:00:00+00:00"
    )
    assert rows[second].status == "undeliverable" and "undeliverable" in rows[second].last_error
    # The same request again (a gateway retrying): duplicates, nothing moves.
    again = post(api, {"message_id": mid1, "status": "undeliverable"})
    assert again.status_code == 200 and again.json()["results"][0]["outcome"] == "duplicate"
    assert Delivery.objects.get(pk=first).status == "delivered"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forge",
    [
        lambda body: signed(body, secret="guessed"),
        lambda body: signed(body, at=time.time() - 600),  # an old request played again
        lambda body: signed(body + b" "),  # the body changed after signing
        lambda body: {"HTTP_X_SIGNATURE": signed(body)["HTTP_X_SIGNATURE"]},  # no timestamp
        lambda body: {"HTTP_X_TIMESTAMP": "x", "HTTP_X_SIGNATURE": "sha256=00"},
    ],
    ids=["wrong-secret", "stale", "tampered", "no-timestamp", "garbage"],
)
def test_a_forged_receipt_is_403_and_changes_nothing(api, sent, forge, caplog):
    delivery_id, message_id = next(iter(sent.items()))
    body = json.dumps({"message_id": message_id, "status": "undeliverable"}).encode()
    answer = api.post(reverse("api:gateway-receipts"), body, content_type="application/json", **forge(body))
    assert answer.status_code == 403 and "signature" in answer.json()["detail"]
    assert Delivery.objects.get(pk=delivery_id).status == "sent"
    assert ProviderMessage.objects.get(provider_id=message_id).status == ""
    assert "gateway receipt refused" in caplog.text


@pytest.mark.django_db
def test_receipts_are_refused_without_a_secret_and_bad_bodies_are_400(api, settings):
    settings.BIN_SMS_GATEWAY_RECEIPT_SECRET = ""
    assert post(api, {"message_id": "1", "status": "delivered"}).status_code == 403
    settings.BIN_SMS_GATEWAY_RECEIPT_SECRET = SECRET
    for body in (b"not json", b'"a string"', json.dumps([{}] * 5001).encode()):
        answer = api.post(
            reverse("api:gateway-receipts"), body, content_type="application/json", **signed(body)
        )
        assert answer.status_code == 400, body[:20]
    answer = post(api, [{"status": "delivered"}, "x"])
    assert answer.status_code == 200 and answer.json()["counts"] == {"invalid": 2}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_simulator_posts_receipts_to_the_live_endpoint(town, live_server, settings):
    url = live_server.url + reverse("api:gateway-receipts")
    config = {"receipt_url": url, "receipt_secret": SECRET, "receipt_delay_ms": 50, "undeliverable_rate": 0.3}
    with HttpGatewaySimulator(latency_ms=1, token="tok", **config) as sim:
        use_simulator(settings, sim)
        for x in range(20):
            member_at(400 + 10 * x, 500, town.alfa, mobile=f"+324700003{x:02d}")
        alert = alert_sent(town.police, radius_m=400)
        work_off(list(alert.deliveries.values_list("id", flat=True)))
        deadline = time.monotonic() + 10
        while sim.stats()["receipts_sent"] < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        stats = sim.stats()
    assert stats["receipts_sent"] == 20 and stats["receipt_posts_failed"] == 0
    statuses = list(alert.deliveries.values_list("status", flat=True))
    assert len(statuses) == 20 and set(statuses) <= {"delivered", "undeliverable"}
    assert "undeliverable" in statuses and "delivered" in statuses


@pytest.mark.django_db
def test_a_form_or_multipart_body_is_400_not_500(api, settings):
    settings.BIN_SMS_GATEWAY_RECEIPT_SECRET = SECRET
    url = reverse("api:gateway-receipts")
    answer = api.post(url, {"message_id": "1", "status": "delivered"}, format="multipart")
    assert answer.status_code in (400, 403)
    answer = api.post(url, "message_id=1", content_type="application/x-www-form-urlencoded")
    assert answer.status_code in (400, 403)


JUNK = [
    None,
    1e300,
    [[]],
    {"receipts": "x"},
    {"receipts": [None, 1, "a", []]},
    {"message_id": "\x00", "status": "delivered"},
    {"message_id": "a" * 500, "status": "delivered"},
    {"message_id": 12, "status": "delivered", "at": "2026-13-45T00:00:00"},
    {"message_id": "12", "status": "expired", "at": 1700000000, "reason": {"code": 5}},
    {"message_id": True, "status": "delivered"},
    {"message_id": [1], "status": ["delivered"]},
    {"message_id": "12", "status": {"a": 1}},
    {"message_id": "sim-1", "status": "DELIVRD", "at": "2026-12-06 10:00:00", "reason": "\x00"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", JUNK, ids=[f"junk{i}" for i in range(len(JUNK))])
def test_signed_junk_is_an_answer_never_a_500(api, settings, payload):
    settings.BIN_SMS_GATEWAY_RECEIPT_SECRET = SECRET
    answer = post(api, payload)
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        assert {r["outcome"] for r in answer.json()["results"]} <= {"invalid", "unknown"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("-3", 0.0), ("nan", None), ("inf", None), ("soon", None), ("1e12", 3600.0)],
)
def test_retry_after_is_read_with_care(header, expected, settings):
    from alerts.backends.http import _retry_after

    settings.BIN_DELIVERY_RETRY_BACKOFF_MAX = 3600
    assert _retry_after(header) == expected


def test_urgent_messages_go_first_and_bulk_leaves_them_the_reserve(sim, settings):
    settings.BIN_SMS_GATEWAY_NAME = "http-urgent-first"  # a bucket of its own, full
    settings.BIN_SMS_GATEWAY_RATE_REDIS_URL = ""
    settings.BIN_SMS_GATEWAY_RATE, settings.BIN_SMS_GATEWAY_BURST = 20, 20
    settings.BIN_SMS_GATEWAY_URGENT_RESERVE = 0.5
    bulk = messages(10, start=1)
    urgent = [OutgoingMessage(key=m.key, to=m.to, text=m.text, urgent=True) for m in messages(10, start=11)]
    started = time.monotonic()
    outcomes = backend(sim, concurrency=1).send_messages(bulk + urgent)
    elapsed = time.monotonic() - started
    assert all(isinstance(o, Accepted) for o in outcomes.values())
    assert list(sim.accepted()) == [str(i) for i in range(11, 21)] + [str(i) for i in range(1, 11)]
    # The urgent ten took the bucket down to its reserve (10); bulk then waited for tokens above it.
    assert elapsed >= 0.45
