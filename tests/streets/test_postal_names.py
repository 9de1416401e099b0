"""Postal names: the villages people write after the postcode (1502 Lembeek), imported and used in lookups."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from streets.importers import import_best_flat, import_best_register, import_postal_names
from streets.models import PostalName
from streets.postal import postal_name_variants, postal_names_replace, postcodes_named

from .test_lookup_api import lookup, slugs
from .test_lookup_api import town as town  # the fixture

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
DEMO_POSTALS = Path(__file__).parents[2] / "fixtures" / "demo" / "postal_names.csv"


def names(postcode):
    return set(PostalName.objects.filter(postcode=postcode).values_list("name", flat=True))


@pytest.mark.parametrize(
    "given, expected",
    [
        ("Lembeek", ["Lembeek"]),
        ("Brussel (Haren)", ["Brussel (Haren)", "Brussel", "Haren"]),
        ("Galmaarden/Tollembeek/Vollezele", ["Galmaarden", "Tollembeek", "Vollezele"]),
        ("Berg (Limb.)/Tongeren", ["Berg (Limb.)", "Berg", "Tongeren"]),
        ("  Haren  (Tongeren) ", ["Haren (Tongeren)", "Haren", "Tongeren"]),
        ("", []),
    ],
)
def test_variants_of_a_register_name(given, expected):
    assert postal_name_variants(given) == expected


def test_the_demo_file_of_every_belgian_postcode_imports_and_finds_villages():
    out = io.StringIO()
    call_command("import_postal_names", str(DEMO_POSTALS), stdout=out)
    assert "names for" in out.getvalue()
    assert postcodes_named(name="lembeek") == ["1502"]
    assert postcodes_named(name="TOLLEMBEEK") == ["1570"]
    assert postcodes_named(name="Laeken") == ["1020"] and postcodes_named(name="Laken") == ["1020"]
    # Three places called Haren: in Brussels, in Tongeren and in Borgloon.
    assert postcodes_named(name="Haren") == ["1130", "3700", "3840"]
    assert postcodes_named(name="Atlantis") == []


def test_a_bad_file_is_refused_with_its_line_and_nothing_changes(tmp_path):
    postal_names_replace({"1502": ["Lembeek"]})
    bad = tmp_path / "postals.csv"
    bad.write_text("VP/1502/1;1502;Lembeek-Nieuw;;\nVP/15/1;15;Kort;;\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"postals.csv line 2: '15' is not a Belgian postcode"):
        call_command("import_postal_names", str(bad))
    bad.write_text("VP/1502/1;1502;Lembeek\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 1: expected 5 fields"):
        call_command("import_postal_names", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_postal_names", str(tmp_path / "missing.csv"))
    assert names("1502") == {"Lembeek"}


def test_a_postcode_listed_without_names_keeps_its_names(tmp_path):
    postal_names_replace({"4960": ["Malmedy"]})
    f = tmp_path / "postals.csv"
    f.write_text("WP/4960/1;4960;;;\nVP/1502/1;1502;Lembeek;;\n", encoding="utf-8")
    call_command("import_postal_names", str(f), stdout=io.StringIO())
    assert names("4960") == {"Malmedy"} and names("1502") == {"Lembeek"}


def test_the_importer_counts_postcodes_and_a_dry_run_writes_nothing(tmp_path):
    postal_names_replace({"1502": ["Lembeek"], "1500": ["Halle"]})
    f = tmp_path / "postals.csv"
    f.write_text(
        "VP/1502/1;1502;Lembeek;;\nVP/1500/1;1500;Halle;Hal;\n"
        "BP/1130/1;1130;Brussel (Haren);Bruxelles (Haren);\nWP/4960/1;4960;;;\n",
        encoding="utf-8",
    )
    report = import_postal_names(path=f, dry_run=True)
    # 1130 is new, 1500 gets a French name, 1502 keeps its name, 4960 is listed without names.
    assert (report.created, report.updated, report.unchanged, report.skipped) == (1, 1, 2, 0)
    assert report.changes == ["8 names for 3 postcodes"]
    assert names("1130") == set() and names("1500") == {"Halle"}
    import_postal_names(path=f)
    assert names("1500") == {"Halle", "Hal"} and "Haren" in names("1130")


def test_the_command_skips_bad_lines_when_asked(tmp_path):
    bad = tmp_path / "postals.csv"
    bad.write_text("VP/1502/1;1502;Lembeek-Nieuw;;\nVP/15/1;15;Kort;;\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_postal_names", str(bad), "--on-error=skip", "--no-progress", stdout=out)
    assert "postals.csv line 2: '15' is not a Belgian postcode" in out.getvalue()
    assert "1 were created, 0 were updated, 0 unchanged, 1 skipped" in out.getvalue()
    assert names("1502") == {"Lembeek-Nieuw"}


@pytest.mark.parametrize("layout", ["register", "flat"])
def test_the_best_importers_keep_the_postal_names_of_their_files(layout):
    if layout == "register":
        import_best_register(directory=DATA / "best_raw")
    else:
        import_best_flat(path=DATA / "best_flat.csv")
    assert names("1130") == {"Brussel (Haren)", "Bruxelles (Haren)", "Brussel", "Bruxelles", "Haren"}
    assert names("1502") == {"Lembeek"}


@pytest.fixture
def village(town):
    """Teststad's postcode 9990 serves the village of Kerkdorp."""
    postal_names_replace({"9990": ["Kerkdorp"], "9991": ["Anderdorp-Dorp"]})
    return town


def test_a_village_instead_of_the_municipality(client, village, django_assert_max_num_queries):
    # municipality, postal name, street search, addresses, covering networks (and the nearest, if none)
    with django_assert_max_num_queries(7):
        r = lookup(client, address="Kerkstraat 3, Kerkdorp")
    body = r.json()
    assert r.status_code == 200 and body["warnings"] == []
    assert [m["label"] for m in body["results"]] == ["Kerkstraat / Rue de l'Église 3, 9990 Teststad"]
    assert slugs(body["results"][0]) == ["bin-alfa"]


def test_a_village_with_the_postcode_of_another_place_is_said_and_answered(client, village):
    body = lookup(client, address="Kerkstraat 3, 9991 Kerkdorp").json()
    assert body["results"][0]["label"].endswith("9990 Teststad")
    assert body["warnings"] == ["The postcode 9991 does not belong to Kerkdorp; answered for Kerkdorp."]


def test_a_village_alone_gives_the_networks_there(client, village):
    body = lookup(client, address="Kerkdorp").json()
    assert body["results"][0]["match"] == "postcode"
    assert set(slugs(body["results"][0])) == {"bin-alfa", "bin-beta", "bin-z-markt"}


def test_an_unknown_place_is_said(client, village):
    body = lookup(client, address="Kerkstraat 3, Nergensdorp").json()
    assert body["warnings"] == ["“Nergensdorp” is not a municipality or place we know; searching everywhere."]


def test_the_resident_page_answers_for_a_village(client, village):
    page = client.get(reverse("maps:lookup"), {"q": "Kerkstraat 3, Kerkdorp"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "BIN Alfa" in page.content.decode()


def test_street_autocomplete_within_a_village(client, village):
    r = client.get(reverse("api:street-search"), {"q": "kerkstraat", "municipality": "kerkdorp"})
    assert [s["postcode"] for s in r.json()["results"]] == ["9990"]
    r = client.get(reverse("api:street-search"), {"q": "kerkstraat", "municipality": "Nergensdorp"})
    assert r.status_code == 400
