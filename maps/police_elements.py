"""The police alert map's own behaviour: a MacroElement that turns what the officer drew into an alert.

folium's Draw plugin keeps the drawn shapes in the browser. `AlertComposer` listens to its events, asks the
alert preview API whom the perimeter reaches (per BIN and per channel, and how long the SMS is) after every
draw, edit and keystroke, and sends the alert through the create API. The page never counts anything
itself: every number shown is the API's answer for exactly the request the page sent. The API shows no
small counts (alerts/preview.py): a count is a number, "<k" (shown as "fewer than k") or null (withheld,
shown as "—"); the page shows them as they come and never works anything out from them.
"""

from django.utils.translation import gettext as _
from folium.template import Template

from .elements import RawHtml, _Control
from .police_styles import COMPOSER_CSS

__all__ = ["AlertComposer", "composer_count_labels"]


def composer_count_labels() -> dict:
    """The composer's texts for counts the preview does not show exactly (alerts/preview.py)."""
    return {
        "reach_fewer": _("Fewer than %(k)s members reached"),
        "fewer_than": _("fewer than %(k)s"),
        "withheld": "—",
        "send_to_fewer": _("Send (fewer than %(k)s members)"),
        "hidden_note": _(
            "No count below %(k)s is shown, so that no member can be singled out; “—” is a count left out "
            "because it would give a hidden one away."
        ),
    }


class AlertComposer(_Control):
    """The officer's panel on (or beside) the police alert map: form, live preview, Send.

    It reads the perimeter (a polygon, or a circle as centre and radius) and the incident marker from the
    Draw plugin's FeatureGroup, one of each: a new drawing replaces the previous one. For tests and other
    scripts the panel is `[data-alert-composer]`; its `[data-alert-preview]` section carries `data-state`
    (empty, loading, ready, error) and `data-recipients`; each BIN row `data-network-slug` and
    `data-count`; each channel `data-channel` and `data-count`. A count attribute holds the API's value: a
    number, "<k" (fewer than k) or "withheld". `window.binAlertComposer` offers `body()`, `preview()`,
    `setPerimeter(geojson | {center, radius_m})` and `setIncident([lon, lat])`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var drawn = {{ this.feature_group.get_name() }};
            var o = {{ this.options|tojson }};
            var text = o.labels;
            var perimeter = null, incident = null, clipped = null;
            var seq = 0, timer = null, sending = false, fresh = false;
            var ui = {};

            function add(tag, parent, content, cls) {
                var node = document.createElement(tag);
                if (content !== undefined && content !== null) { node.textContent = content; }
                if (cls) { node.className = cls; }
                if (parent) { parent.appendChild(node); }
                return node;
            }
            function cookie(name) {
                var parts = document.cookie ? document.cookie.split("; ") : [];
                for (var i = 0; i < parts.length; i++) {
                    var eq = parts[i].indexOf("=");
                    if (parts[i].slice(0, eq) === name) { return decodeURIComponent(parts[i].slice(eq + 1)); }
                }
                return "";
            }
            function format(template, values) {
                return template.replace(/%\\((\\w+)\\)s/g, function (_m, key) {
                    return String(values[key]);
                });
            }
            // A count of the preview: a number, "<k" (fewer than k, 0 included) or null (withheld).
            function exact(value) { return typeof value === "number"; }
            function countText(value, k) {
                if (exact(value)) { return String(value); }
                return value == null ? text.withheld : format(text.fewer_than, {k: k});
            }
            function countAttr(value) { return value == null ? "withheld" : value; }
            function field(root, name, label, control) {
                var wrap = add("label", root, null, "bin-alert-field");
                add("span", wrap, label);
                control.name = name;
                control.setAttribute("data-field", name);
                wrap.appendChild(control);
                return control;
            }
            function choices(select, options, blank) {
                select.textContent = "";
                if (blank !== undefined) { add("option", select, blank).value = ""; }
                options.forEach(function (opt) { add("option", select, opt[1]).value = opt[0]; });
                return select;
            }
            function tipsFor(category) {
                var keep = ui.tip.value;
                choices(ui.tip, o.tips.filter(function (t) { return t[2] === category; }), "—");
                ui.tip.value = keep;
                if (ui.tip.value !== keep) { ui.tip.value = ""; }
            }

            function build(root) {
                root.setAttribute("data-alert-composer", "");
                add("h2", root, text.title);
                add("p", root, text.hint, "bin-alert-hint");
                ui.category = field(root, "category", text.category, choices(add("select"), o.categories));
                ui.urgency = field(root, "urgency", text.urgency, choices(add("select"), o.urgencies));
                ui.message = field(root, "message", text.message, add("textarea"));
                ui.message.rows = 4;
                ui.message.maxLength = o.max_message_chars;
                ui.message.placeholder = text.message_placeholder;
                ui.sms = add("div", root, null, "bin-alert-sms");
                ui.sms.setAttribute("data-sms-length", "");
                ui.sms.setAttribute("aria-live", "polite");
                ui.tip = field(root, "tip", text.tip, add("select"));
                tipsFor(ui.category.value);

                ui.preview = add("section", root, null, "bin-alert-preview");
                ui.preview.setAttribute("data-alert-preview", "");
                ui.preview.setAttribute("aria-live", "polite");
                ui.status = add("div", ui.preview, text.draw_first);
                ui.status.setAttribute("data-preview-status", "");
                ui.total = add("div", ui.preview, null, "bin-alert-total");
                ui.total.setAttribute("data-preview-total", "");
                ui.channels = add("div", ui.preview);
                ui.channels.setAttribute("data-preview-channels", "");
                ui.networks = add("table", ui.preview);
                ui.networks.setAttribute("data-preview-networks", "");
                ui.warnings = add("ul", ui.preview, null, "bin-alert-warnings");
                ui.warnings.setAttribute("data-preview-warnings", "");

                ui.send = add("button", root, text.send, "bin-alert-send");
                ui.send.type = "button";
                ui.send.disabled = true;
                ui.send.setAttribute("data-alert-send", "");
                ui.sendStatus = add("div", root, null, "bin-alert-errors");
                ui.sendStatus.setAttribute("data-send-status", "");
                ui.sendStatus.setAttribute("aria-live", "assertive");
                ui.root = root;
                setState("empty");

                ui.category.addEventListener("change", function () {
                    tipsFor(ui.category.value);
                    changed(0);
                });
                ui.urgency.addEventListener("change", function () { changed(0); });
                ui.tip.addEventListener("change", function () { changed(0); });
                ui.message.addEventListener("input", function () { changed(o.typing_delay_ms); });
                ui.send.addEventListener("click", send);
            }

            function setState(state) {
                ui.preview.setAttribute("data-state", state);
                updateSend();
            }
            function updateSend() {
                var state = ui.preview.getAttribute("data-state");
                var n = ui.preview.getAttribute("data-recipients");
                // Nothing to send without a message, or to a perimeter that reaches nobody. "Fewer than k"
                // may be nobody: that is not told, and sending stays possible (an alert may reach one).
                ui.send.disabled = sending || !fresh || state !== "ready" || !ui.message.value.trim() ||
                    n === "0";
                if (state !== "ready" || n === null) { ui.send.textContent = text.send; }
                else if (/^[0-9]+$/.test(n)) { ui.send.textContent = format(text.send_to, {n: n}); }
                else { ui.send.textContent = format(text.send_to_fewer, {k: n.slice(1)}); }
            }

            function round(x) { return L.Util.formatNum(x, 7); }
            function perimeterJson(layer) {
                if (layer instanceof L.Circle) {
                    var c = layer.getLatLng();
                    return {
                        center: [round(c.lng), round(c.lat)],
                        radius_m: Math.round(layer.getRadius() * 10) / 10
                    };
                }
                return layer.toGeoJSON().geometry;
            }
            function body() {
                if (!perimeter) { return null; }
                var b = {
                    perimeter: perimeterJson(perimeter),
                    category: ui.category.value,
                    urgency: ui.urgency.value,
                    message: ui.message.value,
                    tip: ui.tip.value ? parseInt(ui.tip.value, 10) : null,
                    police_zone: o.police_zone
                };
                if (incident) {
                    var p = incident.getLatLng();
                    b.location = [round(p.lng), round(p.lat)];
                }
                return b;
            }
            function post(url, data) {
                return fetch(url, {
                    method: "POST",
                    credentials: "same-origin",
                    headers: {
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                        "X-CSRFToken": cookie(o.csrf_cookie)
                    },
                    body: JSON.stringify(data)
                });
            }
            function errors(data, status) {
                var out = [];
                (function walk(value) {
                    if (typeof value === "string") { out.push(value); }
                    else if (Array.isArray(value)) { value.forEach(walk); }
                    else if (value && typeof value === "object") {
                        Object.keys(value).forEach(function (k) { walk(value[k]); });
                    }
                })(data);
                return out.length ? out : [format(text.http_error, {status: status})];
            }

            function changed(delay) {
                fresh = false;
                updateSend();
                clearTimeout(timer);
                timer = setTimeout(preview, delay || 0);
            }

            function showClipped(geometry) {
                if (clipped) { map.removeLayer(clipped); clipped = null; }
                if (!geometry) { return; }
                clipped = L.geoJSON(geometry, {
                    interactive: false,
                    style: {
                        color: "#d95f02", weight: 3, dashArray: "6 5", fill: false,
                        className: "bin-alert-clipped"
                    }
                }).addTo(map);
            }
            function showSms(data) {
                var message = ui.message.value.trim();
                ui.sms.removeAttribute("data-segments");
                if (!message || !data || !data.sms) { ui.sms.textContent = ""; return; }
                var m = data.sms.message, full = data.sms.full;
                ui.sms.setAttribute("data-segments", full.segments);
                ui.sms.setAttribute("data-encoding", m.encoding);
                ui.sms.textContent = format(text.sms, {
                    length: m.length, encoding: m.encoding, segments: m.segments,
                    full_length: full.length, full_segments: full.segments
                });
            }
            function show(data) {
                var k = data.min_count, hidden = !exact(data.recipients);
                ui.preview.setAttribute("data-recipients", data.recipients);
                ui.preview.setAttribute("data-min-count", k);
                ui.status.textContent = "";
                ui.total.textContent = exact(data.recipients) ?
                    format(text.reach, {n: data.recipients}) : format(text.reach_fewer, {k: k});
                ui.channels.textContent = "";
                [["sms", text.sms_channel], ["email", text.email_channel]].forEach(function (c) {
                    var value = data.channels[c[0]];
                    hidden = hidden || !exact(value);
                    var span = add("span", ui.channels, c[1] + ": " + countText(value, k) + "  ");
                    span.setAttribute("data-channel", c[0]);
                    span.setAttribute("data-count", countAttr(value));
                });
                // Only exact counts of these are worth a line: "fewer than k" may well be none.
                if (exact(data.no_contact) && data.no_contact) {
                    add("div", ui.channels, format(text.no_contact, {n: data.no_contact}));
                }
                if (exact(data.deferred_quiet_hours) && data.deferred_quiet_hours) {
                    add("div", ui.channels, format(text.deferred, {n: data.deferred_quiet_hours}));
                }
                ui.networks.textContent = "";
                if (data.networks.length) {
                    var head = add("tr", add("thead", ui.networks));
                    add("th", head, text.network);
                    add("th", head, text.members, "n");
                    var rows = add("tbody", ui.networks);
                    data.networks.forEach(function (n) {
                        var row = add("tr", rows);
                        hidden = hidden || !exact(n.total);
                        row.setAttribute("data-network-slug", n.slug);
                        row.setAttribute("data-count", countAttr(n.total));
                        add("td", row, n.name);
                        add("td", row, countText(n.total, k), "n");
                    });
                }
                if (hidden) {
                    add("div", ui.channels, format(text.hidden_note, {k: k}), "bin-alert-hint")
                        .setAttribute("data-preview-hidden-note", "");
                }
                ui.warnings.textContent = "";
                (data.warnings || []).forEach(function (w) { add("li", ui.warnings, w); });
                ui.preview.setAttribute("data-clipped-fraction", data.clipped_fraction);
                showClipped(data.clipped_fraction > 0 ? data.perimeter : null);
                showSms(data);
            }
            function clear(message) {
                ui.preview.removeAttribute("data-recipients");
                ui.status.textContent = message;
                ui.total.textContent = "";
                ui.channels.textContent = "";
                ui.networks.textContent = "";
                ui.warnings.textContent = "";
                showClipped(null);
            }

            async function preview() {
                var b = body();
                var mine = ++seq;
                if (!b) { clear(text.draw_first); showSms(null); setState("empty"); return; }
                // The preview API wants a message; the reach does not depend on it, so a placeholder
                // stands in until the officer types one (its SMS length is not shown).
                if (!b.message.trim()) { b.message = o.placeholder_message; }
                setState("loading");
                ui.status.textContent = text.previewing;
                try {
                    var response = await post(o.preview_url, b);
                    var data = await response.json().catch(function () { return {}; });
                    if (mine !== seq) { return; }
                    if (!response.ok) {
                        clear("");
                        errors(data, response.status).forEach(function (e) { add("li", ui.warnings, e); });
                        showSms(null);
                        setState("error");
                        return;
                    }
                    show(data);
                    fresh = true;
                    setState("ready");
                } catch (err) {
                    if (mine !== seq) { return; }
                    clear(text.failed);
                    setState("error");
                }
            }

            async function send() {
                var b = body();
                if (!b || !b.message.trim() || sending) { return; }
                b.send = true;
                sending = true;
                updateSend();
                ui.root.setAttribute("data-send-state", "sending");
                ui.sendStatus.textContent = text.sending;
                try {
                    var response = await post(o.create_url, b);
                    var data = await response.json().catch(function () { return {}; });
                    if (response.status === 201 && data.id) {
                        ui.root.setAttribute("data-send-state", "sent");
                        ui.root.setAttribute("data-alert-id", data.id);
                        ui.sendStatus.textContent = format(text.sent, {n: data.recipients});
                        window.location.assign(o.alert_url.replace("{id}", encodeURIComponent(data.id)));
                        return;
                    }
                    ui.root.setAttribute("data-send-state", "error");
                    ui.sendStatus.textContent = errors(data, response.status).join(" ");
                } catch (err) {
                    ui.root.setAttribute("data-send-state", "error");
                    ui.sendStatus.textContent = text.failed;
                }
                sending = false;
                updateSend();
            }

            function markIncident(layer) {
                var icon = layer.getElement && layer.getElement();
                if (icon) { icon.setAttribute("data-incident-marker", ""); }
            }
            map.on(L.Draw.Event.CREATED, function (e) {
                var layer = e.layer;
                if (e.layerType === "marker") {
                    if (incident && incident !== layer) { drawn.removeLayer(incident); }
                    incident = layer;
                    layer.bindTooltip(text.incident);
                    layer.on("add", function () { markIncident(layer); });
                    setTimeout(function () { markIncident(layer); }, 0);
                } else {
                    if (perimeter && perimeter !== layer) { drawn.removeLayer(perimeter); }
                    perimeter = layer;
                }
                changed(0);
            });
            map.on(L.Draw.Event.EDITED, function () { changed(0); });
            // While a shape is being edited, the reach follows each moved vertex or handle.
            map.on("draw:editvertex draw:editmove draw:editresize", function () {
                changed(o.typing_delay_ms);
            });
            map.on(L.Draw.Event.DELETED, function (e) {
                e.layers.eachLayer(function (layer) {
                    if (layer === perimeter) { perimeter = null; }
                    if (layer === incident) { incident = null; }
                });
                changed(0);
            });

            var target = o.panel_target ? document.querySelector(o.panel_target) : null;
            if (target) {
                build(add("div", target, null, "bin-alert-panel"));
            } else {
                var Panel = L.Control.extend({
                    options: {position: {{ this.position|tojson }}},
                    onAdd: function () {
                        var root = L.DomUtil.create("div", "bin-map-box bin-alert-panel");
                        build(root);
                        L.DomEvent.disableClickPropagation(root);
                        L.DomEvent.disableScrollPropagation(root);
                        return root;
                    }
                });
                new Panel().addTo(map);
            }

            window.binAlertComposer = {
                body: body,
                preview: preview,
                setPerimeter: function (value) {
                    var layer, type;
                    if (value && value.center) {
                        layer = L.circle([value.center[1], value.center[0]], {radius: value.radius_m});
                        type = "circle";
                    } else {
                        layer = L.geoJSON(value).getLayers()[0];
                        type = "polygon";
                    }
                    drawn.addLayer(layer);
                    map.fire(L.Draw.Event.CREATED, {layer: layer, layerType: type});
                },
                setIncident: function (lonlat) {
                    var layer = L.marker([lonlat[1], lonlat[0]]);
                    drawn.addLayer(layer);
                    map.fire(L.Draw.Event.CREATED, {layer: layer, layerType: "marker"});
                }
            };
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
        police_zone_id: int,
        categories: list[tuple[str, str]],
        urgencies: list[tuple[str, str]],
        tips: list[tuple[int, str, str]],
        labels: dict,
        max_message_chars: int = 1000,
        csrf_cookie: str = "csrftoken",
        placeholder_message: str = ".",
        panel_target: str | None = None,
        position: str = "topright",
        typing_delay_ms: int = 400,
    ):
        """alert_url: the alert's page with `{id}` for its id. tips: (id, title, category).
        panel_target: a CSS selector of an element beside the map to put the panel in (else on the map).
        labels: the page's texts; those of hidden counts default to composer_count_labels()."""
        super().__init__()
        self._name = "AlertComposer"
        self.feature_group = feature_group
        self.position = position
        self.options = {
            "preview_url": preview_url,
            "create_url": create_url,
            "alert_url": alert_url,
            "police_zone": police_zone_id,
            "categories": [list(c) for c in categories],
            "urgencies": [list(u) for u in urgencies],
            "tips": [list(t) for t in tips],
            "labels": {**composer_count_labels(), **labels},
            "max_message_chars": max_message_chars,
            "csrf_cookie": csrf_cookie,
            "placeholder_message": placeholder_message,
            "panel_target": panel_target,
            "typing_delay_ms": typing_delay_ms,
        }

    def render(self, **kwargs):
        self.get_root().header.add_child(RawHtml(COMPOSER_CSS), name="bin_alert_composer_css")
        super().render(**kwargs)
