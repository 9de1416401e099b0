"""Alerts the police send to the members inside a perimeter, the outbox of deliveries, the reactions (core),
and what a police zone prepares and decides for them (zone)."""

from .core import (
    SRID,
    Alert,
    AlertAuditLog,
    AlertPreviewLog,
    Category,
    Delivery,
    ProviderMessage,
    Reaction,
    ReactionNotice,
    Tip,
    TipQuerySet,
)
from .phone import InboundSms
from .relay import AlertRelay
from .zone import AlertEvent, AlertEventQuerySet, MessageTemplate, SavedArea, ZoneAlertPolicy

__all__ = [
    "SRID",
    "Alert",
    "AlertAuditLog",
    "AlertEvent",
    "AlertEventQuerySet",
    "AlertPreviewLog",
    "AlertRelay",
    "Category",
    "Delivery",
    "InboundSms",
    "MessageTemplate",
    "ProviderMessage",
    "Reaction",
    "ReactionNotice",
    "SavedArea",
    "Tip",
    "TipQuerySet",
    "ZoneAlertPolicy",
]
