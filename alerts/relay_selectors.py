"""Reads of the Dutch model (alerts.relay): the relays of an alert as the police see them, a relay's
members' reactions as its coordinator sees them, and which reactions the police may not see yet."""

from django.db.models import Q

from .models import Alert, AlertRelay, Reaction

__all__ = ["reactions_hidden_from_police", "relay_reactions", "relays_for_police", "relays_waiting_for"]


def relays_for_police(*, alert: Alert) -> list[dict]:
    """Per relay network of `alert` and of each of its follow-ups: waiting / forwarded (when, by whom,
    edited or not, to how many) / declined (the reason) / no coordinator. Counts only: no member named."""
    rows = []
    thread = AlertRelay.objects.filter(Q(alert=alert) | Q(alert__references=alert))
    for relay in thread.select_related("network", "alert").order_by("network__name", "alert_id"):
        rows.append(
            {
                "relay": relay,
                "network": relay.network.name,
                "status": relay.status,
                "label": relay.get_status_display(),
                "reactions": len(relay.reactions_forwarded),
            }
        )
    return rows


def relay_reactions(*, relay: AlertRelay) -> list[dict]:
    """The members' reactions to the messages this relay forwarded, oldest first, each with whether the
    coordinator passed it on to the police."""
    forwarded = set(relay.reactions_forwarded)
    reactions = Reaction.objects.filter(alert_id=relay.alert_id, delivery__relay_id=relay.pk).order_by(
        "created_at", "pk"
    )
    return [{"reaction": r, "forwarded": r.pk in forwarded} for r in reactions]


def reactions_hidden_from_police(*, alert: Alert) -> set[int]:
    """Reactions to coordinator-forwarded messages of `alert` that the coordinator has not passed on."""
    forwarded = {
        pk
        for ids in AlertRelay.objects.filter(alert=alert).values_list("reactions_forwarded", flat=True)
        for pk in ids
    }
    relayed = Reaction.objects.filter(alert=alert, delivery__relay__isnull=False).values_list("pk", flat=True)
    return set(relayed) - forwarded


def relays_waiting_for(*, user) -> list[AlertRelay]:
    """The messages waiting for a coordinator, in the networks they coordinate (their dashboard)."""
    return list(
        AlertRelay.objects.filter(network__coordinators=user, status=AlertRelay.Status.WAITING)
        .select_related("alert", "network")
        .order_by("-created")
    )
