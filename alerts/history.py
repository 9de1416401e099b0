"""An alert's history (AlertEvent): one function writes an entry; entries are never changed or removed."""

from .models import Alert, AlertEvent

__all__ = ["alert_event_write"]


def alert_event_write(
    *,
    alert: Alert,
    user,
    action: str,
    status_from: str = "",
    status_to: str = "",
    reason: str = "",
    changes: dict | None = None,
) -> AlertEvent:
    """Add an entry to `alert`'s history: who (`user`, may be None), what, the status before and after."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AlertEvent.objects.create(
        alert=alert,
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        status_from=status_from,
        status_to=status_to or alert.status,
        reason=reason,
        changes=changes or {},
    )
