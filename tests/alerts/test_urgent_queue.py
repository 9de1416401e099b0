"""Urgent first, on the real broker: an urgent alert's SMS go out within a second of "send" while the bulk
worker is in the middle of a large non-urgent e-mail fan-out, because they have their own queue and worker
(`-Q urgent` and `-Q bulk,default`, as `make prod` and docker-compose.dev.yml start them; the production
docker-compose.yml gives the default queue a worker of its own)."""

import time

import pytest
from django.conf import settings as django_settings

from alerts.models import Delivery
from alerts.tasks import delivery_queue

from . import test_worker
from .test_email_volume import CountingSink
from .test_worker import Worker, make_members, send_alert, sms_lines, wait_done

# The real-broker fixtures of the worker tests (Redis at BIN_TEST_BROKER_URL, the worker's environment).
broker = test_worker.broker
worker_env = test_worker.worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class QueueWorker(Worker):
    """A Worker that consumes the named queues only (`celery worker -Q …`)."""

    def __init__(self, env, log, queues: str, name: str):
        super().__init__(env, log)
        self.queues, self.name = queues, name

    def node_name(self) -> str:
        return self.name


@pytest.fixture
def workers(worker_env, broker, tmp_path, transactional_db):
    made = []

    def start(queues, name, concurrency=2, **env):
        w = QueueWorker({**worker_env, **env}, tmp_path / f"{name}.log", queues, name)
        w.start(concurrency)
        made.append(w)
        return w

    yield start
    for w in made:
        w.stop()


def test_the_queue_follows_the_urgency():
    assert delivery_queue("urgent") == django_settings.BIN_QUEUE_URGENT == "urgent"
    assert delivery_queue("non_urgent") == django_settings.BIN_QUEUE_BULK == "bulk"


def test_an_urgent_sms_overtakes_a_large_e_mail_fan_out(town, workers, worker_env, broker, settings):
    settings.BIN_DELIVERY_BATCH_SIZE = 100  # publishing side: 30 bulk batches waiting in the queue
    make_members(town, 3000)
    with CountingSink(delay=0.02) as smtp:  # 20 ms per mail: the fan-out lasts about 8 s
        smtp_env = {
            "BIN_ALERT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "BIN_EMAIL_CONCURRENCY": "4",
        }
        bulk = workers("bulk,default", "bulk", **smtp_env)
        urgent = workers("urgent", "urgent", concurrency=1, **smtp_env)
        notice = send_alert(town, urgency="non_urgent")
        assert set(notice.deliveries.values_list("channel", flat=True)) == {"email"}
        deadline = time.monotonic() + 30
        while len(smtp.messages) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp.messages) >= 300, bulk.tail()

        t0 = time.monotonic()
        alert = send_alert(town, urgency="urgent")
        while not sms_lines(worker_env) and time.monotonic() - t0 < 10:
            time.sleep(0.01)
        first_sms = time.monotonic() - t0
        mails_then = len(smtp.messages)
        bulk_waiting = broker.llen("bulk")
        print(
            f"first urgent SMS {first_sms:.2f} s after send; {mails_then} of 3000 mails out, "
            f"{bulk_waiting} bulk batches still waiting"
        )
        assert first_sms <= 1.0, urgent.tail()
        # It overtook the fan-out: the bulk worker was busy, with batches published before it still waiting.
        assert mails_then < 3000 and bulk_waiting > 0

        wait_done(alert, urgent, timeout=60)
        wait_done(notice, bulk, timeout=120)
    assert set(alert.deliveries.values_list("channel", "status").distinct()) == {("sms", "sent")}
    lines = [int(line["id"]) for line in sms_lines(worker_env)]
    assert sorted(lines) == sorted(alert.deliveries.values_list("id", flat=True))
    assert Delivery.objects.filter(alert=notice, status="sent").count() == 3000 == len(smtp.messages)
    # Each worker ran only its own queue's tasks.
    assert "deliver_batch" in urgent.tail(400) and "deliver_batch" in bulk.tail(400)


def test_retries_and_leftovers_stay_on_the_urgent_queue(town, workers, worker_env, broker):
    """Only an urgent worker runs: if a retry or dispatch_due put urgent deliveries on another queue, they
    would never go out and the alert would not finish."""
    from alerts.gateway_simulator.http import HttpGatewaySimulator
    from alerts.tasks import dispatch_due

    make_members(town, 400)
    make_members(town, 50, mobile=False, x0=5000)  # e-mail only: a non-urgent alert reaches them
    with HttpGatewaySimulator(latency_ms=5, message_error_rate=0.1) as sim:
        # Published while no worker runs, then lost with the broker's data: only dispatch_due brings it back.
        alert = send_alert(town, urgency="urgent")
        notice = send_alert(town, urgency="non_urgent")
        assert broker.llen("urgent") > 0 and broker.llen("bulk") > 0
        broker.flushdb()
        assert dispatch_due(older_than_seconds=0) == alert.recipients + notice.recipients
        assert broker.llen("urgent") > 0 and broker.llen("bulk") > 0
        broker.delete("bulk")  # no bulk worker anyway; the urgent alert must not need one
        urgent = workers(
            "urgent",
            "urgent",
            BIN_SMS_BACKEND="alerts.backends.http.HttpGatewayBackend",
            BIN_SMS_GATEWAY_URL=f"{sim.url}/messages",
            BIN_SMS_GATEWAY_BATCH_SIZE="20",
            BIN_DELIVERY_RETRY_BACKOFF="0.2",
            BIN_DELIVERY_MAX_ATTEMPTS="50",
        )
        wait_done(alert, urgent, timeout=60)
        stats, accepted = sim.stats(), sim.accepted()
    assert stats["transient_errors"] > 5  # there were retries, and they came back to this worker
    assert set(alert.deliveries.values_list("status", flat=True)) == {"sent"}
    sms = alert.deliveries.filter(channel="sms").values_list("id", flat=True)
    assert set(accepted) == {str(i) for i in sms} and len(sms) == 400 and set(accepted.values()) == {1}
    assert set(notice.deliveries.values_list("status", flat=True)) == {"queued"}
