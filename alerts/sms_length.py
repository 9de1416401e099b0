"""SMS length: which encoding a text needs (GSM-7 or UCS-2) and how many segments it takes.

A single SMS carries 140 bytes: 160 GSM-7 characters or 70 UCS-2 code units. A longer text is split into
concatenated segments whose header takes 6 bytes, leaving 153 GSM-7 characters or 67 UCS-2 units each.
The GSM-7 extension characters (€ [ ] { } ^ ~ | \\ and form feed) take two septets (an escape and the
character), and a segment never splits such a pair; UCS-2 never splits a surrogate pair (emoji count as
two units). One character outside GSM-7 makes the whole text UCS-2. The officer's page repeats this logic
in JavaScript (alerts/templates/alerts/sms_counter.js); the tests keep the two in step with one table.
"""

from dataclasses import asdict, dataclass

__all__ = ["GSM7_BASIC", "GSM7_EXTENSION", "SmsLength", "sms_length"]

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
