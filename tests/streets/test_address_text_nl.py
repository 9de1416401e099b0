"""The Dutch address parser (streets/address_text_nl.py): pure text, so it runs in both profiles."""

import pytest

from streets.address_text import AddressTextError, ParsedAddress
from streets.address_text_nl import parse_address_here, parse_address_nl


def A(street="", house_number="", number=None, suffix="", box="", postcode="", municipality=""):
    return ParsedAddress(
        street=street,
        house_number=house_number,
        number=number,
        suffix=suffix,
        box=box,
        postcode=postcode,
        municipality=municipality,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The two forms of the issue: huisletter and woonplaats; abbreviation, toevoeging, glued postcode.
        ("Dorpsstraat 12a, 1234 AB Ons Dorp", A("Dorpsstraat", "12A", 12, "A", "", "1234AB", "Ons Dorp")),
        ("dorpsstr 12-II 1234ab", A("dorpsstraat", "12", 12, "", "II", "1234AB")),
        ("Dorpsstraat 12 A II, Ons Dorp", A("Dorpsstraat", "12A", 12, "A", "II", "", "Ons Dorp")),
        ("Dorpsstraat 12a-3 1234AB", A("Dorpsstraat", "12A", 12, "A", "3", "1234AB")),
        ("Dorpsstraat 12 hs", A("Dorpsstraat", "12", 12, "", "hs")),
        ("Dorpsstraat 12-1", A("Dorpsstraat", "12", 12, "", "1")),
        ("Dorpsstraat 12 bis", A("Dorpsstraat", "12", 12, "", "bis")),
        (
            "Dorpsstraat nr. 12, 1234 AB Ons Dorp, Nederland",
            A("Dorpsstraat", "12", 12, "", "", "1234AB", "Ons Dorp"),
        ),
        ("Dorpsstraat 12 1234 AB Ons Dorp", A("Dorpsstraat", "12", 12, "", "", "1234AB", "Ons Dorp")),
        # The last number is the house number; a number in the name stays there.
        ("Laan 1940-1945 12", A("Laan 1940-1945", "12", 12)),
        ("2e Dorpsstraat 3", A("2e Dorpsstraat", "3", 3)),
        ("Kerkstraat 1200", A("Kerkstraat", "1200", 1200)),
        # Abbreviations: -str, -ln, -pl, -wg, -kd, -gr, Burg.
        ("Herengr. 7, Amsterdam", A("Herengracht", "7", 7, municipality="Amsterdam")),
        ("Burg. de Vlugtln 5", A("Burgemeester de Vlugtlaan", "5", 5)),
        ("Havenkd 1", A("Havenkade", "1", 1)),
        ("Dijkwg 2", A("Dijkweg", "2", 2)),
        ("Marktpl 3", A("Marktplein", "3", 3)),
        # Postcodes alone, four digits without letters at the start or after a comma.
        ("1234 AB", A(postcode="1234AB")),
        ("1234ab Ons Dorp", A(postcode="1234AB", municipality="Ons Dorp")),
        (
            "Dorpsstraat 12, 1234 Ons Dorp",
            A("Dorpsstraat", "12", 12, postcode="1234", municipality="Ons Dorp"),
        ),
        ("Ons Dorp", A("Ons Dorp")),
    ],
)
def test_parse_address_nl(text, expected):
    assert parse_address_nl(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "Dorpsstraat\x1b 12", "x" * 201])
def test_unusable_text_raises_address_text_error(text):
    with pytest.raises(AddressTextError):
        parse_address_nl(text)


def test_the_profile_picks_the_parser(settings):
    settings.BIN_COUNTRY = "BE"
    assert parse_address_here("Kerkstraat 14 bus 2, 9990 Teststad").box == "2"
    settings.BIN_COUNTRY = "NL"
    assert parse_address_here("dorpsstr 12-II 1234ab").postcode == "1234AB"
