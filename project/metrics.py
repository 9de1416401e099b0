"""`/metrics` for Prometheus: what the processes counted (core.metrics: request latency, lookups) and what
is read at scrape time from the database and the broker (deliveries, queues, gateway errors).

Read at scrape time rather than counted, so that every web process answers the same and nothing is lost
when a worker dies: one statement over the recent deliveries (the `delivery_created` index; the window is
BIN_DELIVERY_SWEEP_HOURS, 48 h, what dispatch_due looks back over) and one Redis pipeline of LLENs.

Who may read it: clients in BIN_METRICS_ALLOWED (CIDRs; loopback by default), or anyone with the bearer
token BIN_METRICS_TOKEN; 403 otherwise. The client address is REMOTE_ADDR, or the one the declared proxies
(BIN_TRUSTED_PROXIES) forwarded; a proxied request through a proxy nobody declared is never "loopback"
(a local reverse proxy would otherwise hand the public a loopback address).

Several gunicorn processes: with PROMETHEUS_MULTIPROC_DIR set, each process writes its counters to files
there and this view adds them up (prometheus-client's multiprocess mode; gunicorn's hooks in
project/metrics_multiprocess.py).
"""

import hmac
import ipaddress
import logging
import os

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from alerts.models import Delivery
from core.throttle import client_address

__all__ = [
    "ScrapeTimeCollector",
    "metrics_allowed",
    "metrics_view",
]

logger = logging.getLogger(__name__)

# Queued (due) and retrying deliveries, failures, and the gateway's reasons in classes: the error text
# itself is free text from the gateway and never becomes a label.
DELIVERIES_SQL = f"""
SELECT channel, status,
       CASE WHEN last_error = '' THEN ''
            WHEN last_error ILIKE '%%timed out%%' THEN 'timeout'
            WHEN last_error ~ 'HTTP 5[0-9][0-9]' THEN 'http_5xx'
            WHEN last_error ~ 'HTTP 4[0-9][0-9]' THEN 'http_4xx'
            WHEN last_error ILIKE '%%connect%%' THEN 'connection'
            ELSE 'other' END AS reason,
       count(*),
       extract(epoch FROM statement_timestamp() - min(created) FILTER (
           WHERE status = '{Delivery.Status.QUEUED}'
             AND (not_before IS NULL OR not_before <= statement_timestamp())))
FROM {Delivery._meta.db_table}
WHERE created >= statement_timestamp() - make_interval(hours => %s)
GROUP BY 1, 2, 3
"""
# kombu's Redis transport keeps a queue's messages of priority p > 0 in "<queue>\x06\x16<p>".
_PRIORITY_STEPS = (0, 3, 6, 9)


def _queue_keys(queue: str) -> list[str]:
    return [queue if p == 0 else f"{queue}\x06\x16{p}" for p in _PRIORITY_STEPS]


class ScrapeTimeCollector:
    """Deliveries by channel and status, gateway errors, the oldest due queued delivery, queue lengths."""

    def collect(self):
        hours = settings.BIN_DELIVERY_SWEEP_HOURS
        up = GaugeMetricFamily(
            "bin_metrics_source_up", "Whether a source answered this scrape.", labels=["source"]
        )
        deliveries = GaugeMetricFamily(
            "bin_deliveries_recent",
            f"Deliveries created in the last {hours} h, by channel and status.",
            labels=["channel", "status"],
        )
        errors = GaugeMetricFamily(
            "bin_delivery_errors_recent",
            f"Deliveries of the last {hours} h with a gateway error, by channel, status (queued: waiting to "
            "be retried; failed: given up) and reason class.",
            labels=["channel", "status", "reason"],
        )
        oldest = GaugeMetricFamily(
            "bin_delivery_oldest_queued_age_seconds",
            "Age of the oldest queued delivery that is due (0: none waiting).",
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(DELIVERIES_SQL, [hours])
                rows = cursor.fetchall()
        except DatabaseError as exc:
            logger.warning("metrics: the database did not answer: %s", exc)
            up.add_metric(["database"], 0)
        else:
            up.add_metric(["database"], 1)
            by_status: dict[tuple[str, str], int] = {}
            age = 0.0
            for channel, status, reason, count, queued_age in rows:
                by_status[channel, status] = by_status.get((channel, status), 0) + count
                if reason:
                    errors.add_metric([channel, status, reason], count)
                if queued_age is not None:
                    age = max(age, float(queued_age))
            for (channel, status), count in sorted(by_status.items()):
                deliveries.add_metric([channel, status], count)
            oldest.add_metric([], age)
            yield deliveries
            yield errors
            yield oldest
        queues = self._queues()
        if queues is not None:
            up.add_metric(["broker"], 1 if queues else 0)
            if queues:
                yield queues
        yield up

    def _queues(self):
        url = settings.CELERY_BROKER_URL
        if not url or settings.CELERY_TASK_ALWAYS_EAGER or not url.startswith(("redis", "unix")):
            return None
        names = [q.name for q in settings.CELERY_TASK_QUEUES]
        family = GaugeMetricFamily(
            "bin_celery_queue_length",
            "Tasks waiting in each Celery queue (not counting ones with an ETA).",
            labels=["queue"],
        )
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)
            with client.pipeline(transaction=False) as pipe:
                for name in names:
                    for key in _queue_keys(name):
                        pipe.llen(key)
                lengths = pipe.execute()
            client.close()
        except redis.RedisError as exc:
            logger.warning("metrics: the broker did not answer: %s", exc)
            return False
        steps = len(_PRIORITY_STEPS)
        for i, name in enumerate(names):
            family.add_metric([name], sum(lengths[i * steps : (i + 1) * steps]))
        return family


def _networks():
    return [ipaddress.ip_network(n.strip(), strict=False) for n in settings.BIN_METRICS_ALLOWED if n.strip()]


def metrics_allowed(request) -> bool:
    """From an allowed network, or with the bearer token."""
    token = settings.BIN_METRICS_TOKEN
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if (
        token
        and auth.startswith("Bearer ")
        and hmac.compare_digest(auth[7:].strip().encode(), token.encode())
    ):
        return True
    forwarded = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META
    if forwarded and settings.BIN_TRUSTED_PROXIES == 0:
        return False
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in _networks())


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(ScrapeTimeCollector())
    return registry


def metrics_view(request):
    """The Prometheus text format, to allowed clients only."""
    if not metrics_allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain")
        response._has_been_logged = True  # a scanner's probes need no ERROR or WARNING line each
        return response
    response = HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
