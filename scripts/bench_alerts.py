"""Benchmark the alerts: recipient resolution on 1 M members, and 100,000 deliveries through Celery + Redis.

    eval "$(BIN_DBNAME=bin_gis_bench_alerts bash scripts/dev.sh env)"; export DATABASE_URL
    .venv/bin/python scripts/bench_alerts.py [--members 1000000] [--deliveries 100000] [--reuse]

It needs its own database (the name must contain "bench": the script empties the alert, member and area
tables) and Redis at BENCH_BROKER_URL (default redis://127.0.0.1:6379/6, emptied). It builds a synthetic
country in SQL — 100 km x 100 km in Lambert 72, four police zones of 50 km x 50 km, one residential BIN
per km² and a BIN-Z per 25 km², members spread uniformly (100 per km²), 90 % of memberships approved, 5 %
of members also in a BIN-Z — then prints:

1. the time to resolve the recipients of a 1 km, 5 km and 20 km circle, median of 7 warm runs, two ways
   (target ≤ 1.5x): alerts.recipients.recipients_resolve (the one SQL statement, rows into Python) against
   that statement sent bare through psycopg; and, inside PostgreSQL where the outbox INSERT and the
   preview use it, the statement counted against the bare spatial query counted (the members whose point
   lies in the circle, nothing else); and the preview selector's time;
2. the time from alert_send (outbox written with INSERT … SELECT, batches published on commit) until
   --deliveries deliveries are marked sent by `celery worker --concurrency=2` with the file SMS backend
   (target ≤ 10 s for 100,000).
"""

import argparse
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/6")
SMS_DIR = Path(tempfile.mkdtemp(prefix="bench-alerts-sms-"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "project.settings.local",
        "DEBUG": "0",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "BIN_SMS_BACKEND": "alerts.backends.sms.FileBackend",
        "BIN_SMS_FILE_PATH": str(SMS_DIR),
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.utils import timezone  # noqa: E402

from access.models import Role  # noqa: E402
from alerts.models import Alert  # noqa: E402
from alerts.perimeter import perimeter_from_circle  # noqa: E402
from alerts.recipients import (  # noqa: E402
    RECIPIENTS,
    recipients_params,
    recipients_preview,
    recipients_resolve,
)
from alerts.services import alert_create, alert_prepare, alert_send  # noqa: E402
from areas.models import Municipality, Network, PoliceZone  # noqa: E402
from core.geometry import to_wgs84  # noqa: E402
from members.models import Member, Membership  # noqa: E402

SRID = settings.BIN_STORAGE_SRID
X0, Y0 = 100_000.0, 100_000.0  # south-west corner of the synthetic country (Lambert 72 metres)
SIZE = 100_000.0


def insert_select(model, exprs: dict[str, str], source: str, params: dict | None = None) -> int:
    """INSERT INTO model's table (columns of `exprs`, plus defaults for the other NOT NULL columns) SELECT …

    The other NOT NULL columns get their Python default, so that fields added by other apps later do not
    break the script.
    """
    columns, values, params = [], [], dict(params or {})
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField):
            continue
        if field.column in exprs:
            columns.append(field.column)
            values.append(exprs[field.column])
            continue
        if field.null:
            continue
        if isinstance(field, models.DateTimeField):
            expr = "now()"
        elif isinstance(field, models.UUIDField):
            expr = "gen_random_uuid()"
        else:
            key = f"default_{field.column}"
            params[key] = field.get_default()
            expr = f"%({key})s"
        columns.append(field.column)
        values.append(expr)
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def build_country(members: int) -> None:
    """Empty the tables and build the synthetic country: areas, then members and their memberships."""
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE alerts_alertauditlog, alerts_reactionnotice, alerts_reaction, alerts_delivery,"
            " alerts_alert, members_membership, access_role, access_accesslog, members_member,"
            " areas_network_coordinators, areas_network, areas_municipality, areas_policezone"
            " RESTART IDENTITY CASCADE"
        )
        # random() draws the members' points and memberships from this seed.
        cur.execute("SELECT setseed(0.42)")
    p = {"x0": X0, "y0": Y0, "srid": SRID}
    build_areas(p)
    build_members(members, p)
    with connection.cursor() as cur:
        cur.execute("ANALYZE members_member; ANALYZE members_membership; ANALYZE areas_network")
        cur.execute("SELECT count(*) FROM members_member")
        n_members = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM members_membership")
        n_ships = cur.fetchone()[0]
    print(
        f"synthetic country: {n_members:,} members, {n_ships:,} memberships, "
        f"{Network.objects.count():,} networks in 4 police zones, built in {time.perf_counter() - t:.0f} s"
    )


def build_areas(p: dict) -> None:
    """Four police zones of 50 km x 50 km, a municipality for each, and the networks on a grid."""
    insert_select(
        PoliceZone,
        {
            "code": "'bench-' || i || '-' || j",
            "number": "8000 + i * 10 + j",
            "name": "'Benchzone ' || i || '-' || j",
            "boundary": "ST_Multi(ST_MakeEnvelope(%(x0)s + i * 50000, %(y0)s + j * 50000,"
            " %(x0)s + (i + 1) * 50000, %(y0)s + (j + 1) * 50000, %(srid)s))",
        },
        "FROM generate_series(0, 1) i, generate_series(0, 1) j",
        p,
    )
    insert_select(
        Municipality,
        {
            "nis_code": "lpad((80000 + z.id)::text, 5, '0')",
            "name_nl": "'Benchgemeente ' || z.id",
            "police_zone_id": "z.id",
            "boundary": "z.boundary",
        },
        "FROM areas_policezone z",
    )
    # One residential BIN per km², one BIN-Z per 5 km x 5 km, each in the zone (and municipality) it lies in.
    for kind, step, prefix in (("BIN", 1000, "bin"), ("BIN-Z", 5000, "binz")):
        n = int(SIZE // step)
        insert_select(
            Network,
            {
                "kind": f"'{kind}'",
                "name": f"'Bench {kind} ' || ix || '-' || iy",
                "slug": f"'bench-{prefix}-' || ix || '-' || iy",
                "municipality_id": "mu.id",
                "police_zone_id": "mu.police_zone_id",
                "status": "'active'",
                "published": "true",
                "boundary": f"ST_Multi(ST_MakeEnvelope(%(x0)s + ix * {step}, %(y0)s + iy * {step},"
                f" %(x0)s + (ix + 1) * {step}, %(y0)s + (iy + 1) * {step}, %(srid)s))",
                "source_id": f"'bench-{prefix}-' || ix || '-' || iy",
            },
            f"FROM generate_series(0, {n - 1}) ix CROSS JOIN generate_series(0, {n - 1}) iy"
            " JOIN areas_municipality mu ON mu.police_zone_id = (SELECT z.id FROM areas_policezone z"
            f" WHERE z.code = 'bench-' || (ix * {step} / 50000) || '-' || (iy * {step} / 50000))",
            p,
        )


def build_members(members: int, p: dict) -> None:
    """`members` members spread uniformly, each in their BIN (90 % approved), 5 % also in their BIN-Z."""
    insert_select(
        Member,
        {
            "kind": "'resident'",
            "name": "'Lid ' || g",
            "address_text": "'Benchstraat ' || g",
            "point": "ST_SetSRID(ST_MakePoint(%(x0)s + random() * 100000, %(y0)s + random() * 100000),"
            " %(srid)s)",
            "mobile": "'+3247' || lpad(g::text, 7, '0')",
            "email": "'lid' || g || '@bench.invalid'",
            "language": "(ARRAY['nl', 'nl', 'fr', 'de'])[1 + (g %% 4)]",
            "consent_version": "'bench'",
        },
        f"FROM generate_series(1, {members}) g",
        p,
    )
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE bench_cells AS SELECT id, kind, split_part(source_id, '-', 3)::int AS ix,"
            " split_part(source_id, '-', 4)::int AS iy FROM areas_network WHERE source_id LIKE 'bench-%%'"
        )
        cur.execute("CREATE INDEX ON bench_cells (kind, ix, iy)")
    for kind, step, share in (("BIN", 1000, "1"), ("BIN-Z", 5000, "0.05")):
        insert_select(
            Membership,
            {
                "member_id": "m.id",
                "network_id": "c.id",
                "status": "CASE WHEN random() < 0.9 THEN 'approved' ELSE 'pending' END",
            },
            "FROM members_member m JOIN bench_cells c ON c.kind = %(kind)s"
            f" AND c.ix = floor((ST_X(m.point) - %(x0)s) / {step})::int"
            f" AND c.iy = floor((ST_Y(m.point) - %(y0)s) / {step})::int"
            f" WHERE random() < {share}",
            {**p, "kind": kind},
        )


def median_time(fn, runs=7) -> tuple[float, object]:
    fn()  # warm the cache
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def bench_resolution(zone: PoliceZone) -> None:
    """recipients_resolve against its SQL run bare on a plain psycopg connection, and both the recipients
    statement and the spatial query alone counted inside PostgreSQL (what preview and send do)."""
    import psycopg

    db = connection.settings_dict
    bare_conn = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"],
        port=db["PORT"],
        autocommit=True,
    )
    # Same conditions as recipients_resolve, which runs its statement with JIT off.
    bare_conn.execute("SET jit = off")
    center = to_wgs84(zone.boundary.centroid)
    print("\nrecipient resolution, median of 7 warm runs (ms)")
    print(f"{'':>18}{'rows into Python':^28}  {'inside PostgreSQL (count)':^34}  {'preview':>8}")
    print(
        f"{'radius':>7} {'recipients':>10} {'resolve':>9} {'bare SQL':>9} {'ratio':>6}"
        f"  {'recipients':>11} {'spatial only':>13} {'ratio':>6}  {'selector':>8}"
    )
    spatial_sql = "SELECT id FROM members_member WHERE ST_Intersects(point, ST_GeomFromEWKB(%(perimeter)s))"
    for radius in (1000, 5000, 20000):
        geom = perimeter_from_circle([center.x, center.y], radius).geom
        params = recipients_params(police_zone_id=zone.pk, perimeter=geom, urgent=True, now=timezone.now())

        def bare(sql, params=params):
            # Sent by psycopg without Django; the parameters bound client-side as Django does, so that the
            # plans see the literal perimeter and zone networks.
            with psycopg.ClientCursor(bare_conn) as cur:
                cur.execute(sql, params)
                return cur.fetchall()

        def resolve(geom=geom):
            return recipients_resolve(police_zone_id=zone.pk, perimeter=geom, urgent=True)

        def preview(geom=geom):
            return recipients_preview(police_zone_id=zone.pk, perimeter=geom, urgent=True)

        t_ours, rows = median_time(resolve)
        t_bare, bare_rows = median_time(lambda: bare(RECIPIENTS))
        t_count, counted = median_time(lambda: bare(f"SELECT count(*) FROM ({RECIPIENTS}) r"))
        t_spatial, inside = median_time(lambda: bare(f"SELECT count(*) FROM ({spatial_sql}) s"))
        t_preview, shown = median_time(preview)
        assert len(rows) == len(bare_rows) == counted[0][0] == shown.total
        print(
            f"{radius / 1000:>4g} km {len(rows):>10,} {t_ours * 1000:>9.1f} {t_bare * 1000:>9.1f}"
            f" {t_ours / t_bare:>5.2f}x  {t_count * 1000:>11.1f} {t_spatial * 1000:>13.1f}"
            f" {t_count / t_spatial:>5.2f}x  {t_preview * 1000:>8.1f}"
        )
        print(f"{'':>18}({inside[0][0]:,} points inside the circle; the others are not approved members)")
    print(
        "  resolve: alerts.recipients.recipients_resolve, rows into Python objects; bare SQL: its statement"
        " through psycopg; inside PostgreSQL: the recipients statement and the spatial query alone"
        " (members whose point lies in the circle), each counted where they run, as the outbox INSERT and"
        " the preview use them; preview: alerts.recipients.recipients_preview (counts per BIN and channel)."
    )
    bare_conn.close()


def start_worker(log: Path) -> subprocess.Popen:
    celery = Path(sys.executable).with_name("celery")
    proc = subprocess.Popen(
        [
            str(celery),
            "-A",
            "project",
            "worker",
            "--pool=prefork",
            "--concurrency=2",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            "bench@%h",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=open(log, "w"),  # noqa: SIM115 - the worker keeps it
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    from project.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):  # the worker answers once it consumes
            return proc
        if proc.poll() is not None:
            break
    raise SystemExit(f"the worker did not start; see {log}")


def bench_fan_out(zone: PoliceZone, deliveries: int) -> None:
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    # Each run starts from an empty outbox: the deliveries of earlier runs (--reuse) would only make the
    # tables and their indexes larger from run to run.
    with connection.cursor() as cur:
        cur.execute("TRUNCATE alerts_delivery, alerts_reaction, alerts_reactionnotice")
        cur.execute("VACUUM ANALYZE alerts_delivery")
    User = get_user_model()
    officer, _ = User.objects.get_or_create(username="bench-officer")
    Role.objects.get_or_create(user=officer, kind=Role.Kind.POLICE, police_zone=zone)
    # A circle holding about `deliveries` approved members: 100 members per km², 90 % approved (and a few
    # more through the BIN-Z); measured, not guessed, below.
    center = to_wgs84(zone.boundary.centroid)
    radius = math.sqrt(deliveries / (100 * 0.9 * math.pi)) * 1000
    data = alert_prepare(
        user=officer,
        category="burglary",
        urgency="urgent",
        message="Benchmark: inbraak, let op.",
        center=[center.x, center.y],
        radius_m=radius,
    )
    alert = alert_create(user=officer, data=data)
    log = SMS_DIR / "worker.log"
    worker = start_worker(log)
    try:
        t0 = time.perf_counter()
        alert = alert_send(alert=alert, user=officer)
        t_send = time.perf_counter() - t0
        total = alert.recipients
        target = min(deliveries, total)
        t_target = None
        with connection.cursor() as cur:
            while True:
                cur.execute(
                    "SELECT count(*) FILTER (WHERE status = 'sent'),"
                    " count(*) FILTER (WHERE status IN ('queued', 'sending'))"
                    " FROM alerts_delivery WHERE alert_id = %s",
                    [alert.pk],
                )
                sent, pending = cur.fetchone()
                now = time.perf_counter() - t0
                if t_target is None and sent >= target:
                    t_target = now
                if not pending or now > 300:
                    break
                time.sleep(0.25)  # each poll counts the alert's rows: often enough, and not more
        t_all = time.perf_counter() - t0
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    path = SMS_DIR / "sms.jsonl"
    lines = len(path.read_bytes().splitlines()) if path.exists() else 0
    print(
        f"\nfan-out: a {radius / 1000:.1f} km circle, {total:,} recipients,"
        " celery worker --concurrency=2, file backend"
    )
    print(
        f"  alert_send (outbox INSERT … SELECT + publish"
        f" {math.ceil(total / settings.BIN_DELIVERY_BATCH_SIZE)}"
        f" batches of {settings.BIN_DELIVERY_BATCH_SIZE}): {t_send:.2f} s"
    )
    print(
        f"  send → {target:,} deliveries marked sent: {t_target:.2f} s"
        if t_target
        else "  target not reached"
    )
    print(
        f"  send → all {total:,} done: {t_all:.2f} s ({total / t_all:,.0f} per second);"
        f" {lines:,} lines in the file"
    )
    Alert.objects.filter(pk=alert.pk).update(status="sent")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the country of a previous run")
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to run on database {name!r}: its name must contain 'bench'")
    call_command("migrate", verbosity=0)
    if not (args.reuse and Member.objects.exists()):
        build_country(args.members)
    zone = PoliceZone.objects.get(code="bench-0-0")
    bench_resolution(zone)
    bench_fan_out(zone, args.deliveries)
    shutil.rmtree(SMS_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
