"""The run: Django set up, the data checked or generated, the samples drawn, every path timed, the report."""

import logging
import os
import random
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from .country import Plan, data_present
from .generate import generate
from .measure import Row, measure
from .report import judge, load_average, print_report
from .samples import autocomplete_samples, point_samples, text_samples

ROOT = Path(__file__).resolve().parents[2]


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "project.settings.local"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    # 404s (no address matches) are expected answers here, not news.
    for name in ("django.server", "django.request"):
        logging.getLogger(name).setLevel(logging.ERROR)


def bare_connection():
    """A plain psycopg connection to Django's database, configured as Django's own: client-side binding."""
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
    )


def prepare(conn, args) -> Plan:
    """Refuse a database whose name lacks "bench"; generate the data unless the database holds this plan's."""
    dbname = conn.info.dbname
    if "bench" not in dbname:
        sys.exit(f"refusing database {dbname!r}: its name lacks 'bench', and generation truncates tables")
    plan = Plan(seed=args.seed, addresses=args.addresses, streets=args.streets, networks=args.networks)
    if plan.networks > plan.municipalities * plan.slots**2:
        sys.exit("too many networks for the municipalities")
    with conn.cursor() as cur:
        present = not args.regenerate and data_present(cur, plan)
    if present:
        print(f"data for {plan.marker()} is already in {dbname}; --regenerate rebuilds it")
    else:
        print(f"generating {plan.marker()} in {dbname} ({plan.municipalities} municipalities)", flush=True)
        seconds = generate(conn, plan)
        print(f"generation took {seconds:.1f} s")
    with conn.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cur.fetchone()[0]}")
    return plan


def draw_samples(conn, plan: Plan, count: int, seed: int, warmup: int):
    """Address texts, autocomplete queries and points, in this order from one generator seeded `seed`."""
    rng = random.Random(seed)
    with conn.cursor() as cur:
        texts = text_samples(cur, plan, count, rng)
        queries = autocomplete_samples(cur, plan, count, rng)
        points = point_samples(cur, plan, count, rng, settings.BIN_SERVICE_BBOX)
    print(
        f"samples: {len(texts)} address texts (e.g. {texts[0].text!r}, {texts[-1].text!r}), "
        f"{len(points)} points, {len(queries)} autocomplete queries (e.g. {queries[0]!r}, {queries[1]!r}); "
        f"warm-up {warmup} per path; DEBUG={settings.DEBUG}",
        flush=True,
    )
    return texts, queries, points


def run(args):
    setup_django()
    conn = bare_connection()
    plan = prepare(conn, args)
    if args.generate_only:
        return
    try:
        from . import paths as lookup_paths  # imports the apps, which load only after django.setup()
    except ImportError as exc:
        sys.exit(f"the data is ready, but the lookup cannot be imported yet: {exc}")

    warmup = min(50, max(5, args.samples // 10))
    texts, queries, points = draw_samples(conn, plan, args.samples, args.seed, warmup)
    load_before = load_average()
    paths = lookup_paths.Paths(conn)
    rows: list[Row] = []
    try:
        if "address" in args.operations:
            rows += measure("address lookup", texts, paths.address(), warmup)
        if "point" in args.operations:
            rows += measure("point lookup", points, paths.point(), warmup)
        if "autocomplete" in args.operations:
            rows += measure("autocomplete", queries, paths.autocomplete(), warmup)
    finally:
        paths.close()

    judge(rows)
    with conn.cursor() as c:
        c.execute("SELECT version()")
        pg = c.fetchone()[0].split(" on ")[0]
    print_report(plan=plan, pg=pg, load_before=load_before, rows=rows, texts=texts, paths=paths)
