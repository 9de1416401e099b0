"""Members' reactions through the signed link of a message: when the link works, and recording a reaction
(coordinators are told once per alert and network)."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.country import profile
from members.models import Membership

from .models import Alert, Delivery, Reaction, ReactionNotice
from .tasks import notify_coordinators

__all__ = ["reaction_link_expired", "reaction_link_gone", "reaction_link_gone_message", "reaction_record"]


def reaction_link_gone_message() -> str:
    """What a reaction link of a member who left or was erased says (reaction_link_gone)."""
    gone = _(
        "This link no longer works: you are no longer a member of the neighbourhood information network "
        "this message was sent to."
    )
    return f"{gone} {profile().emergency_text()}"


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
