"""Throughput of the service as residents meet it: production mode (`make prod`: gunicorn, production
settings, WhiteNoise, the pool, JSON access logs, metrics), loaded over HTTP with wrk on loopback, keep-alive.

    make bench-http                         # 30 s of point lookups, then two 60 s mixed runs
    make bench-http ARGS="--seconds 10 --mixed-seconds 20"

The data: the 2,767 real neighbourhoods of Flanders and Brussels (municipality-drawn *wijken*) as published,
active BINs, with the 2025 municipalities and police zones (../shared/data/flanders-areas, `--data`), and the
11,879 real BeST addresses of the demo (Haren, Lembeek, Malmedy; fixtures/demo), loaded once through the
project's importers into bin_gis_bench_http (scripts/http_bench/data.py).

What it measures, in one run:
  bare SQL     COVERING_SQL (what the point lookup asked PostGIS before the in-process index) for every
               sample point, one at a time through psycopg on one connection: the floor of a lookup that
               goes to the database;
  point        GET /api/lookup/?lat=&lon= at the BeST addresses' positions (45 % of them in Malmedy, outside
               the neighbourhoods: those answers carry the nearest BINs), wrk, 16 connections;
  mixed        80 % point and address lookups (half each), 10 % street autocomplete, 10 % map pages (the
               municipality and police-zone maps of the places the addresses lie in), 16 connections, twice;
               the resident memory (RSS) of each web worker after each run.
Ratios are to the bare SQL of the same run. wrk's own CPU shares the 2 cores with the server; the load
average before each part is printed: on a shared machine the figures move with it.

Requires wrk (Debian package `wrk`; the Makefile target installs it).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

import django  # noqa: E402

django.setup()

from http_bench import data, load, samples  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--seconds", type=int, default=30, help="length of the point-lookup run")
    parser.add_argument("--mixed-seconds", type=int, default=60, help="length of each mixed run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--keep-running", action="store_true", help="leave the production server running")
    args = parser.parse_args(argv)
    if min(args.seconds, args.mixed_seconds, args.connections) < 1:
        parser.error("durations and connections must be positive")
    if not data.loaded():
        print("loading the benchmark data (once) ...", flush=True)
        data.load(args.data)
    sets = samples.build()
    print(
        f"data: {sets.networks} networks, {len(sets.points)} points, {len(sets.addresses)} addresses, "
        f"{len(sets.streets)} autocomplete queries, {len(sets.maps)} map pages",
        flush=True,
    )
    load.run(args, sets)


if __name__ == "__main__":
    main()
