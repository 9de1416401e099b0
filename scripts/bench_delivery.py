"""Benchmark the delivery path as docker-compose runs it: urgent and bulk workers, a gateway, an SMTP server.

    make bench-delivery                                   # full size
    make bench-delivery ARGS="--members 200000 --sms 2000 --emails 5000 --reuse"   # a quick run
    .venv/bin/python scripts/bench_delivery.py --paths http,file --sms 10000,100000 --emails 100000

The database needs "bench" in its name (the Makefile target uses bin_gis_bench_delivery): the synthetic
country of scripts/bench_alerts.py is built there (its helpers, not a copy: 100 km x 100 km, four police
zones, members spread uniformly, each with a mobile number and an e-mail address), and every run empties
the alert tables. Redis at BENCH_BROKER_URL (default redis://127.0.0.1:6379/7) is emptied.

The workers are what docker-compose.yml starts, as separate `celery worker` processes on this machine:
`-Q urgent --concurrency=2` and `-Q bulk,default --concurrency=2`. The SMS go through the HTTP gateway
simulator (alerts/gateway_simulator/http.py, in a thread of this process): --latency-ms 50, --error-rate
0.01 (transient 503s), a provider limit of --rate 2000 messages/s (the workers share it through Redis,
alerts/ratelimit.py), delivery receipts --receipt-delay-ms after acceptance, POSTed to the receipt endpoint
served here on loopback. The e-mail goes to an aiosmtpd server on loopback. It prints, per --sms size:
the time from alert_send to the last message accepted (targets: 10,000 ≤ 10 s, 100,000 ≤ 60 s); p50/p99 of
the time from send to accepted (ProviderMessage.created, written as the gateway answers) and to delivered
(Delivery.receipt_at); messages/s per worker process; the peak resident memory (VmHWM) of the urgent
worker and its pool children (target ≤ 300 MB); then the same fan-out through the file backend, beside it.
Then a --emails non-urgent e-mail fan-out, and during it an urgent alert whose first SMS is accepted after
how long (target ≤ 1 s).
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
RECEIPT_SECRET = "bench-receipt-secret"
os.environ.setdefault("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
os.environ["BIN_SMS_GATEWAY_RECEIPT_SECRET"] = RECEIPT_SECRET

import bench_alerts  # noqa: E402  (sets up Django on the bench database, project.settings.local)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from access.models import Role  # noqa: E402
from alerts.services import alert_create, alert_prepare, alert_send  # noqa: E402
from areas.models import PoliceZone  # noqa: E402
from core.geometry import to_wgs84  # noqa: E402
from members.models import Member  # noqa: E402

BROKER = bench_alerts.BROKER
WORK = Path(tempfile.mkdtemp(prefix="bench-delivery-"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the servers on loopback -------------------------------------------------------------------------


def receipt_server() -> tuple[str, object]:
    """This project's WSGI app on a threaded loopback server: the gateway's receipts reach the real view."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", free_port(), get_wsgi_application(), Server, Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/api/gateway/receipts/", server


class SmtpCounter:
    """An aiosmtpd server that counts the messages it takes (and keeps nothing)."""

    def __init__(self):
        import logging

        from aiosmtpd.controller import Controller

        counter = self
        self.count = 0

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                counter.count += 1
                return "250 OK"

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


# --- the workers -------------------------------------------------------------------------------------


class Workers:
    """The urgent and the bulk `celery worker`, as docker-compose.yml starts them; environment per path."""

    def __init__(self, env: dict):
        self.env, self.procs = env, {}

    def start(self, name: str, queues: str, **extra) -> None:
        self.stop(name)
        log = WORK / f"{name}.log"
        self.procs[name] = subprocess.Popen(
            [
                *(str(Path(sys.executable).with_name("celery")), "-A", "project", "worker", "-Q", queues),
                *("--pool=prefork", "--concurrency=2", "--loglevel=WARNING", "--without-gossip"),
                *("--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"),
            ],
            cwd=ROOT,
            env={**os.environ, **self.env, **extra},
            stdout=open(log, "a"),  # noqa: SIM115 - the worker keeps it
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        from project.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(destination=[f"{name}@{socket.gethostname()}"], timeout=0.5):
                return
        raise SystemExit(f"the {name} worker did not start; see {log}")

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(60)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def peak_rss_mb(self, name: str) -> list[float]:
        """VmHWM (peak resident set) of the worker's main process and each pool child, in MB."""
        pid = self.procs[name].pid
        pids = [pid]
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
        peaks = []
        for p in pids:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return peaks


def gateway_env(sim_url: str, args) -> dict:
    return {
        "BIN_SMS_BACKEND": "alerts.backends.http.HttpGatewayBackend",
        "BIN_SMS_GATEWAY_URL": f"{sim_url}/messages",
        "BIN_SMS_GATEWAY_BATCH_SIZE": str(args.gateway_batch),
        "BIN_SMS_GATEWAY_RATE": str(args.rate),
        "BIN_SMS_GATEWAY_RATE_REDIS_URL": BROKER,
        # Transient errors come back quickly, as the provider would want them.
        "BIN_DELIVERY_RETRY_BACKOFF": "1",
    }


# --- alerts and what the database says about them ----------------------------------------------------


def officer_and_zone():
    zone = PoliceZone.objects.get(code="bench-0-0")
    officer, _ = get_user_model().objects.get_or_create(username="bench-officer")
    Role.objects.get_or_create(user=officer, kind=Role.Kind.POLICE, police_zone=zone)
    return officer, zone


def draft(officer, zone, *, urgency: str, recipients: int, density: float):
    """A draft alert on a circle around the zone's centre holding about `recipients` approved members."""
    import math

    center = to_wgs84(zone.boundary.centroid)
    # density members per km², 90 % approved (a few more through the BIN-Z): about right, and measured.
    radius = math.sqrt(recipients / (density * 0.9 * math.pi)) * 1000
    data = alert_prepare(
        user=officer,
        category="burglary",
        urgency=urgency,
        message="Benchmark: inbraak, let op.",
        center=[center.x, center.y],
        radius_m=radius,
    )
    return alert_create(user=officer, data=data)


def empty_outbox() -> None:
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    with connection.cursor() as cur:
        # alerts_providermessage too: its foreign key has no constraint (insert-only, for the fan-out's HOT
        # updates), so CASCADE does not reach it, and its stale ids would take the new run's receipts.
        cur.execute(
            "TRUNCATE alerts_delivery, alerts_providermessage, alerts_reaction, alerts_reactionnotice CASCADE"
        )
        cur.execute("VACUUM ANALYZE alerts_delivery")


def pending(alert) -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM alerts_delivery WHERE alert_id = %s AND status IN ('queued', 'sending')",
            [alert.pk],
        )
        return cur.fetchone()[0]


def wait_done(alert, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pending(alert):
            return True
        time.sleep(0.25)
    return False


TIMES = """
    WITH t AS (
        SELECT d.id, EXTRACT(EPOCH FROM COALESCE(
                   (SELECT min(pm.created) FROM alerts_providermessage pm WHERE pm.delivery_id = d.id),
                   d.sent_at) - %(t0)s) AS accepted,
               EXTRACT(EPOCH FROM d.receipt_at - %(t0)s) AS delivered, d.status
        FROM alerts_delivery d WHERE d.alert_id = %(alert)s
    )
    SELECT count(*), count(accepted), min(accepted), max(accepted),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY accepted),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY accepted),
           count(delivered) FILTER (WHERE status = 'delivered'),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY delivered),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY delivered)
    FROM t
"""


def times(alert, t0) -> dict:
    with connection.cursor() as cur:
        cur.execute(TIMES, {"t0": t0, "alert": alert.pk})
        keys = ("total", "accepted", "first", "last", "p50", "p99", "delivered", "d50", "d99")
        return dict(zip(keys, cur.fetchone(), strict=True))


def wait_receipts(alert, t0, timeout: float) -> dict:
    """Wait until the receipts stop coming (or all are in); the times then."""
    deadline, seen, still = time.monotonic() + timeout, -1, 0
    while time.monotonic() < deadline:
        now = times(alert, t0)
        if now["delivered"] >= now["accepted"]:
            return now
        still = still + 1 if now["delivered"] == seen else 0
        if still >= 12:  # 3 s without a new receipt
            return now
        seen = now["delivered"]
        time.sleep(0.25)
    return times(alert, t0)


# --- the runs ----------------------------------------------------------------------------------------


def sms_run(officer, zone, n: int, args, workers: Workers, path: str) -> dict:
    """One urgent fan-out of about n SMS on `path`; its times, rate and the urgent worker's peak memory."""
    empty_outbox()
    alert = draft(officer, zone, urgency="urgent", recipients=n, density=args.density)
    t0 = timezone.now()
    alert = alert_send(alert=alert, user=officer)
    done = wait_done(alert, timeout=args.timeout)
    result = times(alert, t0)
    if path == "http" and args.receipt_delay_ms >= 0:
        result = wait_receipts(alert, t0, timeout=args.receipt_delay_ms / 1000 + 120)
    result.update(done=done, recipients=alert.recipients, rss=workers.peak_rss_mb("urgent"))
    return result


def sms_report(n: int, http: dict | None, file: dict | None) -> None:
    target = {10_000: 10, 100_000: 60}.get(n)
    print(f"\n{n:,} urgent SMS" + (f" (target: last accepted ≤ {target} s after send)" if target else ""))
    print(f"  {'':40}{'HTTP simulator':>19}{'file backend':>19}")

    def row(label, fn):
        cells = [fn(r) if r else "—" for r in (http, file)]
        print(f"  {label:40}{cells[0]:>19}{cells[1]:>19}")

    def seconds(value):
        return f"{value:.2f} s" if value is not None else "n/a"

    row("recipients (accepted)", lambda r: f"{r['recipients']:,} ({r['accepted']:,})")
    row("send → last accepted", lambda r: seconds(r["last"]) + ("" if r["done"] else " (timeout)"))
    row("send → first accepted", lambda r: seconds(r["first"]))
    row("per message, send → accepted: p50", lambda r: seconds(r["p50"]))
    row("per message, send → accepted: p99", lambda r: seconds(r["p99"]))
    row("delivered (receipts in)", lambda r: f"{r['delivered']:,}")
    row("per message, send → delivered: p50", lambda r: seconds(r["d50"]))
    row("per message, send → delivered: p99", lambda r: seconds(r["d99"]))
    # Two pool processes in the urgent worker do the sending.
    row(
        "messages/s per worker process",
        lambda r: f"{r['accepted'] / r['last'] / 2:,.0f}" if r["last"] else "",
    )
    row("peak RSS, worker main/pool/pool (MB)", lambda r: "/".join(f"{m:.0f}" for m in r["rss"]))


def urgent_during_emails(officer, zone, args, workers: Workers, smtp: SmtpCounter) -> None:
    """A --emails non-urgent fan-out in the bulk worker and, once it runs, an urgent alert's first SMS."""
    empty_outbox()
    notice = draft(officer, zone, urgency="non_urgent", recipients=args.emails, density=args.density)
    urgent = draft(officer, zone, urgency="urgent", recipients=args.urgent_during, density=args.density)
    start_count = smtp.count
    t_mail = time.perf_counter()
    notice = alert_send(alert=notice, user=officer)
    while (
        smtp.count - start_count < min(2000, notice.recipients // 10) and time.perf_counter() - t_mail < 120
    ):
        time.sleep(0.05)
    mails_then = smtp.count - start_count
    t0 = timezone.now()
    urgent = alert_send(alert=urgent, user=officer)
    wait_done(urgent, timeout=60)
    first = times(urgent, t0)
    done = wait_done(notice, timeout=args.timeout)
    t_all = time.perf_counter() - t_mail
    rss = workers.peak_rss_mb("bulk")
    print(f"\n{notice.recipients:,} non-urgent e-mails (aiosmtpd on loopback) in the bulk worker")
    print(
        f"  an urgent alert ({urgent.recipients:,} SMS) sent with {mails_then:,} mails out:"
        f" first SMS accepted {first['first']:.2f} s after send, last {first['last']:.2f} s"
        " (target: first ≤ 1 s)"
    )
    mails = smtp.count - start_count
    print(
        f"  the e-mail fan-out: {mails:,} mails in {t_all:.1f} s ({mails / t_all:,.0f}/s,"
        f" {mails / t_all / 2:,.0f}/s per worker process){'' if done else ' (timeout)'};"
        f" peak RSS of the bulk worker: {' + '.join(f'{m:.0f}' for m in rss)} MB"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the country of a previous run")
    parser.add_argument("--sms", default="10000,100000", help="urgent SMS fan-out sizes, comma-separated")
    parser.add_argument("--emails", type=int, default=100_000, help="0: no e-mail run")
    parser.add_argument("--urgent-during", type=int, default=1000, help="SMS of the alert sent meanwhile")
    parser.add_argument("--paths", default="http,file", help="http (the gateway simulator), file, or both")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--error-rate", type=float, default=0.01)
    parser.add_argument("--rate", type=float, default=2000.0, help="the provider's limit, messages/s")
    parser.add_argument("--gateway-batch", type=int, default=50, help="messages per gateway request")
    parser.add_argument("--receipt-delay-ms", type=float, default=1000.0, help="-1: no receipts")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for a fan-out")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sms.split(",") if s.strip()]
    paths = set(args.paths.split(","))
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to run on database {name!r}: its name must contain 'bench'")
    call_command("migrate", verbosity=0)
    if not (args.reuse and Member.objects.exists()):
        bench_alerts.build_country(args.members)
    args.density = Member.objects.count() / 10_000  # members per km² of the 100 km x 100 km country
    officer, zone = officer_and_zone()
    run(officer, zone, sizes, paths, args)


def run(officer, zone, sizes, paths, args) -> None:
    from alerts.gateway_simulator.http import HttpGatewaySimulator

    receipt_url, web = receipt_server()
    smtp = SmtpCounter()
    mail_env = {
        "BIN_ALERT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
    }
    file_env = {"BIN_SMS_BACKEND": "alerts.backends.sms.FileBackend", "BIN_SMS_FILE_PATH": str(WORK / "sms")}
    sim = HttpGatewaySimulator(
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        rate=args.rate,
        receipt_url=receipt_url if args.receipt_delay_ms >= 0 else "",
        receipt_secret=RECEIPT_SECRET,
        receipt_delay_ms=max(args.receipt_delay_ms, 0),
    ).start()
    workers = Workers({**mail_env, "DEBUG": "0"})
    results: dict[tuple[int, str], dict] = {}
    print(
        f"\nworkers: urgent and bulk, each `celery worker --concurrency=2` (prefork); gateway simulator:"
        f" {args.latency_ms:g} ms latency, {args.error_rate:.0%} transient errors,"
        f" {args.rate:,.0f} messages/s,"
        f" receipts after {args.receipt_delay_ms:g} ms; {args.gateway_batch} messages per request"
    )
    try:
        for path in ("http", "file"):
            if path not in paths:
                continue
            env = gateway_env(sim.url, args) if path == "http" else file_env
            workers.start("urgent", "urgent", **env)
            workers.start("bulk", "bulk,default", **env)
            for n in sizes:
                # A fresh urgent worker per size: its peak memory is this fan-out's.
                workers.start("urgent", "urgent", **env)
                results[n, path] = sms_run(officer, zone, n, args, workers, path)
            if path == "http" and args.emails:
                urgent_during_emails(officer, zone, args, workers, smtp)
        for n in sizes:
            sms_report(n, results.get((n, "http")), results.get((n, "file")))
        stats = sim.stats()
        print(
            f"\ngateway: {stats['accepted']:,} accepted, {stats['transient_errors']:,} transient errors,"
            f" {stats['rejected_429']:,} answered 429, {stats['duplicates']:,} duplicates,"
            f" {stats['receipts_sent']:,} receipts sent ({stats['receipt_posts_failed']} posts failed)"
        )
    finally:
        workers.stop_all()
        sim.stop()
        smtp.controller.stop()
        web.shutdown()
        empty_outbox()


if __name__ == "__main__":
    main()
