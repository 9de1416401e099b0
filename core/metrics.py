"""Prometheus series the apps count as they answer: request latency per route, lookups per match kind.

Labels are names from a small fixed set (the resolved URL's name, the status class, the match kind), never
a path, an id or anything a person typed: a label value is kept for the life of the process and shipped
to the monitoring system. With several gunicorn processes prometheus-client's multiprocess mode adds the
processes' values up (PROMETHEUS_MULTIPROC_DIR, read when prometheus_client is first imported);
project/metrics.py serves them at /metrics together with what it reads from the database and the broker.
"""

import logging
import time

from django.conf import settings
from prometheus_client import Counter, Histogram

from .request_id import route_name

__all__ = ["LOOKUPS", "REQUEST_DURATION", "RequestMetricsMiddleware", "lookup_counted"]

REQUEST_DURATION = Histogram(
    "bin_http_request_duration_seconds",
    "Time from the request reaching Django to the response, by route name, method and status class.",
    ["route", "method", "status"],
    # A lookup takes 5-50 ms on the demo data; a large alert's POST writes its outbox in seconds.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
LOOKUPS = Counter(
    "bin_lookups_total",
    "Lookups answered: kind (address, point, street) and how they matched (exact, interpolated, "
    "nearest_same_side, street, postcode, covered, uncovered, found, none).",
    ["kind", "match"],
)
# Methods outside this set are counted as "other": a client can send any token as the method.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def lookup_counted(*, kind: str, match: str) -> None:
    """Count one lookup answered (kind and match come from the code's own constants)."""
    LOOKUPS.labels(kind=kind, match=match).inc()


class RequestMetricsMiddleware:
    """Times every request into REQUEST_DURATION, and writes the access line of the JSON logs
    (logger `bin.access`, with route, method, status and duration) when BIN_ACCESS_LOG is on."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.access_log = logging.getLogger("bin.access") if settings.BIN_ACCESS_LOG else None

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        route = route_name(request)
        method = request.method if request.method in _METHODS else "other"
        status = f"{response.status_code // 100}xx"
        REQUEST_DURATION.labels(route=route, method=method, status=status).observe(duration)
        if self.access_log is not None:
            self.access_log.info(
                "%s %s %s %.1f ms",
                method,
                route,
                response.status_code,
                duration * 1000,
                extra={
                    "route": route,
                    "method": method,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                },
            )
        return response
