"""The retention job: personal data the service no longer needs goes, app by app, on one schedule.

Each app deletes its own rows (alerts/retention.py, access/retention.py, members/retention.py, and the
members' purge of unconfirmed sign-ups and expired invitations); this module reads the periods from the
settings (BIN_RETENTION_*_DAYS; 0 keeps the rows) and calls them. Beat runs it daily
(project.tasks.purge_expired); without a broker, cron runs `manage.py purge_expired`.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from access.retention import access_log_purge, login_log_purge
from alerts.inbound import inbound_sms_purge
from alerts.retention import deliveries_purge, preview_log_purge, reactions_purge
from members.retention import proposals_purge
from members.services import members_purge_unconfirmed

__all__ = ["PERIODS", "retention_purge"]

# What goes after how long: (name in the report, setting with the days, the app's purge function).
PERIODS = [
    ("deliveries", "BIN_RETENTION_DELIVERIES_DAYS", deliveries_purge),
    ("reactions", "BIN_RETENTION_REACTIONS_DAYS", reactions_purge),
    # Incoming SMS (a number and a text): as long as the deliveries they answer.
    ("inbound_sms", "BIN_RETENTION_DELIVERIES_DAYS", inbound_sms_purge),
    ("access_log", "BIN_RETENTION_ACCESS_LOG_DAYS", access_log_purge),
    ("login_log", "BIN_RETENTION_ACCESS_LOG_DAYS", login_log_purge),
    ("preview_log", "BIN_RETENTION_PREVIEW_LOG_DAYS", preview_log_purge),
    ("proposals", "BIN_RETENTION_PROPOSALS_DAYS", proposals_purge),
]


def retention_purge(*, now: datetime | None = None) -> dict[str, int | None]:
    """Delete what is past its retention period; how many rows of each kind went (None: kept forever)."""
    now = now or timezone.now()
    report: dict[str, int | None] = {"unconfirmed_signups": members_purge_unconfirmed()}
    for name, setting, purge in PERIODS:
        days = int(getattr(settings, setting))
        report[name] = purge(before=now - timedelta(days=days)) if days > 0 else None
    return report
