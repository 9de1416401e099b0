"""Reliability on the real broker: the HTTP gateway simulator (alerts/gateway_simulator/http.py) on loopback,
real `celery worker` subprocesses, Redis — and things going wrong in the middle of a fan-out.

Each test checks the same end state: every delivery sent, every delivery id accepted by the gateway, one
gateway message id per delivery (ProviderMessage) and it is the one the gateway gave. "Submitted" is what
the simulator counts per id (1 + the duplicates it dropped thanks to the idempotency key): where nothing
was killed it must be exactly 1, i.e. no message was ever offered twice.
"""

import shutil
import signal
import subprocess
import time
from collections import Counter

import pytest

from alerts.gateway_simulator.http import HttpGatewaySimulator
from alerts.models import Delivery, ProviderMessage
from alerts.tasks import dispatch_due

from . import test_worker
from .servers import free_port
from .test_worker import Worker, _reset_pools, make_members, send_alert

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

broker = test_worker.broker
worker_env = test_worker.worker_env
N = 3000


def gateway_env(sim, **extra) -> dict:
    """The worker's settings for the HTTP backend against `sim`: batches of 10, 2 requests in flight per
    process (about 100 messages/s per process at 200 ms latency, so that a fan-out lasts long enough to
    break something in its middle), quick retries."""
    return {
        "BIN_SMS_BACKEND": "alerts.backends.http.HttpGatewayBackend",
        "BIN_SMS_GATEWAY_URL": f"{sim.url}/messages",
        "BIN_SMS_GATEWAY_BATCH_SIZE": "10",
        "BIN_SMS_GATEWAY_CONCURRENCY": "2",
        "BIN_SMS_GATEWAY_TIMEOUT": "5",
        "BIN_SMS_GATEWAY_RATE": "0",
        "BIN_DELIVERY_CLAIM_SIZE": "50",
        "BIN_DELIVERY_RETRY_BACKOFF": "0.5",
        "BIN_DELIVERY_RETRY_BACKOFF_MAX": "2",
        "BIN_DELIVERY_MAX_ATTEMPTS": "200",
        **extra,
    }


@pytest.fixture
def worker(worker_env, broker, tmp_path, transactional_db, settings):
    settings.BIN_DELIVERY_BATCH_SIZE = 50  # publishing side: tasks of 50, each done in well under a lease
    # dispatch_due runs in this process (beat's part): it must know the workers' lease to take over the
    # rows a killed worker left `sending`, as beat does with the site's one setting.
    settings.BIN_DELIVERY_LEASE_SECONDS = test_worker.LEASE
    w = Worker(worker_env, tmp_path / "worker.log")
    yield w
    w.stop()


def wait_done(alert, worker, timeout, tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Delivery.objects.filter(alert=alert, status__in=["queued", "sending"]).exists():
            return
        if tick:
            tick()
        time.sleep(0.5)
    counts = Counter(Delivery.objects.filter(alert=alert).values_list("status", flat=True))
    raise AssertionError(f"deliveries not done after {timeout} s: {counts}\n{worker.tail()}")


def wait_accepted(sim, n, timeout=60):
    deadline = time.monotonic() + timeout
    while sim.stats()["accepted"] < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return sim.stats()["accepted"]


def check_all_out_once(alert, sim, *, resubmitted_allowed=frozenset()):
    ids = {str(i) for i in alert.deliveries.values_list("id", flat=True)}
    submitted = sim.accepted()
    assert set(submitted) == ids, f"lost: {sorted(ids - set(submitted))[:20]}"
    twice = {k for k, n in submitted.items() if n > 1}
    assert twice <= set(resubmitted_allowed), (
        f"offered twice: {sorted(twice - set(resubmitted_allowed))[:20]}"
    )
    assert set(alert.deliveries.values_list("status", flat=True)) == {"sent"}
    kept = Counter(
        ProviderMessage.objects.filter(delivery__alert=alert).values_list("delivery_id", flat=True)
    )
    assert set(kept.values()) == {1} and len(kept) == len(ids)
    given = sim.message_ids()
    mine = dict(
        ProviderMessage.objects.filter(delivery__alert=alert).values_list("delivery_id", "provider_id")
    )
    assert {str(k): v for k, v in mine.items()} == given
    return twice


def test_every_id_accepted_exactly_once_with_transient_errors(town, worker):
    make_members(town, N)
    with HttpGatewaySimulator(latency_ms=20, error_rate=0.01, message_error_rate=0.01) as sim:
        worker.env.update(gateway_env(sim, BIN_SMS_GATEWAY_CONCURRENCY="8"))
        worker.start()
        alert = send_alert(town)
        wait_done(alert, worker, timeout=100)
        stats = sim.stats()
        check_all_out_once(alert, sim)
    print(f"{N} SMS: {stats['transient_errors']} transient errors retried, {stats['requests']} requests")
    assert stats["transient_errors"] > 10  # the errors did happen, and were retried
    assert stats["duplicates"] == 0


def test_the_gateway_down_for_a_minute_mid_fan_out(town, worker):
    make_members(town, N)
    with HttpGatewaySimulator(latency_ms=200) as sim:
        worker.env.update(gateway_env(sim))
        worker.start()
        alert = send_alert(town)
        before = wait_accepted(sim, 600)
        sim.control(down=True)
        t_down = time.monotonic()
        assert before < N, "the fan-out was over before the gateway went down"
        time.sleep(5)
        during = sim.stats()["accepted"]
        assert during - before <= 40  # at most the requests in flight when it went down
        time.sleep(max(0.0, 60 - (time.monotonic() - t_down)))
        stats_down = sim.stats()
        assert stats_down["accepted"] == during  # nothing went through while it was down
        sim.control(down=False)
        t_up = time.monotonic()
        wait_done(alert, worker, timeout=60)
        t_done = time.monotonic() - t_up
        check_all_out_once(alert, sim)
    print(
        f"down at {before} accepted, for 60 s ({stats_down['requests']} requests answered meanwhile); "
        f"the remaining {N - during} went out {t_done:.1f} s after it came back"
    )


class RedisServer:
    """A redis-server of this test's own on a free port that keeps nothing over a restart: the worst case
    (a Redis without an append-only file, as docker-compose.dev.yml runs it, loses whatever came after its
    last snapshot; the production docker-compose.yml turns AOF on). Everything queued, reserved or
    unacknowledged in it is gone after the restart."""

    def __init__(self, directory):
        self.dir, self.port, self.proc = directory, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)),
                *("--appendonly", "no", "--save", "", "--protected-mode", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)


@pytest.fixture
def own_redis(tmp_path, worker_env):
    server = RedisServer(tmp_path)
    server.start()
    saved = test_worker.BROKER_URL
    test_worker.BROKER_URL = server.url  # read by the `broker` fixture when it runs, after this one
    worker_env.update(CELERY_BROKER_URL=server.url)
    yield server
    server.stop()
    test_worker.BROKER_URL = saved


def sending_now(alert) -> set[str]:
    return {str(i) for i in alert.deliveries.filter(status="sending").values_list("id", flat=True)}


def test_a_killed_worker_and_a_restarted_broker_mid_fan_out(town, own_redis, worker, worker_env):
    # The `broker` fixture (through `worker`) points this process at own_redis: it was set up first.
    make_members(town, N)
    with HttpGatewaySimulator(latency_ms=200) as sim:
        worker.env.update(gateway_env(sim))
        worker.start()
        alert = send_alert(town)
        at_kill = wait_accepted(sim, 700)
        worker.kill()
        in_flight = sending_now(alert)
        assert at_kill < N, "the fan-out was over before the worker was killed"
        worker.start()

        at_restart = wait_accepted(sim, at_kill + 700)
        own_redis.stop()  # the broker goes away with tasks queued, reserved and unacknowledged
        in_flight |= sending_now(alert)
        time.sleep(3)
        own_redis.start()
        _reset_pools()
        assert at_restart < N, "the fan-out was over before the broker was restarted"

        assert own_redis.client().llen("urgent") == 0  # the broker lost the fan-out's tasks
        # Beat's dispatch_due, every few seconds instead of every minute: it publishes what the broker lost.
        last = [time.monotonic()]

        def beat():
            if time.monotonic() - last[0] > 5:
                dispatch_due(older_than_seconds=5)
                last[0] = time.monotonic()

        wait_done(alert, worker, timeout=90, tick=beat)
        twice = check_all_out_once(alert, sim, resubmitted_allowed=in_flight)
    print(
        f"killed at {at_kill} accepted, broker restarted at {at_restart}; all {N} out once; "
        f"{len(twice)} offered twice and dropped by the gateway's idempotency key"
    )
