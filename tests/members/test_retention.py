"""Retention: the job (project/retention.py) deletes deliveries, reactions, access-log entries and proposals
past their periods (BIN_RETENTION_*_DAYS) and keeps the recent ones; as a Celery task and a command."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessLog as LoginLog
from django.core.management import call_command
from django.utils import timezone

from access.log import access_log_write
from access.models import AccessLog
from alerts.models import AlertPreviewLog, Delivery, InboundSms, Reaction
from areas.models import Network
from members.models import NetworkProposal
from members.services import network_propose
from project.celery import app
from project.retention import retention_purge
from project.tasks import purge_expired
from tests.factories import alert_sent, lonlat_square, member_at

pytestmark = pytest.mark.django_db


def _age(queryset, field: str, days: int) -> None:
    queryset.update(**{field: timezone.now() - timedelta(days=days)})


@pytest.fixture
def history(town, mailbox):
    """Two of each kind of row: one past its default retention period, one recent."""
    for x in (300, 400):
        member_at(x, 500, town.alfa)
    old_alert, new_alert = alert_sent(town.police), alert_sent(town.police)
    for alert in (old_alert, new_alert):
        delivery = Delivery.objects.filter(alert=alert).first()
        Reaction.objects.create(alert=alert, delivery=delivery, kind=Reaction.Kind.SEEN)
    _age(Delivery.objects.filter(alert=old_alert), "created", 401)
    _age(Reaction.objects.filter(alert=old_alert), "created_at", 401)
    for days in (731, 1):
        entry = access_log_write(user=town.coord_a, action="view", network_id=town.alfa.pk, reason="test")
        _age(AccessLog.objects.filter(pk=entry.pk), "at", days)
    for days in (401, 1):  # incoming SMS: kept as long as the deliveries
        sms = InboundSms.objects.create(gateway_id=f"in-{days}", from_number="+32470000001", action="unknown")
        _age(InboundSms.objects.filter(pk=sms.pk), "received", days)
    for days in (731, 1):
        login = LoginLog.objects.create(username="test", ip_address="192.0.2.1", user_agent="test")
        _age(LoginLog.objects.filter(pk=login.pk), "attempt_time", days)
    for days in (731, 1):
        entry = AlertPreviewLog.objects.create(
            user=town.police,
            username="test",
            police_zone=old_alert.police_zone,
            perimeter=old_alert.perimeter,
            area_m2=old_alert.perimeter.area,
            urgency=old_alert.urgency,
        )
        _age(AlertPreviewLog.objects.filter(pk=entry.pk), "at", days)
    for i, days in enumerate((366, 1)):
        proposal = network_propose(
            name=f"BIN Veld {i}",
            initiator_type="resident",
            initiators=[{"name": "Vera", "email": "vera@example.be"}],
            area_geojson=lonlat_square(i * 400, 2500, 300),
            notify=False,
        )
        _age(NetworkProposal.objects.filter(pk=proposal.pk), "created", days)
    return {"old": old_alert, "new": new_alert}


def test_old_rows_go_and_recent_ones_stay(history):
    old, new = history["old"], history["new"]
    old_deliveries = Delivery.objects.filter(alert=old).count()
    new_deliveries = Delivery.objects.filter(alert=new).count()
    assert old_deliveries and new_deliveries
    report = retention_purge()
    assert report == {
        "unconfirmed_signups": 0,
        "deliveries": old_deliveries,
        "reactions": 1,
        "inbound_sms": 1,
        "access_log": 1,
        "login_log": 1,
        "preview_log": 1,
        "proposals": 1,
    }
    assert not Delivery.objects.filter(alert=old).exists()
    assert Delivery.objects.filter(alert=new).count() == new_deliveries
    assert list(Reaction.objects.values_list("alert_id", flat=True)) == [new.pk]
    assert AccessLog.objects.filter(reason="test").count() == 1
    assert AlertPreviewLog.objects.filter(username="test").count() == 1
    assert LoginLog.objects.filter(username="test").count() == 1
    (kept,) = NetworkProposal.objects.all()
    assert kept.name == "BIN Veld 1"
    # The alerts and the networks proposed stay.
    old.refresh_from_db()
    assert old.recipients == 2
    assert {"bin-veld-0", "bin-veld-1"} <= set(Network.objects.values_list("slug", flat=True))


def test_a_reaction_outlives_its_purged_delivery_until_its_own_period(history, settings):
    settings.BIN_RETENTION_REACTIONS_DAYS = 0  # kept forever
    retention_purge()
    reaction = Reaction.objects.get(alert=history["old"])
    assert reaction.delivery is None


def test_periods_are_settings(history, settings):
    settings.BIN_RETENTION_DELIVERIES_DAYS = 1000
    settings.BIN_RETENTION_ACCESS_LOG_DAYS = 0
    report = retention_purge()
    assert report["deliveries"] == 0 and report["access_log"] is None
    assert AccessLog.objects.filter(reason="test").count() == 2


def test_beat_runs_the_task_daily_and_cron_the_command(history, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired"]
    assert entry["task"] == purge_expired.name and entry["task"] in app.tasks and entry["schedule"] == 86400
    assert purge_expired.apply().get()["deliveries"] > 0
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "deliveries: 0" in out.getvalue() and "proposals: 0" in out.getvalue()
