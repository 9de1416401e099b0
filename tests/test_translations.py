"""The interface speaks Dutch, French and German: each string of their catalogues translated, none fuzzy,
German covering every Dutch string, and every placeholder and HTML tag of a msgid kept in its msgstr."""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIRS = [
    ROOT / "locale",
    *(ROOT / app / "locale" for app in ("areas", "streets", "alerts", "maps", "members")),
]
CATALOGUES = sorted(p for d in LOCALE_DIRS for p in d.glob("*/LC_MESSAGES/django.po"))
DUTCH = [p for p in CATALOGUES if p.parts[-3] == "nl"]

# %(name)s with its conversion, bare %s/%d/%r, {name} (str.format; {{ }} are literal braces), HTML tags.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-+ #0-9.]*[a-zA-Z]|%[sdr]|(?<!\{)\{[A-Za-z_]\w*\}(?!\})|</?[a-zA-Z][^>]*>"
)
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def entries(path: Path):
    """(msgid, msgid_plural, msgstrs, flags) of each entry that is not the header or obsolete; msgid_plural is
    "" and msgstrs has one text for a singular entry, msgstrs holds msgstr[0], msgstr[1]… for a plural one."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            if match := KEYWORD.match(line):
                current = match.group(1)
                fields[current] = match.group(2)
            elif current and line.startswith('"'):
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            msgstrs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            yield fields["msgid"], fields.get("msgid_plural", ""), msgstrs, flags


def test_there_are_catalogues():
    languages = {p.parts[-3] for p in CATALOGUES}
    assert languages == {"nl", "fr", "de"} and len(CATALOGUES) >= 9


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(path):
    found = list(entries(path))
    assert found, path
    untranslated = [msgid for msgid, _plural, msgstrs, _flags in found if not all(msgstrs)]
    fuzzy = [msgid for msgid, _plural, _msgstrs, flags in found if "fuzzy" in flags]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("path", DUTCH, ids=lambda p: str(p.relative_to(ROOT)))
def test_german_covers_every_dutch_string(path):
    """A string added for Dutch without its German fails here: the German catalogue beside each Dutch one
    (or the project catalogue, which Django also searches) holds every msgid of it."""
    german = path.parents[2] / "de" / "LC_MESSAGES" / "django.po"
    assert german.exists(), german
    project = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
    known = {(msgid, plural) for p in {german, project} for msgid, plural, _m, _f in entries(p)}
    missing = [msgid for msgid, plural, _m, _f in entries(path) if (msgid, plural) not in known]
    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_placeholders_and_tags_are_kept(path):
    """A msgstr that loses or renames %(name)s, {name} or an HTML tag breaks the page or the message."""
    wrong = []
    for msgid, plural, msgstrs, _flags in entries(path):
        sources = [msgid] if not plural else [msgid] + [plural] * (len(msgstrs) - 1)
        for source, msgstr in zip(sources, msgstrs, strict=True):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(msgstr)):
                wrong.append((source, msgstr))
    assert wrong == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_holds_every_translation_of_its_source(path):
    """A .po edited without `manage.py compilemessages` would not reach users: the .mo must hold each
    msgid and msgstr of the .po (a .mo stores them as plain UTF-8 strings)."""
    compiled = path.with_suffix(".mo").read_bytes()
    for msgid, plural, msgstrs, _flags in entries(path):
        for text in (msgid, plural, *msgstrs):
            unescaped = text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
            assert unescaped.encode() in compiled, (path.name, text)


def test_the_interface_speaks_german():
    with translation.override("de"):
        assert translation.gettext("Log in") == "Anmelden"
        assert translation.gettext("police zone") == "Polizeizone"
        assert translation.gettext("BIN alert") == "NIN-Meldung"
        assert translation.ngettext("%(n)s member", "%(n)s members", 1) % {"n": 1} == "1 Mitglied"
        assert translation.ngettext("%(n)s member", "%(n)s members", 3) % {"n": 3} == "3 Mitglieder"
