"""How heavy is a network map at country scale? Prints the HTML size of a police zone map with 200 BINs.

Creates, inside a transaction it rolls back, one municipality and police zone (12 x 12 km, a boundary of
20,000 vertices) holding 200 residential BINs of 2,000 vertices each (wiggly, street-level detail), then
builds the zone map and the municipality map with the stored geometry (tolerance 0) and with the display
simplification the builders pick by the area's size, and prints the sizes.

    eval "$(bash scripts/dev.sh env)"; export DATABASE_URL
    .venv/bin/python scripts/bench_map_size.py [--bins 200] [--vertices 2000]
"""

import argparse
import gzip
import math
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import MultiPolygon, Polygon  # noqa: E402
from django.db import transaction  # noqa: E402

from areas.models import Municipality, Network, PoliceZone  # noqa: E402
from areas.selectors import networks_visible  # noqa: E402
from maps.builders import municipality_map, police_zone_map  # noqa: E402
from maps.selectors import VERTEX_BUDGET, area_layers_for_display, display_tolerance_m  # noqa: E402

SRID = settings.BIN_STORAGE_SRID
X0, Y0 = 140000.0, 150000.0  # south of Brussels, Lambert 72


def wiggly_ring(cx, cy, radius, vertices, rng, *, amplitude):
    """A star-shaped ring (so always valid) with detail at several scales, like a drawn BIN border."""
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
    points = []
    for i in range(vertices):
        t = 2 * math.pi * i / vertices
        r = (
            radius
            + amplitude * math.sin(5 * t + phases[0])
            + amplitude / 3 * math.sin(37 * t + phases[1])
            + amplitude / 10 * math.sin(301 * t + phases[2])
            + rng.uniform(-1.5, 1.5)
        )
        points.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    points.append(points[0])
    return points


def wiggly_rectangle(width, height, vertices, rng):
    per_side = vertices // 4
    points = []
    corners = [(0, 0), (width, 0), (width, height), (0, height)]
    for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1], strict=True):
        for i in range(per_side):
            f = i / per_side
            # Detail across the edge, never reaching the next side: keeps the ring simple.
            nx, ny = (y2 - y1), -(x2 - x1)
            norm = math.hypot(nx, ny)
            off = 40 * math.sin(f * 40) + rng.uniform(-3, 3)
            if i == 0:
                off = 0
            points.append(
                (X0 + x1 + (x2 - x1) * f + off * nx / norm, Y0 + y1 + (y2 - y1) * f + off * ny / norm)
            )
    points.append(points[0])
    return points


def create_zone(bins: int, vertices: int) -> PoliceZone:
    """The synthetic zone: `bins` BINs of `vertices` vertices in a grid of 800 m cells, one municipality, a
    20,000-vertex boundary (also scripts/bench_map_render.py's)."""
    rng = random.Random(6)
    columns = math.ceil(math.sqrt(bins))
    rows = math.ceil(bins / columns)
    cell = 800.0
    width, height = columns * cell + 800, rows * cell + 800
    boundary = MultiPolygon(Polygon(wiggly_rectangle(width, height, 20_000, rng)), srid=SRID)
    zone = PoliceZone.objects.create(code="bench-zone", number=99_999, name="PZ Bench", boundary=boundary)
    municipality = Municipality.objects.create(
        nis_code="99999", name_nl="Benchstad", police_zone=zone, boundary=boundary
    )
    networks = []
    for i in range(bins):
        cx = X0 + 400 + cell * (i % columns + 0.5)
        cy = Y0 + 400 + cell * (i // columns + 0.5)
        ring = wiggly_ring(cx, cy, cell * 0.42, vertices, rng, amplitude=cell * 0.04)
        networks.append(
            Network(
                name=f"BIN Bench {i:03d}",
                slug=f"bench-{i:03d}",
                kind=Network.Kind.BIN,
                status=Network.Status.ACTIVE,
                published=True,
                municipality=municipality,
                police_zone=zone,
                contact_email=f"bench-{i:03d}@bin.example.be",
                boundary=MultiPolygon(Polygon(ring), srid=SRID),
            )
        )
    Network.objects.bulk_create(networks)
    return zone


def size_of(m) -> tuple[int, int]:
    html = m.get_root().render().encode()
    return len(html), len(gzip.compress(html))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bins", type=int, default=200)
    parser.add_argument("--vertices", type=int, default=2000)
    args = parser.parse_args()
    with transaction.atomic():
        started = time.perf_counter()
        zone = create_zone(args.bins, args.vertices)
        municipality = Municipality.objects.get(police_zone=zone)
        boundary = zone.boundary
        xmin, ymin, xmax, ymax = boundary.extent
        width, height = xmax - xmin, ymax - ymin
        stored = args.bins * (args.vertices + 1)
        print(
            f"{args.bins} BINs x {args.vertices + 1} vertices = {stored:,} stored vertices "
            f"(+ a 20,000-vertex boundary), {width / 1000:.1f} x {height / 1000:.1f} km; "
            f"created in {time.perf_counter() - started:.1f} s"
        )
        layers = area_layers_for_display(area=zone, networks=networks_visible().filter(police_zone=zone))
        print(
            f"display tolerance: {display_tolerance_m(boundary):.2f} m from the area's size, "
            f"{layers.tolerance_m:.2f} m after the {VERTEX_BUDGET:,}-position budget: "
            f"{layers.vertices:,} positions drawn"
        )
        print(f"{'map':<20} {'tolerance':>12} {'HTML bytes':>12} {'gzip bytes':>11} {'build s':>8}")
        for label, build in (
            ("police zone map", lambda tol: police_zone_map(police_zone=zone, simplify_tolerance_m=tol)),
            (
                "municipality map",
                lambda tol: municipality_map(municipality=municipality, simplify_tolerance_m=tol),
            ),
        ):
            for tolerance, tol_label in ((0, "none"), (None, "automatic")):
                started = time.perf_counter()
                raw, packed = size_of(build(tolerance))
                seconds = time.perf_counter() - started
                print(f"{label:<20} {tol_label:>12} {raw:>12,} {packed:>11,} {seconds:>8.2f}")
        transaction.set_rollback(True)
    print("rolled back: nothing was stored")


if __name__ == "__main__":
    main()
