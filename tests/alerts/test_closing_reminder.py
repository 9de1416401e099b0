"""The closing reminder and the outcome categories: which alerts are open (alerts.selectors.
alerts_awaiting_closing), the reminder e-mailed once per interval (alerts.reminders, the beat task, here
with a given "now"; with a real Celery worker and beat: test_closing_reminder_worker below), and the
outcomes counted per category in the statistics and on the evaluation page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts.reminders import closing_reminders_send
from alerts.selectors import alerts_awaiting_closing
from alerts.services import alert_follow_up
from alerts.statistics import alert_statistics
from tests.factories import member_at

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def sent(town, send_alert):
    """send(minutes_ago, urgency=...): an alert of the zone's officer sent that long ago."""
    member_at(420, 500, town.alfa)

    def _send(minutes_ago, **kwargs):
        return send_alert(
            town.police,
            center=(450, 500),
            radius_m=300,
            sent_at=timezone.now() - timedelta(minutes=minutes_ago),
            **kwargs,
        )

    return _send


def awaiting(town, now=None):
    return list(alerts_awaiting_closing(police_zone_ids=[town.zone.pk], now=now or timezone.now()))


def test_which_alerts_await_their_closing_message(town, sent, settings):
    settings.BIN_ALERT_CLOSING_REMINDER_MINUTES = 30
    old = sent(45)
    sent(10)  # not yet
    sent(45, urgency="non_urgent")  # only urgent alerts are chased
    cancelled = sent(50)
    alert_follow_up(original=cancelled, user=town.police, msg_type="cancel", message="Vergissing")
    closed = sent(60)
    alert_follow_up(
        original=closed,
        user=town.police,
        msg_type="feedback",
        message="Dank",
        outcome="Gevat",
        outcome_category="caught",
    )
    updated = sent(40)
    alert_follow_up(original=updated, user=town.police, msg_type="update", message="Nog bezig")
    assert awaiting(town) == [old, updated]
    assert alerts_awaiting_closing(police_zone_ids=[town.other_zone.pk], now=timezone.now()).count() == 0
    assert alerts_awaiting_closing(police_zone_ids=None, now=timezone.now()).count() == 2


def test_the_sender_is_reminded_once_per_interval(town, sent, settings):
    settings.BIN_ALERT_CLOSING_REMINDER_MINUTES = 30
    settings.BIN_ALERT_CLOSING_REMINDER_LIMIT = 2
    alert = sent(31)
    now = timezone.now()
    assert closing_reminders_send(now=now) == 1
    (reminder,) = mail.outbox
    assert reminder.to == [town.police.email]
    assert reminder.subject == f"Alert {alert.pk} has no closing message yet"
    assert "went out 31 minutes ago" in reminder.body
    assert reverse("maps:alert", args=[alert.pk]) in reminder.body
    # Every beat tick within the interval: nothing more.
    for seconds in (0, 60, 29 * 60):
        assert closing_reminders_send(now=now + timedelta(seconds=seconds)) == 0
    assert closing_reminders_send(now=now + timedelta(minutes=30)) == 1
    # At the limit the e-mails stop; the page still lists the alert as open.
    assert closing_reminders_send(now=now + timedelta(minutes=61)) == 0
    assert len(mail.outbox) == 2
    assert awaiting(town, now + timedelta(minutes=61)) == [alert]
    alert.refresh_from_db()
    assert alert.closing_reminders == 2


def test_closing_ends_the_reminders(town, sent, settings):
    settings.BIN_ALERT_CLOSING_REMINDER_MINUTES = 30
    alert = sent(35)
    alert_follow_up(
        original=alert,
        user=town.police,
        msg_type="feedback",
        message="Loos alarm, dank",
        outcome="Niets gevonden",
        outcome_category="false_alarm",
    )
    assert closing_reminders_send(now=timezone.now()) == 0 and mail.outbox == []
    assert awaiting(town) == []


def test_a_failed_email_is_tried_again_next_tick(town, sent, settings):
    settings.BIN_ALERT_CLOSING_REMINDER_MINUTES = 30
    alert = sent(31)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nobody listens
    assert closing_reminders_send(now=timezone.now()) == 0
    alert.refresh_from_db()
    assert (alert.closing_reminders, alert.closing_reminded_at) == (0, None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert closing_reminders_send(now=timezone.now()) == 1


def test_the_alert_page_and_the_evaluation_show_it_open(client, town, sent, settings):
    settings.BIN_ALERT_CLOSING_REMINDER_MINUTES = 30
    alert = sent(42)
    client.force_login(town.police)
    html = client.get(reverse("maps:alert", args=[alert.pk]), **EN).content.decode()
    assert "data-closing-overdue" in html and "went out 42 minutes ago" in html
    html = client.get(reverse("maps:evaluation", args=[town.zone.number]), **EN).content.decode()
    assert "data-awaiting-closing" in html and f'<li data-alert-id="{alert.pk}">' in html
    # Municipality staff read the evaluation, not the police's open alerts.
    client.force_login(town.municipality)
    html = client.get(reverse("maps:evaluation", args=[town.zone.number]), **EN).content.decode()
    assert "data-awaiting-closing" not in html


def test_outcomes_are_counted_per_category(client, town, sent, api):
    outcomes = ["caught", "caught", "false_alarm", "ongoing"]
    for category in outcomes:
        alert_follow_up(
            original=sent(60),
            user=town.police,
            msg_type="feedback",
            message="Afloop",
            outcome="Zie categorie",
            outcome_category=category,
        )
    # Through the API without a category (older clients), and one not closed at all.
    alert_follow_up(original=sent(60), user=town.police, msg_type="feedback", message="A", outcome="B")
    sent(60)
    zone = alert_statistics(police_zone_ids=[town.zone.pk])["police_zones"][0]
    assert zone["outcomes"] == {
        "caught": 2,
        "found": 0,
        "false_alarm": 1,
        "ongoing": 1,
        "other": 0,
        "uncategorised": 1,
        "not_closed": 1,
    }
    assert zone["with_outcome"] == 5
    client.force_login(town.police)
    html = client.get(reverse("maps:evaluation", args=[town.zone.number]), **EN).content.decode()
    for key, n in zone["outcomes"].items():
        assert f'data-outcome="{key}" data-count="{n}"' in html
    assert html.count('data-outcome-category="caught"') == 2
    # Each perimeter is drawn on the map, not only a marker.
    assert html.count("bin-map-evaluation-perimeter") >= 1
    # The API takes the category too, and checks it.
    api.force_authenticate(town.police)
    other = sent(60)
    url = reverse("api:alert-feedback", args=[other.pk])
    bad = api.post(url, {"message": "x", "outcome": "y", "outcome_category": "won"}, format="json")
    assert bad.status_code == 400 and "outcome_category" in bad.json()
    good = api.post(url, {"message": "x", "outcome": "y", "outcome_category": "found"}, format="json")
    assert good.status_code == 201
    other.refresh_from_db()
    assert other.outcome_category == "found"
