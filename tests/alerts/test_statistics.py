"""What the evaluation reads: the statistics of a period (alerts.statistics), the alerts of a period and an
alert's thread (alerts.selectors), against the database; the evaluation map and page are tests/maps'."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, Delivery
from alerts.reactions import reaction_record
from alerts.selectors import alert_thread, alerts_in_period
from alerts.services import alert_follow_up
from alerts.statistics import alert_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(town, density, send_alert):
    """Two alerts: one last month with feedback, a reaction and a failed delivery; one today.

    The first, 1.5 km around BIN Alfa's four members (the `density` members), reaches BIN Beta's two as
    well; the second, 300 m around BIN Beta's two, only them.
    """
    old = send_alert(town.police, center=(340, 440), radius_m=1500)
    # The outbox's INSERT … SELECT numbers the deliveries in whatever order the members came: pick BIN
    # Alfa's by their networks, not by their position.
    alfa = old.deliveries.filter(network_ids__contains=[town.alfa.pk]).order_by("pk")
    first = alfa.first()
    # The reactions came while the link worked; then the alert is moved a month back.
    reaction_record(delivery=first, kind="seen")
    reaction_record(delivery=first, kind="observation", text="Een man met een ladder")
    Alert.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=30))
    old.refresh_from_db()
    alert_follow_up(
        original=old, user=town.police, msg_type="feedback", message="Afloop", outcome="Dader gevat"
    )
    Delivery.objects.filter(pk=alfa[1].pk).update(status="failed")
    new = send_alert(town.police, center=(1630, 540))
    return old, new


def test_statistics_of_a_period_that_holds_every_alert_equal_those_without_a_period(town, thread):
    zone = town.zone.pk
    today = timezone.localdate()
    everything = alert_statistics(police_zone_ids=[zone])
    period = alert_statistics(police_zone_ids=[zone], start=today - timedelta(days=31), end=today)
    assert period == everything
    assert {n["slug"] for n in everything["networks"]} == {"bin-alfa", "bin-beta"}
    empty = alert_statistics(
        police_zone_ids=[zone], start=today + timedelta(days=1), end=today + timedelta(days=2)
    )
    assert empty["networks"] == [] and empty["police_zones"][0]["alerts"] == 0


def test_period_statistics_keep_the_threads_of_the_period(town, thread):
    old, new = thread
    today = timezone.localdate()
    zone = town.zone
    recent = {
        n["slug"]: n for n in alert_statistics(police_zone_ids=[zone.pk], start=today, end=today)["networks"]
    }
    assert set(recent) == {"bin-beta"}
    assert recent["bin-beta"]["alerts"] == 1 and recent["bin-beta"]["recipients"] == 2
    assert recent["bin-beta"]["reactions"] == {"seen": 0, "observation": 0}
    month = today - timedelta(days=30)
    then = {
        n["slug"]: n for n in alert_statistics(police_zone_ids=[zone.pk], start=month, end=month)["networks"]
    }
    # The feedback went out today; it belongs to the thread of last month.
    assert then["bin-alfa"]["alerts"] == 1 and then["bin-alfa"]["recipients"] == 4
    assert then["bin-alfa"]["failed"] == 1
    assert then["bin-alfa"]["reactions"] == {"seen": 1, "observation": 1}
    assert [o["outcome"] for o in then["bin-alfa"]["outcomes"]] == ["Dader gevat"]
    listed = alerts_in_period(police_zone=zone, start=month, end=today)
    assert [a["id"] for a in listed] == [old.pk, new.pk]
    assert listed[0]["reactions"] == {"seen": 1, "observation": 1}
    assert listed[0]["outcome"] == "Dader gevat"


def test_an_alerts_thread_holds_its_follow_ups_deliveries_and_reactions(town, thread):
    old, _new = thread
    got = alert_thread(alert=old)
    (original, feedback) = got["messages"]
    assert original["alert"] == old and original["minutes"] == 0
    assert feedback["alert"].msg_type == "feedback" and feedback["alert"].outcome == "Dader gevat"
    # One delivery of the six failed; the follow-up went to the same six members.
    assert original["deliveries"]["failed"] == 1 and sum(original["deliveries"].values()) == 6
    assert sum(feedback["deliveries"].values()) == 6
    assert got["counts"] == {"seen": 1, "observation": 1}
    assert [(r["reaction"].kind, r["networks"]) for r in got["timeline"]] == [
        ("seen", ["BIN Alfa"]),
        ("observation", ["BIN Alfa"]),
    ]
    assert got["reactions_per_network"] == [("BIN Alfa", {"seen": 1, "observation": 1})]
