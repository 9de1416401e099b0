"""The dispatcher's console over HTTP: where a login leads (access.permissions.home_of), the police home and
the municipality home, the 403 page, the preview's texts for the confirmation, the alert map's translated
drawing tools and plurals, and the GSM-7 replacements the SMS counter offers."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse, translate_url
from django.utils import timezone
from rest_framework.test import APIClient

from access.permissions import HOME_COORDINATOR, HOME_MUNICIPALITY, HOME_POLICE, home_of
from alerts.models import Alert
from alerts.selectors import alerts_in_progress, alerts_recent
from alerts.services import alert_follow_up
from alerts.sms_length import GSM7_BASIC, GSM7_EXTENSION, GSM7_REPLACEMENTS, gsm7_replaced, sms_length
from maps.police import composer_labels
from maps.police_elements import draw_strings
from tests.factories import UserFactory, lonlat

from .test_police import composer_options

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- where a login leads -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "kind", "lands_on"),
    [
        ("police", HOME_POLICE, "maps:police-home"),
        ("municipality", HOME_MUNICIPALITY, "maps:municipality-home"),
        ("coord_a", HOME_COORDINATOR, "members:dashboard"),
        ("superuser", HOME_COORDINATOR, "members:dashboard"),
    ],
)
def test_each_role_lands_on_its_own_home(client, town, who, kind, lands_on):
    user = getattr(town, who)
    assert home_of(user) == kind
    response = client.post(reverse("access:login"), {"username": user.username, "password": "pw"})
    assert response.status_code == 302 and response["Location"] == reverse("maps:home")
    response = client.get(reverse("maps:home"))
    assert response.status_code == 302 and response["Location"] == reverse(lands_on)
    assert client.get(response["Location"], **EN).status_code == 200


def test_home_needs_a_login(client):
    response = client.get(reverse("maps:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("access:login"))


def test_the_police_dashboard_has_no_dead_link(client, town):
    # The coordinators' queue is not linked for whom it would answer 403.
    client.force_login(town.police)
    html = client.get(reverse("members:dashboard"), **EN).content.decode()
    assert reverse("members:pending") not in html
    assert reverse("maps:home") in html
    client.force_login(town.coord_a)
    assert reverse("members:pending") in client.get(reverse("members:dashboard"), **EN).content.decode()


# --- the police home ---------------------------------------------------------------------------------


def test_the_police_home_lists_running_and_recent_alerts(client, town, density, send_alert):
    running = send_alert(town.police, center=(340, 440))
    closed = send_alert(town.police, center=(340, 440))
    alert_follow_up(
        original=closed, user=town.police, msg_type="feedback", message="Opgelost", outcome="Gevat"
    )
    old = send_alert(town.police, center=(340, 440), sent_at=timezone.now() - timedelta(days=2))
    other = send_alert(town.police_other, center=(12500, 500))
    since = timezone.now() - timedelta(hours=24)
    assert list(alerts_in_progress(user=town.police, since=since)) == [running]
    assert set(alerts_recent(user=town.police)) == {running, closed, old}

    client.force_login(town.police)
    response = client.get(reverse("maps:police-home"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-running-alert="{running.pk}"' in html
    assert f'data-running-alert="{closed.pk}"' not in html and f'data-running-alert="{old.pk}"' not in html
    # The live bar: the progress API's URL, the alert page's markup and the script that polls it.
    assert reverse("api:alert-progress", args=[running.pk]) in html
    assert 'role="progressbar"' in html and "/static/maps/progress.js" in html
    for alert in (running, closed, old):
        assert f'<tr data-alert-id="{alert.pk}">' in html
    assert f'data-alert-id="{other.pk}"' not in html
    for name in ("maps:police-alert", "maps:evaluation", "maps:police-zone"):
        assert reverse(name, args=[5999]) in html
    assert reverse("maps:police-alert", args=[5998]) not in html
    # The urgent alert of two days ago has no closing message yet (the one just sent is not overdue).
    unclosed = html[html.index("data-unclosed") : html.index('id="recent-title"')]
    assert f'<li data-alert-id="{old.pk}">' in unclosed and f'data-alert-id="{running.pk}"' not in unclosed
    assert "1 recipient" not in html  # BIN Alfa's four: "4 recipients"
    assert "4 recipients" in html


def test_the_police_home_is_for_the_police(client, town):
    for who in ("municipality", "coord_a"):
        client.force_login(getattr(town, who))
        response = client.get(reverse("maps:police-home"), **EN)
        assert response.status_code == 403
        assert "This page is for police officers" in response.content.decode()
    client.force_login(town.superuser)
    assert client.get(reverse("maps:police-home"), **EN).status_code == 200


def test_the_municipality_home_shows_its_maps_and_proposals(client, town):
    client.force_login(town.municipality)
    response = client.get(reverse("maps:municipality-home"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("maps:municipality", args=[town.muni.nis_code]) in html
    assert reverse("maps:evaluation", args=[5999]) in html  # Teststad lies in PZ Testzone
    assert "Proposals for a new BIN" in html
    client.force_login(town.police)
    assert client.get(reverse("maps:municipality-home"), **EN).status_code == 403


# --- the 403 page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "reason", "home"),
    [
        ("en", "You do not send alerts for this police zone.", "Back to your start page"),
        ("nl", "U verstuurt geen meldingen voor deze politiezone.", "Terug naar uw startpagina"),
        ("fr", "Vous n'envoyez pas d'alertes pour cette zone de police.", "Retour à votre page d'accueil"),
    ],
)
def test_a_refusal_says_why_in_the_users_language_and_leads_home(client, town, language, reason, home):
    client.force_login(town.municipality)
    response = client.get(
        translate_url(reverse("maps:police-alert", args=[5999]), language), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    html = unescape(response.content.decode())
    assert reason in html
    assert home in html and f'href="{reverse("maps:home")}"' in html


def test_a_refusal_without_a_reason_still_says_something(client, town):
    client.force_login(UserFactory())
    response = client.get(reverse("members:pending"), **EN)
    assert response.status_code == 403
    assert "Only the coordinators of a BIN manage its members." in response.content.decode()


# --- the alert map: preview texts, translations, plurals, GSM-7 ----------------------------------------


def test_the_preview_gives_the_texts_the_confirmation_shows(client, town, density):
    api = APIClient()
    api.force_authenticate(town.police)
    body = {
        "perimeter": {"center": list(lonlat(340, 440)), "radius_m": 400},
        "category": "burglary",
        "urgency": "urgent",
        "message": "Inbraak in de Kerkstraat.",
        "police_zone": town.zone.pk,
    }
    response = api.post(reverse("api:alert-preview"), body, format="json")
    assert response.status_code == 200, response.content
    messages = response.json()["messages"]
    assert {"nl", "fr", "de"} <= set(messages)
    for language, m in messages.items():
        assert "Inbraak in de Kerkstraat." in m["sms"] and "Inbraak in de Kerkstraat." in m["body"]
        assert m["sms_length"]["segments"] == sms_length(m["sms"]).segments >= 1
        assert m["subject"], language
    assert messages["nl"]["subject"] != messages["fr"]["subject"]
    assert Alert.objects.count() == 0  # a preview sends nothing


def test_the_alert_map_gives_plural_forms_and_translated_drawing_tools(client, town):
    client.force_login(town.police)
    html = client.get(
        translate_url(reverse("maps:police-alert", args=[5999]), "nl"), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    labels = composer_options(html)["labels"]
    assert labels["reach"] == ["%(n)s leden bereikt", "%(n)s lid bereikt", "%(n)s leden bereikt"]
    assert labels["parts"] == ["%(n)s delen", "%(n)s deel", "%(n)s delen"]
    merged = json.loads(re.search(r"merge\(L\.drawLocal, (\{.*?\})\);\n", html).group(1))
    assert merged["draw"]["toolbar"]["buttons"]["polygon"] == "Teken een veelhoek"
    assert merged["draw"]["toolbar"]["finish"]["text"] == "Klaar"
    # The legend lies beside the map, in the page's own element.
    assert 'id="alert-legend"' in html and '"#alert-legend"' in html


def test_draw_strings_are_escaped(client):
    strings = draw_strings()
    error = strings["draw"]["handlers"]["polyline"]["error"]
    assert error.startswith("<strong>") and error.count("<") == 2
    labels = composer_labels()
    assert len(labels["reach"]) == 3 and labels["reach"][1] == "%(n)s member reached"


def test_gsm7_replacements_are_gsm7_and_replace_only_what_gsm7_lacks():
    gsm = GSM7_BASIC | GSM7_EXTENSION
    for char, replacement in GSM7_REPLACEMENTS.items():
        assert len(char) == 1 and char not in gsm, repr(char)
        assert all(c in gsm for c in replacement), repr(replacement)
    text = "Opgelet: \u201cverdacht\u201d voertuig \u2013 fête, façade, déjà\u2026"
    assert sms_length(text).encoding == "UCS-2"
    assert sms_length(text).non_gsm == ("\u201c", "\u201d", "\u2013", "ê", "ç", "\u2026")
    replaced = gsm7_replaced(text)
    assert replaced == 'Opgelet: "verdacht" voertuig - fete, facade, déjà...'
    assert sms_length(replaced).encoding == "GSM-7"
