"""The street search stages on real PostGIS: prefix, words, typo, trigram; the terms the triggers keep."""

import pytest
from django.db import connection

from streets.models import Street, StreetTerm, StreetWordVariant
from streets.search import streets_search
from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets(town):
    """Streets added to Teststad whose names exercise each stage, with the town's two Kerkstraats (Teststad's
    also named Rue de l'Église; Anderdorp's, postcode 9991, in Dutch only)."""
    here = town.muni
    fr = {"name_nl": ""}  # French names only (the factory gives a Dutch one)

    def street(**names):
        return StreetFactory(municipality=here, postcode="9990", **names)

    return {
        "kerk": town.kerkstraat,
        "kerkje": street(name_nl="Kerkstraatje"),
        "kerkhof": street(name_nl="Kerkhofweg"),
        "oude": street(name_nl="Oude Kerkstraat"),
        "loi": street(name_nl="Wetstraat", name_fr="Rue de la Loi"),
        "louvain": street(name_fr="Rue de Louvain", **fr),
        "louis": street(name_fr="Rue Louis Pasteur", **fr),
        "damme": street(name_nl="Jozef Van Dammestraat"),
        "ecole": street(name_fr="Chemin de l'École", **fr),
        "kerk2": town.other_kerkstraat,
    }


def names(found):
    return [s.name for s in found]


def test_prefix_exact_terms_first_then_longer_names(streets):
    found = streets_search(q="kerkstraat", municipality_ids=[streets["kerk"].municipality_id])
    # Exact terms first (the whole name, or the name from a later word), then names that start so.
    assert names(found) == ["Kerkstraat", "Oude Kerkstraat", "Kerkstraatje"]
    assert [s.stage for s in found] == ["prefix"] * 3
    assert found[0].score == 1.0 and found[0].municipality.nis_code == "99001"


def test_prefix_at_any_word_in_any_language_without_accents_or_case(streets):
    assert names(streets_search(q="LOI")) == ["Wetstraat"]  # Rue de la Loi is the same street
    assert names(streets_search(q="rue de la l")) == ["Wetstraat"]
    assert names(streets_search(q="église")) == ["Kerkstraat"]
    assert names(streets_search(q="dammestr")) == ["Jozef Van Dammestraat"]
    # "de" starts no term (words under three letters do not); the trigram stage finds names with it.
    assert {s.stage for s in streets_search(q="de")} == {"trigram"}


def test_words_in_any_order_with_words_skipped(streets):
    found = streets_search(q="rue lou")
    assert names(found) == ["Rue Louis Pasteur", "Rue de Louvain"]
    assert [s.stage for s in found] == ["prefix", "words"]
    assert names(streets_search(q="pasteur rue")) == ["Rue Louis Pasteur"]
    assert names(streets_search(q="jozef damme")) == ["Jozef Van Dammestraat"]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("kerkstarat", "Kerkstraat"),  # two letters swapped
        ("kerkstrat", "Kerkstraat"),  # one missing
        ("kerkstraaat", "Kerkstraat"),  # one extra
        ("kerkstroat", "Kerkstraat"),  # one wrong
        ("chemni de l'ecole", "Chemin de l'École"),
        ("chemin de l'ecple", "Chemin de l'École"),
        ("reu de louvain", "Rue de Louvain"),
    ],
)
def test_one_typo_in_one_word(streets, typed, expected, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = streets_search(q=typed, municipality_ids=[streets["kerk"].municipality_id])
    assert found[0].name == expected
    assert found[0].stage == "typo"


def test_trigram_when_no_word_is_one_typo_away(streets):
    # A cut-off word with a typo in it ("kerkstr" mistyped) matches no word of the names.
    found = streets_search(q="kerkstar", municipality_ids=[streets["kerk"].municipality_id])
    assert found and found[0].name.startswith("Kerkstraat") and found[0].stage == "trigram"
    assert streets_search(q="zzqxv") == []


def test_filters_municipality_and_postcode(streets):
    everywhere = streets_search(q="kerkstraat")
    assert {s.municipality.nis_code for s in everywhere if s.name == "Kerkstraat"} == {"99001", "99002"}
    there = streets_search(q="kerkstraat", municipality_ids=[streets["kerk2"].municipality_id])
    assert [s.pk for s in there] == [streets["kerk2"].pk]
    assert [s.pk for s in streets_search(q="kerkstraat", postcode="9991")] == [streets["kerk2"].pk]
    assert streets_search(q="kerkstarat", postcode="9991")[0].pk == streets["kerk2"].pk
    assert streets_search(q="wetstraat", postcode="9991") == []


def test_limit_and_one_statement_when_the_text_matches(streets, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = streets_search(q="kerk", limit=2)
    assert len(found) == 2


def test_sql_and_pattern_characters_are_just_text(streets):
    before = Street.objects.count()
    for text in ["'; DROP TABLE streets_street; --", "kerk%", "kerk_", "\\", "%%", "(?!)"]:
        streets_search(q=text)
    assert Street.objects.count() == before


def terms(street):
    return set(StreetTerm.objects.filter(street=street).values_list("word", "term"))


def test_triggers_keep_the_terms_on_insert_rename_and_delete(streets):
    street = streets["loi"]
    assert terms(street) == {(0, "wetstraat"), (0, "rue de la loi"), (3, "loi")}
    row = StreetTerm.objects.filter(street=street, word=0, term="wetstraat").get()
    assert (row.municipality_id, row.postcode, row.name) == (street.municipality_id, "9990", "wetstraat")

    Street.objects.filter(pk=street.pk).update(name_fr="Rue de la Science")
    assert terms(street) == {(0, "wetstraat"), (0, "rue de la science"), (3, "science")}
    assert names(streets_search(q="science")) == ["Wetstraat"]
    assert "prefix" not in {s.stage for s in streets_search(q="rue de la loi")}
    # New words bring their typo variants: "scence" is one letter off.
    assert StreetWordVariant.objects.filter(word="science", variant="scence").exists()
    assert names(streets_search(q="rue de la scence")) == ["Wetstraat"]

    # An update that changes no name leaves the terms alone (the importers' re-runs touch geometries).
    before = set(StreetTerm.objects.filter(street=street).values_list("pk", flat=True))
    Street.objects.filter(pk=street.pk).update(source_id="other-id")
    assert set(StreetTerm.objects.filter(street=street).values_list("pk", flat=True)) == before

    Street.objects.filter(pk=street.pk).update(postcode="9999")
    assert set(StreetTerm.objects.filter(street=street).values_list("postcode", flat=True)) == {"9999"}

    street.delete()
    assert not StreetTerm.objects.filter(street_id=street.pk).exists()


def test_bulk_insert_and_upsert_write_terms_once(streets):
    municipality = streets["kerk"].municipality
    Street.objects.bulk_create(
        [
            Street(municipality=municipality, name_nl=f"Bulkstraat {n}", source_id=f"bulk:{n}")
            for n in range(50)
        ]
    )
    assert StreetTerm.objects.filter(term__startswith="bulkstraat").count() == 50
    with connection.cursor() as cur:
        # What the importers do: INSERT ... ON CONFLICT DO UPDATE, one row new and one renamed.
        cur.execute(
            """
            INSERT INTO streets_street (municipality_id, name_nl, name_fr, name_de, postcode, source_id)
            VALUES (%(m)s, 'Bulkstraat 0', '', '', '', 'bulk:0'),
                   (%(m)s, 'Nieuwe Dreef', '', '', '', 'bulk:new'),
                   (%(m)s, 'Hernoemde Laan', '', '', '', 'bulk:1')
            ON CONFLICT (source_id) DO UPDATE SET name_nl = excluded.name_nl
            """,
            {"m": municipality.pk},
        )
    assert names(streets_search(q="nieuwe dreef")) == ["Nieuwe Dreef"]
    assert names(streets_search(q="hernoemde")) == ["Hernoemde Laan"]
    assert StreetTerm.objects.filter(term__startswith="bulkstraat").count() == 49
    assert StreetTerm.objects.filter(term="bulkstraat 0").count() == 1
