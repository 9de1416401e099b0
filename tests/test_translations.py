"""The interface speaks Dutch first, and French: each string of their catalogues translated, none fuzzy."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIRS = [
    ROOT / "locale",
    *(ROOT / app / "locale" for app in ("areas", "streets", "alerts", "maps", "members")),
]
# German is there for what members of the East Cantons receive, not for the whole interface.
CATALOGUES = sorted(p for d in LOCALE_DIRS for p in d.glob("*/LC_MESSAGES/django.po") if p.parts[-3] != "de")


def entries(path: Path):
    """(msgid, msgstr, flags) of each entry that is not the header or obsolete."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        text = "\n".join(line for line in lines if not line.startswith("#"))
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', text + "\n", re.M)
        if not match:
            continue  # plural forms are not used here; an entry without msgid is a comment block

        def joined(quoted):
            return "".join(re.findall(r'"(.*)"', quoted))

        msgid, msgstr = joined(match.group(1)), joined(match.group(2))
        if msgid:
            yield msgid, msgstr, flags


def test_there_are_catalogues():
    languages = {p.parts[-3] for p in CATALOGUES}
    assert languages == {"nl", "fr"} and len(CATALOGUES) >= 6


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(path):
    found = list(entries(path))
    assert found, path
    untranslated = [msgid for msgid, msgstr, _flags in found if not msgstr]
    fuzzy = [msgid for msgid, _msgstr, flags in found if "fuzzy" in flags]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_holds_every_translation_of_its_source(path):
    """A .po edited without `manage.py compilemessages` would not reach users: the .mo must hold each
    msgid and msgstr of the .po (a .mo stores them as plain UTF-8 strings)."""
    compiled = path.with_suffix(".mo").read_bytes()
    for msgid, msgstr, _flags in entries(path):
        for text in (msgid, msgstr):
            unescaped = text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
            assert unescaped.encode() in compiled, (path.name, text)
