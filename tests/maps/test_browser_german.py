"""The public and member pages in German, in Chromium at 390 x 844 (a phone): German says
"Nachbarschaftsinformationsnetzwerk" and other long compounds, so each page is checked for sideways
scrolling in German too, and that it really speaks German (html lang, a German word, no Dutch left)."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation

from .conftest import log_in
from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# name, reverse() arguments, query, a German text the page shows
PUBLIC = [
    ("maps:lookup", [], None, "Welches NIN deckt meine Straße ab?"),
    ("maps:lookup", [], {"q": "Kerkstraat 5, 9990 Teststad"}, "Adresse gefunden"),
    ("maps:municipalities", [], None, "Nachbarschaftsinformationsnetzwerke"),
    ("maps:municipality", ["99001"], None, "Nachbarschaftsinformationsnetzwerke"),
    ("members:join", [], None, "Einem NIN beitreten"),
    ("members:network-start", [], None, "Ein NIN gründen"),
    ("members:request-link", [], None, "Senden Sie mir einen neuen Link"),
    ("access:login", [], None, "Anmeldung"),
]


def _url(live_server, name, args, query=None) -> str:
    with translation.override("de"):
        path = reverse(name, args=args)
    return live_server.url + path + (f"?{urlencode(query)}" if query else "")


def _speaks_german(page, text):
    assert page.get_attribute("html", "lang") == "de"
    body = page.inner_text("body")
    assert text in body, body[:400]


@pytest.mark.parametrize(
    ("name", "args", "query", "text"), PUBLIC, ids=[f"{p[0]}{'?q' if p[2] else ''}" for p in PUBLIC]
)
def test_a_public_page_in_german_on_a_phone(live_server, page, town, name, args, query, text):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(_url(live_server, name, args, query))
    _speaks_german(page, text)
    assert no_sideways_scroll(page)
    assert axe_serious(page) == []


def _width(page, live_server, language, name, args) -> int:
    with translation.override(language):
        page.goto(live_server.url + reverse(name, args=args))
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.mark.parametrize(
    ("user", "name", "args", "text"),
    [
        ("coord_a", "members:dashboard", [], "Meine Netzwerke"),
        ("coord_a", "members:network-members", ["bin-alfa"], "Mitglieder von BIN Alfa"),
        ("police", "maps:police-home", [], "Polizeikonsole"),
    ],
)
def test_a_staff_page_in_german_is_no_wider_than_in_dutch(live_server, page, town, user, name, args, text):
    """The staff pages' 390 px layout is the mobile work's; German must not make them any wider."""
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, getattr(town, user))
    dutch = _width(page, live_server, "nl", name, args)
    german = _width(page, live_server, "de", name, args)
    _speaks_german(page, text)
    # A few pixels either way are the fonts' (a word of another length in a table header), not a long word.
    assert german <= max(dutch, 391) + 10, (dutch, german)
