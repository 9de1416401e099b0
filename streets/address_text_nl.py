"""Parse Dutch addresses as residents type them into the lookup box (BIN_COUNTRY=NL), and pick the parser
of the deployment's country (`parse_address_here`).

Dutch conventions this module relies on (the BAG's, core/country.py says how they are stored):

- The street comes first, then the huisnummer (1-99999), then an optional huisletter (one letter, glued
  or after a space: "12a", "12 A") and an optional huisnummertoevoeging (up to four letters or digits,
  after a dash, a slash or a space: "12-II", "12 hs", "12-1", "12 bis", "12a-3").
- The postcode is four digits (not starting with 0) and two letters, with or without a space: "1234 AB",
  "1234ab"; it is returned as the BAG writes it, "1234AB". The woonplaats follows it ("1234 AB Ons Dorp").
- Four digits alone are a postcode without its letters only at the start or after a comma.
- Without a postcode the woonplaats is the part after the first comma ("Dorpsstraat 12, Ons Dorp").
- Street abbreviations end a compound word: "Dorpsstr" -> Dorpsstraat, "Stationsln" -> Stationslaan,
  "Marktpl" -> Marktplein, "Dijkwg" -> Dijkweg, "Havenkd" -> Havenkade, "Herengr" -> Herengracht; a
  leading "Burg." is Burgemeester.

Reading rule: the house number is the LAST number of the street part that only letters and short
toevoegingen follow, so "Laan 1940-1945 12" is number 12 of "Laan 1940-1945".
"""

import re

from django.conf import settings

from .address_text import ParsedAddress, clean_query, parse_address

__all__ = ["parse_address_here", "parse_address_nl"]

_POSTCODE = re.compile(
    r"(?<![\dA-Za-z])(?P<digits>[1-9]\d{3})(?:\s?(?P<letters>[A-Za-z]{2})(?![A-Za-z\d]))?(?!\d)"
)
_NUMBER_LABEL = re.compile(r"\b(?:nr|no|nummer)\.?\s*(?=\d)", re.IGNORECASE)
_STREET_AND_NUMBER = re.compile(
    r"(?P<street>.*[^\d\s-].*)\s*(?<![\d-])(?P<number>\d{1,5})"
    r"(?P<rest>(?:\s*[-/]?\s*[a-z\d]{1,4}){0,2})",
    re.IGNORECASE,
)
_LETTER_REST = re.compile(r"\s*(?P<letter>[a-z])(?![a-z\d])(?P<rest>.*)", re.IGNORECASE)
_SUFFIX_ABBREVIATION = re.compile(r"(?P<stem>.*?[a-z])(?P<abbr>str|ln|pl|wg|kd|gr)\.?", re.IGNORECASE)
_SUFFIXES = {"str": "straat", "ln": "laan", "pl": "plein", "wg": "weg", "kd": "kade", "gr": "gracht"}
_LEADING = {"burg": "Burgemeester"}
_COUNTRY_WORDS = frozenset({"nederland", "nl", "netherlands", "the netherlands", "niederlande", "pays-bas"})


def _expand(street: str) -> str:
    words = street.split()
    if words and (leading := _LEADING.get(words[0].casefold().rstrip("."))) and len(words) > 1:
        words[0] = leading
    for index, word in enumerate(words):
        match = _SUFFIX_ABBREVIATION.fullmatch(word)
        if match:
            expansion = _SUFFIXES[match["abbr"].casefold()]
            words[index] = match["stem"] + (expansion.upper() if word.isupper() else expansion)
    return " ".join(words)


def _place(text: str) -> str:
    place = " ".join(text.replace(",", " ").split()).strip(" .")
    return "" if place.casefold() in _COUNTRY_WORDS else place


def _is_postcode(match: re.Match, text: str) -> bool:
    """Four digits and two letters are a postcode anywhere; four digits alone ("Dorpsstraat 12, 1234 Ons
    Dorp", a postcode written without its letters) only at the start or after a comma, else a number."""
    before = text[: match.start()].rstrip()
    return bool(match["letters"]) or not before or before.endswith(",")


def parse_address_nl(text: str) -> ParsedAddress:
    """Split a typed Dutch address into street, huisnummer (+ huisletter), toevoeging (as `box`), postcode
    and woonplaats. Raises AddressTextError (from `clean_query`) for unusable text, and nothing else."""
    cleaned = _NUMBER_LABEL.sub("", clean_query(text))
    postcode = municipality = ""
    # The last postcode-like text: the written form ends with it; a street name rarely holds one.
    found = ([None, *(m for m in _POSTCODE.finditer(cleaned) if _is_postcode(m, cleaned))])[-1]
    if found:
        postcode = f"{found['digits']}{(found['letters'] or '').upper()}"
        municipality = _place(cleaned[found.end() :].split(",")[0])
        head = cleaned[: found.start()]
    else:
        head = cleaned
    head, _comma, tail = head.partition(",")
    if not municipality:
        municipality = _place(tail)
    head = head.strip(" ;")
    match = _STREET_AND_NUMBER.fullmatch(head)
    if not match:
        return ParsedAddress(street=_expand(head), postcode=postcode, municipality=municipality)
    letter, rest = "", match["rest"]
    if (glued := _LETTER_REST.fullmatch(rest)) and not rest.lstrip().startswith(("-", "/")):
        letter, rest = glued["letter"].upper(), glued["rest"]
    toevoeging = rest.strip(" -/")
    if toevoeging and not re.fullmatch(r"[a-z\d]{1,4}(?:[\s/-]+[a-z\d]{1,4})?", toevoeging, re.IGNORECASE):
        toevoeging = ""
    number = int(match["number"])
    return ParsedAddress(
        street=_expand(match["street"].strip(" ,")),
        house_number=f"{number}{letter}",
        number=number,
        suffix=letter,
        box=toevoeging,
        postcode=postcode,
        municipality=municipality,
    )


def parse_address_here(text: str) -> ParsedAddress:
    """parse_address (Belgium) or parse_address_nl, after settings.BIN_COUNTRY."""
    if getattr(settings, "BIN_COUNTRY", "BE") == "NL":
        return parse_address_nl(text)
    return parse_address(text)
