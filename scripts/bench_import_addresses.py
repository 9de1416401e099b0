"""Benchmark of the address importer: a generated country-sized flat BeST file, imported, then re-imported.

    make bench-import                                  (1,000,000 rows, seed 42)
    .venv/bin/python scripts/bench_import_addresses.py --rows 200000 --seed 7 --keep

The file is generated in a temporary directory: ~55,000 streets over 589 invented municipalities (NIS codes
99001-99589, which no real municipality has), house numbers with suffixes (12A, 7 bis, 14-16) and boxes,
positions inside Belgium in Lambert 72. Everything is written with the source-id prefix "bench:" and is
deleted at the end (and at the start, if an earlier run was kept), unless --keep.

Prints rows, seconds and rows/s for the generation, the first import (all created), a re-import of the same
file (all unchanged) and a re-import with one row in ten moved (the update path); with the CPU seconds used
by Python and by the database backend, which do not grow when other programs load the machine.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from areas.models import Municipality  # noqa: E402
from streets.importers import import_best_flat  # noqa: E402
from streets.importers.best import FLAT_COLUMNS  # noqa: E402

PREFIX = "bench:"
NIS_FIRST, MUNICIPALITIES = 99001, 589
STREETS = 55_000
HEADER = [
    *FLAT_COLUMNS[:4],
    "street_de",
    *FLAT_COLUMNS[4:10],
    "municipality_de",
    "status",
    *FLAT_COLUMNS[10:],
]
# Lambert 72 box well inside Belgium's envelope (x 20-300 km, y 20-250 km).
X_RANGE, Y_RANGE = (40_000.0, 280_000.0), (30_000.0, 235_000.0)
SUFFIXES = ["A", "B", "C", " bis", " ter", "-2"]


def generate(path: Path, *, rows: int, seed: int, moved: float = 0.0) -> None:
    """Write a reproducible flat BeST file of `rows` addresses; `moved` of them shifted by 5 m."""
    rng = random.Random(seed)
    municipalities = []
    for i in range(MUNICIPALITIES):
        nis = str(NIS_FIRST + i)
        centre = (rng.uniform(*X_RANGE), rng.uniform(*Y_RANGE))
        municipalities.append((nis, f"Bench {nis}", f"Bench-{nis}", str(1000 + i * 15), centre))
    streets = []
    for s in range(STREETS):
        nis, _, _, postcode, (cx, cy) = municipalities[s % MUNICIPALITIES]
        x0, y0 = cx + rng.uniform(-3000, 3000), cy + rng.uniform(-3000, 3000)
        dx, dy = rng.uniform(-2, 2), rng.uniform(-2, 2)
        names = (f"Benchstraat {s + 1}", f"Rue du Banc {s + 1}")
        streets.append((f"XS/{s + 1}/1", *names, nis, postcode, x0, y0, dx, dy))
    move = random.Random(seed + 1)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        street_index, number, box = 0, 1, 0
        for a in range(rows):
            # Streets take their addresses in turn, 1 to ~40 houses each, some with several boxes.
            sid, nl, fr, nis, postcode, x0, y0, dx, dy = streets[street_index % STREETS]
            house = str(number)
            r = rng.random()
            if r < 0.06:
                house += rng.choice(SUFFIXES)
            boxes = 1 if r > 0.14 else rng.randint(2, 8)
            box_number = f"b{box + 1:03d}" if boxes > 1 else ""
            x, y = round(x0 + dx * number * 5, 3), round(y0 + dy * number * 5, 3)
            if moved and move.random() < moved:
                x += 5.0
            _, m_nl, m_fr, _, _ = municipalities[int(nis) - NIS_FIRST]
            row = [f"XA/{a + 1}/1", sid, nl, fr, "", house, box_number, postcode, nis, m_nl, m_fr, ""]
            out.writerow([*row, "current", f"{x:.3f}", f"{y:.3f}"])
            box += 1
            if box >= boxes:
                box = 0
                number += 1
                if rng.random() < 0.083:
                    street_index, number = street_index + 1, 1


def clean() -> None:
    """Delete everything an earlier run wrote: bench: addresses and streets, bench municipalities."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM streets_address WHERE source_id LIKE %s", [PREFIX + "%"])
        cursor.execute("DELETE FROM streets_street WHERE source_id LIKE %s", [PREFIX + "%"])
        cursor.execute(
            """
            DELETE FROM areas_municipality m
            WHERE nis_code BETWEEN %s AND %s AND name_nl LIKE 'Bench %%'
              AND NOT EXISTS (SELECT 1 FROM streets_street s WHERE s.municipality_id = m.id)
            """,
            [str(NIS_FIRST), str(NIS_FIRST + MUNICIPALITIES - 1)],
        )


def backend_cpu() -> float | None:
    """CPU seconds the database backend of this connection has used, when it runs on this machine."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def timed(label: str, rows: int, run) -> object:
    # Wall time is what a user waits; the CPU seconds of this process and of its database backend say what
    # the work costs when other programs compete for the cores (wall time then grows, CPU time does not).
    start, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu()
    result = run()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    after = backend_cpu()
    db = f", database {after - db_cpu:5.1f} s" if db_cpu is not None and after is not None else ""
    print(
        f"{label:<22} {rows:>10,} rows {seconds:>7.1f} s {rows / seconds:>10,.0f} rows/s"
        f"  (CPU: python {cpu:5.1f} s{db}; load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="leave the bench: rows in the database")
    parser.add_argument("--progress", action="store_true", help="progress bars on stderr")
    args = parser.parse_args()

    foreign = Municipality.objects.filter(
        nis_code__gte=str(NIS_FIRST), nis_code__lte=str(NIS_FIRST + MUNICIPALITIES - 1)
    ).exclude(name_nl__startswith="Bench ")
    if foreign.exists():
        last = NIS_FIRST + MUNICIPALITIES - 1
        sys.exit(f"municipalities with NIS codes {NIS_FIRST}-{last} exist that the benchmark did not make")
    clean()
    print(
        f"database {connection.settings_dict['NAME']}, {args.rows:,} rows, seed {args.seed}, "
        f"{os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        path, moved_path = Path(tmp) / "bench_addresses.csv", Path(tmp) / "bench_addresses_moved.csv"
        timed("generate", args.rows, lambda: generate(path, rows=args.rows, seed=args.seed))
        print(f"  {path.stat().st_size / 1e6:,.0f} MB")
        generate(moved_path, rows=args.rows, seed=args.seed, moved=0.1)
        try:
            for label, file in (
                ("first import", path),
                ("re-import, unchanged", path),
                ("re-import, 10% moved", moved_path),
            ):
                report = timed(
                    label,
                    args.rows,
                    lambda file=file: import_best_flat(
                        path=file, source_prefix=PREFIX, progress=args.progress
                    ),
                )
                print(f"  {report.summary()}")
                for line in report.changes:
                    print(f"    {line}")
        finally:
            if not args.keep:
                timed("clean up", args.rows, clean)


if __name__ == "__main__":
    main()
