"""SMS length: which encoding a text needs (GSM-7 or UCS-2) and how many segments it takes.

A single SMS carries 140 bytes: 160 GSM-7 characters or 70 UCS-2 code units. A longer text is split into
concatenated segments whose header takes 6 bytes, leaving 153 GSM-7 characters or 67 UCS-2 units each.
The GSM-7 extension characters (€ [ ] { } ^ ~ | \\ and form feed) take two septets (an escape and the
character), and a segment never splits such a pair; UCS-2 never splits a surrogate pair (emoji count as
two units). One character outside GSM-7 makes the whole text UCS-2. The officer's page repeats this logic
in JavaScript (alerts/templates/alerts/sms_counter.js); the tests keep the two in step with one table.
"""

from dataclasses import asdict, dataclass

__all__ = ["GSM7_BASIC", "GSM7_EXTENSION", "GSM7_REPLACEMENTS", "SmsLength", "gsm7_replaced", "sms_length"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    length: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # 160/153 or 70/67
    remaining: int  # room left in the last segment
    non_gsm: tuple[str, ...]  # the characters that forced UCS-2

    def as_dict(self) -> dict:
        return asdict(self)


def _segments(units: list[int], single: int, multi: int) -> tuple[int, int]:
    """Pack units (1 or 2 wide, never split) into segments; return (segments, room left in the last)."""
    total = sum(units)
    if total <= single:
        return (1 if total else 0), single - total
    segments, used = 1, 0
    for width in units:
        if used + width > multi:
            segments += 1
            used = 0
        used += width
    return segments, multi - used


def sms_length(text: str) -> SmsLength:
    """The encoding, length and number of segments of `text` as an SMS."""
    non_gsm = tuple(dict.fromkeys(c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION))
    if not non_gsm:
        units = [2 if c in GSM7_EXTENSION else 1 for c in text]
        segments, remaining = _segments(units, 160, 153)
        per_segment = 160 if segments <= 1 else 153
        return SmsLength("GSM-7", sum(units), segments, per_segment, remaining, ())
    units = [2 if ord(c) > 0xFFFF else 1 for c in text]
    segments, remaining = _segments(units, 70, 67)
    per_segment = 70 if segments <= 1 else 67
    return SmsLength("UCS-2", sum(units), segments, per_segment, remaining, non_gsm)


# What the officer's page offers in place of a character that would make the SMS UCS-2 (70 characters a
# part instead of 160): typographic quotes and dashes from word processors, accents GSM-7 lacks (é è à ù ì
# ò É Ç are in it; ê ë â ô û ï î ç are not: the base letter reads fine in Dutch and French), and spaces
# other than the plain one. Only characters outside GSM-7 are keys; a value is GSM-7 (tests check both).
GSM7_REPLACEMENTS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\u2022\u00b7", "-"),
    "\u2026": "...",
    **dict.fromkeys("\u00a0\u2007\u2009\u202f\t", " "),
    "\u200b": "",
    **dict.fromkeys("\u00e1\u00e2\u00e3", "a"),
    **dict.fromkeys("\u00c0\u00c1\u00c2", "A"),
    **dict.fromkeys("\u00ea\u00eb", "e"),
    **dict.fromkeys("\u00c8\u00ca\u00cb", "E"),
    **dict.fromkeys("\u00ed\u00ee\u00ef", "i"),
    **dict.fromkeys("\u00cc\u00cd\u00ce\u00cf", "I"),
    **dict.fromkeys("\u00f3\u00f4\u00f5", "o"),
    **dict.fromkeys("\u00d2\u00d3\u00d4", "O"),
    **dict.fromkeys("\u00fa\u00fb", "u"),
    **dict.fromkeys("\u00d9\u00da\u00db", "U"),
    "\u00e7": "c",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u00ff": "y",
    "\u0178": "Y",
}


def gsm7_replaced(text: str) -> str:
    """`text` with every character of GSM7_REPLACEMENTS replaced (the others as they are)."""
    return "".join(GSM7_REPLACEMENTS.get(c, c) for c in text)
