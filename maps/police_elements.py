"""The police alert map's own behaviour: MacroElements that turn what the officer drew into an alert.

folium's Draw plugin keeps the drawn shapes in the browser. `AlertComposer` (its script is
maps/static/maps/alert_composer.js) finds the incident's address with the service's own lookup, draws a
circle of a typed radius around it or takes what the officer drew, asks the alert preview API whom the
perimeter reaches (per BIN and per channel, and how long the SMS is) after every draw, edit and keystroke,
shows what will be sent in a confirmation dialog and only then sends the alert through the create API.
The page never counts anything itself: every number shown is the API's answer for exactly the request the
page sent. The API shows no small counts (alerts/preview.py): a count is a number, "<k" (shown as "fewer
than k") or null (withheld, shown as "—"); the page shows them as they come and never works anything out
from them. `DrawLocale` gives Leaflet.draw's buttons and tooltips in the page's language.
"""

from branca.element import MacroElement
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from folium.elements import JSCSSMixin
from folium.template import Template

from .elements import RawHtml, _Control
from .police_styles import COMPOSER_CSS

__all__ = ["AlertComposer", "DrawLocale", "composer_count_labels", "draw_strings"]


def composer_count_labels() -> dict:
    """The composer's texts for counts the preview does not show exactly (alerts/preview.py)."""
    return {
        "reach_fewer": _("Fewer than %(k)s members reached"),
        "fewer_than": _("fewer than %(k)s"),
        "withheld": "—",
        "send_to_fewer": _("Send to fewer than %(k)s members…"),
        "hidden_note": _(
            "No count below %(k)s is shown, so that no member can be singled out; “—” is a count left out "
            "because it would give a hidden one away."
        ),
    }


class AlertComposer(JSCSSMixin, _Control):
    """The officer's panel on (or beside) the police alert map: address, radius, form, live preview,
    confirmation, Send.

    It reads the perimeter (a polygon, or a circle as centre and radius) and the incident marker from the
    Draw plugin's FeatureGroup, one of each: a new drawing replaces the previous one. A found address puts
    the incident there; a typed radius draws the circle around the incident. For tests and other scripts
    the panel is `[data-alert-composer]`; its `[data-alert-preview]` section carries `data-state` (empty,
    loading, ready, error) and `data-recipients`; each BIN row `data-network-slug` and `data-count`; each
    channel `data-channel` and `data-count`. A count attribute holds the API's value: a number, "<k" (fewer
    than k) or "withheld". Send opens `dialog[data-alert-confirm]`, whose `[data-confirm-send]` sends.
    `window.binAlertComposer` offers `body()`, `preview()`, `setPerimeter(geojson | {center, radius_m})`,
    `setIncident([lon, lat])` and `setMessage(text)`. Controls of the page inside `[data-alert-extra]`
    join the panel, and those with `data-body-key` the request; a `bin:alert-body` event on the document
    lets a script add to the request.
    """

    default_js = [("bin_alert_composer", "/static/maps/alert_composer.js")]
    default_css = []

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var o = {{ this.options|tojson }};
            var map = {{ this._parent.get_name() }}, drawn = {{ this.feature_group.get_name() }};
            window.BinAlertComposer.start(map, drawn, o);
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        feature_group,
        preview_url: str,
        create_url: str,
        alert_url: str,
        lookup_url: str,
        street_search_url: str,
        police_zone_id: int,
        police_zone_name: str,
        categories: list[tuple[str, str]],
        urgencies: list[tuple[str, str]],
        languages: list[tuple[str, str]],
        tips: list[tuple[int, str, str]],
        labels: dict,
        gsm7: str,
        gsm7_replacements: dict[str, str],
        shape: dict,
        min_radius_m: int = 50,
        max_radius_m: int = 50_000,
        default_radius_m: int = 500,
        max_message_chars: int = 1000,
        csrf_cookie: str = "csrftoken",
        placeholder_message: str = ".",
        panel_target: str | None = None,
        position: str = "topright",
        typing_delay_ms: int = 400,
    ):
        """alert_url: the alert's page with `{id}` for its id. tips: (id, title, category). languages:
        (code, name) of the members' languages whose texts the confirmation shows. gsm7: every GSM-7
        character; gsm7_replacements: what the page offers for others (alerts.sms_length). shape: Leaflet
        path options of the perimeter. panel_target: a CSS selector of an element beside the map to put
        the panel in (else on the map). labels: the page's texts (maps.police.composer_labels); those of
        hidden counts default to composer_count_labels()."""
        super().__init__()
        self._name = "AlertComposer"
        self.feature_group = feature_group
        self.options = {
            "preview_url": preview_url,
            "create_url": create_url,
            "alert_url": alert_url,
            "lookup_url": lookup_url,
            "street_search_url": street_search_url,
            "police_zone": police_zone_id,
            "police_zone_name": police_zone_name,
            "categories": [list(c) for c in categories],
            "urgencies": [list(u) for u in urgencies],
            "languages": [list(c) for c in languages],
            "tips": [list(t) for t in tips],
            "labels": {**composer_count_labels(), **labels},
            "gsm7": gsm7,
            "gsm7_replacements": gsm7_replacements,
            "shape": shape,
            "min_radius_m": min_radius_m,
            "max_radius_m": max_radius_m,
            "default_radius_m": default_radius_m,
            "max_message_chars": max_message_chars,
            "csrf_cookie": csrf_cookie,
            "placeholder_message": placeholder_message,
            "panel_target": panel_target,
            "position": position,
            "typing_delay_ms": typing_delay_ms,
        }

    def render(self, **kwargs):
        self.get_root().header.add_child(RawHtml(COMPOSER_CSS), name="bin_alert_composer_css")
        super().render(**kwargs)


def draw_strings() -> dict:
    """Leaflet.draw's texts (its L.drawLocal) in the active language. Leaflet.draw puts them into the page
    as markup (tooltips, button titles), so each is escaped here; the one with markup is built with
    format_html."""
    t = {
        "draw": {
            "toolbar": {
                "actions": {"title": _("Cancel drawing"), "text": _("Cancel")},
                "finish": {"title": _("Finish drawing"), "text": _("Finish")},
                "undo": {"title": _("Delete the last point drawn"), "text": _("Delete last point")},
                "buttons": {
                    "polygon": _("Draw a polygon"),
                    "circle": _("Draw a circle"),
                    "marker": _("Place the incident marker"),
                },
            },
            "handlers": {
                "circle": {
                    "tooltip": {"start": _("Click and drag to draw a circle.")},
                    "radius": _("Radius"),
                },
                "marker": {"tooltip": {"start": _("Click the map to place the incident marker.")}},
                "polygon": {
                    "tooltip": {
                        "start": _("Click to start drawing the perimeter."),
                        "cont": _("Click to continue drawing the perimeter."),
                        "end": _("Click the first point to close the perimeter."),
                    }
                },
                "polyline": {
                    "tooltip": {
                        "start": _("Click to start drawing the perimeter."),
                        "cont": _("Click to continue drawing the perimeter."),
                        "end": _("Click the first point to close the perimeter."),
                    }
                },
                "simpleshape": {"tooltip": {"end": _("Release the mouse to finish drawing.")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": _("Save the changes"), "text": _("Save")},
                    "cancel": {"title": _("Cancel editing and undo every change"), "text": _("Cancel")},
                    "clearAll": {"title": _("Delete everything drawn"), "text": _("Delete all")},
                },
                "buttons": {
                    "edit": _("Edit the perimeter or the marker"),
                    "editDisabled": _("Nothing to edit"),
                    "remove": _("Delete the perimeter or the marker"),
                    "removeDisabled": _("Nothing to delete"),
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": _("Drag the handles or the marker to change them."),
                        "subtext": _("Click Cancel to undo the changes."),
                    }
                },
                "remove": {"tooltip": {"text": _("Click the perimeter or the marker to delete it.")}},
            },
        },
    }

    def escaped(value):
        return {k: escaped(v) for k, v in value.items()} if isinstance(value, dict) else str(escape(value))

    out = escaped(t)
    out["draw"]["handlers"]["polyline"]["error"] = str(
        format_html("<strong>{}</strong> {}", _("Error:"), _("the edges of a perimeter cannot cross."))
    )
    return out


class DrawLocale(MacroElement):
    """Leaflet.draw in the page's language: merges draw_strings() into its global L.drawLocal. Add it to
    the map before the Draw control, whose buttons take their titles when they are made."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            function merge(into, from) {
                Object.keys(from).forEach(function (k) {
                    if (from[k] && typeof from[k] === "object") { merge(into[k] = into[k] || {}, from[k]); }
                    else { into[k] = from[k]; }
                });
            }
            merge(L.drawLocal, {{ this.strings|tojson }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, strings: dict):
        super().__init__()
        self._name = "DrawLocale"
        self.strings = strings
