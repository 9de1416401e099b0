"""Street-list BINs on real addresses: how long the import and the polygon derivation take, and whether the
lookup answers exactly the listed addresses with their network.

Loads, inside a transaction it rolls back, the demo's BeST addresses of one municipality (Halle, 23027:
3,405 current addresses at 3,042 positions) and its boundary, then a street list that divides its streets
among `--networks` BINs (whole streets, and the longest streets split by side and number) leaving every fifth
street in no BIN. Prints the time of the import and of the derivation alone (streets/streetlists/derive.py),
the rows refused (one position shared by addresses the list gives to different networks), and for every
address of the municipality what the lookup (areas.selectors.networks_covering_points, the border rule)
answers: listed addresses in their network, listed elsewhere, unlisted addresses in a network; and the
smallest distance from a listed address to its network's edge (the slivers that would make a point
"on the border").

The database needs "bench" in its name:

    export BIN_DBNAME=bin_streetlists_bench; eval "$(bash scripts/dev.sh env)"; export DATABASE_URL
    .venv/bin/python manage.py migrate -v 0
    .venv/bin/python scripts/bench_street_lists.py [--nis 23027] [--networks 7]
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import translation  # noqa: E402

from areas.importers import import_municipalities  # noqa: E402
from areas.models import Network  # noqa: E402
from areas.selectors import networks_covering_points  # noqa: E402
from streets.importers import import_best_flat  # noqa: E402
from streets.models import Address, NetworkStreetRange, Street  # noqa: E402
from streets.streetlists import derive, import_street_lists  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


class Rollback(Exception):
    pass


def load(nis: str, directory: Path) -> None:
    subset = directory / "addresses.csv"
    with (DEMO / "best_addresses.csv").open(encoding="utf-8", newline="") as fin, subset.open("w") as out:
        reader = csv.DictReader(fin)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if row["municipality_nis"] == nis)
    import_municipalities(
        path=DEMO / "municipalities.geojson",
        nis_field="nis",
        name_nl_field="name_nl",
        name_fr_field="name_fr",
        name_de_field="name_de",
    )
    import_best_flat(path=subset)


def street_list(nis: str, networks: int) -> str:
    """Whole streets round-robin over the networks; the three longest split: odd side to one network, the
    even side's first half to another, the rest unlisted; every fifth street unlisted."""
    streets = sorted(Street.objects.filter(municipality__nis_code=nis), key=lambda s: -s.addresses.count())
    lines = ["network,municipality,street,postcode,from,to,parity"]
    for i, street in enumerate(streets):
        name = f"BIN Bench {i % networks + 1}"
        if i < 3:
            numbers = sorted(n for n in street.addresses.values_list("number", flat=True) if n)
            middle = numbers[len(numbers) // 2]
            other = f"BIN Bench {(i + 1) % networks + 1}"
            lines.append(f"{name},{nis},{street.name},{street.postcode},,,odd")
            lines.append(f"{other},{nis},{street.name},{street.postcode},,{middle - middle % 2},even")
        elif i % 5 != 4:
            lines.append(f"{name},{nis},{street.name},{street.postcode},,,all")
    return "\n".join(lines) + "\n"


def check(nis: str) -> None:
    labels = {}
    for r in NetworkStreetRange.objects.select_related("network"):
        for a in r.street.addresses.all():
            if r.network.kind and _takes(r, a.number):
                labels[a.pk] = r.network.name
    addresses = list(Address.objects.filter(street__municipality__nis_code=nis))
    # An administrator's view: the new networks are unpublished.
    staff = type("Staff", (), {"is_authenticated": True, "is_staff": True, "is_active": True})()
    answers = networks_covering_points(points=[a.point for a in addresses], user=staff)
    counts = defaultdict(int)
    for address, covering in zip(addresses, answers, strict=True):
        got = next((c.network.name for c in covering if c.network.kind in Network.EXCLUSIVE_KINDS), None)
        want = labels.get(address.pk)
        counts["listed, in its network" if want and got == want else "listed, elsewhere" if want else
               "unlisted, in a network" if got else "unlisted, in none"] += 1  # fmt: skip
    listed = sum(v for k, v in counts.items() if k.startswith("listed"))
    unlisted = sum(v for k, v in counts.items() if k.startswith("unlisted"))
    print(f"addresses: {len(addresses)}, listed {listed}, unlisted {unlisted}")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")
    print(f"  listed in their network: {100 * counts['listed, in its network'] / max(listed, 1):.2f} %")
    print(f"  unlisted in a network: {100 * counts['unlisted, in a network'] / max(unlisted, 1):.2f} %")
    with connection.cursor() as cur:
        cur.execute(
            """SELECT min(ST_Distance(ST_Boundary(n.boundary), a.point)),
                      count(*) FILTER (WHERE NOT ST_Contains(n.boundary, a.point)),
                      count(*) FILTER (WHERE NOT ST_Covers(n.boundary, a.point))
            FROM streets_networkstreetrange r JOIN areas_network n ON n.id = r.network_id
            JOIN streets_address a ON a.street_id = r.street_id
            WHERE a.id = ANY(%s) AND n.name = (%s::jsonb ->> a.id::text)""",
            [list(labels), __import__("json").dumps({str(k): v for k, v in labels.items()})],
        )
        nearest, not_contained, not_covered = cur.fetchone()
        cur.execute(
            """SELECT count(*), sum(ST_NumGeometries(boundary)), sum(ST_NPoints(boundary)),
                      bool_and(ST_IsValid(boundary))
            FROM areas_network WHERE boundary_source = 'street_list'"""
        )
        networks, parts, vertices, valid = cur.fetchone()
    print(f"  listed addresses not ST_Contains'd: {not_contained}, not ST_Covers'd: {not_covered}")
    print(f"  nearest listed address to its network's edge: {nearest:.3f} m")
    print(f"networks: {networks}, polygon parts {parts}, vertices {vertices}, all valid: {valid}")


def _takes(r, number):
    if number is None:
        return r.first is None and r.last is None and r.parity == "all"
    if r.parity != "all" and (number % 2 == 1) != (r.parity == "odd"):
        return False
    return (r.first is None or number >= r.first) and (r.last is None or number <= r.last)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nis", default="23027")
    parser.add_argument("--networks", type=int, default=7)
    args = parser.parse_args()
    translation.activate("en")
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("The database needs 'bench' in its name (BIN_DBNAME=bin_streetlists_bench).")
    timings = {}
    original = derive.areas_derived

    def timed(**kwargs):
        started = time.perf_counter()
        result = original(**kwargs)
        timings["derivation"] = timings.get("derivation", 0) + time.perf_counter() - started
        return result

    derive.areas_derived = timed
    from streets.streetlists import services

    services.areas_derived = timed
    try:
        with transaction.atomic(), tempfile.TemporaryDirectory() as tmp:
            load(args.nis, Path(tmp))
            text = street_list(args.nis, args.networks)
            started = time.perf_counter()
            report = import_street_lists(data=text.encode(), name="bench.csv", on_error="skip")
            total = time.perf_counter() - started
            print(f"rows: {text.count(chr(10)) - 1}, {report.summary()}")
            for error in report.errors:
                print(f"  refused: {error}")
            print(f"import: {total:.2f} s, of which derivation {timings['derivation']:.2f} s")
            started = time.perf_counter()
            again = import_street_lists(data=text.encode(), name="bench.csv", on_error="skip")
            print(f"import again (unchanged): {time.perf_counter() - started:.2f} s, {again.summary()}")
            check(args.nis)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
