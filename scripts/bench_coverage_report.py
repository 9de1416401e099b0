"""How fast is a municipality's coverage report (streets.coverage_report) and its page?

For each municipality given by NIS code (default: every municipality in the database, e.g. the demo's
Halle, Brussels and Malmedy after `make run`), times coverage_report (the first call and the p50 of the
next ones), the page /municipality/<nis>/coverage/ and its CSV through the Django test client as an
administrator, and prints the page's size. With --synthetic N, it first creates, inside a transaction it
rolls back, a municipality of 10 x 10 km with N addresses on 500 streets, 50 BINs of 1 km² on a
checkerboard (half of them live, a quarter suspended, a quarter dissolved) and 20 BIN-Zs over them, and
measures that one.

    eval "$(BIN_DBNAME=bin_coverage bash scripts/dev.sh env)"; export DATABASE_URL
    .venv/bin/python scripts/bench_coverage_report.py [NIS ...] [--synthetic 50000] [--repeat 5]
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
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.gis.geos import MultiPolygon, Point, Polygon  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from areas.models import Municipality, Network  # noqa: E402
from streets.coverage_report import coverage_report  # noqa: E402
from streets.models import Street  # noqa: E402

SRID = settings.BIN_STORAGE_SRID
# Lambert 72 metres near Lembeek: the synthetic municipality lies there, 10 x 10 km.
X0, Y0, SIZE = 145_000, 160_000, 10_000
SYNTHETIC_NIS = "99999"


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Seconds of the first call, the p50 of the `repeat` after it, and the last result."""
    times, result = [], None
    for _ in range(repeat + 1):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:]) if repeat else times[0], result


def create_synthetic(addresses: int) -> Municipality:
    municipality = Municipality.objects.create(
        nis_code=SYNTHETIC_NIS,
        name_nl="Benchdorp",
        boundary=MultiPolygon(Polygon.from_bbox((X0, Y0, X0 + SIZE, Y0 + SIZE)), srid=SRID),
    )
    mid = municipality.pk
    Street.objects.bulk_create(
        Street(
            municipality=municipality,
            name_nl=f"Benchstraat {i}",
            postcode="9999",
            source_id=f"bench:street:{i}",
        )
        for i in range(1, 501)
    )
    with connection.cursor() as cur:
        # N addresses on a grid over the whole square, numbered along each street.
        side = int(addresses**0.5) + 1
        step = SIZE / side
        cur.execute(
            f"""
            INSERT INTO streets_address
                (street_id, house_number, number, box_number, postcode, point, source_id)
            SELECT s.id, (g.i / 500 + 1)::text, g.i / 500 + 1, '', '9999',
                   ST_SetSRID(ST_MakePoint({X0} + (g.i %% {side}) * {step} + 1,
                                           {Y0} + (g.i / {side}) * {step} + 1), {SRID}),
                   'bench:address:' || g.i
            FROM generate_series(0, %s - 1) g(i)
            JOIN streets_street s ON s.source_id = 'bench:street:' || (g.i %% 500 + 1)
            """,
            [addresses],
        )
        cur.execute("ANALYZE streets_address")
    # The networks through the ORM, so that the fields other apps add get their defaults.
    statuses = [
        Network.Status.ACTIVE,
        Network.Status.SUSPENDED,
        Network.Status.DISSOLVED,
        Network.Status.ACTIVE,
    ]
    for i in range(10):
        for j in range(10):
            if (i + j) % 2:
                continue  # a checkerboard: the odd squares have no BIN
            x, y = X0 + i * 1000, Y0 + j * 1000
            Network.objects.create(
                name=f"BIN {i}-{j}",
                slug=f"bench-bin-{i}-{j}",
                municipality_id=mid,
                status=statuses[(i // 2 + j) % 4],
                published=True,
                boundary=MultiPolygon(Polygon.from_bbox((x, y, x + 1000, y + 1000)), srid=SRID),
            )
    for k in range(20):
        centre = Point(X0 + 500 + k * 450, Y0 + 500 + k * 450, srid=SRID)
        Network.objects.create(
            kind=Network.Kind.BIN_Z,
            name=f"BIN-Z {k}",
            slug=f"bench-binz-{k}",
            municipality_id=mid,
            status=Network.Status.ACTIVE,
            published=True,
            boundary=MultiPolygon(centre.buffer(300), srid=SRID),
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE areas_network")
    return municipality


def measure(municipality: Municipality, client: Client, repeat: int) -> None:
    cold, warm, report = timed(lambda: coverage_report(municipality=municipality), repeat)
    url = reverse("maps:municipality-coverage", args=[municipality.nis_code])
    page_cold, page_warm, response = timed(lambda: client.get(url), repeat)
    assert response.status_code == 200, response.status_code
    csv_cold, csv_warm, csv_response = timed(lambda: client.get(url + "?format=csv"), repeat)
    print(
        f"{municipality.nis_code} {municipality.name}: {report.addresses} addresses, "
        f"{report.uncovered_count} in no BIN in {len(report.streets)} streets, "
        f"{len(report.overlaps)} overlaps, "
        f"{len(report.missing_contacts)} without contact\n"
        f"  report  first {cold * 1000:.0f} ms, p50 {warm * 1000:.0f} ms\n"
        f"  page    first {page_cold * 1000:.0f} ms, p50 {page_warm * 1000:.0f} ms, "
        f"{len(response.content) / 1024:.0f} kB\n"
        f"  csv     first {csv_cold * 1000:.0f} ms, p50 {csv_warm * 1000:.0f} ms, "
        f"{len(csv_response.content) / 1024:.0f} kB"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("nis", nargs="*")
    parser.add_argument("--synthetic", type=int, default=0, help="addresses of a synthetic municipality")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with transaction.atomic():
        admin = get_user_model().objects.create(
            username="bench-coverage-admin", is_superuser=True, is_staff=True
        )
        client = Client(headers={"accept-language": "en"})
        client.force_login(admin)
        if args.synthetic:
            start = time.perf_counter()
            municipality = create_synthetic(args.synthetic)
            print(f"synthetic municipality created in {time.perf_counter() - start:.1f} s")
            measure(municipality, client, args.repeat)
        else:
            found = Municipality.objects.all()
            if args.nis:
                found = found.filter(nis_code__in=args.nis)
            for municipality in found.order_by("nis_code"):
                measure(municipality, client, args.repeat)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
