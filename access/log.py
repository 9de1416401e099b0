"""The access log: who touched members' personal data, and why. Written by the members app's selectors and
services that read or change member data, so that no page or API view has to remember it."""

from .models import AccessLog

__all__ = ["access_log_write"]


def access_log_write(
    *,
    user,
    action: str,
    member_id: int | None = None,
    network_id: int | None = None,
    count: int = 1,
    reason: str,
) -> AccessLog:
    """Record that `user` (None: the member themself) touched members' personal data, and why."""
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        member_id=member_id,
        network_id=network_id,
        count=count,
        reason=reason[:300],
    )
