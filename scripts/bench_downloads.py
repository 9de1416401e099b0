"""GIS downloads and the OGC API - Features on a police zone of 200 networks: how long each file takes
(areas.exports: GeoJSON written here, GeoPackage, Shapefile and KML by ogr2ogr), and an OGC items page.

Creates, inside a transaction it rolls back, one police zone with one municipality holding `--networks`
published BINs of `--vertices` vertices each (the 200-BIN zone of issue 15), then asks the views through
Django's test client (no HTTP server: the view, the database and GDAL), `--repeat` times each, and prints the
median time and the size of each answer.

The database needs "bench" in its name:

    export BIN_DBNAME=bin_services_bench; eval "$(bash scripts/dev.sh env)"; export DATABASE_URL
    .venv/bin/python manage.py migrate -v 0
    .venv/bin/python scripts/bench_downloads.py [--networks 200] [--vertices 400] [--repeat 5]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import MultiPolygon, Point  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from areas.models import Municipality, Network, PoliceZone  # noqa: E402

X0, Y0 = 145000.0, 160000.0


class Rollback(Exception):
    pass


def build(networks: int, vertices: int) -> None:
    srid = settings.BIN_STORAGE_SRID
    zone = PoliceZone.objects.create(number=5990, code="bench-zone", name="PZ Bench")
    municipality = Municipality.objects.create(nis_code="99990", name_nl="Benchstad", police_zone=zone)
    side = int(networks**0.5) + 1
    rows = []
    for i in range(networks):
        centre = Point(X0 + 1000 * (i % side), Y0 + 1000 * (i // side), srid=srid)
        # A round BIN of `vertices` vertices (buffer quadsegs is a quarter circle's segments).
        rows.append(
            Network(
                name=f"BIN Bench {i}",
                slug=f"bin-bench-{i}",
                municipality=municipality,
                police_zone=zone,
                status=Network.Status.ACTIVE,
                published=True,
                boundary=MultiPolygon(centre.buffer(450, quadsegs=max(vertices // 4, 1)), srid=srid),
            )
        )
    Network.objects.bulk_create(rows)


def timed(client: Client, url: str, params: dict, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        size = len(response.content)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=200)
    parser.add_argument("--vertices", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Use a database with 'bench' in its name (see the docstring).")
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="localhost")
    print(f"{args.networks} networks of {args.vertices} vertices in one police zone; median of {args.repeat}")
    try:
        with transaction.atomic():
            build(args.networks, args.vertices)
            zone_file = reverse("api:police-zone-networks-file", args=[5990, "x"])[: -len("x")]
            for fmt, crs in (
                ("geojson", "4326"),
                ("geojson", "31370"),
                ("gpkg", "4326"),
                ("gpkg", "31370"),
                ("shp", "31370"),
                ("kml", "4326"),
            ):
                seconds, size = timed(client, zone_file + fmt, {"crs": crs}, args.repeat)
                print(f"  networks.{fmt:<8} crs={crs:<6} {seconds * 1000:7.0f} ms  {size / 1e6:6.2f} MB")
            items = reverse("ogc:items", args=["networks"])
            for params in ({"limit": "100"}, {"limit": "1000"}, {"limit": "100", "crs": LAMBERT}):
                seconds, size = timed(client, items, params, args.repeat)
                label = "&".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in params.items())
                print(f"  ogc items {label:<24} {seconds * 1000:7.0f} ms  {size / 1e6:6.2f} MB")
            raise Rollback
    except Rollback:
        pass


LAMBERT = "http://www.opengis.net/def/crs/EPSG/0/31370"

if __name__ == "__main__":
    main()
