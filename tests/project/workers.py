"""Fixtures of the observability tests (imported by test_health, test_metrics and test_logging): the real
Redis broker and Celery worker of tests/alerts/test_worker.py (reused, not copied), with heartbeats every
second so that readiness follows a worker within seconds."""

import socket

import pytest

from tests.alerts.test_worker import BROKER_URL, Worker, broker, worker_env  # noqa: F401 - fixtures

HEARTBEAT = 1.0


@pytest.fixture
def live_worker(django_db_serialized_rollback, worker_env, broker, tmp_path, transactional_db, settings):  # noqa: F811
    """A real worker on the real broker (not started yet); this process publishes to the same broker.

    Committed rows, so transactional; with serialized rollback, so that the migrations' rows (content
    types…) come back afterwards and the next serialized_rollback test does not collide with them."""
    settings.CELERY_BROKER_URL = BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.BIN_WORKER_HEARTBEAT_SECONDS = HEARTBEAT
    worker_env.update(BIN_WORKER_HEARTBEAT_SECONDS=str(HEARTBEAT))
    w = Worker(worker_env, tmp_path / "worker.log")
    yield w
    w.stop()


@pytest.fixture
def dead_port():
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
