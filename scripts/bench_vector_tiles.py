"""How fast is a large zone's map with vector tiles? Times the zone page with the shapes in it (GeoJSON) and
drawn from /tiles/networks/ (MVT), and the tiles themselves.

Creates, inside a transaction it rolls back, a police zone of real neighbourhoods (../shared/data/
flanders-areas: the --bins wijken nearest to Antwerp's centre, each a BIN, in their real shapes; a BIN is
usually a neighbourhood) or, with --synthetic, the zone of scripts/bench_map_size.py (200 BINs of 2,000
vertices). Serves /maps/zone/<number>/ to an anonymous visitor through the Django test client with no cache
(DummyCache: the build, not the cache, is measured), once with every shape in the page and once with vector
tiles, then every tile of the zone at zooms 11-15 (the zone page opens at about 12-13). Prints the first
(cold) request and the p50 of the next ones (warm), page sizes, and per zoom the tiles' count, p50, p95,
max time and mean size.

The database needs "bench" in its name (the data is rolled back, but a benchmark has no business in a
database someone works in):

    createdb bin_maps_bench; DATABASE_URL=postgis://…/bin_maps_bench manage.py migrate
    DATABASE_URL=postgis://…/bin_maps_bench .venv/bin/python scripts/bench_vector_tiles.py [--bins 250]
"""

import argparse
import math
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

from django.conf import settings  # noqa: E402
from django.contrib.gis.gdal import DataSource  # noqa: E402
from django.contrib.gis.geos import MultiPolygon, Point  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from areas.models import Municipality, Network, PoliceZone  # noqa: E402

SRID = settings.BIN_STORAGE_SRID
ZONE_NUMBER = 99_999
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
WIJKEN = Path(settings.BASE_DIR).parent / "shared" / "data" / "flanders-areas" / "shapefiles" / "ggw7.shp"
ANTWERP = Point(152_500, 212_000, srid=31370)  # the Groenplaats, Lambert 72


def real_zone(bins: int) -> PoliceZone:
    """A zone of the `bins` neighbourhoods nearest to ANTWERP (their outline's convex hull is the zone)."""
    layer = DataSource(str(WIJKEN))[0]
    wijken = []
    for feature in layer:
        geometry = feature.geom.geos
        geometry.srid = 31370
        if geometry.srid != SRID:
            geometry.transform(SRID)
        wijken.append(
            (geometry.centroid.distance(ANTWERP), feature.get("geoitem"), feature.get("naam"), geometry)
        )
    wijken.sort(key=lambda w: w[0])
    chosen = wijken[:bins]
    hull = MultiPolygon(*[w[3] for w in chosen if w[3].geom_type == "Polygon"], srid=SRID)
    for _, _, _, geometry in chosen:
        if geometry.geom_type == "MultiPolygon":
            hull = MultiPolygon(*hull, *geometry, srid=SRID)
    outline = MultiPolygon(hull.convex_hull.buffer(200), srid=SRID)
    zone = PoliceZone.objects.create(code="bench-zone", number=ZONE_NUMBER, name="PZ Bench", boundary=outline)
    municipality = Municipality.objects.create(
        nis_code="99999", name_nl="Benchstad", police_zone=zone, boundary=outline
    )
    statuses = list(Network.Status)
    Network.objects.bulk_create(
        [
            Network(
                name=name,
                slug=f"bench-{code.lower()}",
                kind=Network.Kind.BIN,
                status=statuses[i % len(statuses)] if i % 7 else Network.Status.ACTIVE,
                published=True,
                municipality=municipality,
                police_zone=zone,
                contact_email=f"bench-{i:03d}@bin.example.be",
                boundary=geometry
                if geometry.geom_type == "MultiPolygon"
                else MultiPolygon(geometry, srid=SRID),
            )
            for i, (_, code, name, geometry) in enumerate(chosen)
        ]
    )
    return zone


def serve(client: Client, url: str, requests: int) -> tuple[float, float, int]:
    """Seconds of the first request, the p50 of the `requests` after it, and the response's size."""
    times, size = [], 0
    for _ in range(requests + 1):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return times[0], statistics.median(times[1:]), size


def tiles_of(zone: PoliceZone, z: int) -> list[tuple[int, int, int]]:
    west, south, east, north = zone.boundary.transform(4326, clone=True).extent
    n = 2**z

    def column(lon):
        return int((lon + 180) / 360 * n)

    def row(lat):
        return int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)

    return [
        (z, x, y) for x in range(column(west), column(east) + 1) for y in range(row(north), row(south) + 1)
    ]


def time_tiles(client: Client, zone: PoliceZone) -> list[tuple]:
    rows = []
    for z in range(11, 16):
        times, sizes = [], []
        for tile in tiles_of(zone, z):
            started = time.perf_counter()
            response = client.get(reverse("tiles:network-tile", args=tile))
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (tile, response.status_code)
            sizes.append(len(response.content))
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        rows.append((z, len(times), statistics.median(times), p95, times[-1], statistics.mean(sizes)))
    return rows


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bins", type=int, default=250)
    parser.add_argument("--synthetic", action="store_true", help="200 BINs of 2,000 vertices instead")
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f'refusing database "{name}": its name must contain "bench"')
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    url = reverse("maps:police-zone", args=[ZONE_NUMBER])
    with transaction.atomic():
        started = time.perf_counter()
        if args.synthetic:
            from bench_map_size import create_zone

            zone = create_zone(200, 2000)
        else:
            zone = real_zone(args.bins)
        networks = Network.objects.filter(police_zone=zone)
        vertices = sum(n.boundary.num_coords for n in networks)
        print(
            f"{networks.count()} BINs, {vertices:,} vertices, inserted (with their display shapes) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        with override_settings(CACHES=NO_CACHE, BIN_VECTOR_TILES_MIN_NETWORKS=10**9):
            shapes = serve(client, url, args.requests)
        with override_settings(CACHES=NO_CACHE):
            tiled = serve(client, url, args.requests)
            tiles = time_tiles(client, zone)
        transaction.set_rollback(True)
    warm_title = f"warm p50 s ({args.requests})"
    print(f"\n{'zone map page, no cache':<30} {'cold s':>7} {warm_title:>17} {'HTML bytes':>11}")
    for label, (cold, warm, size) in (("shapes in the page (GeoJSON)", shapes), ("vector tiles", tiled)):
        print(
            f"{label:<30} {cold:>7.3f} {warm:>17.3f} {size:>11,}  "
            f"(x{shapes[0] / cold:.1f} cold, x{shapes[1] / warm:.1f} warm)"
        )
    print(f"\n{'zoom':>4} {'tiles':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'mean bytes':>11}")
    for z, count, p50, p95, worst, mean in tiles:
        print(f"{z:>4} {count:>6} {p50 * 1000:>7.1f} {p95 * 1000:>7.1f} {worst * 1000:>7.1f} {mean:>11,.0f}")
    print("rolled back: nothing was stored")


if __name__ == "__main__":
    main()
