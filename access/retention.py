"""How long the access log is kept: a plain function the retention job calls (project/retention.py).

The log tells members who saw their data (it is part of their download) and lets the service answer for
every view; past its retention period it only says who worked when, and goes.
"""

from datetime import datetime

from .models import AccessLog

__all__ = ["access_log_purge"]


def access_log_purge(*, before: datetime) -> int:
    """Delete the access-log entries written before `before`; how many went."""
    return AccessLog.objects.filter(at__lt=before).delete()[0]
