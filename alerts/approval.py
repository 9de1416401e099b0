"""Four-eyes approval (alerts.ZoneAlertPolicy): the author submits an alert, another police officer of the
zone approves it (it goes out at that moment) or returns it with a reason, the author edits a returned alert
and submits it again. Every step is an entry of the alert's append-only history (AlertEvent).

Who may do what is access.permissions' (can_edit_alert, can_approve_alert); whether a zone needs approval is
alerts.selectors.approval_required. The officers who may approve, and the author afterwards, are told by
e-mail (alerts.notices.approval_notice_send, through the task notify_approval).
"""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import can_approve_alert, can_edit_alert

from .history import alert_event_write
from .languages import translations_checked
from .models import Alert, AlertEvent, Category, Tip
from .selectors import approval_required
from .services import alert_dispatch
from .tasks import notify_approval
from .texts import text_checked

__all__ = ["EDITABLE_STATUSES", "alert_approve", "alert_edit", "alert_return", "alert_submit"]

# The statuses in which the author may still change an alert and submit it.
EDITABLE_STATUSES = (Alert.Status.DRAFT, Alert.Status.RETURNED)
Action = AlertEvent.Action


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _not_editable_message(alert: Alert) -> str:
    if alert.status == Alert.Status.PENDING:
        return _("This alert is waiting for approval; it cannot be changed now.")
    return _("This alert was already sent; it cannot be changed.")


def _approval_refused(user, alert: Alert) -> PermissionDenied:
    if user is not None and alert.created_by_id == user.pk:
        return PermissionDenied(_("You cannot approve your own alert: another officer of the zone must."))
    return PermissionDenied(_("Only another police officer of this alert's zone approves it."))


def _notify(alert: Alert, event: AlertEvent) -> None:
    transaction.on_commit(partial(notify_approval.delay, alert.pk, event.pk))


def alert_submit(*, alert: Alert, user) -> Alert:
    """Submit a draft or returned alert for approval (its author, in a zone that requires approval); the
    zone's other officers are told by e-mail."""
    if not can_edit_alert(user, alert):
        raise PermissionDenied(_("Only the author of this alert submits it for approval."))
    if not approval_required(police_zone_id=alert.police_zone_id):
        raise ValidationError(
            _("Alerts of police zone %(zone)s need no approval: send it.") % {"zone": alert.police_zone}
        )
    with transaction.atomic():
        locked = _locked(alert)
        if locked.msg_type != Alert.MsgType.ALERT or locked.status not in EDITABLE_STATUSES:
            raise ValidationError(_not_editable_message(locked))
        before = locked.status
        locked.status = Alert.Status.PENDING
        locked.save(update_fields=["status"])
        event = alert_event_write(alert=locked, user=user, action=Action.SUBMITTED, status_from=before)
        _notify(locked, event)
    alert.refresh_from_db()
    return alert


def alert_approve(*, alert: Alert, user) -> Alert:
    """Approve a pending alert (another police officer of its zone, never its author): it is sent at once,
    by the outbox as any alert (alerts.services.alert_dispatch); the author is told."""
    if not can_approve_alert(user, alert):
        raise _approval_refused(user, alert)
    with transaction.atomic():
        locked = _locked(alert)
        if locked.status != Alert.Status.PENDING:
            raise ValidationError(_("This alert is not waiting for approval."))
        locked.approved_by = user
        locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        event = alert_event_write(
            alert=locked, user=user, action=Action.APPROVED, status_from=Alert.Status.PENDING
        )
        alert_dispatch(locked=locked, user=user)
        _notify(locked, event)
    alert.refresh_from_db()
    return alert


def alert_return(*, alert: Alert, user, reason: str) -> Alert:
    """Return a pending alert to its author with a reason (who may approve it may return it); the author is
    told, edits it and submits it again."""
    if not can_approve_alert(user, alert):
        raise _approval_refused(user, alert)
    try:
        reason = text_checked(reason, field="reason", max_chars=2000)
    except ValidationError as exc:
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Say why you return the alert.")}) from exc
        raise
    with transaction.atomic():
        locked = _locked(alert)
        if locked.status != Alert.Status.PENDING:
            raise ValidationError(_("This alert is not waiting for approval."))
        locked.status = Alert.Status.RETURNED
        locked.save(update_fields=["status"])
        event = alert_event_write(
            alert=locked, user=user, action=Action.RETURNED, status_from=Alert.Status.PENDING, reason=reason
        )
        _notify(locked, event)
    alert.refresh_from_db()
    return alert


_UNCHANGED = object()


def alert_edit(
    *,
    alert: Alert,
    user,
    category: str | None = None,
    urgency: str | None = None,
    message: str | None = None,
    tip_id=_UNCHANGED,
    exercise: bool | None = None,
    translations: dict | None = None,
) -> Alert:
    """Change a draft or returned alert (its author): category, urgency, message, its translations (the
    other languages' versions, alerts.languages; an empty one is dropped), tip (None: none), exercise; what
    is not given stays. The history keeps each changed value before and after. The perimeter and the main
    language stay: a new area is a new alert."""
    if not can_edit_alert(user, alert):
        raise PermissionDenied(_("Only the author of this alert changes it."))
    if category is not None and category not in Category.values:
        raise ValidationError({"category": _("Unknown category %(c)r.") % {"c": category}})
    if urgency is not None and urgency not in Alert.Urgency.values:
        raise ValidationError({"urgency": _("Urgency is 'urgent' or 'non_urgent'.")})
    if message is not None:
        message = text_checked(message)
    with transaction.atomic():
        locked = _locked(alert)
        if locked.msg_type != Alert.MsgType.ALERT or locked.status not in EDITABLE_STATUSES:
            raise ValidationError(_not_editable_message(locked))
        changes: dict[str, list] = {}
        for name, value in (
            ("category", category),
            ("urgency", urgency),
            ("message", message),
            ("exercise", exercise),
        ):
            if value is not None and getattr(locked, name) != value:
                changes[name] = [getattr(locked, name), value]
                setattr(locked, name, value)
        if translations is not None:
            checked = translations_checked(language=locked.language, translations=translations)
            for language in sorted(set(checked) | set(locked.translations)):
                before, after = locked.translations.get(language, ""), checked.get(language, "")
                if before != after:
                    changes[f"message ({language})"] = [before, after]
            locked.translations = checked
        if tip_id is not _UNCHANGED and tip_id != locked.tip_id:
            tip = None
            if tip_id is not None:
                tip = Tip.objects.usable_in(locked.police_zone_id).filter(pk=tip_id).first()
                if tip is None:
                    raise ValidationError({"tip": _("No such tip.")})
            changes["tip"] = [locked.tip_title, tip.title if tip else ""]
            locked.tip_copy(tip)
        if not changes:
            return locked
        locked.save()
        alert_event_write(
            alert=locked, user=user, action=Action.EDITED, status_from=locked.status, changes=changes
        )
    alert.refresh_from_db()
    return alert
