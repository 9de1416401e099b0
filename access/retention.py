"""How long the access log is kept: a plain function the retention job calls (project/retention.py).

The access log tells members who saw their data (it is part of their download) and lets the service answer for
every view; past its retention period it only says who worked when, and goes.
"""

from datetime import datetime

from axes.models import AccessFailureLog
from axes.models import AccessLog as LoginLog

from .models import AccessLog

__all__ = ["access_log_purge", "login_log_purge"]


def access_log_purge(*, before: datetime) -> int:
    """Delete the access-log entries written before `before`; how many went."""
    return AccessLog.objects.filter(at__lt=before).delete()[0]


def login_log_purge(*, before: datetime) -> int:
    """Delete django-axes' records of logins and failed logins (user name, IP address, browser) made before
    `before`; how many went. The lockout's own counters expire by themselves (BIN_LOGIN_LOCKOUT_MINUTES)."""
    logins = LoginLog.objects.filter(attempt_time__lt=before).delete()[0]
    return logins + AccessFailureLog.objects.filter(attempt_time__lt=before).delete()[0]
