"""/metrics: each series after real requests and deliveries, queue lengths on the real Redis broker, several
processes added up in multiprocess mode, and who may read it."""

# ruff: noqa: F811 - the fixtures imported from .workers are the tests' arguments
import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from alerts.models import Delivery
from alerts.tasks import deliver_batch
from tests.factories import lonlat, member_at

from .workers import BROKER_URL, broker  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def scrape(client, **extra) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for s in family.samples:
            samples[s.name, frozenset(s.labels.items())] = s.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_and_lookups_by_route_and_match(client, town):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/api/lookup/", {"address": "Kerkstraat 3, 9990 Teststad"}).status_code == 200
    assert client.get("/api/lookup/", {"address": "Nergensstraat 1, 9990 Teststad"}).status_code == 404
    assert client.get("/api/streets/", {"q": "kerk"}).status_code == 200
    assert client.get(reverse("maps:lookup"), {"q": "Kerkstraat 3, 9990 Teststad"}).status_code == 200
    lon, lat = lonlat(500, 500)  # inside BIN Alfa
    assert client.get("/api/lookup/", {"lat": lat, "lon": lon}).status_code == 200
    assert client.get("/no/such/page/4711/").status_code == 404
    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    count = "bin_http_request_duration_seconds_count"
    assert delta(count, route="api:lookup", method="GET", status="2xx") == 4
    assert delta(count, route="api:lookup", method="GET", status="4xx") == 1
    assert delta(count, route="unmatched", method="GET", status="4xx") == 1
    assert delta("bin_http_request_duration_seconds_sum", route="api:lookup", method="GET", status="2xx") > 0
    assert delta(count, route="metrics", method="GET", status="2xx") == 1  # the first scrape
    assert delta("bin_lookups_total", kind="address", match="exact") == 4
    assert delta("bin_lookups_total", kind="address", match="none") == 1
    assert delta("bin_lookups_total", kind="street", match="found") == 1
    assert delta("bin_lookups_total", kind="point", match="covered") == 1
    # No path, id or query text in any label.
    labels = {v for (_name, ls) in after for _k, v in ls}
    assert not [v for v in labels if "/" in v or "Kerkstraat" in v or "4711" in v]


def test_deliveries_errors_and_oldest_queued(client, town, send_alert):
    for i in range(4):
        member_at(400 + i * 10, 500, town.alfa, mobile=f"+3247100000{i}", email=f"m{i}@example.be")
    alert = send_alert(town.police, center=(500, 500))
    sent = alert.deliveries.filter(status="sent")
    assert sent.count() >= 4
    failed, retrying, waiting = list(sent.order_by("id")[:3])
    Delivery.objects.filter(pk=failed.pk).update(
        status="failed", last_error="gateway answered HTTP 500; gave up after 3 attempts"
    )
    Delivery.objects.filter(pk=retrying.pk).update(status="queued", last_error="timed out after 10.0 s")
    Delivery.objects.filter(pk=waiting.pk).update(
        status="queued", created=timezone.now() - timedelta(minutes=10)
    )
    # Older than the window: not counted.
    Delivery.objects.filter(pk=alert.deliveries.order_by("-id")[0].pk).update(
        created=timezone.now() - timedelta(days=3)
    )
    samples = scrape(client)

    expected: dict[tuple[str, str], int] = {}
    for channel, status in Delivery.objects.filter(
        created__gte=timezone.now() - timedelta(hours=48)
    ).values_list("channel", "status"):
        expected[channel, status] = expected.get((channel, status), 0) + 1
    got = {
        (dict(ls)["channel"], dict(ls)["status"]): v
        for (name, ls), v in samples.items()
        if name == "bin_deliveries_recent"
    }
    assert got == expected
    errors = "bin_delivery_errors_recent"
    assert value(samples, errors, channel=failed.channel, status="failed", reason="http_5xx") == 1
    assert value(samples, errors, channel=retrying.channel, status="queued", reason="timeout") == 1
    age = value(samples, "bin_delivery_oldest_queued_age_seconds")
    assert 600 <= age < 700
    assert value(samples, "bin_metrics_source_up", source="database") == 1


@pytest.mark.slow
def test_queue_lengths_on_the_broker(client, broker, settings):
    settings.CELERY_BROKER_URL = BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    for _ in range(3):
        deliver_batch.apply_async(args=[[1]], queue="urgent")
    deliver_batch.apply_async(args=[[2]], queue="bulk", priority=6)
    samples = scrape(client)
    assert value(samples, "bin_celery_queue_length", queue="urgent") == 3
    assert value(samples, "bin_celery_queue_length", queue="bulk") == 1
    assert value(samples, "bin_celery_queue_length", queue="default") == 0
    assert value(samples, "bin_metrics_source_up", source="broker") == 1


def test_refused_unless_allowed(client, settings):
    settings.BIN_METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # Through a local proxy nobody declared: the loopback address is the proxy's, not the client's.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 403
    )
    ok = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus"
    )
    assert ok.status_code == 200
    settings.BIN_METRICS_ALLOWED = ["203.0.113.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback no longer listed


SERVE = """
import django, sys
django.setup()
from django.test import Client
c = Client()
for _ in range(int(sys.argv[1])):
    assert c.get("/healthz").status_code == 200
if sys.argv[2] == "scrape":
    sys.stdout.write(c.get("/metrics").content.decode())
"""


def test_multiprocess_mode_adds_processes_up(tmp_path):
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"),
        "DJANGO_SETTINGS_MODULE": "project.settings.test",
        "DATABASE_URL": f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    (tmp_path / "prom").mkdir()
    (tmp_path / "prom" / "counter_99999.db").write_bytes(b"stale")  # a previous run's file
    env_prepare = {**env}
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from project.metrics_multiprocess import multiprocess_prepare; multiprocess_prepare()",
        ],
        cwd=ROOT,
        env=env_prepare,
        check=True,
        timeout=60,
    )
    assert list((tmp_path / "prom").iterdir()) == []
    run = [sys.executable, "-c", SERVE]
    subprocess.run([*run, "2", "-"], cwd=ROOT, env=env, check=True, timeout=60)
    out = subprocess.run(
        [*run, "3", "scrape"], cwd=ROOT, env=env, check=True, timeout=60, capture_output=True
    )
    samples = {}
    for family in text_string_to_metric_families(out.stdout.decode()):
        for s in family.samples:
            samples[s.name, frozenset(s.labels.items())] = s.value
    assert (
        value(samples, "bin_http_request_duration_seconds_count", route="healthz", method="GET", status="2xx")
        == 5
    )


def test_dashboard_names_only_series_we_export():
    dashboard = json.loads((ROOT / "docs" / "grafana-dashboard.json").read_text())
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    used = {re.sub(r"_(bucket|count|sum)$", "", n) for n in re.findall(r"\bbin_[a-z_]+", exprs)}
    source = (ROOT / "core" / "metrics.py").read_text() + (ROOT / "project" / "metrics.py").read_text()
    exported = set(re.findall(r'"(bin_[a-z_]+)"', source))
    assert used and used <= exported, used - exported
