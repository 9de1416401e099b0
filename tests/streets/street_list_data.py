"""The demo's real BeST addresses of Halle (23027) and its boundary, loaded through the project's importers,
for the street-list tests."""

import csv
from pathlib import Path

from areas.importers import import_municipalities
from streets.importers import import_best_flat

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
HALLE = "23027"


def load_halle(directory: Path) -> None:
    """Halle's 3,405 current addresses, and the boundaries of Halle, Brussels and Malmedy."""
    source = DEMO / "best_addresses.csv"
    subset = directory / "halle.csv"
    with (
        source.open(encoding="utf-8", newline="") as fin,
        subset.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(fin)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if row["municipality_nis"] == HALLE)
    report = import_municipalities(
        path=DEMO / "municipalities.geojson",
        nis_field="nis",
        name_nl_field="name_nl",
        name_fr_field="name_fr",
        name_de_field="name_de",
    )
    assert not report.errors
    report = import_best_flat(path=subset, on_error="stop")
    assert report.created > 3000 and not report.errors


def write(directory: Path, text: str, name: str = "lists.csv") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path
