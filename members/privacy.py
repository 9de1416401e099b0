"""What the privacy notice says, from the deployment's settings (project/settings/privacy.py) and the real
retention periods (project/retention.py's settings, members/conf.py): one place, read by the join page."""

from dataclasses import dataclass

from django.conf import settings

from . import conf

__all__ = ["PRIVACY_SETTINGS", "PrivacyNotice", "privacy_notice", "privacy_settings_missing"]

# The settings a deployment must fill in before residents can be asked to consent.
PRIVACY_SETTINGS = ("BIN_PRIVACY_CONTROLLER", "BIN_PRIVACY_CONTACT_EMAIL", "BIN_DPO_EMAIL")


@dataclass(frozen=True)
class PrivacyNotice:
    """The facts of the notice; an empty text means the deployment has not configured it."""

    version: str
    controller: str
    controller_address: str
    contact_email: str
    dpo_email: str
    unconfirmed_days: int
    deliveries_days: int
    access_log_days: int


def privacy_settings_missing() -> list[str]:
    """The privacy settings this deployment left empty."""
    return [name for name in PRIVACY_SETTINGS if not str(getattr(settings, name, "") or "").strip()]


def privacy_notice() -> PrivacyNotice:
    return PrivacyNotice(
        version=conf.consent_version(),
        controller=getattr(settings, "BIN_PRIVACY_CONTROLLER", ""),
        controller_address=getattr(settings, "BIN_PRIVACY_CONTROLLER_ADDRESS", ""),
        contact_email=getattr(settings, "BIN_PRIVACY_CONTACT_EMAIL", ""),
        dpo_email=getattr(settings, "BIN_DPO_EMAIL", ""),
        unconfirmed_days=conf.confirm_max_age() // 86400,
        deliveries_days=int(getattr(settings, "BIN_RETENTION_DELIVERIES_DAYS", 400)),
        access_log_days=int(getattr(settings, "BIN_RETENTION_ACCESS_LOG_DAYS", 730)),
    )
