"""How fast is a police-zone map page of 200 detailed BINs? Times the page cold and warm, before and after.

Creates, inside a transaction it rolls back, the zone of scripts/bench_map_size.py (12 x 12 km, a boundary of
20,000 vertices, 200 BINs of 2,000 vertices each; the trigger of areas/sql/display_shapes.sql stores their
display shapes as they are inserted), then serves /maps/zone/<number>/ to an anonymous visitor through the
Django test client: "before" with the stored shapes deleted and no cache (the selector then simplifies
every network per request, as it did before the shapes were stored), then with the stored shapes and no
cache, then with the stored shapes and the map parts cached (maps/cache.py; local memory here). Prints the
first (cold) request and the p50 of the next ones (warm), as absolute times and ratios.

The database needs "bench" in its name (the data is rolled back, but a benchmark has no business in a
database someone works in):

    BIN_DBNAME=bin_gis_bench_maps bash scripts/dev.sh setup
    eval "$(BIN_DBNAME=bin_gis_bench_maps bash scripts/dev.sh env)"; export DATABASE_URL
    .venv/bin/python scripts/bench_map_render.py [--bins 200] [--vertices 2000] [--requests 10]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

import django

django.setup()

from bench_map_size import create_zone  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from areas.models import NetworkDisplayShape  # noqa: E402

SRID = settings.BIN_STORAGE_SRID
ZONE_NUMBER = 99_999
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def serve(client: Client, url: str, requests: int) -> tuple[float, float, int]:
    """Seconds of the first request, the p50 of the `requests` after it, and the page's size."""
    times, size = [], 0
    for _ in range(requests + 1):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return times[0], statistics.median(times[1:]), size


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bins", type=int, default=200)
    parser.add_argument("--vertices", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f'refusing database "{name}": its name must contain "bench"')
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    url = reverse("maps:police-zone", args=[ZONE_NUMBER])
    with transaction.atomic():
        started = time.perf_counter()
        create_zone(args.bins, args.vertices)
        shapes = NetworkDisplayShape.objects.filter(network__police_zone__number=ZONE_NUMBER).count()
        print(
            f"{args.bins} BINs x {args.vertices + 1} vertices inserted, {shapes:,} display shapes stored "
            f"by the trigger, in {time.perf_counter() - started:.1f} s"
        )
        NetworkDisplayShape.objects.filter(network__police_zone__number=ZONE_NUMBER).delete()
        with override_settings(CACHES=NO_CACHE):
            before = serve(client, url, args.requests)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT bin_network_display_shapes_refresh(ARRAY(SELECT id FROM areas_network "
                "WHERE police_zone_id = (SELECT id FROM areas_policezone WHERE number = %s)))",
                [ZONE_NUMBER],
            )
        print(
            f"the trigger's refresh of the {args.bins} networks' shapes: "
            f"{time.perf_counter() - started:.2f} s"
        )
        with override_settings(CACHES=NO_CACHE):
            stored = serve(client, url, args.requests)
        cached = serve(client, url, args.requests)
        transaction.set_rollback(True)
    print(f"{'zone map page':<34} {'cold s':>7} {f'warm p50 s ({args.requests})':>17} {'HTML bytes':>11}")
    for label, (cold, warm, size) in (
        ("before: simplified per request", before),
        ("stored shapes, no cache", stored),
        ("stored shapes + cached map parts", cached),
    ):
        print(
            f"{label:<34} {cold:>7.3f} {warm:>17.3f} {size:>11,}  "
            f"(x{before[0] / cold:.1f} cold, x{before[1] / warm:.1f} warm)"
        )
    print("rolled back: nothing was stored")


if __name__ == "__main__":
    main()
