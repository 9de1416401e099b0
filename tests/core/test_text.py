"""The one normaliser of names: what it does, and that the database's bin_normalise() does the same to every
name of the demo data (streets in three languages, municipalities, villages, networks, police zones)."""

import csv
import json
from pathlib import Path

import pytest
from django.db import connection

from core.text import normalise

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
NAME_COLUMNS = ("street", "municipality", "postname")


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Rue de la Loi", "rue de la loi"),
        ("Sint-Jansstraat", "sint jansstraat"),
        ("Sint Jansstraat", "sint jansstraat"),
        ("Chaussée de Mons", "chaussee de mons"),
        ("Rue d'Or", "rue d or"),
        ("  Rue   du 17 décembre 1944 ", "rue du 17 decembre 1944"),
        ("Rue du Cœur", "rue du coeur"),
        ("Bahnhofstraße", "bahnhofstrasse"),
        ("Rue Saint-Géréon", "rue saint gereon"),
        ("Place Sainte-Catherine", "place sainte catherine"),
        ("A.B.C", "a b c"),
        ("---", ""),
    ],
)
def test_normalise(name, normalised):
    assert normalise(name) == normalised


def demo_names() -> list[str]:
    """Every name of the demo data: the register's street, municipality and postal names, the place names
    of all Belgian postcodes, and the names of the demo's municipalities, networks and police zones."""
    names = set()
    with (DEMO / "best_addresses.csv").open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            names.update(value for key, value in row.items() if value and key.split("_")[0] in NAME_COLUMNS)
    with (DEMO / "postal_names.csv").open(encoding="utf-8-sig") as f:
        for line in f:
            names.update(v for v in line.strip().split(";")[2:] if v)
    for file in ("municipalities.geojson", "networks.geojson", "police_zones.geojson"):
        for feature in json.loads((DEMO / file).read_text(encoding="utf-8"))["features"]:
            names.update(v for k, v in feature["properties"].items() if k.startswith("name") and v)
    return sorted(names)


# Letters the register does not use but people type: ligatures, eszett, Nordic and Slavic letters.
UNUSUAL = [
    "Straße",
    "Œuvre",
    "Søren",
    "Łódź",
    "Đakovo",
    "ĳzer",
    "Rue de l\u2019Église",
    "Ærø",
    "Þór",
    "½ straat",
]


@pytest.mark.django_db
def test_python_and_sql_agree_on_every_name_of_the_demo_data():
    names = demo_names() + UNUSUAL
    assert len(names) > 1000
    with connection.cursor() as cur:
        cur.execute("SELECT x, bin_normalise(x) FROM unnest(%s::text[]) AS x", [names])
        sql = dict(cur.fetchall())
    disagree = [(name, sql[name], normalise(name)) for name in names if sql[name] != normalise(name)]
    assert disagree == []
