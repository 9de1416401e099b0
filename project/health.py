"""Liveness and readiness for load balancers and orchestrators: `/healthz` and `/readyz`.

`/healthz` says the process answers (no database, no Redis): a failing liveness probe restarts the
container, and a database outage must not restart every web process at once. `/readyz` says this process
can serve: the database answers, every migration of this code is applied, and, when tasks go through a
broker (CELERY_BROKER_URL), the broker answers and a worker has reported within the heartbeat window on
each queue that must be worked (BIN_READYZ_QUEUES: urgent and bulk; project.celery writes the heartbeats).
Without a broker (`make run`) tasks run in-process and those two checks are "not used".

Both are answered by `ProbeMiddleware`, before the middleware that call `request.get_host()` (the SSL
redirect, CommonMiddleware): a load balancer probes with its own Host header (the container's address),
which ALLOWED_HOSTS rightly does not list, and over plain HTTP inside the network. Their answers name no
host and build no URL, so the Host header cannot poison them. No login, no personal data, no request limit;
readiness costs three queries (SELECT 1; the migration recorder: does its table exist, what is applied)
and one Redis script.
"""

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.urls import resolve

from core.request_id import route_set

from .heartbeat import queues_alive

__all__ = ["PROBE_PATHS", "ProbeMiddleware", "healthz", "readiness", "readyz"]

logger = logging.getLogger(__name__)

# /metrics passes here too (project.metrics): Prometheus scrapes the container's address over HTTP.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

OK, FAILING, NOT_USED = "ok", "failing", "not used"


def _check_database(alias: str = "default") -> tuple[str, str]:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return FAILING, f"the database does not answer: {type(exc).__name__}"
    return OK, ""


def _check_migrations(alias: str = "default") -> tuple[str, str]:
    connection = connections[alias]
    try:
        # Builds the graph from the migration files (imported once per process; 17 ms a probe on this
        # machine afterwards, 140 ms the first time) and reads django_migrations: two queries.
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return FAILING, f"cannot read the applied migrations: {type(exc).__name__}"
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = f" and {len(plan) - 5} more" if len(plan) > 5 else ""
        return FAILING, f"{len(plan)} migration(s) not applied: {names}{more}"
    return OK, ""


def readiness() -> tuple[bool, dict[str, dict[str, str]]]:
    """Every check by name with its state and reason; ready when none is failing."""
    checks: dict[str, dict[str, str]] = {}
    state, reason = _check_database()
    checks["database"] = {"state": state, "reason": reason}
    if state == OK:
        state, reason = _check_migrations()
    else:
        state, reason = FAILING, "the database does not answer"
    checks["migrations"] = {"state": state, "reason": reason}
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url or settings.CELERY_TASK_ALWAYS_EAGER:
        reason = "no broker: tasks run in the web process"
        checks["broker"] = {"state": NOT_USED, "reason": reason}
        checks["workers"] = {"state": NOT_USED, "reason": reason}
    else:
        queues = settings.BIN_READYZ_QUEUES or [settings.BIN_QUEUE_URGENT, settings.BIN_QUEUE_BULK]
        broker, workers = queues_alive(broker_url, queues)
        checks["broker"] = broker
        checks["workers"] = workers
    ready = all(c["state"] != FAILING for c in checks.values())
    return ready, checks


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    """The process is alive: always 200, touches nothing."""
    return _no_store(JsonResponse({"status": "ok"}))


def readyz(request):
    """200 when every check passes, 503 with each check's state and reason otherwise."""
    started = time.monotonic()
    ready, checks = readiness()
    _log_change(ready, checks)
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": checks,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    response = JsonResponse(body, status=200 if ready else 503)
    # Django logs every 5xx at ERROR (and Sentry would take each as an event): a probe every few seconds
    # while a worker is down. _log_change said it once already.
    response._has_been_logged = True
    return _no_store(response)


_last_failing: dict[str, str] | None = None


def _log_change(ready: bool, checks: dict[str, dict[str, str]]) -> None:
    """Log when this process's readiness changes, not on every probe."""
    global _last_failing
    failing = {name: c["reason"] for name, c in checks.items() if c["state"] == FAILING}
    if failing.keys() != (_last_failing or {}).keys():
        if failing:
            logger.warning("not ready: %s", failing)
        elif _last_failing is not None:
            logger.info("ready again")
    _last_failing = failing


class ProbeMiddleware:
    """Answers /healthz, /readyz and /metrics before the middleware that check the Host header or
    redirect to HTTPS (it stands right after the request id and metrics middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in PROBE_PATHS:
            return self.get_response(request)
        match = resolve(request.path_info)
        request.resolver_match = match
        route_set(request)
        return match.func(request, *match.args, **match.kwargs)
