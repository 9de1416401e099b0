"""The four-eyes approval on the police console: `{% alerts_for_approval request.user as a %}` (after
`{% load approval %}`) gives the alerts waiting for this officer's approval and their own alerts waiting or
returned (alerts.selectors), so the console's view needs no change (maps/_pending_approval.html)."""

from django import template

from alerts.selectors import alerts_awaiting_author, alerts_pending_approval

register = template.Library()

# A console shows the first ones; the rest are behind the same links, oldest (longest waiting) first.
SHOWN = 20


@register.simple_tag
def alerts_for_approval(user) -> dict:
    """{"to_approve": [...], "mine": [...]} for `user`: see the module docstring."""
    return {
        "to_approve": list(alerts_pending_approval(user=user)[:SHOWN]),
        "mine": list(alerts_awaiting_author(user=user)[:SHOWN]),
    }
