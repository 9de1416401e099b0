"""The outbox worked off in-process: idempotency, leases, retries with backoff, failure reasons, gateways."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.backends import sms as sms_backends
from alerts.backends.base import RetryableSendError
from alerts.backends.sms import FileBackend, HttpGatewayBackend
from alerts.models import Delivery
from alerts.outbox import backoff_seconds, deliveries_process
from alerts.perimeter import perimeter_from_circle
from tests.factories import alert_sent, lonlat, member_at

from .servers import Gateway, free_port

pytestmark = pytest.mark.django_db


def queued_alert(town, *, urgency="urgent"):
    """Send an alert without running the on-commit fan-out: the deliveries stay queued."""
    return alert_sent(town.police, radius_m=400, urgency=urgency, message="Inbraak in de Kerkstraat.")


def ids(alert):
    return list(alert.deliveries.order_by("pk").values_list("pk", flat=True))


def test_a_task_run_twice_sends_once(town):
    for i in range(5):
        member_at(400 + 10 * i, 500, town.alfa)
    alert = queued_alert(town)
    first = deliveries_process(ids(alert))
    second = deliveries_process(ids(alert))
    assert (first.sent, second.sent) == (5, 0)
    assert len(sms_backends.outbox) == 5
    assert sorted(int(m.key) for m in sms_backends.outbox) == ids(alert)


def test_rows_another_worker_holds_are_left_alone(town):
    member_at(500, 500, town.alfa)
    alert = queued_alert(town)
    Delivery.objects.update(status="sending", claimed_at=timezone.now())
    result = deliveries_process(ids(alert))
    assert result.sent == 0 and result.busy == ids(alert)
    assert sms_backends.outbox == []


def test_deferred_rows_wait(town):
    member_at(500, 500, town.alfa)
    alert = queued_alert(town)
    Delivery.objects.update(not_before=timezone.now() + timedelta(hours=3))
    assert deliveries_process(ids(alert)).sent == 0
    Delivery.objects.update(not_before=timezone.now() - timedelta(seconds=1))
    assert deliveries_process(ids(alert)).sent == 1


def test_stale_claim_already_in_the_file_is_not_sent_again(town, settings, tmp_path):
    """A worker died after the file backend took the message and before the row was marked sent."""
    settings.BIN_SMS_BACKEND = "alerts.backends.sms.FileBackend"
    settings.BIN_SMS_FILE_PATH = str(tmp_path)
    settings.BIN_DELIVERY_LEASE_SECONDS = 60
    member_at(500, 500, town.alfa)
    member_at(510, 500, town.alfa)
    alert = queued_alert(town)
    done, pending = ids(alert)
    FileBackend().send_messages([sms_backends.OutgoingMessage(key=str(done), to="+32470000000", text="x")])
    Delivery.objects.update(status="sending", claimed_at=timezone.now() - timedelta(minutes=5), attempts=1)
    result = deliveries_process(ids(alert))
    assert result.sent == 2
    lines = [json.loads(line)["id"] for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert sorted(lines) == sorted([str(done), str(pending)])  # each once
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_erased_member_or_missing_number_is_skipped(town):
    gone = member_at(500, 500, town.alfa)
    no_mobile = member_at(510, 500, town.alfa)
    alert = queued_alert(town)
    gone.delete()
    type(no_mobile).objects.filter(pk=no_mobile.pk).update(mobile="")
    result = deliveries_process(ids(alert))
    assert result.skipped == 2 and sms_backends.outbox == []
    reasons = set(Delivery.objects.values_list("last_error", flat=True))
    assert reasons == {"the member was erased", "the member has no sms address any more"}


def test_backoff_is_exponential_and_capped(settings):
    settings.BIN_DELIVERY_RETRY_BACKOFF = 30
    settings.BIN_DELIVERY_RETRY_BACKOFF_MAX = 200
    assert [backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


@pytest.fixture
def gateway(settings):
    with Gateway(slow=1.5) as gw:
        settings.BIN_SMS_BACKEND = "alerts.backends.sms.HttpGatewayBackend"
        settings.BIN_SMS_GATEWAY_URL = gw.url
        settings.BIN_SMS_GATEWAY_TOKEN = gw.token
        settings.BIN_SMS_GATEWAY_TIMEOUT = 0.5
        settings.BIN_DELIVERY_MAX_ATTEMPTS = 3
        settings.BIN_DELIVERY_RETRY_BACKOFF = 10
        yield gw


def test_gateway_retries_then_fails_with_the_reason_others_go_on(town, gateway):
    ok = member_at(500, 500, town.alfa, mobile="+32470000001")
    broken = member_at(510, 500, town.alfa, mobile="+32470000500")
    slow = member_at(520, 500, town.alfa, mobile="+32470000999")
    refused = member_at(530, 500, town.alfa, mobile="+32470000400")
    flaky = member_at(540, 500, town.alfa, mobile="+32470000503")
    alert = queued_alert(town)
    by_member = {d.member_id: d.pk for d in alert.deliveries.all()}

    first = deliveries_process(ids(alert))
    assert first.sent == 1 and first.failed == 1  # ok sent; refused (400) is not retried
    assert sorted(first.retry[10.0]) == sorted(by_member[m.pk] for m in (broken, slow, flaky))
    row = Delivery.objects.get(pk=by_member[broken.pk])
    assert row.status == "queued" and row.attempts == 1 and "HTTP 500" in row.last_error
    assert row.not_before > timezone.now() + timedelta(seconds=8)

    for _attempt in (2, 3):
        Delivery.objects.filter(status="queued").update(not_before=timezone.now())
        deliveries_process(ids(alert))
    rows = {d.member_id: d for d in alert.deliveries.all()}
    assert rows[ok.pk].status == "sent" and rows[ok.pk].attempts == 1
    assert rows[flaky.pk].status == "sent" and rows[flaky.pk].attempts == 2
    assert rows[refused.pk].status == "failed" and "HTTP 400" in rows[refused.pk].last_error
    assert rows[broken.pk].status == "failed" and rows[broken.pk].attempts == 3
    assert "gateway answered HTTP 500" in rows[broken.pk].last_error
    assert "gave up after 3 attempts" in rows[broken.pk].last_error
    assert rows[slow.pk].status == "failed" and "timed out after 0.5 s" in rows[slow.pk].last_error
    # The gateway got JSON {to, text, id}, the bearer token and the idempotency key.
    request = gateway.requests[0]
    assert request["auth"] == "Bearer secret-token" and request["key"] == request["id"]
    assert set(request) >= {"to", "text", "id"}


def test_gateway_unreachable_is_retryable(settings):
    backend = HttpGatewayBackend(url=f"http://127.0.0.1:{free_port()}/sms", token="t", timeout=0.5)
    with pytest.raises(RetryableSendError, match="unreachable"):
        backend.send(sms_backends.OutgoingMessage(key="1", to="+32470000001", text="x"))


def test_eager_retries_do_not_wait(town, gateway, django_capture_on_commit_callbacks, settings):
    """Without a broker the task runs in-process: retries follow at once, and end failed with the reason."""
    member_at(500, 500, town.alfa, mobile="+32470000500")
    member_at(510, 500, town.alfa, mobile="+32470000001")
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_sent(town.police, category="theft", message="Fietsdiefstal.")
    statuses = dict(alert.deliveries.values_list("status", "attempts"))
    assert statuses == {"failed": 3, "sent": 1}


def test_perimeter_helper_is_metric():
    geom = perimeter_from_circle(lonlat(500, 500), 1000).geom
    assert abs(geom.area - 3.14159 * 1000**2) / (3.14159 * 1000**2) < 0.002


def test_dispatch_due_picks_up_what_was_left_behind(town):
    """Deferred (quiet hours over), never enqueued (broker down), or claimed by a dead worker."""
    from django.core.management import call_command

    for i in range(3):
        member_at(500 + i, 500, town.alfa)
    alert = queued_alert(town)
    waiting, stale, future = ids(alert)
    long_ago = timezone.now() - timedelta(minutes=10)
    Delivery.objects.update(created=long_ago)
    Delivery.objects.filter(pk=stale).update(status="sending", claimed_at=long_ago)
    Delivery.objects.filter(pk=future).update(not_before=timezone.now() + timedelta(hours=1))
    call_command("alerts_dispatch_due")
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses == {waiting: "sent", stale: "sent", future: "queued"}
    assert len(sms_backends.outbox) == 2
