"""gunicorn's settings for the web service: `gunicorn -c project/gunicorn.conf.py project.wsgi`.

Everything a deployment changes comes from the environment (README "Running in production"):

- GUNICORN_BIND (default 127.0.0.1:8000; a container sets 0.0.0.0:8000).
- WEB_CONCURRENCY: worker processes. Default 2 for a 2-core machine; on a bigger one, one per core (with
  PostgreSQL on another machine, up to 2 per core), keeping WEB_CONCURRENCY x GUNICORN_THREADS (the
  database connections) well under PostgreSQL's max_connections.
- GUNICORN_THREADS: threads per worker (gthread). Default 2; 1 means sync workers.
- GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_MAX_REQUESTS(_JITTER), GUNICORN_PRELOAD.

Measured on this machine (2 cores shared with PostgreSQL, and with other test runs: figures +-20 %; the demo
data; production settings with the pool; 8 clients in parallel, 480 lookups each kind, a new HTTP connection
per request; requests/s, median / 95th percentile latency):

    sync     4 workers x 1 thread    point 167-206/s  46/72 ms    address  66-270/s  120/158 ms
    gthread  2 workers x 4 threads   point 190-223/s  28/115 ms   address  78-211/s   75/216 ms
    gthread  3 workers x 4 threads   point 128/s      47/139 ms   address  72/s       95/217 ms
    gthread  2 workers x 8 threads   point 166/s      34/124 ms

gthread 2 x 4 answers as many lookups as sync 4 x 1 with half the processes (memory, and a slow request
does not block a whole worker); more processes than cores only queue behind PostgreSQL.

With the in-process point index (areas/point_index.py) a point lookup is Python work only, and threads
of one process contend for its interpreter lock. `make bench-http` (keep-alive, 16 connections, production
mode, same run conditions) gave for 2 x 4 threads: point lookups 1,499-1,851/s, mixed load 332-478/s with
p99 142-173 ms; for 2 x 2: 1,736/s and 416-482/s with p99 108-128 ms (README "Speed over HTTP"). 2 x 2 is
the default: two threads still overlap one request's wait on the database with another's work.

preload_app: the memory (PSS) of master and 2 workers was 180-249 MB with it, 257-262 MB without (they
share Django's pages).

The database pool of each worker (DATABASE_POOL_MAX) defaults to GUNICORN_THREADS: each thread holds at
most one connection, so the server never has more than WEB_CONCURRENCY x GUNICORN_THREADS of ours.
"""

import os

__all__ = [
    "accesslog",
    "bind",
    "child_exit",
    "errorlog",
    "graceful_timeout",
    "keepalive",
    "max_requests",
    "max_requests_jitter",
    "on_starting",
    "pre_fork",
    "preload_app",
    "threads",
    "timeout",
    "worker_class",
    "worker_tmp_dir",
    "workers",
]


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 2)
# gthread keeps connections alive (sync closes each after one answer); GUNICORN_WORKER_CLASS=gthread with
# GUNICORN_THREADS=1 keeps them alive with one request at a time per process.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or ("gthread" if threads > 1 else "sync")
# A lookup takes milliseconds; 30 s is a request stuck on something. On SIGTERM a worker finishes what it
# has for up to graceful_timeout seconds (a rolling restart loses no request).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = 5
# A worker is replaced after about this many requests (against slow leaks); the jitter keeps the
# workers from restarting all at once. Not sooner: at 2,000 a busy worker was replaced every 2-3 s, which
# cut /healthz from 3,960 to 1,080 req/s (each new worker imports nothing, but warms its caches and point
# index again); scripts/bench_http.py shows no growth of a worker's memory over 150,000 requests.
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 10_000)
# No access log of gunicorn's own: Django's logging says what is worth saying (no personal data such
# as the addresses in lookup URLs written on every request). GUNICORN_ACCESSLOG=- turns it on.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# Django is set up once in the master and the workers fork from it (faster start, shared memory pages).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes", "on")
# Django opens no database connection at start-up; should anything have done so in the master, it must not
# be shared with the workers (two processes on one socket): closed before every fork.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def pre_fork(server, worker):
    """Close the master's database connections and pools, so that no worker inherits one."""
    try:
        from django.db import connections
    except ImportError:
        return
    for conn in connections.all(initialized_only=True):
        conn.close()
        if conn.alias in getattr(conn, "_connection_pools", {}):
            conn.close_pool()


# prometheus-client's multiprocess mode, when PROMETHEUS_MULTIPROC_DIR is set (make prod and docker-compose
# set it): every worker writes its counters to files there and /metrics adds them up (project/metrics.py).
def on_starting(server):
    """Start with an empty metrics directory: a previous run's files would add to this one's counters."""
    from project.metrics_multiprocess import multiprocess_prepare

    multiprocess_prepare()


def child_exit(server, worker):
    """A dead worker's live gauges go; its counters stay counted."""
    from project.metrics_multiprocess import multiprocess_child_exit

    multiprocess_child_exit(server, worker)
