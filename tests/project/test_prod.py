"""`make prod` end to end: `scripts/dev.sh prod` starts the production stack on this machine, then
`scripts/dev.sh stop-prod` ends every process it started.

It runs on a free port, in its own run folder (BIN_RUN_DIR), against the test database (DATABASE_URL; the
test town committed, so no demo data is loaded) and this test's Redis database, so that it never meets a
`make run` or `make prod` of the same machine. It proves: /readyz answers 200 (gunicorn up, both Celery
workers heard), a lookup answers, an urgent alert sent through the API reaches the file SMS backend through
the real urgent worker, and after stop-prod no process of the stack (nor any child of theirs) is left.

The alert is sent by police, who log in with two factors in production. The test does not weaken that: it
makes, in-process, the session a completed two-factor login would have made (a confirmed TOTP device and
the session marked verified with it, signed with the stack's own secret key, which this test writes into
the run folder before start-up and dev.sh reuses), and the API call goes over HTTP with that session
cookie and its CSRF token, through every middleware production runs.
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django.utils.crypto import get_random_string

from alerts.models import Delivery
from tests.alerts.test_worker import BROKER_URL, broker, make_members, sms_lines  # noqa: F401 - fixture
from tests.factories import circle, latlon

from .test_connections import database_url, free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("web", "worker-urgent", "worker-bulk", "beat")
# collectstatic takes ~45 s with its gzip and brotli files: kept between runs (var/ is not in git), dev.sh
# collects again only when a static file or the dependencies changed.
STATIC_ROOT = ROOT / "var" / "test-prod-static"


def dev_sh(command: str, env: dict, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "scripts/dev.sh", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def alive(pid: int) -> bool:
    """Whether the process or anything in its process group (its workers) still runs."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture
def stack(tmp_path, broker):  # noqa: F811
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    secret = get_random_string(60)
    (run_dir / "secret_key").write_text(secret + "\n")
    port = free_port()
    env = {
        **os.environ,
        "BIN_RUN_DIR": str(run_dir),
        "BIN_PORT": str(port),
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CACHE_URL": BROKER_URL,
        "STATIC_ROOT": str(STATIC_ROOT),
        "BIN_SMS_FILE_PATH": str(tmp_path / "sms"),
        "WEB_CONCURRENCY": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    info = {"env": env, "run_dir": run_dir, "port": port, "secret": secret, "pids": []}
    try:
        yield info
    finally:
        dev_sh("stop-prod", env, timeout=120)
        for pid in info["pids"]:
            if alive(pid):
                os.killpg(pid, signal.SIGKILL)


def verified_police_session(user, secret: str) -> str:
    """The session key of a completed two-factor login of `user`, as the stack (its SECRET_KEY) reads it."""
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    with override_settings(SECRET_KEY=secret):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "access.backends.AccountBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["otp_device_id"] = device.persistent_id
        session.create()
    return session.session_key


def assert_static_files_resolve(http: httpx.Client, pages: list[str]):
    """Each page renders with the manifest (a name missing from it is a 500), and each static file it names
    is served by WhiteNoise under its hashed name, brotli-compressed, cached for ever."""
    seen = set()
    for page in pages:
        response = http.get(page)
        assert response.status_code == 200, f"{page}: {response.status_code}"
        seen |= set(re.findall(r"/static/[^\"' )]+", response.text))
    # Leaflet and the map scripts (maps/), the admin's, Swagger UI's (drf-spectacular-sidecar).
    assert any("/static/maps/" in u for u in seen) and any("/static/admin/" in u for u in seen), seen
    for url in seen:
        static = http.get(url, headers={"Accept-Encoding": "br"})
        assert static.status_code == 200, url
        assert re.search(r"\.[0-9a-f]{12}\.", url), f"not a hashed name: {url}"
        assert "immutable" in static.headers["cache-control"], url
        if url.endswith((".js", ".css")):
            assert static.headers.get("content-encoding") == "br", url


def test_make_prod_serves_sends_alerts_and_stops_cleanly(town, stack):
    members = make_members(town, 20)
    started = dev_sh("prod", stack["env"], timeout=300)
    run_dir = stack["run_dir"]
    stack["pids"] = [int((run_dir / f"{name}.pid").read_text()) for name in SERVICES]
    assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
    assert "admin / admin" in started.stdout and f":{stack['port']}/" in started.stdout
    assert (run_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (run_dir / "secret_key").read_text().strip() == stack["secret"]

    base = f"http://127.0.0.1:{stack['port']}"
    with httpx.Client(base_url=base, headers={"Accept-Language": "en"}, timeout=30) as http:
        assert http.get("/readyz").status_code == 200
        lat, lon = latlon(500, 500)
        lookup = http.get("/api/lookup/", params={"lat": lat, "lon": lon})
        assert lookup.status_code == 200
        assert "bin-alfa" in {n["slug"] for n in lookup.json()["networks"]}

        # Dynamic answers are gzipped (GZipMiddleware); httpx asked for it.
        assert lookup.headers["content-encoding"] == "gzip"
        assert_static_files_resolve(
            http,
            [
                reverse("maps:lookup"),
                "/admin/login/",
                "/api/docs/",
                reverse("maps:municipality", args=[town.muni.nis_code]),
            ],
        )

        csrf = get_random_string(32)
        http.cookies.set("sessionid", verified_police_session(town.police, stack["secret"]))
        http.cookies.set("csrftoken", csrf)
        response = http.post(
            "/api/alerts/",
            json={
                "perimeter": circle(200, 150, 300),
                "category": "burglary",
                "urgency": "urgent",
                "message": "Inbraak in de Kerkstraat, let op.",
            },
            headers={"X-CSRFToken": csrf},
        )
        assert response.status_code == 201, response.text[:500]

    expected = {m.mobile for m in members}
    deadline = time.monotonic() + 60
    while {line["to"] for line in sms_lines(stack["env"])} != expected and time.monotonic() < deadline:
        time.sleep(0.3)
    assert {line["to"] for line in sms_lines(stack["env"])} == expected, (
        run_dir / "worker-urgent.log"
    ).read_text()[-3000:]
    assert set(Delivery.objects.filter(channel="sms").values_list("status", flat=True)) == {"sent"}

    stopped = dev_sh("stop-prod", stack["env"], timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    assert not [pid for pid in stack["pids"] if alive(pid)]
    assert not list(run_dir.glob("*.pid"))
