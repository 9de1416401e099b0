"""Tests for the typed-address parser: pure Python, no database (Django settings only for gettext)."""

import csv
import dataclasses
import random
import re
from pathlib import Path

import pytest
from django.utils import translation

from core.text import normalise
from streets.address_text import (
    AddressTextError,
    ParsedAddress,
    clean_query,
    expand_abbreviations,
    parse_address,
)

A = ParsedAddress  # short, so each expected value fits on a line or two


@pytest.fixture(autouse=True)
def _english():
    """The error messages are checked in their English source wording; the test settings default to nl."""
    with translation.override("en"):
        yield


PARSES = [
    # The usual written form: street number box, postcode municipality.
    (
        "Kerkstraat 12 bus 3, 3920 Lommel",
        A("Kerkstraat", "12", 12, box="3", postcode="3920", municipality="Lommel"),
    ),
    ("Kerkstr. 12 Lommel", A("Kerkstraat", "12", 12, municipality="Lommel")),
    ("Wetstraat 12 Brussel", A("Wetstraat", "12", 12, municipality="Brussel")),
    ("kerkplein 5", A("kerkplein", "5", 5)),
    (
        "Heerlijkheidsstraat 138, 1130 Haren",
        A("Heerlijkheidsstraat", "138", 138, postcode="1130", municipality="Haren"),
    ),
    (
        "Bergensesteenweg 120, 1502 Lembeek",
        A("Bergensesteenweg", "120", 120, postcode="1502", municipality="Lembeek"),
    ),
    (
        "Boulevard Emile Bockstael 10, 1020 Laken",
        A("Boulevard Emile Bockstael", "10", 10, postcode="1020", municipality="Laken"),
    ),
    (
        "Rue de la Station 5 bte 2, 4960 Malmedy",
        A("Rue de la Station", "5", 5, box="2", postcode="4960", municipality="Malmedy"),
    ),
    # A postcode straight after the house number needs no comma.
    ("Avenue Louise 54 1050 Ixelles", A("Avenue Louise", "54", 54, postcode="1050", municipality="Ixelles")),
    (
        "Kerkstraat 12 bus 3 3920 Lommel",
        A("Kerkstraat", "12", 12, box="3", postcode="3920", municipality="Lommel"),
    ),
    ("Kerkstraat 12 - 3920 Lommel", A("Kerkstraat", "12", 12, postcode="3920", municipality="Lommel")),
    (
        "Kerkstraat 12, B-3920 Lommel, België",
        A("Kerkstraat", "12", 12, postcode="3920", municipality="Lommel"),
    ),
    ("Kerkstraat 12 3920 Lommel Belgique", A("Kerkstraat", "12", 12, postcode="3920", municipality="Lommel")),
    # Number first (French usage).
    (
        "12 rue de la Loi, 1000 Bruxelles",
        A("rue de la Loi", "12", 12, postcode="1000", municipality="Bruxelles"),
    ),
    (
        "12 rue de la Loi 1000 Bruxelles",
        A("rue de la Loi", "12", 12, postcode="1000", municipality="Bruxelles"),
    ),
    ("12, Av. Louise, Ixelles", A("Avenue Louise", "12", 12, municipality="Ixelles")),
    ("1040 chaussée de Wavre", A("chaussée de Wavre", "1040", 1040)),
    ("1637 Haachtsesteenweg", A("Haachtsesteenweg", "1637", 1637)),
    (
        "1637 Haachtsesteenweg, 1130 Haren",
        A("Haachtsesteenweg", "1637", 1637, postcode="1130", municipality="Haren"),
    ),
    # Walloon names may start with a lone letter; number first, it is a suffix only before a street type.
    ("5 A la Fontaine, 4960 Malmedy", A("A la Fontaine", "5", 5, postcode="4960", municipality="Malmedy")),
    ("5 A rue de la Loi", A("rue de la Loi", "5A", 5, "A")),
    ("A la Fontaine 5", A("A la Fontaine", "5", 5)),
    # Locality only, or first.
    ("3920", A(postcode="3920")),
    ("1000 Brussel", A(postcode="1000", municipality="Brussel")),
    ("B-1000 Bruxelles", A(postcode="1000", municipality="Bruxelles")),
    ("3920 Lommel, Kerkstraat 12", A("Kerkstraat", "12", 12, postcode="3920", municipality="Lommel")),
    # A lone name may be a street or a municipality: it comes back as the street, the caller tries both.
    ("Lommel", A("Lommel")),
    ("Kerkstraat, Lommel", A("Kerkstraat", municipality="Lommel")),
    ("Lommel, Kerkstraat 12", A("Kerkstraat", "12", 12, municipality="Lommel")),
    ("Zonder nummer straat", A("Zonder nummer straat")),
    # Suffixes, ranges and boxes.
    ("Harenheidestraat 89A", A("Harenheidestraat", "89A", 89, "A")),
    ("Harenheidestraat 89a", A("Harenheidestraat", "89A", 89, "A")),
    ("Rue Harenheyde 89 A", A("Rue Harenheyde", "89A", 89, "A")),
    (
        "Harenheidestraat 89 B 1130 Haren",
        A("Harenheidestraat", "89B", 89, "B", postcode="1130", municipality="Haren"),
    ),
    ("Kerkstraat 42B1", A("Kerkstraat", "42B1", 42, "B1")),
    ("Kerkstraat 12 bis", A("Kerkstraat", "12 bis", 12, "bis")),
    ("Kerkstraat 12bis", A("Kerkstraat", "12 bis", 12, "bis")),
    ("Kerkstraat 12 Ter", A("Kerkstraat", "12 ter", 12, "ter")),
    ("Kerkstraat 12-14", A("Kerkstraat", "12-14", 12, range_end=14)),
    ("Kerkstraat 12 - 14", A("Kerkstraat", "12-14", 12, range_end=14)),
    # Every way of writing box 3.
    *[
        (f"Kerkstraat 12{box}3", A("Kerkstraat", "12", 12, box="3"))
        for box in (" bte ", " bte. ", " boîte ", " boite ", "/", " / ", " b", " b ", " bus", ", bus ")
    ],
    ("Kerkstraat 12A/2", A("Kerkstraat", "12A", 12, "A", box="2")),
    ("Kerkstraat 12 bus A", A("Kerkstraat", "12", 12, box="A")),
    ("Kerkstraat 12 bus 1.2", A("Kerkstraat", "12", 12, box="1.2")),
    ("Kerkstraat 12A bus 3", A("Kerkstraat", "12A", 12, "A", box="3")),
    ("Rue de la Loi 12 app 4", A("Rue de la Loi", "12", 12, box="4")),
    # After a marker word the box is taken as written, as in the register ("2ét" is a floor).
    ("Rue du Commerce 22 bte 2ét", A("Rue du Commerce", "22", 22, box="2ét")),
    ("Arthur Puesstraat 390 bus glvl", A("Arthur Puesstraat", "390", 390, box="glvl")),
    ("Kerkstraat 12 b Lommel", A("Kerkstraat", "12B", 12, "B", municipality="Lommel")),
    # Labels in front of the number are dropped.
    ("Kerkstraat nr. 12", A("Kerkstraat", "12", 12)),
    ("Kerkstraat nr 12", A("Kerkstraat", "12", 12)),
    ("Kerkstraat nr12", A("Kerkstraat", "12", 12)),
    ("Rue de la Loi n° 12", A("Rue de la Loi", "12", 12)),
    ("Rue de la Loi nº12", A("Rue de la Loi", "12", 12)),
    ("Rue de la Loi numéro 12", A("Rue de la Loi", "12", 12)),
    # Abbreviations in the street.
    ("Brusselsestwg. 12", A("Brusselsesteenweg", "12", 12)),
    ("Stationsln 4", A("Stationslaan", "4", 4)),
    ("Grote Markt 1", A("Grote Markt", "1", 1)),
    ("Markt pl. 3", A("Markt plein", "3", 3)),
    ("Marktpl. 3", A("Marktplein", "3", 3)),
    ("Pl. Flagey 18", A("Place Flagey", "18", 18)),
    ("Av. Louise 54", A("Avenue Louise", "54", 54)),
    ("Bd Anspach 1", A("Boulevard Anspach", "1", 1)),
    ("Chée de Mons 10", A("Chaussée de Mons", "10", 10)),
    ("Chaussée de Mons 10", A("Chaussée de Mons", "10", 10)),
    ("St-Jansplein 3", A("Sint-Jansplein", "3", 3)),
    ("Rue St-Hilaire 4", A("Rue Saint-Hilaire", "4", 4)),
    # Case, stray separators, trailing dots.
    ("KERKSTRAAT 12, LOMMEL", A("KERKSTRAAT", "12", 12, municipality="LOMMEL")),
    (
        " ;Kerkstraat  ,, 12 ;; bus 3 ,, 3920   Lommel ; ",
        A("Kerkstraat", "12", 12, box="3", postcode="3920", municipality="Lommel"),
    ),
    ("Kerkstraat\t12\n3920 Lommel.", A("Kerkstraat", "12", 12, postcode="3920", municipality="Lommel")),
    ("Kerkstraat 012", A("Kerkstraat", "12", 12)),
    # Numbers that belong to the street name.
    ("Avenue du 11 Novembre", A("Avenue du 11 Novembre")),
    ("Avenue du 11 Novembre 5", A("Avenue du 11 Novembre", "5", 5)),
    ("Rue du 17 décembre 1944 5", A("Rue du 17 décembre 1944", "5", 5)),
    ("Rue du 17 décembre 1944", A("Rue du 17 décembre 1944")),
    ("Rue du 1er Mai 3", A("Rue du 1er Mai", "3", 3)),
    # A four-digit number after the street is a house number; after a comma, a postcode.
    ("Kerkstraat 1200", A("Kerkstraat", "1200", 1200)),
    ("Kerkstraat, 1200", A("Kerkstraat", postcode="1200")),
    ("Kerkstraat 9999", A("Kerkstraat", "9999", 9999)),  # not a postcode: above 9992
    # Text that looks like an attack is only text.
    ("'; DROP TABLE streets; --", A("DROP TABLE streets")),
]


@pytest.mark.parametrize(("text", "expected"), PARSES, ids=[text for text, _ in PARSES])
def test_parse_address(text, expected):
    assert parse_address(text) == expected


def test_parsed_address_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_address("Kerkstraat 12").street = "Wetstraat"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Rue de la Loi 16", "rue de la loi"),
        ("Sint-Jansstraat 3", "sint jansstraat"),
        ("St-Jansstr. 3", "sint jansstraat"),
        ("KERKSTRAAT 12", "kerkstraat"),
        ("Chée de Mons 10", "chaussee de mons"),
        ("Place Ste-Catherine 1", "place sainte catherine"),
    ],
)
def test_street_key(text, key):
    assert parse_address(text).street_key() == key


@pytest.mark.parametrize(
    ("street", "expanded"),
    [
        ("Kerkstr.", "Kerkstraat"),
        ("Kerkstr", "Kerkstraat"),
        ("KERKSTR.", "KERKSTRAAT"),
        ("Sint-Jansstr.", "Sint-Jansstraat"),
        ("Brusselsestwg.", "Brusselsesteenweg"),
        ("Brusselsestwg", "Brusselsesteenweg"),
        ("Brusselse stwg.", "Brusselse steenweg"),
        ("Stationsln", "Stationslaan"),
        ("Stations ln.", "Stations laan"),
        ("Marktpl.", "Marktplein"),
        ("Markt pl.", "Markt plein"),
        ("Pl. Flagey", "Place Flagey"),
        ("pl Flagey", "place Flagey"),
        ("Av. Louise", "Avenue Louise"),
        ("Ave Louise", "Avenue Louise"),
        ("av. louise", "avenue louise"),
        ("AV. LOUISE", "AVENUE LOUISE"),
        ("Bd Anspach", "Boulevard Anspach"),
        ("Bld. Anspach", "Boulevard Anspach"),
        ("Ch. de Mons", "Chaussée de Mons"),
        ("Chée de Mons", "Chaussée de Mons"),
        ("R. de la Loi", "Rue de la Loi"),
        ("Sq. Ambiorix", "Square Ambiorix"),
        # "St" follows the language of the name and stays as typed when that is unclear.
        ("St-Jansplein", "Sint-Jansplein"),
        ("St.-Jansplein", "Sint-Jansplein"),
        ("St. Jansplein", "Sint Jansplein"),
        ("Rue St-Hilaire", "Rue Saint-Hilaire"),
        ("Rue St.-Hilaire", "Rue Saint-Hilaire"),
        ("Place Ste-Catherine", "Place Sainte-Catherine"),
        ("St-Hubert", "St-Hubert"),
        ("Ste-Katelijnestraat", "Ste-Katelijnestraat"),
        # Whole words and names that only look like abbreviations stay.
        ("R de la Loi", "R de la Loi"),  # "R." needs its dot
        ("Stationsstraat", "Stationsstraat"),
        ("Rue de la Loi", "Rue de la Loi"),
        ("Avenue Louise", "Avenue Louise"),
        ("Zonder nummer straat", "Zonder nummer straat"),
        ("Rue Stévart", "Rue Stévart"),
        ("", ""),
    ],
)
def test_expand_abbreviations(street, expanded):
    assert expand_abbreviations(street) == expanded


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("  Kerkstraat   12  ", "Kerkstraat 12"),
        ("Kerkstraat\t12\r\n3920 Lommel", "Kerkstraat 12 3920 Lommel"),
        ("Kerk\u00adstraat\u200b 12", "Kerkstraat 12"),  # soft hyphen and zero-width space vanish
        ("\ufeffKerkstraat 12", "Kerkstraat 12"),  # byte-order mark from a pasted file
        ("Kerkstraat\u00a012", "Kerkstraat 12"),  # no-break space is whitespace
        ("Kerkstraat \uff11\uff12", "Kerkstraat 12"),  # full-width digits (NFKC)
        ("Rue de la Loi nº 12", "Rue de la Loi no 12"),  # masculine ordinal is the letter o (NFKC)
        ("Boi\u0302te", "Boîte"),  # decomposed accents are composed
    ],
)
def test_clean_query(text, cleaned):
    assert clean_query(text) == cleaned


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\t\n ", "empty"),
        ("\u200b", "empty"),
        ("a" * 2048, "limit is 200"),
        ("Kerkstraat 12 " * 150, "limit is 200"),
        ("Kerkstraat\x0012", "control character (U+0000)"),
        ("Kerkstraat 12\x07", "control character (U+0007)"),
        ("Kerkstraat\x1b[31m 12", "control character (U+001B)"),
        ("Kerkstraat\x85 12", "control character (U+0085)"),
        ("Kerkstraat \ud800 12", "invalid character"),
    ],
)
def test_clean_query_rejects(text, message):
    with pytest.raises(AddressTextError, match=re.escape(message)):
        clean_query(text)


def test_clean_query_length_limit_is_a_parameter():
    assert clean_query("a" * 200) == "a" * 200
    assert clean_query("a" * 300, max_length=300) == "a" * 300
    with pytest.raises(AddressTextError, match="limit is 10"):
        clean_query("Kerkstraat 12", max_length=10)


def test_clean_query_rejects_non_text():
    with pytest.raises(AddressTextError, match="must be text"):
        clean_query(None)  # type: ignore[arg-type]


def test_address_text_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_address("")


@pytest.mark.parametrize("text", ["", "  ", "\x00", "x" * 2048])
def test_parse_address_rejects_what_clean_query_rejects(text):
    with pytest.raises(AddressTextError):
        parse_address(text)


def assert_consistent(parsed: ParsedAddress) -> None:
    """Invariants every parse must keep, whatever the input."""
    assert (parsed.number is None) == (parsed.house_number == "")
    if parsed.number is not None:
        assert parsed.house_number.startswith(str(parsed.number))
    if parsed.suffix or parsed.range_end is not None or parsed.box:
        assert parsed.number is not None
    if parsed.postcode:
        assert parsed.postcode.isdigit() and 1000 <= int(parsed.postcode) <= 9992
    for text in (parsed.street, parsed.municipality, parsed.house_number, parsed.box):
        assert text == text.strip() and "  " not in text and "," not in text
    key = parsed.street_key()
    assert key == normalise(key)


@pytest.mark.parametrize(("text", "expected"), PARSES, ids=[text for text, _ in PARSES])
def test_table_cases_are_consistent(text, expected):
    assert_consistent(parse_address(text))


# Characters that exercise every branch: digits, separators, box markers, accents, quotes, controls,
# format characters, surrogates, ligatures, emoji and other scripts.
_ALPHABET = (
    "0123456789" * 3
    + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    + "     ,,;;..--//'\"°º#()[]%_\\*?"
    + "éèêëîïôœçàÉÈßæø"
    + "\t\n\r\x00\x07\x1b\x7f\x85\u00ad\u200b\u202e\ufeff\ud800"
    + "١٢³½ﬁ€😀中Ж"
)
_FRAGMENTS = [
    "Kerkstraat", "Kerkstr.", "rue", "Av.", "Bd", "St-", "Ste-", "bus", "bte", "boîte", "b", "nr.", "n°",
    "bis", "B-", "1000", "3920", "9992", "12", "12A", "12-14", "12/3", "du", "décembre", "1944", "Lommel",
    "'; DROP TABLE streets; --", "België", ",", ";", " ",
]  # fmt: skip


def _random_text(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 60)))
    return " ".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(0, 12)))


def test_parse_address_raises_nothing_but_address_text_error():
    rng = random.Random(20240601)
    parsed_count = 0
    for _ in range(600):
        text = _random_text(rng)
        try:
            parsed = parse_address(text)
        except AddressTextError as error:
            assert str(error)  # the user gets a message
            continue
        parsed_count += 1
        assert_consistent(parsed)
        assert parse_address(text) == parsed  # deterministic
    assert parsed_count > 300  # most random text is parsed, not refused


REGISTER = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "best_addresses.csv"


def test_register_addresses_read_back():
    """Every address of the demo register extract, written one of the usual ways, parses to its parts."""
    with REGISTER.open(encoding="utf-8") as csv_file:
        rows = list(csv.DictReader(csv_file))
    failures = []
    for index, row in enumerate(rows):
        for language, box_word in (("nl", "bus"), ("fr", "bte")):
            street, place = row[f"street_{language}"], row[f"postname_{language}"]
            if not street:
                continue
            box = f" {box_word} {row['boxnumber']}" if row["boxnumber"] else ""
            forms = (
                f"{street} {row['housenumber']}{box}, {row['postcode']} {place}",
                f"{street} {row['housenumber']}{box} {row['postcode']}",
                f"{row['housenumber']}{box} {street}, {row['postcode']}",
            )
            text = forms[index % len(forms)]
            parsed = parse_address(text)
            if (
                parsed.street_key() != normalise(street)
                or parsed.house_number.replace(" ", "").upper() != row["housenumber"].upper()
                or (parsed.box, parsed.postcode) != (row["boxnumber"], row["postcode"])
            ):
                failures.append((text, parsed))
    assert len(rows) > 10_000
    assert failures == []


def test_sql_like_text_is_only_text():
    # The quote makes "12'" a word, so no house number; the semicolon splits off a "municipality".
    assert parse_address("Kerkstraat 12'; DROP TABLE streets; --") == A(
        "Kerkstraat 12'", municipality="DROP TABLE streets"
    )
    assert parse_address("1 OR 1=1").house_number == "1"
