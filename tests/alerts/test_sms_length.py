"""SMS length: GSM-7 vs UCS-2 and segments, one table shared with the officer page's JavaScript counter."""

import re
from pathlib import Path

import pytest

from alerts.sms_length import GSM7_BASIC, GSM7_EXTENSION, sms_length

# text, encoding, length (septets or UTF-16 units), segments
TABLE = [
    ("", "GSM-7", 0, 0),
    ("Hallo", "GSM-7", 5, 1),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("€" * 80, "GSM-7", 160, 1),  # extension characters count double
    ("€" * 81, "GSM-7", 162, 2),
    ("a" * 152 + "€" + "a" * 10, "GSM-7", 164, 2),  # the € does not fit in 153: it moves to segment 2
    ("[x]{y}|~^\\", "GSM-7", 18, 1),  # 8 extension characters and 2 plain ones
    ("Inbraak in de Kerkstraat: let op, bel 101!", "GSM-7", 42, 1),
    ("Café, één école à Liège", "GSM-7", 23, 1),  # é, è, à are GSM-7
    ("Garçon, één fenêtre", "UCS-2", 19, 1),  # ç and ê are not (only Ç is)
    ("ç" * 70, "UCS-2", 70, 1),
    ("ç" * 71, "UCS-2", 71, 2),
    ("ç" * 134, "UCS-2", 134, 2),
    ("ç" * 135, "UCS-2", 135, 3),
    ("🚨 Brand", "UCS-2", 8, 1),  # an emoji is a surrogate pair: two units
    ("ç" * 66 + "🚨", "UCS-2", 68, 1),
    ("ç" * 66 + "🚨" + "ç" * 3, "UCS-2", 71, 2),  # the pair is not split: 66 + (2 + 3)
    ("Straße Ä ö Ü ñ ¿ § ¤", "GSM-7", 20, 1),
]


@pytest.mark.parametrize(("text", "encoding", "length", "segments"), TABLE)
def test_sms_length(text, encoding, length, segments):
    info = sms_length(text)
    assert (info.encoding, info.length, info.segments) == (encoding, length, segments)


def test_reports_the_characters_that_force_ucs2():
    assert sms_length("Let op: ç en ê").non_gsm == ("ç", "ê")


def test_javascript_counter_uses_the_same_alphabets():
    js = (Path(__file__).parents[2] / "alerts/templates/alerts/sms_counter.js").read_text()
    basic = re.search(r'const GSM7_BASIC = "(.*)";', js)[1]
    ext = re.search(r'const GSM7_EXTENSION = "(.*)";', js)[1]
    decode = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa: E731
    assert set(decode(basic)) == GSM7_BASIC
    assert set(decode(ext)) == GSM7_EXTENSION
