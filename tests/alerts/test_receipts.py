"""Delivery receipts (alerts.receipts) against the database: each rule, the race with the outbox's
`_mark_sent`, the parts of a long SMS, and receipts from several threads at once.

The deliveries go out through the real outbox with `PartsBackend`, a backend that accepts every message
and gives it the ids `<delivery id>-1` … `<delivery id>-<parts>` as an SMPP gateway gives each part one.
"""

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alerts import outbox
from alerts.backends.base import Accepted, BaseBackend
from alerts.models import Delivery, ProviderMessage
from alerts.outbox import deliveries_process
from alerts.reactions import reaction_record
from alerts.receipts import Receipt, receipt_record, receipts_record, unknown_receipts
from alerts.selectors import alert_thread
from alerts.statistics import alert_statistics
from tests.factories import alert_sent, login, member_at

pytestmark = pytest.mark.django_db

GATEWAY = "parts"


class PartsBackend(BaseBackend):
    """Accepts everything; PARTS ids per message (a long SMS over SMPP)."""

    gateway_name = GATEWAY
    parts = 1

    def send_messages(self, messages):
        return {m.key: Accepted([f"{m.key}-{n}" for n in range(1, type(self).parts + 1)]) for m in messages}


@pytest.fixture
def parts_backend(settings):
    settings.BIN_SMS_BACKEND = "tests.alerts.test_receipts.PartsBackend"
    PartsBackend.parts = 1
    yield PartsBackend
    PartsBackend.parts = 1


def sent_deliveries(town, n=1):
    """`n` members reached by an urgent alert, their deliveries sent through the outbox; their ids."""
    for i in range(n):
        member_at(400 + 5 * i, 500, town.alfa)
    alert = alert_sent(town.police, radius_m=400, message="Inbraak in de Kerkstraat.")
    ids = list(alert.deliveries.order_by("pk").values_list("pk", flat=True))
    # Outside a test's transaction the fan-out has run on commit already; inside, this sends them.
    deliveries_process(ids)
    assert list(alert.deliveries.values_list("status", flat=True)) == ["sent"] * n
    return ids


def status(delivery_id):
    return Delivery.objects.get(pk=delivery_id).status


def record(delivery_id, status, part=1, **kwargs):
    return receipt_record(gateway=GATEWAY, provider_id=f"{delivery_id}-{part}", status=status, **kwargs)


def test_the_outbox_keeps_the_gateways_ids(town, parts_backend):
    (d,) = sent_deliveries(town)
    assert list(ProviderMessage.objects.values_list("gateway", "provider_id", "delivery_id", "status")) == [
        (GATEWAY, f"{d}-1", d, "")
    ]
    assert status(d) == "sent"


def test_a_receipt_moves_a_sent_delivery_to_delivered_at_the_receipts_time(town, parts_backend):
    (d,) = sent_deliveries(town)
    at = timezone.now() - timedelta(seconds=30)
    assert record(d, "delivered", at=at) == "recorded"
    row = Delivery.objects.get(pk=d)
    assert (row.status, row.receipt_at, row.last_error) == ("delivered", at, "")
    assert ProviderMessage.objects.get().status == "delivered"


@pytest.mark.parametrize("outcome", ["undeliverable", "expired"])
def test_a_failure_keeps_its_reason(town, parts_backend, outcome):
    (d,) = sent_deliveries(town)
    assert record(d, outcome, reason="absent subscriber") == "recorded"
    row = Delivery.objects.get(pk=d)
    assert (row.status, row.last_error) == (outcome, "absent subscriber")
    assert row.receipt_at is not None and row.sent_at <= row.receipt_at + timedelta(seconds=1)


def test_without_a_time_the_receipt_is_now_and_a_time_ahead_is_cut_to_now(town, parts_backend):
    first, second = sent_deliveries(town, 2)
    before = timezone.now()
    record(first, "delivered")
    record(second, "delivered", at=timezone.now() + timedelta(hours=2))
    after = timezone.now()
    for d in (first, second):
        assert before <= Delivery.objects.get(pk=d).receipt_at <= after


def test_a_naive_time_is_utc(town, parts_backend):
    (d,) = sent_deliveries(town)
    record(d, "delivered", at=datetime(2026, 1, 2, 3, 4, 5))
    assert Delivery.objects.get(pk=d).receipt_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_second_receipt_is_a_duplicate_and_changes_nothing(town, parts_backend):
    (d,) = sent_deliveries(town)
    assert record(d, "expired", reason="validity period over") == "recorded"
    receipt_at = Delivery.objects.get(pk=d).receipt_at
    assert record(d, "expired") == "duplicate"
    # Not backwards, nor sideways: a later "delivered" for the same part does not undo the first outcome.
    assert record(d, "delivered") == "duplicate"
    row = Delivery.objects.get(pk=d)
    assert (row.status, row.receipt_at, row.last_error) == ("expired", receipt_at, "validity period over")


def test_the_same_id_twice_in_one_batch(town, parts_backend):
    (d,) = sent_deliveries(town)
    one = Receipt(GATEWAY, f"{d}-1", "delivered")
    assert receipts_record([one, one]) == ["recorded", "duplicate"]


def test_an_unknown_id_is_counted_and_logged_and_stored_nowhere(town, parts_backend, caplog):
    (d,) = sent_deliveries(town)
    before = unknown_receipts().get("nobody", 0)
    with caplog.at_level(logging.DEBUG, logger="alerts.receipts"):
        assert receipt_record(gateway="nobody", provider_id="x-1", status="delivered") == "unknown"
        # The id of a known message, from another gateway: ids are unique per gateway only.
        assert receipt_record(gateway="nobody", provider_id=f"{d}-1", status="delivered") == "unknown"
    assert unknown_receipts()["nobody"] == before + 2
    assert "unknown id 'x-1' of gateway 'nobody'" in caplog.text
    assert ProviderMessage.objects.count() == 1 and status(d) == "sent"


@pytest.mark.parametrize(
    "receipt, why",
    [
        ({"gateway": GATEWAY, "provider_id": "", "status": "delivered"}, "no message id"),
        ({"gateway": GATEWAY, "provider_id": "   ", "status": "delivered"}, "no message id"),
        ({"gateway": GATEWAY, "provider_id": "1-1", "status": "DELIVRD"}, "unknown status 'DELIVRD'"),
        ({"gateway": GATEWAY, "provider_id": "1-1", "status": "sent"}, "unknown status 'sent'"),
        ({"gateway": GATEWAY, "provider_id": "1-1", "status": None}, "unknown status 'None'"),
        ({"gateway": "", "provider_id": "1-1", "status": "delivered"}, "no gateway name"),
        ({"gateway": GATEWAY, "provider_id": "x" * 101, "status": "delivered"}, "too long"),
        ({"gateway": GATEWAY, "provider_id": "1\x00", "status": "delivered"}, "with NUL"),
        ({"gateway": GATEWAY, "provider_id": 12, "status": "delivered"}, "no message id"),
        (
            {"gateway": GATEWAY, "provider_id": "1-1", "status": "delivered", "at": "yesterday"},
            "not a datetime",
        ),
        ({"gateway": GATEWAY, "provider_id": "1-1", "colour": "red"}, "not a receipt"),
        ("delivered", "not a receipt"),
    ],
)
def test_bad_input_is_invalid_with_a_logged_reason(town, receipt, why, caplog):
    with caplog.at_level(logging.WARNING, logger="alerts.receipts"):
        if isinstance(receipt, dict) and set(receipt) <= {"gateway", "provider_id", "status", "at", "reason"}:
            assert receipt_record(**{"status": "", **receipt}) == "invalid"
        assert receipts_record([receipt]) == ["invalid"]
    assert why in caplog.text


def test_a_reason_with_nul_and_of_any_length_is_kept_cleaned(town, parts_backend):
    (d,) = sent_deliveries(town)
    assert record(d, "undeliverable", reason="bad\x00number " + "x" * 5000) == "recorded"
    error = Delivery.objects.get(pk=d).last_error
    assert error.startswith("badnumber x") and len(error) == 1000


def test_a_batch_answers_each_receipt_in_order(town, parts_backend):
    first, second = sent_deliveries(town, 2)
    answers = receipts_record(
        [
            {"gateway": GATEWAY, "provider_id": f"{first}-1", "status": "delivered"},
            Receipt(GATEWAY, "nobody-knows", "delivered"),
            Receipt(GATEWAY, f"{second}-1", "bogus"),
            Receipt(GATEWAY, f"{second}-1", "undeliverable", reason="unknown subscriber"),
        ]
    )
    assert answers == ["recorded", "unknown", "invalid", "recorded"]
    assert (status(first), status(second)) == ("delivered", "undeliverable")


@pytest.mark.parametrize("before", ["queued", "failed", "skipped", "delivered", "expired"])
def test_only_a_sent_or_sending_delivery_moves_on(town, parts_backend, before):
    (d,) = sent_deliveries(town)
    Delivery.objects.filter(pk=d).update(status=before, last_error="x")
    assert record(d, "delivered") == "recorded"
    row = Delivery.objects.get(pk=d)
    assert (row.status, row.last_error, row.receipt_at) == (before, "x", None)
    assert ProviderMessage.objects.get().status == "delivered"  # the part keeps what the gateway said


def test_a_receipt_that_overtakes_the_outbox_is_applied_and_kept(town, parts_backend, monkeypatch):
    """The gateway's receipt comes between the outbox writing the ids and marking the row sent: the row
    is `sending` then. The receipt applies its outcome; `_mark_sent` leaves the row alone."""
    member_at(500, 500, town.alfa)
    alert = alert_sent(town.police, radius_m=400)
    (d,) = alert.deliveries.values_list("pk", flat=True)
    mark_sent = outbox._mark_sent
    seen = []

    def receipt_first(ids):
        seen.append(status(d))
        seen.append(record(d, "delivered"))
        mark_sent(ids)

    monkeypatch.setattr(outbox, "_mark_sent", receipt_first)
    assert deliveries_process([d]).sent == 1
    assert seen == ["sending", "recorded"]
    row = Delivery.objects.get(pk=d)
    assert row.status == "delivered" and row.sent_at is not None and row.receipt_at is not None


def test_a_sending_row_with_a_part_still_out_stays_for_the_outbox(town, parts_backend):
    parts_backend.parts = 2
    (d,) = sent_deliveries(town)
    Delivery.objects.filter(pk=d).update(status="sending", sent_at=None)
    assert record(d, "undeliverable", part=1, reason="absent") == "recorded"
    assert status(d) == "sending"
    outbox._mark_sent([d])
    assert status(d) == "sent"
    assert record(d, "delivered", part=2) == "recorded"
    assert status(d) == "undeliverable"  # the first part's outcome counts


def test_the_parts_of_a_long_sms(town, parts_backend):
    """Three parts: the delivery waits for the last; the worst outcome wins, with its reason."""
    parts_backend.parts = 3
    a, b, c = sent_deliveries(town, 3)
    assert ProviderMessage.objects.filter(delivery_id=a).count() == 3
    # All delivered, in any order: delivered with the last receipt's time.
    last = timezone.now() - timedelta(seconds=5)
    record(a, "delivered", part=3, at=last - timedelta(seconds=20))
    record(a, "delivered", part=1, at=last - timedelta(seconds=10))
    assert status(a) == "sent"
    record(a, "delivered", part=2, at=last)
    assert (status(a), Delivery.objects.get(pk=a).receipt_at) == ("delivered", last)
    # One part expired, one undeliverable (with its reason, which came first), one delivered.
    record(b, "undeliverable", part=2, reason="barred")
    record(b, "expired", part=1)
    assert status(b) == "sent" and Delivery.objects.get(pk=b).last_error == "barred"
    record(b, "delivered", part=3)
    row = Delivery.objects.get(pk=b)
    assert (row.status, row.last_error) == ("undeliverable", "barred")
    # Expired beats delivered; all parts in one batch.
    answers = receipts_record(
        [Receipt(GATEWAY, f"{c}-{n}", s) for n, s in ((1, "delivered"), (2, "expired"), (3, "delivered"))]
    )
    assert answers == ["recorded"] * 3 and status(c) == "expired"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_receipts_from_several_threads(town, parts_backend):
    """Four threads, each with its own connection, record the parts of 30 two-part messages, in batches
    that interleave (thread k takes the parts in its own order), each receipt sent twice. Every delivery
    ends final, every receipt is recorded once."""
    parts_backend.parts = 2
    ids = sent_deliveries(town, 30)
    receipts = [
        Receipt(GATEWAY, f"{d}-{p}", "expired" if (d + p) % 7 == 0 else "delivered")
        for d in ids
        for p in (1, 2)
    ]
    answers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(k):
        try:
            mine = receipts[k::2] if k < 2 else list(reversed(receipts))[k - 2 :: 2]
            for start in range(0, len(mine), 5):
                got = receipts_record(mine[start : start + 5])
                with lock:
                    answers.extend(got)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert answers.count("recorded") == len(receipts) and answers.count("duplicate") == len(receipts)
    expected = {d: "expired" if any((d + p) % 7 == 0 for p in (1, 2)) else "delivered" for d in ids}
    assert dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "status")) == expected


def test_the_admin_shows_gateway_ids_read_only_to_administrators(town, parts_backend):
    (d,) = sent_deliveries(town)
    record(d, "undeliverable", reason="absent subscriber")
    message = ProviderMessage.objects.get()
    changelist = reverse("admin:alerts_providermessage_changelist")
    admin = login(town.superuser)
    listing = admin.get(changelist, {"status": "undeliverable", "q": f"{d}-1"})
    assert listing.status_code == 200 and f"{d}-1" in listing.content.decode()
    assert admin.get(reverse("admin:alerts_providermessage_add")).status_code == 403
    page = admin.get(reverse("admin:alerts_providermessage_change", args=[message.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    deliveries = admin.get(reverse("admin:alerts_delivery_changelist"), {"status": "undeliverable"})
    assert deliveries.status_code == 200 and "absent subscriber" in deliveries.content.decode()
    assert login(town.police).get(changelist).status_code in (302, 403)


def test_statistics_count_a_receipt_as_sent_and_report_what_came_after(town, parts_backend):
    """Four SMS: delivered, undeliverable, expired, and one never accepted (failed). Sent = 3 (whatever
    the receipt said), delivered 1, failed after sending 2, failed 1; the alert's thread says the same."""
    ids = sent_deliveries(town, 4)
    record(ids[0], "delivered")
    record(ids[1], "undeliverable")
    record(ids[2], "expired")
    Delivery.objects.filter(pk=ids[3]).update(status="failed")
    stats = alert_statistics(police_zone_ids=[town.zone.pk])
    (alfa,) = stats["networks"]
    assert (alfa["sent"], alfa["delivered"], alfa["failed_after_sending"], alfa["failed"]) == (3, 1, 2, 1)
    summary = stats["police_zones"][0]["delivery_summary"]
    assert summary == {
        "sent": 3,
        "delivered": 1,
        "failed": 1,
        "failed_after_sending": 2,
        "waiting": 0,
        "skipped": 0,
    }
    alert = Delivery.objects.get(pk=ids[0]).alert
    assert alert_thread(alert=alert)["messages"][0]["summary"] == summary


def test_a_reaction_to_a_delivered_message_counts(town, parts_backend):
    (d,) = sent_deliveries(town)
    record(d, "delivered")
    reaction = reaction_record(delivery=Delivery.objects.get(pk=d), kind="seen")
    assert reaction.pk and reaction.alert_id == Delivery.objects.get(pk=d).alert_id
