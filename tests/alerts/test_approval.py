"""Four-eyes approval per police zone (alerts.approval): submit, approve (sent then), return with a reason,
edit and submit again; never by the author; the history append-only; the same steps through the API and
the approval page."""

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from rest_framework.test import APIClient

from alerts.approval import alert_approve, alert_edit, alert_return, alert_submit
from alerts.models import Alert, AlertEvent, Delivery, ZoneAlertPolicy
from alerts.selectors import alerts_awaiting_author, alerts_pending_approval
from alerts.services import alert_create, alert_prepare, alert_send
from tests.factories import circle, login, lonlat, member_at, police_officer

from .helpers import alert_body

pytestmark = pytest.mark.django_db

A = AlertEvent.Action


@pytest.fixture
def four_eyes(town):
    """PZ Testzone works with four eyes; a second officer of the zone, and two members in BIN Alfa."""
    ZoneAlertPolicy.objects.create(police_zone=town.zone, four_eyes=True)
    member_at(500, 500, town.alfa)
    member_at(520, 520, town.alfa, language="fr")
    return police_officer(town.zone, username="police-two")


def api_for(user) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


def draft(user, **kwargs) -> Alert:
    data = alert_prepare(
        user=user,
        category="burglary",
        urgency="urgent",
        message="Inbraak in de Kerkstraat; let op.",
        center=lonlat(500, 500),
        radius_m=300,
        **kwargs,
    )
    return alert_create(user=user, data=data)


def actions(alert) -> list[str]:
    return list(alert.events.order_by("at", "pk").values_list("action", flat=True))


def test_send_in_a_four_eyes_zone_submits_and_a_second_officer_approves(
    town, four_eyes, django_capture_on_commit_callbacks
):
    author, second = town.police, four_eyes
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(author).post(
            reverse("api:alert-list"), alert_body(circle(500, 500, 300)), format="json"
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending" and body["recipients"] == 0
    alert = Alert.objects.get(pk=body["id"])
    assert not Delivery.objects.filter(alert=alert).exists()
    # The zone's other officer is told by e-mail, with the link to the approval page; the author is not.
    (notice,) = mail.outbox
    assert notice.to == [second.email]
    assert "approval" in notice.subject
    assert reverse("maps:alert-approval", args=[alert.pk]) in notice.body
    mail.outbox.clear()

    # The author cannot approve it, neither can an officer of another zone (for whom it does not exist).
    refused = api_for(author).post(reverse("api:alert-approve", args=[alert.pk]))
    assert refused.status_code == 403
    assert "own alert" in refused.json()["detail"]
    assert api_for(town.police_other).post(reverse("api:alert-approve", args=[alert.pk])).status_code == 404
    # Nor does sending it directly get round the approval.
    assert api_for(author).post(reverse("api:alert-send", args=[alert.pk])).status_code == 400
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.PENDING

    assert [a.pk for a in alerts_pending_approval(user=second)] == [alert.pk]
    assert list(alerts_pending_approval(user=author)) == []
    assert list(alerts_pending_approval(user=town.police_other)) == []
    assert [a.pk for a in alerts_awaiting_author(user=author)] == [alert.pk]
    listed = api_for(second).get(reverse("api:alert-pending")).json()["results"]
    assert [a["id"] for a in listed] == [alert.pk]

    with django_capture_on_commit_callbacks(execute=True):
        approved = api_for(second).post(reverse("api:alert-approve", args=[alert.pk]))
    assert approved.status_code == 200, approved.json()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT and alert.recipients == 2
    assert alert.approved_by == second and alert.approved_at is not None
    assert Delivery.objects.filter(alert=alert).count() == 2
    assert actions(alert) == [A.CREATED, A.SUBMITTED, A.APPROVED, A.SENT]
    (told,) = mail.outbox
    assert told.to == [author.email] and "approved" in told.subject
    # The audit names the approver as the one who sent it.
    assert alert.audit.get().username == second.username
    history = api_for(author).get(reverse("api:alert-history", args=[alert.pk])).json()["results"]
    assert [(h["action"], h["user"]) for h in history] == [
        ("created", author.username),
        ("submitted", author.username),
        ("approved", second.username),
        ("sent", second.username),
    ]
    # Approving again does nothing.
    assert api_for(second).post(reverse("api:alert-approve", args=[alert.pk])).status_code == 400


def test_return_with_a_reason_edit_and_submit_again(town, four_eyes, django_capture_on_commit_callbacks):
    author, second = town.police, four_eyes
    alert = draft(author)
    alert_submit(alert=alert, user=author)
    api = api_for(second)
    blank = api.post(reverse("api:alert-return", args=[alert.pk]), {"reason": "  "}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()
    assert (
        api_for(author)
        .post(reverse("api:alert-return", args=[alert.pk]), {"reason": "mine"}, format="json")
        .status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        returned = api.post(
            reverse("api:alert-return", args=[alert.pk]),
            {"reason": "Zeg welke kant de verdachten uit gingen."},
            format="json",
        )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert mail.outbox[-1].to == [author.email]
    assert "Zeg welke kant" in mail.outbox[-1].body

    # Only the author edits it; a pending alert cannot be edited, a returned one can.
    edit_url = reverse("api:alert-edit", args=[alert.pk])
    assert api.patch(edit_url, {"message": "x"}, format="json").status_code == 403
    edited = api_for(author).patch(
        edit_url, {"message": "Inbraak; verdachten richting station.", "urgency": "urgent"}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["message"] == "Inbraak; verdachten richting station."
    event = alert.events.get(action=A.EDITED)
    assert event.changes == {
        "message": ["Inbraak in de Kerkstraat; let op.", "Inbraak; verdachten richting station."]
    }
    assert event.username == author.username
    # The other languages' versions too; a bad one is refused with a message, not a 500.
    bad = api_for(author).patch(edit_url, {"translations": {"xx": "?"}}, format="json")
    assert bad.status_code == 400
    french = api_for(author).patch(
        edit_url, {"translations": {"fr": "Cambriolage ; suspects vers la gare."}}, format="json"
    )
    assert french.status_code == 200
    assert alert.events.filter(action=A.EDITED).last().changes == {
        "message (fr)": ["", "Cambriolage ; suspects vers la gare."]
    }

    submitted = api_for(author).post(reverse("api:alert-submit", args=[alert.pk]))
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending"
    assert api_for(author).patch(edit_url, {"message": "y"}, format="json").status_code == 400
    alert_approve(alert=alert, user=second)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT
    assert actions(alert) == [
        A.CREATED,
        A.SUBMITTED,
        A.RETURNED,
        A.EDITED,
        A.EDITED,
        A.SUBMITTED,
        A.APPROVED,
        A.SENT,
    ]
    returned_event = alert.events.get(action=A.RETURNED)
    assert returned_event.reason == "Zeg welke kant de verdachten uit gingen."
    assert (returned_event.status_from, returned_event.status_to) == ("pending", "returned")
    # Sent: no edit any more.
    with pytest.raises(Exception, match="already sent"):
        alert_edit(alert=alert, user=author, message="later")


def test_a_zone_without_four_eyes_sends_as_before_and_keeps_a_history(town):
    member_at(500, 500, town.alfa)
    alert = draft(town.police)
    with pytest.raises(Exception, match="need no approval"):
        alert_submit(alert=alert, user=town.police)
    alert_send(alert=alert, user=town.police)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.SENT and alert.recipients == 1
    assert actions(alert) == [A.CREATED, A.SENT]


def test_the_author_never_approves_not_even_as_the_only_officer(town, four_eyes):
    alert = draft(four_eyes)
    alert_submit(alert=alert, user=four_eyes)
    with pytest.raises(Exception, match="own alert"):
        alert_approve(alert=alert, user=four_eyes)
    with pytest.raises(Exception, match="own alert"):
        alert_return(alert=alert, user=four_eyes, reason="no")
    # An administrator without a police role of the zone does not approve either: four eyes are officers'.
    with pytest.raises(Exception, match="Only another police officer"):
        alert_approve(alert=alert, user=town.superuser)
    alert_approve(alert=alert, user=town.police)
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.SENT


def test_follow_ups_wait_until_the_alert_is_sent(town, four_eyes):
    alert = draft(town.police)
    alert_submit(alert=alert, user=town.police)
    response = api_for(town.police).post(
        reverse("api:alert-update", args=[alert.pk]), {"message": "meer"}, format="json"
    )
    assert response.status_code == 400


def test_the_history_is_append_only(town, four_eyes):
    alert = draft(town.police)
    alert_submit(alert=alert, user=town.police)
    event = alert.events.get(action=A.SUBMITTED)
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AlertEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(PermissionError):
        AlertEvent.objects.filter(alert=alert).delete()
    # Behind the ORM's back, the database refuses it (alerts/sql/alert_event_immutable.sql).
    for sql in (
        "UPDATE alerts_alertevent SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM alerts_alertevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [event.pk])
    # An alert with a history is not deleted either.
    with pytest.raises(ProtectedError):
        Alert.objects.filter(pk=alert.pk).delete()
    assert AlertEvent.objects.get(pk=event.pk).reason == ""
    assert alert.events.count() == 2


def test_approval_page_shows_what_will_be_sent_and_decides_through_the_services(
    town, four_eyes, django_capture_on_commit_callbacks, settings
):
    settings.BIN_PREVIEW_MIN_COUNT = 1  # exact counts for the two members
    alert = draft(town.police, tip_id=None)
    alert_submit(alert=alert, user=town.police)
    url = reverse("maps:alert-approval", args=[alert.pk])

    page = login(four_eyes).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-approve-form" in html and "data-return-form" in html
    # The texts as members receive them, per language, and the reach per BIN.
    assert "BIN alert (burglary): Inbraak in de Kerkstraat; let op." in html
    assert 'data-text-language="fr"' in html and "Alerte PLP" in html
    assert 'data-reach-network="bin-alfa"' in html
    assert 'data-recipients="2"' in html

    own = login(town.police).get(url).content.decode()
    assert "data-own-pending" in own and "data-approve-form" not in own
    refused = login(town.police).post(url, {"action": "approve"})
    assert refused.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.PENDING
    assert login(town.police_other).get(url).status_code == 404

    no_reason = login(four_eyes).post(url, {"action": "return", "reason": ""})
    assert no_reason.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        approved = login(four_eyes).post(url, {"action": "approve"})
    assert approved.status_code == 302 and approved["Location"] == reverse("maps:alert", args=[alert.pk])
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.SENT
    # The alert's page says who approved it.
    assert "data-approval-note" in login(town.police).get(approved["Location"]).content.decode()


def test_the_alert_page_of_an_alert_in_the_approval_leads_to_its_approval_page(town, four_eyes):
    alert = draft(town.police)
    alert_submit(alert=alert, user=town.police)
    response = login(town.police).get(reverse("maps:alert", args=[alert.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("maps:alert-approval", args=[alert.pk])


def test_the_police_console_lists_the_alerts_waiting_for_approval(town, four_eyes):
    alert = draft(town.police)
    alert_submit(alert=alert, user=town.police)
    second = login(four_eyes).get(reverse("maps:police-home")).content.decode()
    assert f'data-to-approve="{alert.pk}"' in second
    author = login(town.police).get(reverse("maps:police-home")).content.decode()
    assert f'data-to-approve="{alert.pk}"' not in author and f'data-my-approval="{alert.pk}"' in author


def test_only_administrators_set_the_zone_policy(town):
    admin_url = reverse("admin:alerts_zonealertpolicy_add")
    assert login(town.superuser).get(admin_url).status_code == 200
    assert login(town.police).get(admin_url).status_code in (302, 403)
    event_admin = reverse("admin:alerts_alertevent_changelist")
    assert login(town.superuser).get(event_admin).status_code == 200
