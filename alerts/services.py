"""Writes for alerts: prepare (check, scope, clip), send through the outbox, follow up, record reactions.

One function per operation; the API, the officer's page and the tests all call these.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import alert_scope, can_send_alerts, is_police
from areas.models import PoliceZone
from members.models import Membership

from .models import Alert, AlertAuditLog, Category, Delivery, Reaction, ReactionNotice, Tip
from .perimeter import Perimeter, perimeter_from_circle, perimeter_from_geojson, point_from_lonlat
from .recipients import FOLLOW_UP_RECIPIENTS, RECIPIENTS, recipients_params
from .selectors import perimeter_clip
from .tasks import deliveries_enqueue, delivery_queue, notify_coordinators
from .texts import text_checked

__all__ = [
    "AlertInput",
    "alert_create",
    "alert_follow_up",
    "alert_prepare",
    "alert_send",
    "reaction_link_expired",
    "reaction_link_gone",
    "reaction_link_gone_message",
    "reaction_record",
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
    clipped_fraction: float = 0.0
    warnings: list[str] = field(default_factory=list)


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
    if fraction > 1e-6:
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
) -> AlertInput:
    """Check an alert's input, find the officer's zone, clip the perimeter to it; raise if anything is off."""
    if not is_police(user):
        raise PermissionDenied(_("Only police officers send alerts."))
    message = text_checked(message)
    if category not in Category.values:
        raise ValidationError({"category": _("Unknown category %(c)r.") % {"c": category}})
    if urgency not in Alert.Urgency.values:
        raise ValidationError({"urgency": _("Urgency is 'urgent' or 'non_urgent'.")})
    perimeter = _perimeter_from_input(polygon=polygon, center=center, radius_m=radius_m)
    point = _incident_point(location=location, perimeter=perimeter)
    zone = _zone_for(user=user, police_zone_id=police_zone_id, probe=point)
    tip = _tip_checked(tip_id=tip_id, police_zone_id=zone.pk)
    perimeter, fraction, warnings = _perimeter_in_zone(perimeter=perimeter, zone=zone)
    return AlertInput(
        police_zone=zone,
        perimeter=perimeter,
        location=point,
        category=category,
        urgency=urgency,
        message=message,
        tip=tip,
        clipped_fraction=fraction,
        warnings=warnings,
    )


def alert_create(*, user, data: AlertInput) -> Alert:
    """Store a prepared alert as a draft, with a copy of its tip."""
    alert = Alert(
        police_zone=data.police_zone,
        created_by=user,
        category=data.category,
        urgency=data.urgency,
        message=data.message,
        location=data.location,
        perimeter=data.perimeter.geom,
        perimeter_kind=data.perimeter.kind,
        circle_center=data.perimeter.center,
        circle_radius_m=data.perimeter.radius_m,
        clipped_fraction=data.clipped_fraction,
    )
    alert.tip_copy(data.tip)
    alert.save()
    return alert


_INSERT = """
    INSERT INTO alerts_delivery
        (alert_id, member_id, channel, network_ids, status, attempts, last_error, not_before, created)
    SELECT %(alert)s, r.member_id, r.channel, r.network_ids, '{queued}', 0, '', r.not_before, %(now)s
    FROM ({source}) r
    WHERE r.channel IS NOT NULL
    RETURNING id, not_before, channel
"""


def _write_outbox(*, alert: Alert, sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cur:
        statement = _INSERT.format(source=sql, queued=Delivery.Status.QUEUED)
        cur.execute(statement, {**params, "alert": alert.pk, "now": timezone.now()})
        return cur.fetchall()


def _finish_send(*, alert: Alert, user, rows: list[tuple], action: str, detail: str = "") -> Alert:
    channels: dict[str, int] = {}
    for _delivery_id, _not_before, channel in rows:
        channels[channel] = channels.get(channel, 0) + 1
    alert.status = Alert.Status.SENT
    alert.sent_at = timezone.now()
    alert.recipients = len(rows)
    alert.save(update_fields=["status", "sent_at", "recipients"])
    AlertAuditLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        alert=alert,
        police_zone_id=alert.police_zone_id,
        recipients=len(rows),
        channels=channels,
        detail=detail or alert.message[:500],
    )
    due = [(delivery_id, not_before) for delivery_id, not_before, _channel in rows]
    # Urgent alerts (and their follow-ups) go to their own queue, ahead of any bulk fan-out.
    transaction.on_commit(partial(deliveries_enqueue, due, queue=delivery_queue(alert.urgency)))
    return alert


def alert_send(*, alert: Alert, user) -> Alert:
    """Send a draft: in one transaction the outbox rows (INSERT … SELECT) and the audit; fan-out on commit.

    A second send of the same alert is refused and sends nothing.
    """
    if not can_send_alerts(user, alert.police_zone_id):
        raise PermissionDenied(_("You do not send alerts for this police zone."))
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != Alert.Status.DRAFT or locked.msg_type != Alert.MsgType.ALERT:
            raise ValidationError(_("This alert was already sent; it is not sent again."))
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
        )
        rows = _write_outbox(alert=locked, sql=RECIPIENTS, params=params)
        _finish_send(alert=locked, user=user, rows=rows, action="send")
    alert.refresh_from_db()
    return alert


# A follow-up goes to the area of the alert it follows: these fields are copied from it.
_AREA_FIELDS = (
    "location",
    "perimeter",
    "perimeter_kind",
    "circle_center",
    "circle_radius_m",
    "clipped_fraction",
)


def alert_follow_up(*, original: Alert, user, msg_type: str, message: str, tip_id=None, outcome="") -> Alert:
    """Send an update, a cancel or the feedback to the original's recipients, on the same channels."""
    original = original.root
    if not can_send_alerts(user, original.police_zone_id):
        raise PermissionDenied(_("You do not send alerts for this police zone."))
    # The same limits as the alert's own message (text_checked): length and control characters.
    message = text_checked(message)
    if msg_type not in (Alert.MsgType.UPDATE, Alert.MsgType.CANCEL, Alert.MsgType.FEEDBACK):
        raise ValidationError({"msg_type": _("A follow-up is an update, a cancel or feedback.")})
    outcome = text_checked(outcome, field="outcome", required=False)
    if msg_type == Alert.MsgType.FEEDBACK and not outcome:
        raise ValidationError({"outcome": _("Say what the outcome was.")})
    tip = _tip_checked(tip_id=tip_id, police_zone_id=original.police_zone_id)
    with transaction.atomic():
        original = Alert.objects.select_for_update().get(pk=original.pk)
        if original.status == Alert.Status.DRAFT:
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
            outcome=outcome if msg_type == Alert.MsgType.FEEDBACK else "",
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
        original.save(update_fields=["status", "outcome"])
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
    follow_up.refresh_from_db()
    return follow_up


def reaction_link_gone_message() -> str:
    """What a reaction link of a member who left or was erased says (reaction_link_gone)."""
    return _(
        "This link no longer works: you are no longer a member of the neighbourhood information network "
        "this message was sent to. In an emergency call 112, or 101 for the police."
    )


def reaction_link_expired(alert: Alert) -> bool:
    """A reaction link works for BIN_REACTION_LINK_DAYS after its alert went out."""
    limit = timezone.now() - timedelta(days=settings.BIN_REACTION_LINK_DAYS)
    return alert.sent_at is None or alert.sent_at < limit


def reaction_link_gone(delivery: Delivery) -> bool:
    """A reaction link stops working once its member was erased (the delivery lost them) or left: no
    approved membership is left in the networks through which the message reached them."""
    if delivery.member_id is None:
        return True
    return not Membership.objects.filter(
        member_id=delivery.member_id,
        network_id__in=delivery.network_ids,
        status=Membership.Status.APPROVED,
    ).exists()


def reaction_record(*, delivery: Delivery, kind: str, text: str = "", observed_at=None) -> Reaction:
    """A member's reaction through the link of `delivery`; tells coordinators once per alert and network.
    ValidationError when the link expired or its member left or was erased: nothing is stored then."""
    if reaction_link_expired(delivery.alert):
        raise ValidationError(
            _("This link has expired: reactions are taken for %(days)s days.")
            % {"days": settings.BIN_REACTION_LINK_DAYS}
        )
    if reaction_link_gone(delivery):
        raise ValidationError(reaction_link_gone_message())
    text = (text or "").strip()
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": _("Choose 'seen' or 'I saw something'.")})
    if kind == Reaction.Kind.OBSERVATION and not text:
        raise ValidationError({"text": _("Describe what you saw.")})
    if observed_at is not None and observed_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"observed_at": _("That time is in the future.")})
    root = delivery.alert.root
    with transaction.atomic():
        if kind == Reaction.Kind.SEEN:
            reaction, _created = Reaction.objects.get_or_create(
                delivery=delivery,
                kind=kind,
                defaults={
                    "alert": root,
                    "member_id": delivery.member_id,
                    "network_ids": delivery.network_ids,
                },
            )
        else:
            reaction = Reaction.objects.create(
                alert=root,
                delivery=delivery,
                member_id=delivery.member_id,
                network_ids=delivery.network_ids,
                kind=kind,
                text=text[:4000],
                observed_at=observed_at,
            )
        for network_id in delivery.network_ids:
            _notice, created = ReactionNotice.objects.get_or_create(alert=root, network_id=network_id)
            if created:
                transaction.on_commit(partial(notify_coordinators.delay, root.pk, network_id))
    return reaction
