"""An SMS text as SMPP parts: GSM-7 or UCS-2 (the choice alerts.sms_length makes), split with UDH.

GSM-7 travels unpacked, one septet per octet (data_coding 0, the SMSC packs it), with the extension
characters as 0x1B + code; UCS-2 as UTF-16-BE (data_coding 8). A text longer than one SMS is split into
parts of 153 septets or 67 UTF-16 units behind a 6-octet user data header (0x05 0x00 0x03 ref total seq,
esm_class UDHI): the same packing as sms_length (an escape pair or a surrogate pair is never split), so the
officer's counter and the parts sent agree. smpplib's own gsm.make_parts splits by octets (it can cut an
escape pair in two) and lacks "§" in its table, hence this module.
"""

import itertools
from dataclasses import dataclass

from alerts.sms_length import GSM7_EXTENSION, sms_length

__all__ = ["Part", "gsm7_encode", "text_parts"]

# GSM 03.38 default alphabet in code order (0x1B, the escape, is not a character of its own).
_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENSION = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E}
_EXTENSION.update({"|": 0x40, "€": 0x65})
_CODES = {c: bytes([i]) for i, c in enumerate(_BASIC) if i != 0x1B}
_CODES.update({c: bytes([0x1B, code]) for c, code in _EXTENSION.items()})
assert set(_EXTENSION) == GSM7_EXTENSION  # one alphabet: sms_length decides, this encodes

GSM7, UCS2 = 0, 8  # data_coding
UDHI = 0x40  # esm_class: the user data starts with a header

# The concatenation reference, one per long message; 8 bits, as the 0x00 IE has. Per process is enough:
# a handset only mixes up parts of two messages from one sender with the same reference arriving together.
_references = itertools.count(1)


@dataclass(frozen=True)
class Part:
    short_message: bytes
    data_coding: int
    esm_class: int


def gsm7_encode(text: str) -> bytes:
    """Unpacked GSM-7; KeyError for a character outside the alphabet (sms_length said UCS-2 then)."""
    return b"".join(_CODES[c] for c in text)


def _chunks(units: list[bytes], limit: int) -> list[bytes]:
    """Pack encoded characters (never split) into chunks of at most `limit` octets."""
    chunks, current = [], b""
    for unit in units:
        if len(current) + len(unit) > limit:
            chunks.append(current)
            current = b""
        current += unit
    return [*chunks, current]


def text_parts(text: str) -> list[Part]:
    """The submit_sm user data for `text`: one part, or concatenated parts with a UDH each."""
    length = sms_length(text)
    if length.encoding == "GSM-7":
        units, coding, single, multi = [_CODES[c] for c in text], GSM7, 160, 153
    else:
        units, coding, single, multi = [c.encode("utf-16-be") for c in text], UCS2, 140, 134
    if sum(len(u) for u in units) <= single:
        return [Part(b"".join(units), coding, 0)]
    chunks = _chunks(units, multi)
    if len(chunks) > 255:
        raise ValueError(f"a text of {len(chunks)} parts cannot be concatenated (255 at most)")
    ref = next(_references) % 256
    return [
        Part(bytes([0x05, 0x00, 0x03, ref, len(chunks), seq]) + chunk, coding, UDHI)
        for seq, chunk in enumerate(chunks, start=1)
    ]
