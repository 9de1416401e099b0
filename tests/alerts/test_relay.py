"""Relay networks (issue 17, the Dutch model): an alert that reaches a network whose messages go through
its coordinator waits for them; they forward it (edited, with a note) or decline; members' reactions reach
the police only through the coordinator; the reminder and the take-over; who may do what."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts.messages import reaction_token
from alerts.models import AlertEvent, AlertRelay, Delivery
from alerts.outbox import deliveries_process
from alerts.relay import relay_decline, relay_forward
from alerts.relay_notices import relay_reminders_send
from alerts.selectors import alert_thread
from alerts.services import alert_follow_up
from alerts.statistics import alert_statistics
from tests.factories import UserFactory, alert_sent, login, member_at

pytestmark = pytest.mark.django_db

POLICE_TEXT = "Inbraak in de Kerkstraat; let op."


@pytest.fixture
def relay_town(town):
    town.alfa.relay_via_coordinator = True
    town.alfa.save(update_fields=["relay_via_coordinator"])
    town.relayed = [member_at(400, 500, town.alfa, mobile=""), member_at(600, 500, town.alfa)]
    town.direct = member_at(1500, 500, town.beta, mobile="")
    return town


def _send(town, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return alert_sent(town.police, center=(1000, 500), radius_m=800, message=POLICE_TEXT, **kwargs)


def _deliver(alert) -> None:
    deliveries_process(list(Delivery.objects.filter(alert=alert).values_list("pk", flat=True)), eager=True)


def test_relayed_alert_goes_to_the_coordinator_first(relay_town, django_capture_on_commit_callbacks):
    town = relay_town
    alert = _send(town, django_capture_on_commit_callbacks)
    # Only the member of the network without relay is in the outbox.
    assert set(alert.deliveries.values_list("member_id", flat=True)) == {town.direct.pk}
    relay = AlertRelay.objects.get(alert=alert, network=town.alfa)
    assert relay.status == "waiting" and relay.reach == 2
    (notice,) = [m for m in mail.outbox if town.coord_a.email in m.to]
    assert POLICE_TEXT in notice.body
    assert "2 members" in notice.body
    assert reverse("alerts:relay", args=[relay.pk]) in notice.body
    assert "112" in notice.body  # urgent: call, do not wait
    page = login(town.police).get(reverse("maps:alert", args=[alert.pk]))
    assert page.status_code == 200
    assert 'data-relay-status="waiting"' in page.content.decode()


def test_forward_edited_reaction_back_to_the_police(relay_town, django_capture_on_commit_callbacks):
    town = relay_town
    alert = _send(town, django_capture_on_commit_callbacks)
    relay = AlertRelay.objects.get(alert=alert)
    coordinator = login(town.coord_a)
    url = reverse("alerts:relay", args=[relay.pk])
    page = coordinator.get(url)
    assert page.status_code == 200 and POLICE_TEXT in page.content.decode()
    edited = "Inbraak in de Kerkstraat gisteravond. Sluit ramen en deuren."
    mail.outbox.clear()
    # On commit the deliveries go out (Celery eager in these tests: in this process, by e-mail).
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(url, {"action": "forward", "text": edited, "note": "Groet, Anna"})
    assert response.status_code == 302
    relay.refresh_from_db()
    assert relay.status == "forwarded" and relay.edited and relay.forwarded_count == 2
    assert relay.decided_by == town.coord_a and not relay.taken_over
    # A double click forwards nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(url, {"action": "forward", "text": edited, "note": "Groet, Anna"})
    relayed = Delivery.objects.filter(alert=alert, relay=relay)
    assert relayed.count() == 2 and set(relayed.values_list("channel", flat=True)) == {"email"}
    _deliver(alert)  # nothing left to send: the double click added nothing
    to_members = {m.to[0]: m for m in mail.outbox}
    member = town.relayed[0]
    message = to_members[member.email]
    assert edited in message.body and "Groet, Anna" in message.body and POLICE_TEXT not in message.body
    assert message.extra_headers["Reply-To"] == town.coord_a.email
    assert "0900-8844" in message.body or "101" in message.body
    # The member reacts through the link of their message.
    delivery = relayed.get(member=member)
    react = reverse("alerts:react", args=[reaction_token(delivery.pk)])
    client = login(UserFactory())
    page = client.get(react).content.decode()  # in the member's language
    assert edited in page and "Naar mijn coördinator sturen" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(react, {"kind": "observation", "text": "Witte bestelwagen"})
    assert "uw coördinator heeft ontvangen wat u zag" in done.content.decode()
    reaction = delivery.reactions.get()
    # The police do not see it yet; the coordinator does.
    assert reaction.pk not in {r["reaction"].pk for r in alert_thread(alert=alert)["timeline"]}
    api = login(town.police).get(reverse("api:alert-reactions", args=[alert.pk]))
    assert "Witte bestelwagen" not in api.content.decode()
    assert "Witte bestelwagen" in coordinator.get(url).content.decode()
    coordinator.post(url, {"action": "reactions", "reaction": [reaction.pk]})
    assert reaction.pk in {r["reaction"].pk for r in alert_thread(alert=alert)["timeline"]}
    police_page = login(town.police).get(reverse("maps:alert", args=[alert.pk])).content.decode()
    assert "Witte bestelwagen" in police_page
    assert 'data-relay-status="forwarded"' in police_page and "edited" in police_page
    # The coordinators were told of the reaction, with the way to pass it on (not "the police see it").
    notice = next(m for m in mail.outbox if m.subject.startswith("Reactions"))
    assert reverse("alerts:relays") in notice.body
    stats = alert_statistics(police_zone_ids=[town.zone.pk])
    (zone,) = [z for z in stats["police_zones"] if z["id"] == town.zone.pk]
    assert zone["relays"] == {
        "waiting": 0,
        "forwarded": 1,
        "declined": 0,
        "nocoord": 0,
        "edited": 1,
        "taken_over": 0,
    }
    (alfa,) = [n for n in stats["networks"] if n["id"] == town.alfa.pk]
    assert alfa["relays"]["forwarded"] == 1
    actions = list(alert.events.values_list("action", flat=True))
    for action in ("relay_wait", "forwarded", "reactions"):
        assert action in actions
    # No member's personal data on the police's page.
    for m in town.relayed:
        assert m.email not in police_page and m.name not in police_page


def test_declined_message_reaches_nobody(relay_town, django_capture_on_commit_callbacks):
    town = relay_town
    alert = _send(town, django_capture_on_commit_callbacks)
    relay = AlertRelay.objects.get(alert=alert)
    response = login(town.coord_a).post(
        reverse("alerts:relay", args=[relay.pk]), {"action": "decline", "text": "x", "reason": "Al bekend."}
    )
    assert response.status_code == 302
    relay.refresh_from_db()
    assert relay.status == "declined" and relay.decline_reason == "Al bekend."
    assert not Delivery.objects.filter(alert=alert, member__in=town.relayed).exists()
    page = login(town.police).get(reverse("maps:alert", args=[alert.pk])).content.decode()
    assert 'data-relay-status="declined"' in page and "Al bekend." in page
    assert alert.events.filter(action=AlertEvent.Action.DECLINED).exists()
    with pytest.raises(Exception, match="declined"):
        relay_forward(relay_id=relay.pk, user=town.coord_a, text=POLICE_TEXT)


def test_reminder_after_n_minutes_and_take_over(relay_town, settings, django_capture_on_commit_callbacks):
    town = relay_town
    settings.BIN_RELAY_REMINDER_MINUTES = 15
    second = UserFactory(username="coord-a2")
    town.alfa.coordinators.add(second)
    alert = _send(town, django_capture_on_commit_callbacks)
    relay = AlertRelay.objects.get(alert=alert)
    assert relay.addressed_to == town.coord_a
    now = timezone.now()
    assert relay_reminders_send(now=now + timedelta(minutes=14)) == 0
    mail.outbox.clear()
    assert relay_reminders_send(now=now + timedelta(minutes=16)) == 1
    assert {a for m in mail.outbox for a in m.to} == {town.coord_a.email, second.email}
    assert "Reminder" in mail.outbox[0].subject
    assert relay_reminders_send(now=now + timedelta(minutes=40)) == 0  # once
    relay_forward(relay_id=relay.pk, user=second, text=POLICE_TEXT)
    relay.refresh_from_db()
    assert relay.taken_over and relay.decided_by == second and not relay.edited
    page = login(town.police).get(reverse("maps:alert", args=[alert.pk])).content.decode()
    assert "taken over by a second coordinator" in page and "as written" in page


def test_a_non_urgent_relay_is_not_reminded(relay_town, django_capture_on_commit_callbacks):
    _send(relay_town, django_capture_on_commit_callbacks, urgency="non_urgent")
    assert relay_reminders_send(now=timezone.now() + timedelta(hours=2)) == 0


def test_only_the_networks_coordinators_relay(relay_town, django_capture_on_commit_callbacks):
    town = relay_town
    alert = _send(town, django_capture_on_commit_callbacks)
    relay = AlertRelay.objects.get(alert=alert)
    url = reverse("alerts:relay", args=[relay.pk])
    for user in (town.coord_b, town.police):
        client = login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "forward", "text": "x"}).status_code == 403
    with pytest.raises(Exception, match="coordinators"):
        relay_decline(relay_id=relay.pk, user=town.coord_b, reason="nee")
    relay.refresh_from_db()
    assert relay.status == "waiting"


def test_a_relay_network_without_coordinator_gets_the_alert_directly(
    relay_town, django_capture_on_commit_callbacks
):
    town = relay_town
    town.alfa.coordinators.clear()
    alert = _send(town, django_capture_on_commit_callbacks)
    reached = set(alert.deliveries.values_list("member_id", flat=True))
    assert {m.pk for m in town.relayed} <= reached
    assert AlertRelay.objects.get(alert=alert).status == "nocoord"
    page = login(town.police).get(reverse("maps:alert", args=[alert.pk])).content.decode()
    assert "no coordinator" in page


def test_the_coordinator_lists_the_waiting_messages(relay_town, django_capture_on_commit_callbacks):
    town = relay_town
    alert = _send(town, django_capture_on_commit_callbacks)
    relay = AlertRelay.objects.get(alert=alert)
    dashboard = login(town.coord_a).get(reverse("members:dashboard")).content.decode()
    assert reverse("alerts:relays") in dashboard
    listing = login(town.coord_a).get(reverse("alerts:relays")).content.decode()
    assert reverse("alerts:relay", args=[relay.pk]) in listing
    other = login(town.coord_b).get(reverse("alerts:relays")).content.decode()
    assert reverse("alerts:relay", args=[relay.pk]) not in other


def test_the_admin_sets_a_network_to_relay(town):
    page = login(town.superuser).get(reverse("admin:areas_network_change", args=[town.beta.pk]))
    assert page.status_code == 200 and 'name="relay_via_coordinator"' in page.content.decode()


def test_a_follow_up_goes_through_the_coordinator_too(relay_town, django_capture_on_commit_callbacks):
    town = relay_town
    alert = _send(town, django_capture_on_commit_callbacks)
    relay = AlertRelay.objects.get(alert=alert)
    with django_capture_on_commit_callbacks(execute=True):
        relay_forward(relay_id=relay.pk, user=town.coord_a, text=POLICE_TEXT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update = alert_follow_up(
            original=alert, user=town.police, msg_type="update", message="De dader is gevat."
        )
    # The direct member has the update; the relayed members wait for the coordinator, who is told.
    assert set(update.deliveries.values_list("member_id", flat=True)) == {town.direct.pk}
    follow = AlertRelay.objects.get(alert=update)
    assert follow.status == "waiting" and follow.reach == 2
    assert any(town.coord_a.email in m.to and "De dader is gevat." in m.body for m in mail.outbox)
    relay_forward(relay_id=follow.pk, user=town.coord_a, text="De dader is gevat. Dank!")
    reached = set(update.deliveries.filter(relay=follow).values_list("member_id", flat=True))
    assert reached == {m.pk for m in town.relayed}
    page = login(town.police).get(reverse("maps:alert", args=[alert.pk])).content.decode()
    assert page.count('data-relay-status="forwarded"') == 2
