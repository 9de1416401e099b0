"""Writes for alerts: prepare (check, scope, clip), send through the outbox, follow up (reactions:
alerts/reactions.py).

One function per operation; the API, the officer's page and the tests all call these.
"""

import math
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import alert_scope, can_send_alerts, is_police
from areas.models import PoliceZone

from .escalation import perimeter_with_networks
from .history import alert_event_write
from .languages import translations_checked
from .models import Alert, AlertAuditLog, AlertEvent, Category, Delivery, Tip
from .perimeter import Perimeter, perimeter_from_circle, perimeter_from_geojson, point_from_lonlat
from .recipients import FOLLOW_UP_RECIPIENTS, recipients_params
from .relay import DIRECT_RECIPIENTS, relay_networks, relays_follow, relays_open
from .selectors import approval_required, perimeter_clip
from .tasks import deliveries_enqueue, delivery_queue
from .texts import text_checked

__all__ = [
    "AlertInput",
    "alert_create",
    "alert_dispatch",
    "alert_follow_up",
    "alert_prepare",
    "alert_send",
]


@dataclass
class AlertInput:
    """An alert as checked and scoped, before it is stored: the perimeter already clipped to the zone."""

    police_zone: PoliceZone
    perimeter: Perimeter
    location: Point
    category: str
    urgency: str
    message: str
    tip: Tip | None
    # The message's language and its other versions (alerts.languages); the perimeter as drawn, before
    # the networks added by escalation (alerts.escalation), and those networks.
    language: str = "nl"
    translations: dict = field(default_factory=dict)
    drawn_perimeter: MultiPolygon | None = None
    added_networks: list[int] = field(default_factory=list)
    clipped_fraction: float = 0.0
    warnings: list[str] = field(default_factory=list)
    # An exercise: only members who opted in, every message marked (Alert.exercise).
    exercise: bool = False


def _zone_for(*, user, police_zone_id: int | None, probe: Point) -> PoliceZone:
    """The police zone the officer acts for with this alert; PermissionDenied outside their zones."""
    if police_zone_id is not None:
        if not can_send_alerts(user, police_zone_id):
            raise PermissionDenied(_("You do not send alerts for this police zone."))
        try:
            return PoliceZone.objects.get(pk=police_zone_id)
        except PoliceZone.DoesNotExist as exc:
            raise ValidationError({"police_zone": _("No such police zone.")}) from exc
    scope = alert_scope(user)
    zones = (
        PoliceZone.objects.all() if scope.everything else PoliceZone.objects.filter(pk__in=scope.police_zones)
    )
    if not scope.everything:
        mine = list(zones)
        if not mine:
            raise PermissionDenied(_("Only police officers send alerts."))
        if len(mine) == 1:
            return mine[0]
    found = list(zones.filter(boundary__intersects=probe)[:2])
    if len(found) == 1:
        return found[0]
    raise ValidationError({"police_zone": _("Say for which police zone you send this alert (police_zone).")})


def _tip_checked(*, tip_id: int | None, police_zone_id: int) -> Tip | None:
    """The tip `tip_id` for an alert of the zone (active, the zone's own or a national one), None when none
    is asked for; ValidationError when there is no such tip, another zone's tip included."""
    if tip_id is None:
        return None
    tip = Tip.objects.usable_in(police_zone_id).filter(pk=tip_id).first()
    if tip is None:
        raise ValidationError({"tip": _("No such tip.")})
    return tip


def _perimeter_from_input(*, polygon, center, radius_m) -> Perimeter:
    """The perimeter from the input as it came (GeoJSON, or a circle's [lon, lat] and metres), checked;
    what is wrong goes under "perimeter"."""
    if polygon is not None and center is not None:
        raise ValidationError({"perimeter": _("Give a polygon or a circle, not both.")})
    try:
        if polygon is not None:
            return perimeter_from_geojson(polygon)
        if center is not None or radius_m is not None:
            if center is None or radius_m is None:
                raise ValidationError(_("A circle needs both center [lon, lat] and radius_m."))
            return perimeter_from_circle(center, radius_m)
        raise ValidationError(_("Draw a perimeter (GeoJSON polygon) or give a centre and a radius."))
    except ValidationError as exc:
        raise ValidationError({"perimeter": exc.messages}) from exc


def _incident_point(*, location, perimeter: Perimeter) -> Point:
    """Where the incident happened: `location` ([lon, lat]) when given, else the middle of the perimeter."""
    if location is None:
        return perimeter.center or perimeter.geom.point_on_surface
    try:
        return point_from_lonlat(location, what=_("The incident location"))
    except ValidationError as exc:
        raise ValidationError({"location": exc.messages}) from exc


def _perimeter_in_zone(*, perimeter: Perimeter, zone: PoliceZone) -> tuple[Perimeter, float, list[str]]:
    """The perimeter clipped to the zone, the fraction of it cut off and the warning that says so;
    PermissionDenied when nothing of it lies in the zone, ValidationError when what lies in it is smaller
    than BIN_ALERT_MIN_AREA_M2 (a perimeter around one house would tell whether it has a member)."""
    clipped = perimeter_clip(perimeter=perimeter.geom, police_zone=zone)
    if clipped.geom is None:
        raise PermissionDenied(
            _("The perimeter lies entirely outside police zone %(zone)s: you cannot alert anyone there.")
            % {"zone": zone}
        )
    minimum = settings.BIN_ALERT_MIN_AREA_M2
    if clipped.kept_m2 < minimum:
        raise ValidationError(
            {
                "perimeter": _(
                    "The perimeter covers %(area)s m² inside police zone %(zone)s; it must cover at least "
                    "%(minimum)s m² (a circle of %(radius)s m radius)."
                )
                % {
                    "area": f"{clipped.kept_m2:,.0f}",
                    "zone": zone,
                    "minimum": f"{minimum:,.0f}",
                    "radius": f"{(minimum / math.pi) ** 0.5:.0f}",
                }
            }
        )
    warnings = []
    fraction = clipped.clipped_fraction
    if fraction >= Alert.CLIPPED_NOTEWORTHY:
        warnings.append(
            _(
                "The perimeter extends beyond police zone %(zone)s: %(pct)s %% of its area (%(km2)s km²) "
                "was cut off. Only members inside the zone are reached."
            )
            % {
                "zone": zone,
                "pct": f"{fraction * 100:.1f}",
                "km2": f"{(clipped.requested_m2 - clipped.kept_m2) / 1e6:.2f}",
            }
        )
    kept = Perimeter(
        geom=clipped.geom, kind=perimeter.kind, center=perimeter.center, radius_m=perimeter.radius_m
    )
    return kept, fraction, warnings


def alert_prepare(
    *,
    user,
    category: str,
    urgency: str,
    message: str,
    polygon=None,
    center=None,
    radius_m=None,
    location=None,
    tip_id: int | None = None,
    police_zone_id: int | None = None,
    language: str = "nl",
    translations: dict | None = None,
    add_network_ids=(),
    exercise: bool = False,
) -> AlertInput:
    """Check an alert's input, find the officer's zone, clip the perimeter to it; raise if anything is off."""
    if not is_police(user):
        raise PermissionDenied(_("Only police officers send alerts."))
    message = text_checked(message)
    translations = translations_checked(language=language, translations=translations)
    if category not in Category.values:
        raise ValidationError({"category": _("Unknown category %(c)r.") % {"c": category}})
    if urgency not in Alert.Urgency.values:
        raise ValidationError({"urgency": _("Urgency is 'urgent' or 'non_urgent'.")})
    perimeter = _perimeter_from_input(polygon=polygon, center=center, radius_m=radius_m)
    point = _incident_point(location=location, perimeter=perimeter)
    zone = _zone_for(user=user, police_zone_id=police_zone_id, probe=point)
    tip = _tip_checked(tip_id=tip_id, police_zone_id=zone.pk)
    drawn = perimeter.geom
    perimeter = perimeter_with_networks(
        perimeter=perimeter, police_zone_id=zone.pk, network_ids=add_network_ids
    )
    perimeter, fraction, warnings = _perimeter_in_zone(perimeter=perimeter, zone=zone)
    return AlertInput(
        police_zone=zone,
        perimeter=perimeter,
        location=point,
        category=category,
        urgency=urgency,
        message=message,
        tip=tip,
        language=language,
        translations=translations,
        drawn_perimeter=drawn,
        added_networks=sorted({int(n) for n in add_network_ids}),
        clipped_fraction=fraction,
        warnings=warnings,
        exercise=bool(exercise),
    )


def alert_create(*, user, data: AlertInput) -> Alert:
    """Store a prepared alert as a draft, with a copy of its tip."""
    alert = Alert(
        police_zone=data.police_zone,
        created_by=user,
        category=data.category,
        urgency=data.urgency,
        message=data.message,
        language=data.language,
        translations=data.translations,
        location=data.location,
        perimeter=data.perimeter.geom,
        perimeter_kind=data.perimeter.kind,
        circle_center=data.perimeter.center,
        circle_radius_m=data.perimeter.radius_m,
        clipped_fraction=data.clipped_fraction,
        exercise=data.exercise,
    )
    alert.tip_copy(data.tip)
    alert.save()
    alert_event_write(alert=alert, user=user, action=AlertEvent.Action.CREATED)
    return alert


_INSERT = """
    INSERT INTO alerts_delivery
        (alert_id, member_id, channel, network_ids, status, attempts, last_error, not_before, created)
    SELECT %(alert)s, r.member_id, r.channel, r.network_ids, '{queued}', 0, '', r.not_before, %(now)s
    FROM ({source}) r
    WHERE r.channel IS NOT NULL
    RETURNING id, not_before, channel, member_id
"""


def _write_outbox(*, alert: Alert, sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cur:
        statement = _INSERT.format(source=sql, queued=Delivery.Status.QUEUED)
        cur.execute(statement, {**params, "alert": alert.pk, "now": timezone.now()})
        return cur.fetchall()


def _finish_send(*, alert: Alert, user, rows: list[tuple], action: str, detail: str = "") -> Alert:
    channels: dict[str, int] = {}
    for _delivery_id, _not_before, channel, _member_id in rows:
        channels[channel] = channels.get(channel, 0) + 1
    # Members, not rows: a member with a push subscription has a push row beside their SMS or e-mail.
    reached = len({member_id for *_row, member_id in rows})
    alert.status = Alert.Status.SENT
    alert.sent_at = timezone.now()
    alert.recipients = reached
    alert.save(update_fields=["status", "sent_at", "recipients"])
    AlertAuditLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        alert=alert,
        police_zone_id=alert.police_zone_id,
        recipients=reached,
        channels=channels,
        detail=detail or alert.message[:500],
    )
    due = [(delivery_id, not_before) for delivery_id, not_before, *_rest in rows]
    # Urgent alerts (and their follow-ups) go to their own queue, ahead of any bulk fan-out.
    transaction.on_commit(partial(deliveries_enqueue, due, queue=delivery_queue(alert.urgency)))
    return alert


def alert_send(*, alert: Alert, user) -> Alert:
    """Send a draft: in one transaction the outbox rows (INSERT … SELECT) and the audit; fan-out on commit.

    A second send of the same alert is refused and sends nothing. In a zone with four-eyes approval
    (ZoneAlertPolicy) this is refused too: the draft is submitted (alerts.approval.alert_submit) and goes
    out when another officer of the zone approves it.
    """
    if not can_send_alerts(user, alert.police_zone_id):
        raise PermissionDenied(_("You do not send alerts for this police zone."))
    if approval_required(police_zone_id=alert.police_zone_id):
        raise ValidationError(
            _(
                "Alerts of police zone %(zone)s go out only when a second officer approves them: submit "
                "this alert for approval."
            )
            % {"zone": alert.police_zone}
        )
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status in (Alert.Status.PENDING, Alert.Status.RETURNED):
            raise ValidationError(_("This alert is waiting for approval; it goes out when it is approved."))
        if locked.status != Alert.Status.DRAFT or locked.msg_type != Alert.MsgType.ALERT:
            raise ValidationError(_("This alert was already sent; it is not sent again."))
        alert_dispatch(locked=locked, user=user)
    alert.refresh_from_db()
    return alert


def alert_dispatch(*, locked: Alert, user) -> None:
    """Send `locked`, an alert the caller locked (select_for_update) in its transaction and checked: the
    outbox rows, the audit and the history; fan-out on commit. alert_send and the approval call it."""
    status_from = locked.status
    current = Tip.objects.usable_in(locked.police_zone_id).filter(pk=locked.tip_id).first()
    if current is not None:
        # The tip as it reads now that the alert goes out (a draft may have waited; a tip retired
        # meanwhile leaves the draft's copy): from here on the messages use this copy, whatever is
        # done to the tip.
        locked.tip_copy(current)
        locked.save(update_fields=["tip", "tip_title", "tip_text_nl", "tip_text_fr", "tip_text_de"])
    params = recipients_params(
        police_zone_id=locked.police_zone_id,
        perimeter=locked.perimeter,
        urgent=locked.urgency == Alert.Urgency.URGENT,
        now=timezone.now(),
        exercise=locked.exercise,
    )
    # Members reached only through relay networks wait for their coordinator (alerts.relay).
    relayed = [pk for pk, coord in relay_networks(police_zone_id=locked.police_zone_id).items() if coord]
    rows = _write_outbox(alert=locked, sql=DIRECT_RECIPIENTS, params={**params, "relay_networks": relayed})
    _finish_send(alert=locked, user=user, rows=rows, action="send")
    alert_event_write(alert=locked, user=user, action=AlertEvent.Action.SENT, status_from=status_from)
    relays_open(alert=locked, user=user, params=params)


# A follow-up goes to the area of the alert it follows: these fields are copied from it.
_AREA_FIELDS = (
    "location",
    "perimeter",
    "perimeter_kind",
    "circle_center",
    "circle_radius_m",
    "clipped_fraction",
)


def _follow_up_checked(msg_type: str, outcome: str, outcome_category: str) -> tuple[str, str]:
    """The follow-up's kind, and its outcome and category (only the closing message has them, and must
    say the outcome), checked; ValidationError says what is wrong."""
    if msg_type not in (Alert.MsgType.UPDATE, Alert.MsgType.CANCEL, Alert.MsgType.FEEDBACK):
        raise ValidationError({"msg_type": _("A follow-up is an update, a cancel or feedback.")})
    outcome = text_checked(outcome, field="outcome", required=False)
    if msg_type == Alert.MsgType.FEEDBACK and not outcome:
        raise ValidationError({"outcome": _("Say what the outcome was.")})
    outcome_category = outcome_category or ""
    if outcome_category and outcome_category not in Alert.Outcome.values:
        raise ValidationError({"outcome_category": _("Choose one of the outcome categories.")})
    if outcome_category and msg_type != Alert.MsgType.FEEDBACK:
        raise ValidationError({"outcome_category": _("Only the closing message has an outcome category.")})
    return outcome, outcome_category


def alert_follow_up(
    *,
    original: Alert,
    user,
    msg_type: str,
    message: str,
    tip_id=None,
    outcome="",
    outcome_category="",
    translations: dict | None = None,
) -> Alert:
    """Send an update, a cancel or the feedback (the closing message) to the original's recipients, on the
    same channels. The feedback carries the outcome in words and, from the alert's page always (the API
    may leave it out), its category (Alert.Outcome) for the evaluation."""
    original = original.root
    if not can_send_alerts(user, original.police_zone_id):
        raise PermissionDenied(_("You do not send alerts for this police zone."))
    # The same limits as the alert's own message (text_checked): length and control characters.
    message = text_checked(message)
    # In the thread's main language; `translations` its other versions (alerts.languages).
    translations = translations_checked(language=original.language, translations=translations)
    outcome, outcome_category = _follow_up_checked(msg_type, outcome, outcome_category)
    tip = _tip_checked(tip_id=tip_id, police_zone_id=original.police_zone_id)
    with transaction.atomic():
        original = Alert.objects.select_for_update().get(pk=original.pk)
        if original.status in (Alert.Status.DRAFT, Alert.Status.PENDING, Alert.Status.RETURNED):
            raise ValidationError(_("This alert has not been sent yet; edit it instead."))
        done = set(original.follow_ups.values_list("msg_type", flat=True))
        if Alert.MsgType.FEEDBACK in done:
            raise ValidationError(_("The feedback closed this alert; nothing more can be sent."))
        if original.status == Alert.Status.CANCELLED and msg_type != Alert.MsgType.FEEDBACK:
            raise ValidationError(_("This alert was cancelled; only the feedback can still be sent."))
        urgency = Alert.Urgency.NON_URGENT if msg_type == Alert.MsgType.FEEDBACK else original.urgency
        follow_up = Alert(
            police_zone_id=original.police_zone_id,
            created_by=user,
            msg_type=msg_type,
            references=original,
            category=original.category,
            urgency=urgency,
            message=message,
            # Written in the thread's main language (alerts.languages), with its other versions.
            language=original.language,
            translations=translations,
            outcome=outcome if msg_type == Alert.MsgType.FEEDBACK else "",
            outcome_category=outcome_category,
            # A follow-up of an exercise is an exercise too: marked, out of the statistics, CAP Exercise.
            exercise=original.exercise,
            **{name: getattr(original, name) for name in _AREA_FIELDS},
        )
        follow_up.tip_copy(tip)
        follow_up.save()
        if msg_type == Alert.MsgType.CANCEL:
            # Messages of the original still waiting (quiet hours, retries) are not sent any more, and
            # the people who never got the alert do not get its cancellation either.
            Delivery.objects.filter(alert=original, status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.SKIPPED, last_error="the alert was cancelled before delivery"
            )
            original.status = Alert.Status.CANCELLED
        if msg_type == Alert.MsgType.FEEDBACK:
            original.outcome = outcome
            original.outcome_category = outcome_category
        original.save(update_fields=["status", "outcome", "outcome_category"])
        params = recipients_params(
            police_zone_id=original.police_zone_id,
            perimeter=original.perimeter,
            urgent=urgency == Alert.Urgency.URGENT,
            now=timezone.now(),
        )
        rows = _write_outbox(
            alert=follow_up, sql=FOLLOW_UP_RECIPIENTS, params={**params, "original": original.pk}
        )
        _finish_send(alert=follow_up, user=user, rows=rows, action=msg_type)
        relays_follow(original=original, follow_up=follow_up, user=user)
    follow_up.refresh_from_db()
    return follow_up
