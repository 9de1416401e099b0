"""The follow-up forms of an alert's page over HTTP (update, cancel, closing message with its outcome), the
page's warnings and headings; in Chromium: tests/maps/test_browser_follow_ups.py."""

import re

import pytest
from django.urls import reverse, translate_url

from alerts.backends import sms as sms_backends
from alerts.models import Alert, Delivery
from tests.factories import member_at

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def alert(town, send_alert):
    """An urgent alert to three members of BIN Alfa, sent in-process (SMS to the locmem outbox)."""
    for x in (400, 420, 440):
        member_at(x, 500, town.alfa)
    alert = send_alert(town.police, center=(450, 500), radius_m=300)
    assert alert.recipients == 3
    sms_backends.outbox.clear()
    return alert


@pytest.fixture
def post(client, town, alert, django_capture_on_commit_callbacks):
    """POST a follow-up form of the alert's page as the zone's officer, running the fan-out in-process."""
    client.force_login(town.police)

    def _post(action, after=None, **fields):
        data = {"action": action, f"{action}-after": after if after is not None else latest(alert)}
        data.update({f"{action}-{k}": v for k, v in fields.items()})
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("maps:alert", args=[alert.pk]), data, **EN)

    return _post


def latest(alert) -> int:
    return max([alert.pk, *alert.follow_ups.values_list("pk", flat=True)])


def page(client, alert) -> str:
    return client.get(reverse("maps:alert", args=[alert.pk]), **EN).content.decode()


def test_the_page_offers_the_three_follow_ups_and_distinct_headings(client, town, alert):
    client.force_login(town.police)
    html = page(client, alert)
    for msg_type in ("update", "cancel", "feedback"):
        assert f'data-follow-up="{msg_type}"' in html
    assert "feedback API" not in html
    for value, _label in Alert.Outcome.choices:
        assert f'value="{value}"' in html
    head = re.search(r"<table class=\"data\" data-alert-messages.*?</thead>", html, re.S).group(0)
    headings = re.findall(r"<th[^>]*>([^<]+)</th>", head)
    assert len(headings) == len(set(headings)), headings
    assert {"Sent at", "Recipients", "Delivered", "Sent, no receipt yet"} <= set(headings)
    # A perimeter inside the zone: no warning about cutting.
    assert "data-clipped" not in html and "fraction" not in html


@pytest.mark.parametrize(
    ("fraction", "shown"), [(0.0, None), (3e-9, None), (0.0004, None), (0.256, "25.6 %")]
)
def test_the_clipped_warning_only_when_it_matters(client, town, alert, fraction, shown):
    Alert.objects.filter(pk=alert.pk).update(clipped_fraction=fraction)
    client.force_login(town.police)
    html = page(client, alert)
    if shown is None:
        assert "data-clipped" not in html
    else:
        warning = re.search(r'<p class="warn" data-clipped>(.*?)</p>', html, re.S).group(1)
        assert warning.startswith(shown) and "Testzone" in warning and "fraction" not in warning


def test_an_update_reaches_the_members_like_the_api(client, town, alert, post):
    response = post("update", message="Verdachte vluchtte richting station.")
    assert response.status_code == 302 and response["Location"].endswith("#messages")
    update = alert.follow_ups.get()
    assert (update.msg_type, update.recipients, update.created_by) == ("update", 3, town.police)
    texts = [m.text for m in sms_backends.outbox]
    assert len(texts) == 3 and all(t.startswith("BIN-update (inbraak): Verdachte vluchtte") for t in texts)
    html = page(client, alert)
    assert "The update went out: 3 messages." in html
    assert f'data-message-id="{update.pk}"' in html


def test_the_same_form_posted_twice_sends_once(alert, post):
    after = latest(alert)
    assert post("update", after=after, message="Rode wagen.").status_code == 302
    assert post("update", after=after, message="Rode wagen.").status_code == 302
    assert alert.follow_ups.count() == 1 and len(sms_backends.outbox) == 3
    # The same text again from a page shown after the first: meant, sent.
    assert post("update", message="Rode wagen.").status_code == 302
    assert alert.follow_ups.count() == 2


def test_cancel_needs_the_confirmation(client, alert, post):
    response = post("cancel", message="Vergissing, excuses.")
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert not alert.follow_ups.exists()
    assert post("cancel", message="Vergissing, excuses.", confirm="on").status_code == 302
    alert.refresh_from_db()
    assert alert.status == "cancelled"
    html = page(client, alert)
    # Cancelled: only the closing message can follow.
    assert 'data-follow-up="feedback"' in html
    assert 'data-follow-up="update"' not in html and 'data-follow-up="cancel"' not in html


def test_closing_message_with_its_outcome_category(client, alert, post):
    response = post("feedback", message="Dank voor jullie hulp.", outcome="Twee verdachten opgepakt")
    assert response.status_code == 400
    assert "Choose how it ended." in response.content.decode()
    response = post(
        "feedback", message="Dank voor jullie hulp.", outcome="Twee verdachten opgepakt", outcome_category="x"
    )
    assert response.status_code == 400 and not alert.follow_ups.exists()
    response = post(
        "feedback",
        message="Dank voor jullie hulp.",
        outcome="Twee verdachten opgepakt",
        outcome_category="caught",
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.outcome, alert.outcome_category) == ("Twee verdachten opgepakt", "caught")
    feedback = alert.follow_ups.get()
    # To the alert's recipients, on their channels, not urgent any more.
    assert feedback.urgency == "non_urgent" and Delivery.objects.filter(alert=feedback).count() == 3
    html = page(client, alert)
    assert 'data-outcome-category="caught"' in html and "suspect caught" in html
    assert "data-follow-up=" not in html  # closed: nothing more to send
    # Posted anyway (an old tab): refused with the service's reason, as a form error.
    response = post("update", message="Nog iets.")
    assert response.status_code == 400 and not alert.follow_ups.filter(msg_type="update").exists()


def test_bad_input_is_a_400_never_a_500(alert, post):
    assert post("nonsense", message="x").status_code == 400
    assert post("update", message="   ").status_code == 400
    assert post("update", message="a\x01b").status_code == 400
    assert post("update", message="x" * 5000).status_code == 400
    assert post("update", after="abc", message="Iets").status_code == 400
    assert not alert.follow_ups.exists()


def test_another_zone_cannot_follow_up(client, town, alert):
    client.force_login(town.police_other)
    response = client.post(
        reverse("maps:alert", args=[alert.pk]), {"action": "update", "update-message": "x"}, **EN
    )
    assert response.status_code == 404
    assert not alert.follow_ups.exists()


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_the_page_renders_in_every_language(client, town, alert, language):
    Alert.objects.filter(pk=alert.pk).update(clipped_fraction=0.125)
    client.force_login(town.police)
    response = client.get(
        translate_url(reverse("maps:alert", args=[alert.pk]), language), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-follow-up="feedback"' in html and "data-clipped" in html
    # The percentage in the page's language (a decimal comma in Dutch and French).
    assert "12,5" in html
