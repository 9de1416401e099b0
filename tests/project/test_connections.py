"""Database connections that cannot run out: 200 lookups at once against real servers on loopback.

The development server as `make run` starts it (runserver, local settings: psycopg's pool of
DATABASE_POOL_MAX connections) and gunicorn with production settings (project/gunicorn.conf.py: workers x
threads, a pool per worker) run as subprocesses against the test database, which holds the test town
committed (transaction=True). 200 client threads ask point and address lookups over HTTP at once. No request
may fail, and the server's connections to the database (pg_stat_activity, sampled all along) never exceed
the bound: DATABASE_POOL_MAX for runserver, WEB_CONCURRENCY x DATABASE_POOL_MAX for gunicorn. Before the pool,
runserver kept a connection per thread (CONN_MAX_AGE=60) and answered "too many clients" (500) here.
A pool that cannot give a connection in time answers 503 with a message (core.pool), not 500.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from django.db import connection

from tests.factories import latlon

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("BIN_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")
CLIENTS = 200
POOL_MAX = 4
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgis://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_env(tmp_path: Path, port: int) -> dict:
    """What production settings need to start, for plain HTTP on loopback (as `make prod` sets it)."""
    static = tmp_path / "static"
    static.mkdir(exist_ok=True)
    return {
        "DJANGO_SETTINGS_MODULE": "project.settings.production",
        "SECRET_KEY": "test-connections-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": BROKER_URL,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }


class Server:
    """A server subprocess in its own process group (killed with its children, whatever happens)."""

    def __init__(self, argv: list[str], env: dict, port: int, log: Path):
        self.port, self.log = port, log
        self.log_file = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1", **env},
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, path: str, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(self.url(path), timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the server did not answer:\n{self.tail()}")

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log_file.close()


class ConnectionCounter:
    """Samples the database's client connections other than this process's own, every 20 ms."""

    def __init__(self):
        import psycopg

        db = connection.settings_dict
        self.name = db["NAME"]
        self.conn = psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        connection.ensure_connection()
        self.own = {connection.connection.info.backend_pid, self.conn.info.backend_pid}
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def count(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
            "AND NOT (pid = ANY(%s))",
            (self.name, list(self.own)),
        ).fetchone()
        return row[0]

    def _run(self):
        while not self._stop.is_set():
            self.samples.append(self.count())
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        self.after = self.count()
        self.conn.close()


def lookups(server: Server) -> list[str]:
    """CLIENTS lookups at once (half by position, half by address); the failures, as text."""
    lat, lon = latlon(500, 500)
    paths = [
        f"/api/lookup/?lat={lat}&lon={lon}"
        if i % 2
        else "/api/lookup/?" + urllib.parse.urlencode({"address": f"Kerkstraat {1 + i % 30}, 9990 Teststad"})
        for i in range(CLIENTS)
    ]
    start = threading.Barrier(CLIENTS)

    def one(path):
        start.wait()
        try:
            r = httpx.get(server.url(path), headers={"Accept": "application/json"}, timeout=60)
        except httpx.HTTPError as e:
            return f"{path}: {e!r}"
        if r.status_code != 200:
            return f"{path}: {r.status_code} {r.text[:200]}"
        return None

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [f for f in pool.map(one, paths) if f]


def run_and_count(server: Server, bound: int):
    with ConnectionCounter() as counter:
        failures = lookups(server)
    assert not failures, f"{len(failures)} of {CLIENTS} failed, e.g. {failures[:3]}\n{server.tail()}"
    assert max(counter.samples) <= bound, f"{max(counter.samples)} connections > {bound}"
    assert counter.after <= bound
    # The lookups did reach the database through the server (a counter that saw nothing proves nothing).
    assert max(counter.samples) >= 1
    return counter


def test_runserver_like_make_run_keeps_its_connections_bounded(town, tmp_path):
    port = free_port()
    env = {"DJANGO_SETTINGS_MODULE": "project.settings.local", "DATABASE_POOL_MAX": str(POOL_MAX)}
    # As `make run` starts it, without the autoreloader: a file saved in the checkout meanwhile would restart
    # it in the middle of the lookups (connection refused).
    argv = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    server = Server(argv, env, port, tmp_path / "runserver.log")
    try:
        server.wait("/api/lookup/?address=Kerkstraat%201")
        counter = run_and_count(server, POOL_MAX)
        print(f"runserver: at most {max(counter.samples)} connections, {counter.after} after")
    finally:
        server.stop()


def test_gunicorn_with_production_settings_keeps_its_connections_bounded(town, tmp_path):
    port = free_port()
    env = {
        **production_env(tmp_path, port),
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_THREADS": str(POOL_MAX),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = Server(
        [str(gunicorn), "-c", "project/gunicorn.conf.py", "project.wsgi"],
        env,
        port,
        tmp_path / "gunicorn.log",
    )
    try:
        server.wait("/api/lookup/?address=Kerkstraat%201")
        counter = run_and_count(server, WORKERS * POOL_MAX)
        print(f"gunicorn: at most {max(counter.samples)} connections, {counter.after} after")
    finally:
        server.stop()


def test_a_pool_that_cannot_serve_in_time_answers_503_with_a_message(town, tmp_path):
    """A pool of one connection that a request waits at most 10 ms for, under 40 lookups at once (16 threads):
    some requests wait longer and must get 503 with a message and Retry-After; none may get a 500."""
    port = free_port()
    env = {
        **production_env(tmp_path, port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "16",
        "DATABASE_POOL_MAX": "1",
        "DATABASE_POOL_TIMEOUT": "0.01",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = Server(
        [str(gunicorn), "-c", "project/gunicorn.conf.py", "project.wsgi"],
        env,
        port,
        tmp_path / "gunicorn.log",
    )
    try:
        server.wait("/api/lookup/?address=Kerkstraat%201")
        path = "/api/lookup/?" + urllib.parse.urlencode({"address": "Kerkstraat 12, 9990 Teststad"})
        start = threading.Barrier(40)

        def one(_):
            start.wait()
            return httpx.get(
                server.url(path), headers={"Accept": "application/json", "Accept-Language": "en"}, timeout=30
            )

        with ThreadPoolExecutor(40) as pool:
            responses = list(pool.map(one, range(40)))
        codes = sorted({r.status_code for r in responses})
        assert set(codes) <= {200, 503}, codes
        busy = [r for r in responses if r.status_code == 503]
        assert busy, "no request waited longer than the pool's timeout: the test proves nothing"
        assert busy[0].json()["detail"] == "The service is busy. Please try again in a moment."
        assert busy[0].headers["Retry-After"] == "5"
    finally:
        server.stop()
