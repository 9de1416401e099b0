"""The members app's settings, each with a default so that the project settings need not name them."""

from datetime import timedelta

from django.conf import settings

__all__ = [
    "PROPOSAL_MAX_INITIATORS",
    "confirm_max_age",
    "consent_version",
    "manage_max_age",
    "proposal_max_vertices",
    "public_url",
]

# Anyone may propose a BIN, and each initiator with an e-mail address gets a receipt: a few initiators
# are a proposal, more would make the form a way to send our e-mails to strangers.
PROPOSAL_MAX_INITIATORS = 3


def confirm_max_age() -> int:
    """Seconds an e-mail confirmation link stays valid (MEMBERS_CONFIRM_MAX_AGE, default 7 days)."""
    return int(getattr(settings, "MEMBERS_CONFIRM_MAX_AGE", timedelta(days=7).total_seconds()))


def manage_max_age() -> int:
    """Seconds a self-service link stays valid (MEMBERS_MANAGE_MAX_AGE, default 90 days)."""
    return int(getattr(settings, "MEMBERS_MANAGE_MAX_AGE", timedelta(days=90).total_seconds()))


def consent_version() -> str:
    """The version of the privacy text members currently consent to (MEMBERS_CONSENT_VERSION)."""
    return getattr(settings, "MEMBERS_CONSENT_VERSION", "2026-01")


def public_url() -> str:
    """Where the site is reachable, for the links in e-mails (BIN_PUBLIC_URL, no trailing slash)."""
    return getattr(settings, "BIN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def proposal_max_vertices() -> int:
    """How many vertices a BIN area drawn in a proposal may have (BIN_PROPOSAL_MAX_VERTICES, 2,000)."""
    return int(getattr(settings, "BIN_PROPOSAL_MAX_VERTICES", 2000))
