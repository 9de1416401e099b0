"""`manage.py check` on a deployment: a production site asks residents to consent to a notice that names its
controller and its contacts; while they are unset the notice says "to be configured"."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .privacy import privacy_settings_missing

__all__ = ["privacy_checks"]


@register(Tags.security)
def privacy_checks(app_configs, **kwargs):
    """On a deployment (BIN_DEPLOYMENT_CHECKS, as access/checks.py): the privacy settings left empty."""
    missing = privacy_settings_missing()
    if not missing or not getattr(settings, "BIN_DEPLOYMENT_CHECKS", False):
        return []
    return [
        Warning(
            "The privacy notice of the join page names no controller or contact: set "
            + ", ".join(missing)
            + ".",
            hint="See project/settings/privacy.py.",
            id="members.W001",
        )
    ]
