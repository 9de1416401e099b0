"""Parse Belgian addresses as residents type them into the lookup box.

Belgian conventions this module relies on:

- Dutch and most French usage write the house number after the street ("Kerkstraat 12",
  "Rue de la Loi 16"); some French usage puts it first ("12 rue de la Loi"). Both are read.
- A house number may carry a letter or Latin suffix ("89A", "89 A", "12bis", "12 bis") or be a
  range ("12-14"). Letters are upper-cased and glued on ("12A"); Latin suffixes are lower-case after a
  space ("12 bis"); leading zeros go ("012" -> "12"). A token such as "42B1" or "12b3" (digits,
  letters, digits) is one house number, as in the national address register (BeST), not a box.
- A box (apartment letterbox) follows the number: "bus 3" (Dutch), "bte 3" / "boîte 3" (French),
  "box 3", "app 3", "b 3", "b3", or the shorthand "12/3". The box value is returned as typed ("3",
  "A", "1.2"); matching it against the register's own forms ("b003") is the caller's business.
- "nr", "nr.", "n°", "nº", "no." and "numéro" in front of a number are labels and are dropped.
- Postcodes are four digits, 1000-9992, optionally written "B-3920" / "BE-3920", normally followed by
  the municipality: "3920 Lommel". The usual written form is "street number box, postcode municipality".

Reading rules, in the order they are applied (each exists because the alternative guessed worse):

1. A postcode at the very start is a locality first ("1000 Brussel", "3920 Lommel, Kerkstraat 12"),
   whose municipality runs to the first comma, unless a street type follows the number ("1040 chaussée
   de Wavre", "1637 Haachtsesteenweg") or a postcode follows that comma ("1637 Haachtsesteenweg, 1130
   Haren"): then the address is number-first.
2. Elsewhere, a four-digit number is the postcode only when it follows a comma or semicolon, directly
   follows the house number ("Avenue Louise 54 1050 Ixelles"), or the address is number-first. So
   "Kerkstraat 1200" is house number 1200; "Kerkstraat, 1200" is postcode 1200.
3. A number right after an article ("Rue du 11 Novembre", "Rue des 3 Tilleuls") or a year right after
   a month ("Rue du 17 décembre 1944") belongs to the street name. Otherwise the last number of the
   street part is the house number, so "Avenue du 11 Novembre 5" has house number 5.
4. Words after the postcode, or else after the house number, or else after a comma, are the
   municipality. Without any of those, a lone word ("Lommel") is returned as the street: it may be a
   street or a municipality, and the caller should try both.

Abbreviations are expanded in the street only (see `expand_abbreviations`). Names are compared through
core.text.normalise, which the database's bin_normalise() mirrors.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.text import normalise

__all__ = [
    "AddressTextError",
    "ParsedAddress",
    "clean_query",
    "expand_abbreviations",
    "parse_address",
]

MAX_QUERY_LENGTH = 200
POSTCODE_MIN, POSTCODE_MAX = 1000, 9992


class AddressTextError(ValueError):
    """The text cannot be used as an address query; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """The parts of a typed address; empty strings (or None) for parts that were not given."""

    street: str = ""
    house_number: str = ""
    number: int | None = None
    suffix: str = ""
    range_end: int | None = None
    box: str = ""
    postcode: str = ""
    municipality: str = ""

    def street_key(self) -> str:
        """The street in comparison form: lower case, no accents, no punctuation."""
        return normalise(self.street)


# --- Cleaning -------------------------------------------------------------------------------------

# Tabs, newlines and form feeds are whitespace a paste may contain; every other C0/C1 control is refused.
_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c")


def clean_query(text: str, *, max_length: int = MAX_QUERY_LENGTH) -> str:
    """Return the text NFKC-normalised with whitespace collapsed, or raise AddressTextError.

    Invisible format characters (zero-width space, soft hyphen, byte-order mark) are removed silently:
    they come with copy-paste and mean nothing. The length limit applies to the cleaned text.
    """
    if not isinstance(text, str):
        raise AddressTextError(_("The address must be text."))
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and char not in _WHITESPACE_CONTROLS:
            raise AddressTextError(
                # Translators: code is the character's Unicode code point in hexadecimal, e.g. 001B.
                _("The address contains a control character (U+%(code)s); please retype it.")
                % {"code": f"{ord(char):04X}"}
            )
        if category == "Cs":
            raise AddressTextError(_("The address contains an invalid character; please retype it."))
        if category != "Cf":
            kept.append(char)
    cleaned = " ".join(unicodedata.normalize("NFKC", "".join(kept)).split())
    if not cleaned:
        raise AddressTextError(_("The address is empty: type a street and house number, or a postcode."))
    if len(cleaned) > max_length:
        raise AddressTextError(
            _("The address is too long (%(length)s characters); the limit is %(limit)s.")
            % {"length": len(cleaned), "limit": max_length}
        )
    return cleaned


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- Abbreviations --------------------------------------------------------------------------------

# French street types lead the name; they also tell "St-" apart (French "Saint", Dutch "Sint").
_FRENCH_STREET_TYPES = _word_set(
    "allée avenue boulevard chaussée chemin clos cour drève galerie impasse parvis passage place "
    "quai route rue ruelle sentier square venelle voie"
)
_LEADING_ABBREVIATIONS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "ch": "chaussée",  # "ch." can also mean "chemin"; the common reading in addresses is chaussée.
    "chée": "chaussée",
    "pl": "place",
    "sq": "square",
}
# Dutch street types end a compound word ("Kerkstraat"), so their abbreviations end one ("Kerkstr.").
_DUTCH_SUFFIX_ABBREVIATION = re.compile(r"(?P<stem>.*?)(?P<abbr>stwg|stw|str|ln|pl)\.?", re.IGNORECASE)
_DUTCH_SUFFIXES = {"stwg": "steenweg", "stw": "steenweg", "str": "straat", "ln": "laan", "pl": "plein"}
_DUTCH_STREET_ENDINGS = (
    "straat", "laan", "plein", "steenweg", "weg", "dreef", "lei", "kaai", "dijk", "baan", "markt", "pad",
)  # fmt: skip
# No Belgian municipality name ends like these, so they mark a street ("1637 Haachtsesteenweg").
_UNAMBIGUOUS_DUTCH_ENDINGS = ("straat", "laan", "plein", "steenweg", "dreef")
_SAINT = re.compile(r"(?P<abbr>ste?)(?:(?P<sep>\.?-|\.)(?P<rest>.*))?", re.IGNORECASE)


def _cased(word: str, *, like: str, upper: bool) -> str:
    if upper:
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def expand_abbreviations(street: str) -> str:
    """Expand the usual Dutch and French street abbreviations in a street name.

    - Leading French types, with or without a dot: "Av." / "Ave" -> Avenue, "Bd" / "Bld" -> Boulevard,
      "Ch." / "Chée" -> Chaussée, "Pl." -> Place, "Sq." -> Square; "R." -> Rue only with its dot.
    - Dutch types at the end of a word, with or without a dot: "Kerkstr." -> Kerkstraat,
      "Brusselsestwg." -> Brusselsesteenweg, "Stationsln" -> Stationslaan, "Marktpl." -> Marktplein;
      standing alone after another word too ("Markt pl." -> "Markt plein").
    - "St" / "St." / "St-" / "St.-" becomes "Sint" in a Dutch name (one with a Dutch type ending such as
      -straat or -plein) and "Saint" ("Ste": "Sainte") in a French name (one that starts with a French
      type such as Rue). Where the language is not clear ("St-Hubert 3") it is left as typed.

    Expansions follow the case of the name: "KERKSTR." -> "KERKSTRAAT", "av. louise" -> "avenue louise".
    """
    words = street.split()
    if not words:
        return ""
    upper = street.isupper()
    first = words[0]
    leading = "rue" if first.casefold() == "r." else _LEADING_ABBREVIATIONS.get(first.casefold().rstrip("."))
    if leading:
        words[0] = _cased(leading, like=first, upper=upper)
    for index, word in enumerate(words):
        match = _DUTCH_SUFFIX_ABBREVIATION.fullmatch(word)
        if match and not (index == 0 and leading) and (not match["stem"] or match["stem"][-1].isalpha()):
            words[index] = match["stem"] + _cased(
                _DUTCH_SUFFIXES[match["abbr"].casefold()], like="x", upper=word.isupper()
            )

    french = words[0].casefold() in _FRENCH_STREET_TYPES
    dutch = not french and any(word.casefold().endswith(_DUTCH_STREET_ENDINGS) for word in words)
    if french or dutch:
        for index, word in enumerate(words):
            match = _SAINT.fullmatch(word)
            if not match or (not match["rest"] and index == len(words) - 1):
                continue
            feminine = match["abbr"].casefold() == "ste"
            if dutch and feminine:
                continue
            saint = _cased("sainte" if feminine else "saint" if french else "sint", like=word, upper=upper)
            words[index] = f"{saint}-{match['rest']}" if match["rest"] else saint
    return " ".join(words)


# --- Tokens ---------------------------------------------------------------------------------------

_SEP = ","  # every run of commas, semicolons and punctuation-only tokens becomes one separator token

_NUMBER_LABEL = re.compile(r"(?:\b(?:nr|no|num(?:éro|ero)?)|\bn°|#)\.?\s*(?=\d)", re.IGNORECASE)
_COUNTRY_PREFIX = re.compile(r"\b(?:B|BE)\s*-\s*(?=\d{4}\b)", re.IGNORECASE)
# The end of a range has at most three digits: "12 - 3920 Lommel" is a number and a postcode.
_SPACED_RANGE = re.compile(r"(?<![\d-])(\d{1,4})\s*-\s*(\d{1,3})(?!\d)")
_SPACED_SLASH = re.compile(r"\b(\d{1,4}[a-z]?)\s*/\s*(?=[\da-z])", re.IGNORECASE)
_NUMBER_END_DOT = re.compile(r"(?<=\d)\.(?=\s|,|$)")

_HOUSE_NUMBER = re.compile(
    r"(?P<number>\d{1,4})"
    r"(?:-(?P<range_end>\d{1,4})|(?P<latin>bis|ter|quater)|(?P<letters>[a-z]{1,2}\d{0,3}))?"
    r"(?:/(?P<box>[\da-z][\da-z.]{0,7}))?",
    re.IGNORECASE | re.ASCII,
)
_ORDINAL_ENDINGS = frozenset({"er", "re", "de", "me"})  # "1er Mai" is a name, not house number 1ER
_SUFFIX = re.compile(r"[a-z]|bis|ter|quater", re.IGNORECASE | re.ASCII)
_BOX_MARKERS = frozenset({"bus", "bte", "bt", "boîte", "boite", "box", "b", "app", "apt"})
_GLUED_BOX = re.compile(r"(?:bus|bte|bt|boîte|boite|box|b|app|apt)\.?(?P<box>\d[\da-z.]{0,7})", re.IGNORECASE)
_BOX_VALUE = re.compile(r"[\da-z][\da-z./-]{0,7}", re.IGNORECASE | re.ASCII)
_POSTCODE = re.compile(r"\d{4}", re.ASCII)

_ARTICLES = _word_set("au aux d' de des du l' la le les van der den het")
_MONTHS = _word_set(
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre "
    "décembre decembre januari februari maart april mei juni juli augustus september oktober "
    "november december"
)
_COUNTRY_WORDS = frozenset({"belgië", "belgie", "belgique", "belgium", "belgien", "be"})


def _tokenise(text: str) -> list[str]:
    text = _NUMBER_LABEL.sub(" ", text)
    text = _COUNTRY_PREFIX.sub(", ", text)
    text = _SPACED_RANGE.sub(r"\1-\2", text)
    text = _SPACED_SLASH.sub(r"\1/", text)
    text = _NUMBER_END_DOT.sub("", text)
    tokens: list[str] = []
    for raw in text.replace(",", " , ").replace(";", " , ").split():
        token = raw if any(char.isalnum() for char in raw) else _SEP
        if token != _SEP or (tokens and tokens[-1] != _SEP):
            tokens.append(token)
    if tokens and tokens[-1] == _SEP:
        tokens.pop()
    return tokens


def _is_postcode(token: str) -> bool:
    return bool(_POSTCODE.fullmatch(token)) and POSTCODE_MIN <= int(token) <= POSTCODE_MAX


def _is_street_type(token: str) -> bool:
    """Whether the token names a street, not a municipality: "rue", "Av.", "Kerkstraat"."""
    key = token.casefold().rstrip(".")
    if key in _FRENCH_STREET_TYPES or key in _LEADING_ABBREVIATIONS or token.casefold() == "r.":
        return True
    return key.endswith(_UNAMBIGUOUS_DUTCH_ENDINGS)


def _is_box_value(token: str) -> bool:
    return bool(_BOX_VALUE.fullmatch(token)) and (any(c.isdigit() for c in token) or len(token) <= 2)


def _segments(tokens: list[str]) -> list[str]:
    """The non-empty comma-separated runs of tokens, each joined with single spaces."""
    return [part.strip() for part in " ".join(tokens).split(_SEP) if part.strip()]


def _municipality(tokens: list[str]) -> str:
    segments = _segments(tokens)
    words = segments[0].split() if segments else []
    return " ".join(word for word in words if word.casefold() not in _COUNTRY_WORDS).rstrip(".")


# --- House numbers --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Group:
    """A house number with its suffix and box, spanning tokens[start:end]."""

    start: int
    end: int
    number: int
    suffix: str = ""
    range_end: int | None = None
    box: str = ""
    postcode: str = ""  # the token, when the group is a bare four-digit number in the postcode range

    @property
    def house_number(self) -> str:
        if self.range_end is not None:
            return f"{self.number}-{self.range_end}"
        if len(self.suffix) > 2 and self.suffix.isalpha():  # bis, ter, quater
            return f"{self.number} {self.suffix}"
        return f"{self.number}{self.suffix}"


def _box_after_marker(tokens: list[str], index: int) -> str:
    """The box value when tokens[index] is a box marker followed by one ("bus 3"), else ""."""
    if index + 1 >= len(tokens) or tokens[index].casefold().rstrip(".") not in _BOX_MARKERS:
        return ""
    value = tokens[index + 1]
    if tokens[index].casefold() != "b":  # a marker word takes any short value: "bte 2ét", "bus glvl"
        return value if value != _SEP and len(value) <= 8 else ""
    # The bare letter b is strict: "89 b Lommel" is 89B, and in "89 B 1130 Haren" 1130 is the postcode.
    return value if _is_box_value(value) and not _is_postcode(value) else ""


def _read_group(tokens: list[str], start: int) -> _Group | None:
    match = _HOUSE_NUMBER.fullmatch(tokens[start])
    if not match or (match["letters"] or "").casefold() in _ORDINAL_ENDINGS:
        return None
    suffix = (match["latin"] or "").casefold() or (match["letters"] or "").upper()
    range_end = int(match["range_end"]) if match["range_end"] else None
    box = match["box"] or ""
    end = start + 1

    follower = tokens[end + 1] if end + 1 < len(tokens) else _SEP
    # Number first, a lone letter may start the name ("5 A la Fontaine", Walloon): a suffix only before
    # a comma, the end or a street type ("5 A rue de la Loi").
    starts_name = start == 0 and follower != _SEP and not _is_street_type(follower)
    plain = not (suffix or range_end or box or starts_name)
    if plain and end < len(tokens) and _SUFFIX.fullmatch(tokens[end]) and not _box_after_marker(tokens, end):
        suffix = tokens[end].casefold() if len(tokens[end]) > 1 else tokens[end].upper()
        end += 1
    if not box:
        index = end + 1 if end < len(tokens) and tokens[end] == _SEP else end  # "12, bus 3"
        glued = _GLUED_BOX.fullmatch(tokens[index]) if index < len(tokens) else None
        if box := _box_after_marker(tokens, index):
            end = index + 2
        elif glued:
            box, end = glued["box"], index + 1

    bare = end == start + 1 and _is_postcode(tokens[start])
    return _Group(start, end, int(match["number"]), suffix, range_end, box, tokens[start] if bare else "")


def _find_groups(tokens: list[str]) -> list[_Group]:
    groups = []
    index = 0
    while index < len(tokens):
        previous = tokens[index - 1].casefold() if index else ""
        in_name = previous in _ARTICLES or (previous in _MONTHS and len(tokens[index]) == 4)
        group = None if in_name else _read_group(tokens, index)
        if group:
            groups.append(group)
        index = group.end if group else index + 1
    return groups


def _find_postcode(tokens: list[str], groups: list[_Group], *, number_first: bool) -> _Group | None:
    found = None
    for position, group in enumerate(groups):
        if not group.postcode or group.start == 0:
            continue
        after_comma = tokens[group.start - 1] == _SEP
        after_number = position > 0 and groups[position - 1].end == group.start
        if after_comma or after_number or number_first:
            found = group
    return found


# --- Parsing --------------------------------------------------------------------------------------


def parse_address(text: str) -> ParsedAddress:
    """Split typed address text into street, house number, box, postcode and municipality.

    Raises AddressTextError (from `clean_query`) for unusable text, and nothing else.
    """
    tokens = _tokenise(clean_query(text))
    postcode = municipality = ""

    end = tokens.index(_SEP) if _SEP in tokens else len(tokens)
    street_type_next = len(tokens) > 1 and _is_street_type(tokens[1])
    postcode_after_comma = end + 1 < len(tokens) and _is_postcode(tokens[end + 1])
    if tokens and _is_postcode(tokens[0]) and not street_type_next and not postcode_after_comma:
        postcode, municipality = tokens[0], _municipality(tokens[1:end])
        tokens = tokens[end + 1 :]

    groups = _find_groups(tokens)
    number_first = bool(groups) and groups[0].start == 0
    if not postcode and (found := _find_postcode(tokens, groups, number_first=number_first)):
        postcode, municipality = found.postcode, _municipality(tokens[found.end :])
        tokens, groups = tokens[: found.start], [group for group in groups if group.start < found.start]

    house = (groups[0] if number_first else groups[-1]) if groups else None
    if house is None:
        segments = _segments(tokens)
        street, others = (segments[0], segments[1:]) if segments else ("", [])
    elif number_first:
        segments = _segments(tokens[house.end :])
        street, others = (segments[0], segments[1:]) if segments else ("", [])
    else:
        before = _segments(tokens[: house.start])
        street = before[-1] if before else ""
        others = _segments(tokens[house.end :]) + before[:-1]
    if not municipality and others:
        municipality = _municipality(others[0].split())

    return ParsedAddress(
        street=expand_abbreviations(street),
        house_number=house.house_number if house else "",
        number=house.number if house else None,
        suffix=house.suffix if house else "",
        range_end=house.range_end if house else None,
        box=house.box if house else "",
        postcode=postcode,
        municipality=municipality,
    )
