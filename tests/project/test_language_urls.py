"""The language in the URL (/nl/, /fr/, /de/, /en/): prefixes, old unprefixed links, what stays unprefixed,
the switcher, links in e-mails and SMS, the embed code per language, the maps' credits and scale, PLP."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse, translate_url

from alerts.messages import MessageCache, reaction_token
from members.emails import confirm_url, email_member, invitation_url, manage_url
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl", "fr", "de", "en"]


def unprefixed(url: str) -> str:
    """`url` (reversed in the tests' English) as an old link without a language: /maps/… instead of /en/…."""
    assert url.startswith("/en/"), url
    return url.removeprefix("/en")


def test_the_site_speaks_four_languages():
    assert [code for code, _name in settings.LANGUAGES] == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_its_prefix_and_its_html_lang(town, language):
    client = Client()  # no cookie, no Accept-Language: the URL alone decides
    for name, args in [("maps:lookup", []), ("maps:municipality", ["99001"]), ("members:join", [])]:
        url = translate_url(reverse(name, args=args), language)
        assert url.startswith(f"/{language}/"), url
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.content.decode(), url


def test_an_old_unprefixed_link_is_redirected_with_its_query_string(town):
    old = unprefixed(reverse("maps:municipality", args=["99001"])) + "?zoom=14&q=Kerkstraat+3"
    # Accept-Language decides without a cookie ...
    response = Client().get(old, HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9,nl;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/fr" + old
    # ... the language cookie (set by the switcher) before it ...
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert client.get(old, HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/de" + old
    # ... and Dutch when nothing is known.
    assert Client().get(old)["Location"] == "/nl" + old
    # The resident's page at the root, a flyer's join link and an embed on a municipal site.
    assert Client().get("/?q=Kerkstraat+3", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/en/?q=Kerkstraat+3"
    embed = unprefixed(reverse("maps:municipality-embed", args=["99001"]))
    assert Client().get(embed, HTTP_ACCEPT_LANGUAGE="nl")["Location"] == "/nl" + embed
    assert Client().get(embed, HTTP_ACCEPT_LANGUAGE="nl", follow=True).status_code == 200


def test_the_api_tiles_probes_and_admin_stay_unprefixed(client, town):
    assert reverse("api:lookup") == "/api/lookup/"
    assert client.get(reverse("api:lookup"), {"q": "Kerkstraat 3, 9990 Teststad"}).status_code != 404
    assert client.get("/nl" + reverse("api:lookup"), {"q": "Kerkstraat 3, 9990 Teststad"}).status_code == 404
    assert reverse("tiles:network-tile", args=[13, 4200, 2740]).startswith("/tiles/networks/")
    assert reverse("tiles:tile", args=[13, 4200, 2740]) == "/tiles/13/4200/2740.png"
    assert reverse("healthz") == "/healthz" and reverse("set_language") == "/i18n/setlang/"
    assert reverse("admin:index") == "/admin/"
    assert client.get(reverse("admin:index"))["Location"].startswith("/admin/login/")


def test_the_switcher_keeps_the_page_and_its_query(client, town):
    page = translate_url(reverse("maps:municipality", args=["99001"]), "fr") + "?x=1"
    html = client.get(page).content.decode()
    targets = dict(re.findall(r'name="next" value="([^"]+)">\s*<button name="language" value="(\w+)"', html))
    assert {language: path for path, language in targets.items()} == {
        language: translate_url(page, language) for language in LANGUAGES
    }
    # Django's set_language stores the choice and goes to the same page in German, even though the
    # request to /i18n/ itself is in another language (Accept-Language: Dutch).
    germans = translate_url(page, "de")
    response = client.post(
        reverse("set_language"), {"language": "de", "next": germans}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 302 and response["Location"] == germans == "/de/maps/99001/?x=1"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


def test_public_pages_name_their_other_languages(client, town):
    html = client.get(reverse("maps:municipality", args=["99001"])).content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', html))
    assert alternates == {code: f"http://testserver/{code}/maps/99001/" for code in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_links_to_members_carry_their_language(town, language, settings):
    settings.BIN_PUBLIC_URL = "https://bin.example.be"
    member = MemberFactory(language=language)
    # Whatever the language of the request or task that sends them (the tests' English).
    assert f"/{language}/members/manage/" in manage_url(member)
    assert f"/{language}/members/confirm/" in confirm_url(member)
    assert f"/{language}/members/invitation/" in invitation_url(member, town.alfa)
    link = MessageCache().link(41, language)
    assert link == f"https://bin.example.be/{language}/r/{reaction_token(41)}/"


def test_a_french_member_follows_the_link_to_a_french_page(client, town, settings, mailoutbox):
    settings.BIN_PUBLIC_URL = "http://testserver"
    member = MemberFactory(language="fr", email="marie@example.be")
    email_member(member=member, template="link")
    (path,) = re.findall(r"http://testserver(/\w\w/members/manage/[^\s/]+/)", mailoutbox[-1].body)
    assert path.startswith("/fr/members/manage/")
    assert '<html lang="fr">' in client.get(path).content.decode()


def test_the_embed_code_names_its_language_and_offers_the_others(client, town):
    url = reverse("maps:municipality", args=["99001"])
    html = client.get(url).content.decode()
    embed = reverse("maps:municipality-embed", args=["99001"])
    assert embed.startswith("/en/")
    assert f"&lt;iframe src=&quot;http://testserver{embed}&quot;" in html
    options = json.loads(
        re.search(r'<script id="embed-languages" type="application/json">(.*?)</script>', html)[1]
    )
    assert [o["code"] for o in options] == LANGUAGES
    assert {o["code"]: o["url"] for o in options} == {code: translate_url(embed, code) for code in LANGUAGES}
    assert 'name="embed_language"' in html
    # Without JavaScript: the form asks for the page again with the chosen language.
    html = client.get(url, {"embed_language": "fr"}).content.decode()
    french = translate_url(embed, "fr")
    assert f"&lt;iframe src=&quot;http://testserver{french}&quot; title=&quot;Réseaux" in html
    assert f'href="{french}" data-embed-preview' in html
    zone = client.get(reverse("maps:police-zone", args=[5999]), {"embed_language": "de"}).content.decode()
    assert f"http://testserver{translate_url(reverse('maps:police-zone-embed', args=[5999]), 'de')}" in zone


def test_the_embed_page_has_its_language_and_lets_phones_zoom(town):
    french = translate_url(reverse("maps:municipality-embed", args=["99001"]), "fr")
    html = Client().get(french).content.decode()
    assert '<html lang="fr">' in html
    assert "user-scalable=no" not in html and "maximum-scale" not in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_the_scale_is_metric_only_and_leaflet_credited_in_the_page_language(client, town):
    html = client.get(reverse("maps:municipality", args=["99001"])).content.decode()
    assert "L.control.scale({metric: true, imperial: false})" in html
    assert "L.control.scale()" not in html
    assert ".attributionControl.setPrefix(" in html and "A JavaScript library for interactive maps" in html
    assert "OpenStreetMap\\u003c/a\\u003e contributors" in html or "OpenStreetMap</a> contributors" in html


def test_the_credits_speak_the_page_language(town):
    # (Needs the Dutch and French catalogues with .i18n-lang.po merged.)
    dutch = Client().get(translate_url(reverse("maps:municipality", args=["99001"]), "nl")).content.decode()
    assert "OpenStreetMap</a>-bijdragers" in dutch.replace("\\u003c", "<").replace("\\u003e", ">")
    french = Client().get(translate_url(reverse("maps:lookup"), "fr"), {"q": "Kerkstraat 3, 9990 Teststad"})
    text = french.content.decode().replace("\\u003c", "<").replace("\\u003e", ">")
    assert "les contributeurs d'<a" in text.replace("&#x27;", "'").replace("\\u0027", "'")


def test_a_set_credit_is_kept_as_it_is(client, town, settings):
    settings.BIN_TILE_ATTRIBUTION = "Tiles: example"
    html = Client().get(translate_url(reverse("maps:municipality", args=["99001"]), "nl")).content.decode()
    assert '"attribution": "Tiles: example"' in html


def _words(html: str) -> str:
    """The page's text and attribute values, without the network names of the test town (BIN Alfa …)."""
    return re.sub(r"BIN (Alfa|Beta|Gamma|Elders|Oud|Verborgen|Opgeheven)", "", html)


def test_french_pages_say_plp(town):
    client = Client()
    pages = [
        translate_url(reverse("maps:lookup"), "fr") + "?q=Kerkstraat+3,+9990+Teststad",  # the lookup answer
        translate_url(reverse("maps:lookup"), "fr"),  # the home page
        translate_url(reverse("members:join"), "fr"),
        translate_url(reverse("maps:municipality", args=["99001"]), "fr"),  # with the map's legend
    ]
    problems = []
    for url in pages:
        html = _words(client.get(url, follow=True).content.decode())
        if "PLP" not in html:
            problems.append((url, "no PLP"))
        problems += [(url, found) for found in re.findall(r"(?s).{60}[ >(]BINs?[ .,;)<].{20}", html)]
    assert problems == []
