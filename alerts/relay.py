"""Writes of the Dutch model (issue 17): alerts that reach a network whose messages go through its
coordinator (Network.relay_via_coordinator).

When an alert goes out, the members of such a network are not put in the outbox (DIRECT_RECIPIENTS); one
AlertRelay per relay network reached waits for its coordinators, who are e-mailed the police's text and the
reach (alerts.relay_notices). A coordinator of the network forwards it, as written or edited, with a note,
to the network's members inside the perimeter by e-mail (the outbox, Delivery.relay), or declines it with a
reason. Members' reactions (the link in the e-mail) reach the coordinator; the police see only those the
coordinator passes on. A member's reply by e-mail goes to the forwarding coordinator: the e-mail's Reply-To
is their address (alerts.relay_notices.relay_message), so the service never holds those replies. Follow-ups
of a forwarded message wait for the coordinator too (relays_follow). An urgent message still waiting after
BIN_RELAY_REMINDER_MINUTES is e-mailed again to all the network's coordinators (relay_notices); whoever of
them forwards it other than the first addressed takes over (AlertRelay.taken_over).
A relay network without a coordinator is not relayed: its members get the alert directly, as before.
Every step is in the alert's history (AlertEvent) and the statistics (alerts.statistics, "relays").
"""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import can_relay
from areas.models import Network
from members.reach import reachable_sql

from .history import alert_event_write
from .models import Alert, AlertEvent, AlertRelay, Delivery, Reaction
from .recipients import RECIPIENTS, RECIPIENTS_WITH_PUSH
from .tasks import deliveries_enqueue, delivery_queue, relay_notify
from .texts import text_checked

__all__ = [
    "DIRECT_RECIPIENTS",
    "relay_decline",
    "relay_forward",
    "relay_networks",
    "relay_reactions_forward",
    "relays_follow",
    "relays_open",
]

# The outbox of a new alert without the members reached only through relay networks: a member who is also
# in a network without relay gets the alert directly through it (and is left out of the forward).
DIRECT_RECIPIENTS = f"""
    SELECT d.* FROM ({RECIPIENTS_WITH_PUSH}) d
    WHERE NOT (d.network_ids::bigint[] <@ %(relay_networks)s::bigint[])
"""

_REACH = f"""
    SELECT nid, count(*) FROM ({RECIPIENTS}) r CROSS JOIN unnest(r.network_ids) AS nid
    WHERE nid = ANY(%(relay_networks)s::bigint[]) AND r.channel IS NOT NULL GROUP BY nid
"""

_FORWARD = f"""
    INSERT INTO alerts_delivery (alert_id, member_id, channel, network_ids, status, attempts, last_error,
                                 not_before, created, relay_id)
    SELECT %(alert)s, r.member_id, '{Delivery.Channel.EMAIL}', ARRAY[%(network)s]::bigint[],
           '{Delivery.Status.QUEUED}', 0, '', NULL, %(now)s, %(relay)s
    FROM ({reachable_sql(area="ST_GeomFromEWKB(%(perimeter)s)")}) r
    WHERE %(network)s = ANY(r.network_ids) AND r.email <> '' AND (NOT %(exercise)s OR r.exercise_opt_in)
    ON CONFLICT DO NOTHING
    RETURNING id, not_before
"""

# A follow-up goes to the members the coordinator forwarded the original to, whatever their memberships
# say now (as FOLLOW_UP_RECIPIENTS does for the others).
_FORWARD_FOLLOW_UP = f"""
    INSERT INTO alerts_delivery (alert_id, member_id, channel, network_ids, status, attempts, last_error,
                                 not_before, created, relay_id)
    SELECT %(alert)s, d.member_id, d.channel, d.network_ids, '{Delivery.Status.QUEUED}', 0, '', NULL,
           %(now)s, %(relay)s
    FROM alerts_delivery d
    JOIN alerts_alertrelay rl ON rl.id = d.relay_id
    WHERE d.alert_id = %(original)s AND rl.network_id = %(network)s AND d.member_id IS NOT NULL
      AND d.status <> '{Delivery.Status.SKIPPED}'
    ON CONFLICT DO NOTHING
    RETURNING id, not_before
"""


def relay_networks(*, police_zone_id: int) -> dict[int, bool]:
    """The zone's relay networks: id → whether it has a coordinator (without one it is not relayed)."""
    rows = (
        Network.objects.filter(police_zone_id=police_zone_id, relay_via_coordinator=True)
        .annotate(n=Count("coordinators"))
        .values_list("pk", "n")
    )
    return {pk: n > 0 for pk, n in rows}


def relays_open(*, alert: Alert, user, params: dict) -> list[AlertRelay]:
    """After the outbox of `alert` was written (alert_dispatch, same transaction): one AlertRelay per
    relay network it reaches, and its coordinators e-mailed on commit. `params`: the recipients' params."""
    networks = relay_networks(police_zone_id=alert.police_zone_id)
    if not networks:
        return []
    with connection.cursor() as cur:
        cur.execute(_REACH, {**params, "relay_networks": list(networks)})
        reach = dict(cur.fetchall())
    relays = []
    for network in Network.objects.filter(pk__in=reach).order_by("name", "pk"):
        has_coordinator = networks[network.pk]
        relay = AlertRelay.objects.create(
            alert=alert,
            network=network,
            reach=reach[network.pk],
            status=AlertRelay.Status.WAITING if has_coordinator else AlertRelay.Status.NO_COORDINATOR,
            addressed_to=network.coordinators.filter(is_active=True).order_by("pk").first(),
            text=alert.message,
        )
        relays.append(relay)
        if has_coordinator:
            alert_event_write(
                alert=alert, user=user, action=AlertEvent.Action.RELAY_WAITING, reason=network.name
            )
            transaction.on_commit(partial(relay_notify.delay, relay.pk, False))
    return relays


def relays_follow(*, original: Alert, follow_up: Alert, user) -> list[AlertRelay]:
    """A follow-up (update, cancel, closing message) of `original`, in alert_follow_up's transaction: it
    waits for the coordinators of every network that forwarded the original, to go to the same members;
    where the original was declined or still waits, its members never had it and get nothing more."""
    relays = []
    forwarded = AlertRelay.objects.filter(alert=original, status=AlertRelay.Status.FORWARDED)
    for earlier in forwarded.select_related("network").order_by("network__name", "pk"):
        relay = AlertRelay.objects.create(
            alert=follow_up,
            network=earlier.network,
            reach=earlier.forwarded_count,
            addressed_to=earlier.decided_by,
            text=follow_up.message,
        )
        relays.append(relay)
        alert_event_write(
            alert=follow_up, user=user, action=AlertEvent.Action.RELAY_WAITING, reason=earlier.network.name
        )
        transaction.on_commit(partial(relay_notify.delay, relay.pk, False))
    return relays


def _locked(*, relay_id: int, user) -> AlertRelay:
    """The relay, locked for this transaction; PermissionDenied for anyone but its network's coordinators."""
    relay = AlertRelay.objects.select_for_update().select_related("alert", "network").get(pk=relay_id)
    if not can_relay(user, relay.network):
        raise PermissionDenied(_("Only the coordinators of this network forward its messages."))
    return relay


def _decided(relay: AlertRelay, user) -> None:
    relay.decided_at = timezone.now()
    relay.decided_by = user
    relay.decided_by_name = user.get_username()
    relay.taken_over = relay.addressed_to_id is not None and relay.addressed_to_id != user.pk


def relay_forward(*, relay_id: int, user, text: str, note: str = "") -> AlertRelay:
    """Forward a waiting message to the network's members inside the perimeter, by e-mail, as `text` (the
    police's or edited) with the coordinator's `note`. A second forward (double click, two coordinators at
    once) changes nothing; a declined message is not forwarded."""
    text = text_checked(text)
    note = text_checked(note, field="note", required=False)
    with transaction.atomic():
        relay = _locked(relay_id=relay_id, user=user)
        if relay.status == AlertRelay.Status.FORWARDED:
            return relay
        if relay.status != AlertRelay.Status.WAITING:
            raise ValidationError(_("This message was declined; it cannot be forwarded any more."))
        alert = relay.alert
        if alert.status == Alert.Status.CANCELLED:
            raise ValidationError(_("The police cancelled this message; it is not forwarded."))
        now = timezone.now()
        relay.status = AlertRelay.Status.FORWARDED
        relay.edited = text.strip() != alert.message.strip()
        relay.text, relay.note = text, note
        _decided(relay, user)
        with connection.cursor() as cur:
            cur.execute(
                _FORWARD_FOLLOW_UP if alert.references_id else _FORWARD,
                {
                    "alert": alert.pk,
                    "network": relay.network_id,
                    "relay": relay.pk,
                    "now": now,
                    "perimeter": bytes(alert.perimeter.ewkb),
                    "zone": alert.police_zone_id,
                    "exercise": alert.exercise,
                    "original": alert.references_id,
                },
            )
            rows = cur.fetchall()
        relay.forwarded_count = len(rows)
        relay.save()
        Alert.objects.filter(pk=alert.pk).update(recipients=F("recipients") + len(rows))
        alert_event_write(
            alert=alert,
            user=user,
            action=AlertEvent.Action.FORWARDED,
            reason=relay.network.name,
            changes={"network": relay.network_id, "edited": relay.edited, "members": len(rows)},
        )
        transaction.on_commit(partial(deliveries_enqueue, rows, queue=delivery_queue(alert.urgency)))
    return relay


def relay_decline(*, relay_id: int, user, reason: str) -> AlertRelay:
    """Decline a waiting message with a reason the police see; the members get nothing."""
    reason = text_checked(reason, field="reason")
    with transaction.atomic():
        relay = _locked(relay_id=relay_id, user=user)
        if relay.status == AlertRelay.Status.DECLINED:
            return relay
        if relay.status != AlertRelay.Status.WAITING:
            raise ValidationError(_("This message was already forwarded."))
        relay.status = AlertRelay.Status.DECLINED
        relay.decline_reason = reason
        _decided(relay, user)
        relay.save()
        alert_event_write(
            alert=relay.alert,
            user=user,
            action=AlertEvent.Action.DECLINED,
            reason=f"{relay.network.name}: {reason}",
            changes={"network": relay.network_id},
        )
    return relay


def relay_reactions_forward(*, relay_id: int, user, reaction_ids) -> int:
    """Pass members' reactions to a forwarded message on to the police; returns how many were new.
    Only reactions to this relay's own messages count, whatever ids are sent."""
    with transaction.atomic():
        relay = _locked(relay_id=relay_id, user=user)
        wanted = {int(i) for i in reaction_ids}
        own = set(
            Reaction.objects.filter(
                pk__in=wanted, delivery__relay_id=relay.pk, alert_id=relay.alert_id
            ).values_list("pk", flat=True)
        )
        new = sorted(own - set(relay.reactions_forwarded))
        if not new:
            return 0
        relay.reactions_forwarded = sorted({*relay.reactions_forwarded, *new})
        relay.save(update_fields=["reactions_forwarded"])
        alert_event_write(
            alert=relay.alert,
            user=user,
            action=AlertEvent.Action.REACTIONS,
            reason=relay.network.name,
            changes={"network": relay.network_id, "reactions": len(new)},
        )
    return len(new)
