"""Integration: a real Celery worker process against the real Redis broker works off the outbox.

The worker is `celery -A project worker` started from here with DATABASE_URL pointing at the test database
(the tests run with transaction=True, so the worker sees committed rows), the file SMS backend in a
temporary folder, Django's SMTP backend towards an aiosmtpd server on loopback, or the HTTP gateway backend
towards a small gateway on loopback. Redis database 5 (BIN_TEST_BROKER_URL) keeps clear of other users.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from alerts.models import Delivery
from alerts.tasks import deliveries_enqueue
from members.models import Member, Membership
from project.celery import app as celery_app
from tests.factories import alert_sent, lambert

from .servers import Gateway, SmtpSink

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("BIN_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")
VISIBILITY_TIMEOUT = 5
LEASE = 3


@pytest.fixture
def broker():
    """Point this process's Celery app at Redis (not eager) for the test; an empty queue to start with."""
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not running at {BROKER_URL}")
    client.flushdb()
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.broker_transport_options)
    conf.task_always_eager = False
    conf.broker_url = BROKER_URL
    conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    _reset_pools()
    yield client
    _reset_pools()
    conf.task_always_eager, conf.broker_url, conf.broker_transport_options = saved
    client.flushdb()


def _reset_pools():
    # The app caches its connection and producer pools (in kombu's global registry too); drop them all so
    # that the broker URL set above is used and the next test does not get a closed pool.
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Worker:
    """A `celery worker` subprocess in its own process group (so SIGKILL takes its pool children too)."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.proc, self.starts = env, log, None, 0

    # The node name (a fresh one per start) and the queues (None: all of them); QueueWorker sets both.
    queues: str | None = None

    def node_name(self) -> str:
        return f"bintest{self.starts}"

    def extra_args(self) -> list[str]:
        """The worker's own arguments: its queues (a subclass may add others)."""
        return ["-Q", self.queues] if self.queues else []

    def start(self, concurrency=2):
        self.starts += 1
        celery = Path(sys.executable).with_name("celery")
        self.log_file = open(self.log, "a")  # noqa: SIM115 - closed in stop()/kill()
        offset = self.log.stat().st_size
        self.proc = subprocess.Popen(
            [
                *(str(celery), "-A", "project", "worker"),
                *self.extra_args(),
                *("--pool=prefork", f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip"),
                *("--without-mingle", "--without-heartbeat", f"--hostname={self.node_name()}@%h"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with open(self.log) as f:
                f.seek(offset)
                if " ready." in f.read():
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"the worker {self.node_name()} did not start:\n{self.tail()}")

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log_file.close()

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.log_file.close()

    def tail(self, n=60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


@pytest.fixture
def worker_env(tmp_path):
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.test",
        "DATABASE_URL": f"postgis://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "BIN_DELIVERY_LEASE_SECONDS": str(LEASE),
        "BIN_SMS_BACKEND": "alerts.backends.sms.FileBackend",
        "BIN_SMS_FILE_PATH": str(tmp_path / "sms"),
        "PYTHONUNBUFFERED": "1",
    }
    return env


@pytest.fixture
def worker(worker_env, broker, tmp_path, transactional_db):
    w = Worker(worker_env, tmp_path / "worker.log")
    yield w
    w.stop()


def make_members(town, n, *, mobile=True, email=True, prefix="47", x0=0):
    """n approved members of BIN Alfa on a grid inside its 1 km square, bulk-created."""
    from django.utils import timezone

    members = Member.objects.bulk_create(
        Member(
            name=f"Lid {x0 + i}",
            address_text="Teststraat",
            point=lambert(100 + (i % 80) * 10, 100 + (i // 80) * 10 + x0 / 10),
            mobile=f"+32{prefix}{x0 + i:07d}" if mobile else "",
            email=f"lid{x0 + i}@example.be" if email else "",
            consent_at=timezone.now(),
            consent_version="t",
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(member=m, network=town.alfa, status=Membership.Status.APPROVED) for m in members
    )
    return members


def send_alert(town, *, urgency="urgent"):
    # No transaction around this in the test: on_commit runs as alert_send's own atomic block commits.
    return alert_sent(
        town.police, radius_m=1500, urgency=urgency, message="Inbraak in de Kerkstraat, let op."
    )


def wait_done(alert, worker, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Delivery.objects.filter(alert=alert, status__in=["queued", "sending"]).exists():
            return
        time.sleep(0.3)
    counts = Counter(Delivery.objects.filter(alert=alert).values_list("status", flat=True))
    raise AssertionError(f"deliveries not done after {timeout} s: {counts}\n{worker.tail()}")


def sms_lines(env) -> list[dict]:
    """The messages in the file backend's file. While a worker writes, the file may end in the part of a
    batch written so far (one os.write, but a reader can see it half done): that line is not counted yet."""
    path = Path(env["BIN_SMS_FILE_PATH"]) / "sms.jsonl"
    if not path.exists():
        return []
    text = path.read_text()
    return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]


def test_every_delivery_arrives_exactly_once(town, worker, worker_env):
    make_members(town, 300)
    make_members(town, 40, mobile=False, x0=5000)  # e-mail only: an urgent alert reaches them by e-mail
    with SmtpSink() as smtp:
        worker.env.update(
            BIN_ALERT_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
        )
        worker.start()
        alert = send_alert(town)
        assert alert.recipients == 340
        # The same batches published a second time (a redelivered or duplicated task) change nothing.
        deliveries_enqueue(list(alert.deliveries.values_list("id", "not_before")))
        wait_done(alert, worker)
        time.sleep(1)  # let the duplicate tasks finish their (empty) work

        sms_ids = set(alert.deliveries.filter(channel="sms").values_list("id", flat=True))
        email_ids = set(alert.deliveries.filter(channel="email").values_list("id", flat=True))
        assert len(sms_ids) == 300 and len(email_ids) == 40
        lines = Counter(int(line["id"]) for line in sms_lines(worker_env))
        assert set(lines) == sms_ids and set(lines.values()) == {1}
        mails = Counter(int(m["X-BIN-Delivery"]) for m in smtp.messages)
        assert set(mails) == email_ids and set(mails.values()) == {1}
        assert {m["Message-ID"] for m in smtp.messages} == {
            f"<delivery-{i}@bin.localhost>" for i in email_ids
        }
        assert set(alert.deliveries.values_list("status", flat=True)) == {"sent"}


def test_killed_worker_loses_nothing_and_sends_nothing_twice(town, worker, worker_env, settings):
    settings.BIN_DELIVERY_BATCH_SIZE = 50  # publishing side: 60 tasks for 3000 deliveries
    worker.env.update(
        BIN_SMS_BACKEND="tests.alerts.slow_backend.SlowFileBackend",
        BIN_TEST_SMS_DELAY="0.004",  # 0.2 s per batch of 50, after writing: kills land between send and mark
        BIN_DELIVERY_CLAIM_SIZE="50",
    )
    make_members(town, 3000)
    worker.start()
    alert = send_alert(town)
    assert alert.recipients == 3000
    deadline = time.monotonic() + 60
    while len(sms_lines(worker_env)) < 700 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.kill()
    at_kill = len(sms_lines(worker_env))
    counts = Counter(alert.deliveries.values_list("status", flat=True))
    assert 0 < at_kill < 3000, f"the fan-out was not in the middle when the worker was killed: {at_kill}"
    assert counts["sent"] < 3000

    worker.start()
    wait_done(alert, worker, timeout=180)
    lines = Counter(int(line["id"]) for line in sms_lines(worker_env))
    all_ids = set(alert.deliveries.values_list("id", flat=True))
    duplicates = {i: n for i, n in lines.items() if n > 1}
    assert duplicates == {}, f"sent twice: {sorted(duplicates)[:20]}"
    assert set(lines) == all_ids, f"lost: {sorted(all_ids - set(lines))[:20]}"
    assert set(alert.deliveries.values_list("status", flat=True)) == {"sent"}
    print(f"killed at {at_kill} of 3000 written, {counts['sending']} rows 'sending'; after: all 3000 once")


def test_gateway_errors_are_retried_then_failed_others_sent(town, worker, worker_env):
    normal = make_members(town, 20, prefix="470")
    broken = make_members(town, 2, prefix="471", x0=600)
    # Timeouts with room for a loaded CI machine: at 0.5 s a flaky number's second try once timed out too.
    with Gateway(slow=4.0) as gateway:
        slow = make_members(town, 2, prefix="472", x0=700)
        flaky = make_members(town, 2, prefix="473", x0=800)
        refused = make_members(town, 1, prefix="474", x0=900)
        for group, suffix in ((broken, "500"), (slow, "999"), (flaky, "503"), (refused, "400")):
            for m in group:
                m.mobile = m.mobile[:-3] + suffix
        for m in [*broken, *slow, *flaky, *refused]:
            Member.objects.filter(pk=m.pk).update(mobile=m.mobile)
        worker.env.update(
            BIN_SMS_BACKEND="alerts.backends.sms.HttpGatewayBackend",
            BIN_SMS_GATEWAY_URL=gateway.url,
            BIN_SMS_GATEWAY_TOKEN=gateway.token,
            BIN_SMS_GATEWAY_TIMEOUT="2",
            BIN_DELIVERY_MAX_ATTEMPTS="3",
            BIN_DELIVERY_RETRY_BACKOFF="0.3",
        )
        worker.start()
        alert = send_alert(town)
        wait_done(alert, worker, timeout=120)
        rows = {d.member_id: d for d in alert.deliveries.all()}
        calls = Counter(int(i) for i in gateway.ids())

    for m in normal:
        assert rows[m.pk].status == "sent" and calls[rows[m.pk].pk] == 1
    for m in flaky:
        assert rows[m.pk].status == "sent" and rows[m.pk].attempts == 2 and calls[rows[m.pk].pk] == 2
    for m in broken:
        d = rows[m.pk]
        assert d.status == "failed" and d.attempts == 3 and calls[d.pk] == 3
        assert "gateway answered HTTP 500" in d.last_error and "gave up after 3 attempts" in d.last_error
    for m in slow:
        d = rows[m.pk]
        assert d.status == "failed" and d.attempts == 3 and "timed out after 2 s" in d.last_error
    (d,) = [rows[m.pk] for m in refused]
    assert d.status == "failed" and d.attempts == 1 and "HTTP 400" in d.last_error
