"""/healthz and /readyz against the real database, the real Redis broker and a real Celery worker."""

# ruff: noqa: F811 - the fixtures imported from .workers are the tests' arguments
import time

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from .workers import BROKER_URL, HEARTBEAT, broker, dead_port, live_worker, worker_env  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def readyz(client):
    response = client.get(reverse("readyz"))
    return response.status_code, response.json()


def test_healthz_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store" and response["X-Request-ID"]


def test_ready_without_broker_in_three_queries(client, settings, django_assert_max_num_queries):
    settings.CELERY_BROKER_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_assert_max_num_queries(3):
        status, body = readyz(client)
    assert status == 200, body
    assert body["checks"]["database"]["state"] == "ok"
    assert body["checks"]["migrations"]["state"] == "ok"
    assert body["checks"]["broker"]["state"] == "not used"
    assert body["checks"]["workers"]["state"] == "not used"


def test_unapplied_migration_is_not_ready(client, settings):
    # As after deploying code with a new migration of alerts before `migrate` ran: its newest migration
    # is not recorded (rolled back with the test's transaction).
    settings.CELERY_BROKER_URL = ""
    (leaf,) = [n for n in MigrationLoader(None).graph.leaf_nodes() if n[0] == "alerts"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", list(leaf))
        assert cursor.rowcount == 1
    status, body = readyz(client)
    assert status == 503
    assert body["status"] == "unavailable"
    migrations = body["checks"]["migrations"]
    assert migrations == {"state": "failing", "reason": f"1 migration(s) not applied: alerts.{leaf[1]}"}
    assert body["checks"]["database"]["state"] == "ok"


def test_probes_pass_host_and_https_checks(client, settings):
    # A load balancer probes the container's address over plain HTTP.
    settings.ALLOWED_HOSTS = ["bin.example.be"]
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_BROKER_URL = ""
    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    # Everything else still gets both checks.
    assert client.get("/api/lookup/", HTTP_HOST="10.0.3.7:8000").status_code == 400
    assert client.get("/api/lookup/", HTTP_HOST="bin.example.be").status_code == 301


def test_broker_down_is_not_ready(client, settings, dead_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead_port}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    started = time.monotonic()
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["broker"]["state"] == "failing"
    assert "ConnectionError" in body["checks"]["broker"]["reason"]
    assert body["checks"]["workers"]["state"] == "failing"
    assert body["checks"]["database"]["state"] == "ok"
    assert time.monotonic() - started < 3


@pytest.mark.slow
def test_no_worker_then_worker_then_worker_gone(client, live_worker, broker):
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["broker"]["state"] == "ok"
    workers = body["checks"]["workers"]
    assert workers["state"] == "failing" and "urgent, bulk" in workers["reason"]

    live_worker.start()
    deadline = time.monotonic() + 10
    while (status := readyz(client)[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    status, body = readyz(client)
    assert status == 200, (body, live_worker.tail())
    assert body["checks"]["workers"]["reason"] == "workers: {'urgent': 1, 'bulk': 1}"
    assert broker.zscore("bin:heartbeat:urgent", f"bintest1@{live_worker_host()}") is not None

    # A worker that stops takes itself out at once.
    live_worker.stop()
    status, body = readyz(client)
    assert status == 503 and body["checks"]["workers"]["state"] == "failing"


@pytest.mark.slow
def test_killed_worker_drops_out_within_the_window(client, live_worker, broker):
    live_worker.start()
    deadline = time.monotonic() + 10
    while readyz(client)[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert readyz(client)[0] == 200
    live_worker.kill()  # SIGKILL: no shutdown signal, no goodbye
    killed = time.monotonic()
    while readyz(client)[0] == 200 and time.monotonic() - killed < 10:
        time.sleep(0.2)
    gone_after = time.monotonic() - killed
    assert readyz(client)[0] == 503
    assert gone_after <= 3 * HEARTBEAT + 1.5, gone_after
    assert BROKER_URL.endswith(str(broker.connection_pool.connection_kwargs["db"]))


def live_worker_host():
    import socket

    return socket.gethostname()
