"""JSON log lines with the request id: in the web process, and in a real Celery worker's logs of the tasks
an alert's POST published (the id travels as a task header over the real Redis broker)."""

# ruff: noqa: F811 - the fixtures imported from .workers are the tests' arguments
import io
import json
import logging
import re
import time
from datetime import datetime

import pytest
from django.urls import reverse

from core.logging import JsonFormatter, RequestContextFilter
from tests.alerts.helpers import alert_body
from tests.alerts.test_worker import make_members, wait_done
from tests.factories import circle

from .workers import broker, dead_port, live_worker, worker_env  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the loggers write, through the JSON formatter and the request filter, as parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    loggers = [logging.getLogger(name) for name in ("bin.access", "project.health")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_access_line_carries_the_incoming_request_id(client, settings, json_lines):
    settings.BIN_ACCESS_LOG = True
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42:x_y")
    assert response["X-Request-ID"] == "lb-7f3a.42:x_y"
    (line,) = json_lines()
    assert line["request_id"] == "lb-7f3a.42:x_y"
    assert line["logger"] == "bin.access" and line["level"] == "INFO"
    assert (line["route"], line["method"], line["status"]) == ("healthz", "GET", 200)
    assert isinstance(line["duration_ms"], float)
    assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0
    assert line["message"].startswith("GET healthz 200 ")


@pytest.mark.parametrize("sent", ["two words", "x" * 101, "a\nb", "<script>", ""])
def test_insane_request_ids_are_replaced(client, sent, settings, json_lines):
    settings.BIN_ACCESS_LOG = True
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert json_lines()[0]["request_id"] == response["X-Request-ID"]


def test_lines_inside_a_request_carry_id_and_route(client, settings, dead_port, json_lines, monkeypatch):
    monkeypatch.setattr("project.health._last_failing", None)  # readiness is logged when it changes
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{dead_port}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz", HTTP_X_REQUEST_ID="probe-1")
    assert response.status_code == 503
    (line,) = [x for x in json_lines() if x["logger"] == "project.health"]
    assert line["level"] == "WARNING" and line["message"].startswith("not ready: ")
    assert (line["request_id"], line["route"]) == ("probe-1", "readyz")
    # The next probe finds the same failure: no new line (a probe every few seconds would flood the log).
    assert client.get("/readyz").status_code == 503
    assert len([x for x in json_lines() if x["logger"] == "project.health"]) == 1


def test_plain_is_the_default_and_json_when_asked(settings):
    from django.conf import settings as django_settings

    assert django_settings.LOG_FORMAT == "plain"
    assert django_settings.LOGGING["handlers"]["console"]["formatter"] == "plain"


@pytest.mark.slow
def test_worker_logs_carry_the_request_id_of_the_post(town, live_worker, worker_env, api):
    live_worker.env.update(LOG_FORMAT="json")
    make_members(town, 30)
    live_worker.start()
    api.force_authenticate(town.police)
    response = api.post(
        reverse("api:alert-list"),
        alert_body(circle(500, 500, 1500)),
        format="json",
        HTTP_X_REQUEST_ID="alert-post-0042",
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "alert-post-0042"
    from alerts.models import Alert

    alert = Alert.objects.get(pk=response.json()["id"])
    assert alert.deliveries.count() >= 30
    wait_done(alert, live_worker)
    time.sleep(0.5)  # the "succeeded" lines follow the last status update
    live_worker.stop()

    lines = []
    for text in live_worker.log.read_text().splitlines():
        if text.startswith("{"):
            lines.append(json.loads(text))  # every JSON-looking line parses
    task_lines = [x for x in lines if x.get("task") == "alerts.tasks.deliver_batch"]
    assert task_lines, live_worker.tail()
    assert {x["request_id"] for x in task_lines} == {"alert-post-0042"}
    assert any("succeeded" in x["message"] for x in task_lines)
    assert {"time", "level", "logger", "message"} <= set(task_lines[0])
    # The worker's own lines (not in a task) have no request id.
    assert any(x["request_id"] is None and "ready" in x["message"] for x in lines)


# --- Sentry: off by default, on when SENTRY_DSN is set, members' data stripped -------------------------

SENTRY_PROBE = """
import django, json, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "pii": client.options["send_default_pii"],
    "before_send": client.options["before_send"].__module__ + "." + client.options["before_send"].__name__,
    "integrations": sorted(client.integrations),
}))
"""


def test_sentry_off_by_default_on_when_set(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    import sentry_sdk
    from django.conf import settings as django_settings

    assert django_settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()
    # A DSN on a loopback port nothing listens on: nothing is captured, nothing leaves the machine.
    env = {**os.environ, "SENTRY_DSN": "http://publickey@127.0.0.1:9/1"}
    out = subprocess.run(
        [sys.executable, "-c", SENTRY_PROBE],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        check=True,
        timeout=60,
    )
    state = json.loads(out.stdout.decode().strip().splitlines()[-1])
    assert state["active"] is True and state["pii"] is False
    assert state["before_send"] == "project.sentry.scrub_event"
    assert {"django", "celery"} <= set(state["integrations"])


def test_sentry_events_lose_bodies_cookies_and_users():
    from project.sentry import scrub_event

    event = {
        "request": {
            "url": "https://bin.example.be/api/members/",
            "data": {"name": "Jan Peeters", "mobile": "+32470000000"},
            "cookies": {"sessionid": "abc"},
            "query_string": "address=Kerkstraat+3",
            "headers": {"Cookie": "sessionid=abc", "Authorization": "Basic x", "User-Agent": "curl"},
        },
        "user": {"id": 7, "email": "jan@example.be"},
        "exception": {"values": [{"type": "ValueError"}]},
    }
    scrubbed = scrub_event(event, {})
    assert scrubbed["request"] == {
        "url": "https://bin.example.be/api/members/",
        "headers": {"User-Agent": "curl"},
    }
    assert "user" not in scrubbed and scrubbed["exception"]
