"""The alert composer's words in a police zone with four-eyes approval (alerts.ZoneAlertPolicy): "Send"
becomes "Submit for approval", and the confirmation says what happens next. maps.police merges these over
its own labels (composer_labels) for such a zone."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = ["approval_composer_labels"]


def approval_composer_labels() -> dict:
    """The composer's texts that differ when a second officer must approve (same keys as composer_labels;
    a text with a count is the list of its forms for 0, 1 and 2)."""
    counts = (0, 1, 2)
    return {
        "send": _("Submit for approval…"),
        "send_to": [
            ngettext("Submit for approval (%(n)s member)…", "Submit for approval (%(n)s members)…", n)
            for n in counts
        ],
        "send_to_fewer": _("Submit for approval (fewer than %(k)s members)…"),
        "sending": _("Submitting…"),
        "sent": [_("Submitted for approval.") for _n in counts],
        "confirm_title": _("Check the alert before you submit it for approval"),
        "confirm_send": _("Confirm and submit for approval"),
        "next_page": _(
            "This police zone works with four eyes: the alert goes out only when another police officer of "
            "the zone approves it. They are told by e-mail and see exactly these texts and this reach. You "
            "go to the alert's approval page, where you see their decision."
        ),
    }
