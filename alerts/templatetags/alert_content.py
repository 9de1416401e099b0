"""The templates and saved areas a police zone's officers pick in the alert console (alerts.content), for
the console's include alerts/_composer_content.html."""

from django import template
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from access.permissions import can_send_alerts

from ..content import PLACEHOLDERS, areas_for_alert, placeholders_checked, templates_for_alert
from ..languages import ALERT_LANGUAGES, LANGUAGE_NAMES

register = template.Library()


@register.simple_tag(takes_context=True)
def alert_content(context, police_zone) -> dict:
    """{"templates": [...], "areas": [...], "languages": [(code, name)], "placeholders": {name: label}} for
    an alert of `police_zone`; empty lists for a user who does not send its alerts."""
    user = context["request"].user
    allowed = police_zone is not None and can_send_alerts(user, police_zone.pk)
    templates = []
    areas = []
    if allowed:
        for t in templates_for_alert(police_zone_id=police_zone.pk):
            texts = t.texts
            used: list[str] = []
            try:
                for text in texts.values():
                    used += [p for p in placeholders_checked(text) if p not in used]
            except ValidationError:
                # Written before a placeholder was dropped, or past the services: not offered, rather
                # than a console that does not open (its page lists it, where it can be corrected).
                continue
            templates.append(
                {
                    "id": t.pk,
                    "name": t.name,
                    "category": t.category,
                    "urgency": t.urgency,
                    "texts": texts,
                    "placeholders": used,
                }
            )
        areas = list(
            areas_for_alert(police_zone_id=police_zone.pk).only("pk", "name", "description", "source")
        )
    current = translation.get_language() or "nl"
    return {
        "default_language": current if current in ALERT_LANGUAGES else "nl",
        "texts": _texts(),
        "templates": templates,
        "areas": areas,
        "languages": [(code, str(LANGUAGE_NAMES[code])) for code in ALERT_LANGUAGES],
        "placeholders": {name: str(label) for name, label in PLACEHOLDERS.items()},
    }


def _texts() -> dict:
    """What the console's script (alerts/static/alerts/alert_content.js) writes, in the page's language."""
    return {
        "area_loaded": _("Area “%(name)s” is on the map."),
        "area_failed": _("The area could not be loaded: %(error)s"),
        "template_unfilled": _("Fill in or remove in the message: %(names)s"),
        "template_done": _("The template is in the message; check it before sending."),
        "translation_label": _("Message in %(language)s"),
        "translation_remove": _("Remove %(language)s"),
        "draw_first": _("Draw a perimeter or pick an area first."),
        "neighbours_loading": _("Looking for neighbouring BINs…"),
        "neighbours_none": _("No other BIN of the zone touches or lies near the perimeter's BINs."),
        "neighbours_of": _("Next to %(names)s:"),
        "name_first": _("Give a name first."),
        "saved_area": _("Saved: area “%(name)s”."),
        "saved_template": _("Saved: template “%(name)s”."),
        "message_first": _("Write the message first."),
        "http_error": _("The service answered with error %(status)s."),
        "failed": _("The service could not be reached; try again."),
    }
