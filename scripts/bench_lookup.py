"""Latency of the address lookup, the point lookup and street autocomplete on a synthetic Belgium.

    make bench-lookup                       # full size: 5.5 M addresses, 300 k streets, 2 000 BINs
    make bench-lookup ARGS="--samples 100"  # fewer timed calls
    .venv/bin/python scripts/bench_lookup.py --addresses 200000 --streets 12000 --networks 200  # small

The database is bin_gis_bench (the Makefile target creates and migrates it); a run with other sizes or another
seed replaces the data there.

Street names repeat as in the register: about 55 in 100 streets have one of the common names (Kerkstraat,
Rue de la Gare), the others are named after two topics or a person, so that the 300,000 streets have about
110,000 different names. Autocomplete samples are prefixes of 3-8 letters (55 %), two words of a name with
the second cut short (15 %: "Rue Lou") and whole names with one typo (30 %).

The data is generated inside PostGIS by set-based SQL (INSERT ... SELECT from generate_series), every random
choice a hash of the row's index and `--seed`, so one seed always gives the same country. It is kept between
runs (a marker in the database comment) and rebuilt only when the sizes or the seed change, or with
--regenerate. The script refuses a database whose name lacks "bench": generation truncates the area and
street tables.

Each operation is timed four ways, one call at a time. First every sample goes once through the bare SQL, so
no path meets a cold cache, and the first 50 through each path; then each path is timed over all samples:
  bare SQL   the statements the selectors send (the same SQL text, imported from them; the few decisions
             between statements made here by hand), through psycopg (client-side binding and autocommit, as
             Django uses it), without Django;
  selector   the selector functions the API view calls, in this process (streets.selectors, areas.selectors,
             streets.search);
  view       the API view through django.test.Client, in this process: middleware, DRF, JSON, no network;
  HTTP       a threaded WSGI server on a loopback port, queried over one keep-alive connection.
DEBUG is off (unless set in the environment), as in production: with DEBUG on Django records every query.
The machine's load average is printed with the table: on a shared machine the figures move with it.
"""

import argparse

from lookup_bench.run import run  # scripts/lookup_bench: the modules of this benchmark


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--addresses", type=int, default=5_500_000)
    parser.add_argument("--streets", type=int, default=300_000)
    parser.add_argument("--networks", type=int, default=2_000, help="BINs (kind BIN, published, active)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=500, help="timed calls per operation and path")
    parser.add_argument(
        "--operations",
        type=lambda v: set(v.split(",")),
        default={"address", "point", "autocomplete"},
        help="a comma-separated subset of address,point,autocomplete (default: all three)",
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data even if it is there")
    parser.add_argument("--generate-only", action="store_true", help="load the data, measure nothing")
    args = parser.parse_args(argv)
    if args.seed < 0 or min(args.addresses, args.streets, args.networks, args.samples) < 1:
        parser.error("sizes and samples must be positive, the seed not negative")
    run(args)


if __name__ == "__main__":
    main()
