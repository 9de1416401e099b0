/* The police alert map's composer (maps/police_elements.py AlertComposer starts it with its options):
   find the incident's address, draw or type the perimeter, write the message, check the reach, confirm,
   send. See AlertComposer's docstring for the data attributes tests and other scripts rely on.

   The page never counts anything itself: every number shown is the preview API's answer for exactly the
   request the page sent, and the API shows no small counts (alerts/preview.py): a count is a number, "<k"
   (shown as "fewer than k") or null (withheld, shown as "—"). Every text reaches the page as a text node. */
(function () {
  "use strict";

  function start(map, drawn, o) {
    var text = o.labels;
    var perimeter = null, incident = null, clipped = null, radiusCircle = false;
    var seq = 0, timer = null, sending = false, fresh = false, last = null, lookups = 0;
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
      return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
    }
    // A text with a count: `forms` are ngettext's forms for 0, 1 and 2 (maps/police.py). Dutch, French,
    // German and English have two forms, French using the singular for 0, so these three say them all.
    function plural(forms, n, values) {
      var form = forms[n === 0 ? 0 : n === 1 ? 1 : 2];
      return format(form, Object.assign({n: n}, values || {}));
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
    function button(parent, label, cls) {
      var b = add("button", parent, label, cls);
      b.type = "button";
      return b;
    }

    // --- the panel --------------------------------------------------------------------------------------

    function buildPlace(root) {
      var place = add("fieldset", root, null, "bin-alert-place");
      place.setAttribute("data-alert-place", "");
      add("legend", place, text.place);
      var row = add("div", place, null, "bin-alert-row");
      var label = add("label", row, text.address, "bin-alert-field");
      label.htmlFor = "bin-alert-address";
      ui.address = add("input", null);
      ui.address.type = "search";
      ui.address.id = "bin-alert-address";
      ui.address.name = "address";
      ui.address.setAttribute("data-field", "address");
      ui.address.autocomplete = "off";
      ui.address.placeholder = text.address_placeholder;
      ui.address.maxLength = 200;
      // streets/static/streets/street-autocomplete.js (the page loads it) fills the street names.
      ui.address.setAttribute("list", "bin-alert-streets");
      ui.address.setAttribute("data-street-autocomplete", o.street_search_url);
      var wrap = add("div", row, null, "bin-alert-inline");
      wrap.appendChild(ui.address);
      add("datalist", wrap).id = "bin-alert-streets";
      ui.find = button(wrap, text.find, "bin-alert-find");
      ui.find.setAttribute("data-address-find", "");
      ui.addressStatus = add("div", place, null, "bin-alert-hint");
      ui.addressStatus.setAttribute("data-address-status", "");
      ui.addressStatus.setAttribute("aria-live", "polite");
      ui.addressChoices = add("ul", place, null, "bin-alert-choices");
      ui.addressChoices.setAttribute("data-address-choices", "");

      var r = add("label", place, null, "bin-alert-field");
      add("span", r, text.radius);
      ui.radius = add("input", r);
      ui.radius.type = "number";
      ui.radius.name = "radius";
      ui.radius.setAttribute("data-field", "radius");
      ui.radius.min = String(o.min_radius_m);
      ui.radius.max = String(o.max_radius_m);
      ui.radius.step = "10";
      ui.radius.inputMode = "numeric";
      ui.radius.value = String(o.default_radius_m);
      ui.radius.setAttribute("aria-describedby", "bin-alert-radius-hint");
      var hint = add("div", place, text.radius_hint, "bin-alert-hint");
      hint.id = "bin-alert-radius-hint";
      ui.radiusError = add("div", place, null, "bin-alert-errors");
      ui.radiusError.setAttribute("data-radius-error", "");
      ui.radiusError.setAttribute("aria-live", "polite");

      ui.address.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); lookup(); }
      });
      ui.find.addEventListener("click", lookup);
      ui.radius.addEventListener("input", function () { radiusTyped(true); });
      ui.radius.addEventListener("change", function () { radiusTyped(false); });
      ui.radius.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); radiusTyped(false); ui.category.focus(); }
      });
    }

    function buildSms(root) {
      ui.sms = add("div", root, null, "bin-alert-sms");
      ui.sms.setAttribute("data-sms-length", "");
      ui.sms.setAttribute("aria-live", "polite");
      ui.ucs = add("div", root, null, "bin-alert-ucs");
      ui.ucs.setAttribute("data-sms-ucs", "");
      ui.ucs.hidden = true;
      ui.ucsText = add("span", ui.ucs);
      ui.replace = button(ui.ucs, text.replace, "bin-alert-replace");
      ui.replace.setAttribute("data-sms-replace", "");
      ui.replace.addEventListener("click", function () {
        ui.message.value = Array.from(ui.message.value).map(function (c) {
          return Object.prototype.hasOwnProperty.call(o.gsm7_replacements, c) ? o.gsm7_replacements[c] : c;
        }).join("");
        ui.message.dispatchEvent(new Event("input"));
        ui.message.focus();
      });
    }

    function build(root) {
      root.setAttribute("data-alert-composer", "");
      add("h2", root, text.title);
      add("p", root, text.hint, "bin-alert-hint");
      buildPlace(root);
      ui.category = field(root, "category", text.category, choices(add("select"), o.categories));
      ui.urgency = field(root, "urgency", text.urgency, choices(add("select"), o.urgencies));
      ui.message = field(root, "message", text.message, add("textarea"));
      ui.message.rows = 4;
      ui.message.maxLength = o.max_message_chars;
      ui.message.placeholder = text.message_placeholder;
      buildSms(root);
      ui.tip = field(root, "tip", text.tip, add("select"));
      tipsFor(ui.category.value);
      // What other parts of the console add to the form (maps/_alert_console_extra.html): moved here, so
      // that it comes before the preview; every control in it with data-body-key goes into the request.
      var extra = document.querySelector("[data-alert-extra]");
      if (extra) { root.appendChild(extra); extra.hidden = false; }

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

      ui.send = button(root, text.send, "bin-alert-send");
      ui.send.disabled = true;
      ui.send.setAttribute("data-alert-send", "");
      ui.send.setAttribute("aria-haspopup", "dialog");
      ui.sendStatus = add("div", root, null, "bin-alert-errors");
      ui.sendStatus.setAttribute("data-send-status", "");
      ui.sendStatus.setAttribute("aria-live", "assertive");
      ui.root = root;
      buildDialog();
      setState("empty");

      ui.category.addEventListener("change", function () { tipsFor(ui.category.value); changed(0); });
      ui.urgency.addEventListener("change", function () { changed(0); });
      ui.tip.addEventListener("change", function () { changed(0); });
      ui.message.addEventListener("input", function () { smsLocal(); changed(o.typing_delay_ms); });
      root.addEventListener("change", function (e) {
        if (e.target.closest && e.target.closest("[data-alert-extra]")) { changed(0); }
      });
      ui.send.addEventListener("click", confirmOpen);
    }

    function setState(state) {
      ui.preview.setAttribute("data-state", state);
      updateSend();
    }
    function updateSend() {
      var state = ui.preview.getAttribute("data-state");
      var n = ui.preview.getAttribute("data-recipients");
      // Nothing to send without a message, or to a perimeter that reaches nobody. "Fewer than k" may be
      // nobody: that is not told, and sending stays possible (an alert may reach one).
      ui.send.disabled = sending || !fresh || state !== "ready" || !ui.message.value.trim() || n === "0";
      if (state !== "ready" || n === null) { ui.send.textContent = text.send; }
      else if (/^[0-9]+$/.test(n)) { ui.send.textContent = plural(text.send_to, Number(n)); }
      else { ui.send.textContent = format(text.send_to_fewer, {k: n.slice(1)}); }
    }

    // --- where: the address, the radius, what is drawn -------------------------------------------------

    function round(x) { return L.Util.formatNum(x, 7); }
    function perimeterJson(layer) {
      if (layer instanceof L.Circle) {
        var c = layer.getLatLng();
        return {center: [round(c.lng), round(c.lat)], radius_m: Math.round(layer.getRadius() * 10) / 10};
      }
      return layer.toGeoJSON().geometry;
    }
    function extras() {
      var out = {};
      document.querySelectorAll("[data-alert-composer] [data-body-key]").forEach(function (c) {
        var key = c.getAttribute("data-body-key");
        if (c.type === "checkbox") { out[key] = c.checked; }
        else if (c.type === "radio") { if (c.checked) { out[key] = c.value; } }
        else if (c.value !== "") { out[key] = c.value; }
      });
      return out;
    }
    function body() {
      if (!perimeter) { return null; }
      var b = Object.assign(extras(), {
        perimeter: perimeterJson(perimeter),
        category: ui.category.value,
        urgency: ui.urgency.value,
        message: ui.message.value,
        tip: ui.tip.value ? parseInt(ui.tip.value, 10) : null,
        police_zone: o.police_zone
      });
      if (incident) {
        var p = incident.getLatLng();
        b.location = [round(p.lng), round(p.lat)];
      }
      // Other parts of the console may add to the request (document event "bin:alert-body").
      document.dispatchEvent(new CustomEvent("bin:alert-body", {detail: b}));
      return b;
    }

    // The typed radius, or null; `quiet` while typing (200 passes through 2 and 20 on its way).
    function radiusValue(quiet) {
      var raw = ui.radius.value.trim();
      if (!raw) { return null; }
      var r = Number(raw);
      if (!isFinite(r) || r < o.min_radius_m || r > o.max_radius_m) {
        if (!quiet) {
          ui.radiusError.textContent = format(text.radius_range, {min: o.min_radius_m, max: o.max_radius_m});
        }
        return null;
      }
      ui.radiusError.textContent = "";
      return r;
    }
    // A typed radius draws a circle around the incident. It replaces a circle it drew before, or none;
    // a shape drawn by hand is replaced only when the officer types (not when an address is found).
    function radiusTyped(typing) {
      var r = radiusValue(typing);
      if (r === null || !incident) { return; }
      if (perimeter && !radiusCircle && !typing) { return; }
      if (perimeter && radiusCircle && perimeter.getRadius() === r &&
          perimeter.getLatLng().equals(incident.getLatLng())) { return; }
      var layer = L.circle(incident.getLatLng(), Object.assign({radius: r}, o.shape));
      drawn.addLayer(layer);
      setPerimeter(layer, true);
      changed(typing ? o.typing_delay_ms : 0);
    }
    function setPerimeter(layer, fromRadius) {
      if (perimeter && perimeter !== layer) { drawn.removeLayer(perimeter); }
      perimeter = layer;
      radiusCircle = !!fromRadius;
      if (layer instanceof L.Circle && !fromRadius) {
        ui.radius.value = String(Math.round(layer.getRadius()));
        ui.radiusError.textContent = "";
      }
    }
    function setIncidentAt(latlng) {
      if (incident) { drawn.removeLayer(incident); }
      var layer = L.marker(latlng, {keyboard: false, alt: text.incident});
      drawn.addLayer(layer);
      placeIncident(layer);
    }
    function placeIncident(layer) {
      if (incident && incident !== layer) { drawn.removeLayer(incident); }
      incident = layer;
      layer.bindTooltip(text.incident);
      layer.on("add", function () { markIncident(layer); });
      setTimeout(function () { markIncident(layer); }, 0);
    }
    function markIncident(layer) {
      var icon = layer.getElement && layer.getElement();
      if (icon) { icon.setAttribute("data-incident-marker", ""); }
    }

    function choose(result) {
      var c = result.point.coordinates;
      var latlng = L.latLng(c[1], c[0]);
      ui.addressChoices.textContent = "";
      ui.addressStatus.textContent = format(text.address_found, {label: result.label});
      ui.root.setAttribute("data-address", result.label);
      setIncidentAt(latlng);
      // Centred on the incident, at a zoom that shows the circle whole.
      var r = radiusValue() || o.default_radius_m;
      map.fitBounds(latlng.toBounds(2.4 * r), {animate: false});
      if (radiusValue() !== null && (!perimeter || radiusCircle)) { radiusTyped(false); }
      changed(0);
    }
    async function lookup() {
      var q = ui.address.value.trim();
      ui.addressChoices.textContent = "";
      if (q.length < 3) { ui.addressStatus.textContent = text.address_short; return; }
      var mine = ++lookups;
      ui.addressStatus.textContent = text.searching;
      ui.root.setAttribute("data-address-state", "searching");
      try {
        var r = await fetch(o.lookup_url + "?address=" + encodeURIComponent(q), {
          credentials: "same-origin", headers: {Accept: "application/json"}
        });
        var data = await r.json().catch(function () { return {}; });
        if (mine !== lookups) { return; }
        if (!r.ok || !data.results || !data.results.length) {
          ui.addressStatus.textContent = r.status === 404 ? text.not_found : errors(data, r.status).join(" ");
          ui.root.setAttribute("data-address-state", "none");
          return;
        }
        ui.root.setAttribute("data-address-state", "found");
        choose(data.results[0]);
        if (data.results.length > 1) {
          add("li", ui.addressChoices, text.ambiguous);
          data.results.slice(0, 8).forEach(function (res) {
            var b = button(add("li", ui.addressChoices), res.label, "bin-alert-choice");
            b.setAttribute("data-address-choice", "");
            b.addEventListener("click", function () { choose(res); ui.radius.focus(); });
          });
        }
        ui.radius.focus();
      } catch (err) {
        if (mine !== lookups) { return; }
        ui.root.setAttribute("data-address-state", "error");
        ui.addressStatus.textContent = text.failed;
      }
    }

    // --- the preview ----------------------------------------------------------------------------------

    function post(url, data) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRFToken": cookie(o.csrf_cookie)},
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
        style: {color: "#d95f02", weight: 3, dashArray: "6 5", fill: false, className: "bin-alert-clipped"}
      }).addTo(map);
    }
    // Which characters of the message force UCS-2, at once as the officer types (the sets are
    // alerts/sms_length.py's), and whether the page can offer GSM-7 ones instead.
    function smsLocal() {
      var seen = {}, odd = [];
      Array.from(ui.message.value).forEach(function (c) {
        if (o.gsm7.indexOf(c) < 0 && !seen[c]) { seen[c] = true; odd.push(c); }
      });
      ui.ucs.hidden = !odd.length;
      ui.ucs.setAttribute("data-non-gsm", odd.join(""));
      if (!odd.length) { return; }
      var shown = odd.map(function (c) {
        return c === "\n" || c === "\t" || /\s/.test(c) ? "U+" + c.charCodeAt(0).toString(16).toUpperCase() : c;
      });
      ui.ucsText.textContent = plural(text.ucs, odd.length, {chars: shown.join(" ")}) + " ";
      var fixable = odd.some(function (c) { return Object.prototype.hasOwnProperty.call(o.gsm7_replacements, c); });
      ui.replace.hidden = !fixable;
    }
    function showSms(data) {
      var message = ui.message.value.trim();
      ui.sms.removeAttribute("data-segments");
      if (!message || !data || !data.sms) { ui.sms.textContent = ""; return; }
      var m = data.sms.message, full = data.sms.full;
      ui.sms.setAttribute("data-segments", full.segments);
      ui.sms.setAttribute("data-encoding", m.encoding);
      ui.sms.textContent = format(text.sms, {
        message: plural(text.chars, m.length), encoding: m.encoding,
        full: plural(text.chars, full.length), parts: plural(text.parts, full.segments)
      });
    }
    function show(data) {
      var k = data.min_count, hidden = !exact(data.recipients);
      ui.preview.setAttribute("data-recipients", data.recipients);
      ui.preview.setAttribute("data-min-count", k);
      ui.status.textContent = "";
      ui.total.textContent = exact(data.recipients) ?
        plural(text.reach, data.recipients) : format(text.reach_fewer, {k: k});
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
        add("div", ui.channels, plural(text.no_contact, data.no_contact));
      }
      if (exact(data.deferred_quiet_hours) && data.deferred_quiet_hours) {
        add("div", ui.channels, plural(text.deferred, data.deferred_quiet_hours));
      }
      networkTable(ui.networks, data);
      if (hidden || data.networks.some(function (n) { return !exact(n.total); })) {
        add("div", ui.channels, format(text.hidden_note, {k: k}), "bin-alert-hint")
          .setAttribute("data-preview-hidden-note", "");
      }
      ui.warnings.textContent = "";
      (data.warnings || []).forEach(function (w) { add("li", ui.warnings, w); });
      ui.preview.setAttribute("data-clipped-fraction", data.clipped_fraction);
      showClipped(data.clipped_fraction > 0 ? data.perimeter : null);
      showSms(data);
    }
    function networkTable(table, data) {
      table.textContent = "";
      if (!data.networks.length) { return; }
      var head = add("tr", add("thead", table));
      add("th", head, text.network).scope = "col";
      add("th", head, text.members, "n").scope = "col";
      var rows = add("tbody", table);
      data.networks.forEach(function (n) {
        var row = add("tr", rows);
        row.setAttribute("data-network-slug", n.slug);
        row.setAttribute("data-count", countAttr(n.total));
        add("td", row, n.name);
        add("td", row, countText(n.total, data.min_count), "n");
      });
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
      last = null;
      if (!b) { clear(text.draw_first); showSms(null); setState("empty"); return; }
      // The preview API wants a message; the reach does not depend on it, so a placeholder stands in
      // until the officer types one (its SMS length is not shown).
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
        last = data;
        fresh = true;
        setState("ready");
      } catch (err) {
        if (mine !== seq) { return; }
        clear(text.failed);
        setState("error");
      }
    }

    // --- confirm and send -----------------------------------------------------------------------------

    // A modal <dialog>: the browser keeps focus inside it and closes it on Escape (its "cancel" event);
    // focus goes to its heading when it opens and back to the Send button when it closes.
    function buildDialog() {
      var d = ui.dialog = add("dialog", document.body, null, "bin-alert-dialog");
      d.setAttribute("data-alert-confirm", "");
      d.setAttribute("aria-labelledby", "bin-alert-confirm-title");
      d.setAttribute("aria-describedby", "bin-alert-confirm-summary");
      var h = add("h2", d, text.confirm_title);
      h.id = "bin-alert-confirm-title";
      h.tabIndex = -1;
      ui.confirmSummary = add("p", d);
      ui.confirmSummary.id = "bin-alert-confirm-summary";
      ui.confirmSummary.setAttribute("data-confirm-summary", "");
      add("h3", d, text.confirm_reach);
      ui.confirmReach = add("div", d);
      ui.confirmReach.setAttribute("data-confirm-reach", "");
      add("h3", d, text.confirm_texts);
      ui.confirmTexts = add("div", d);
      ui.confirmTexts.setAttribute("data-confirm-texts", "");
      add("h3", d, text.confirm_next);
      ui.confirmNext = add("ul", d);
      ui.confirmNext.setAttribute("data-confirm-next", "");
      ui.confirmErrors = add("div", d, null, "bin-alert-errors");
      ui.confirmErrors.setAttribute("data-confirm-errors", "");
      ui.confirmErrors.setAttribute("role", "alert");
      var actions = add("div", d, null, "bin-alert-actions");
      ui.confirmBack = button(actions, text.confirm_back, "bin-alert-back");
      ui.confirmBack.setAttribute("data-confirm-back", "");
      ui.confirmSend = button(actions, text.confirm_send, "bin-alert-send");
      ui.confirmSend.setAttribute("data-confirm-send", "");
      ui.confirmBack.addEventListener("click", function () { d.close("back"); });
      ui.confirmSend.addEventListener("click", send);
      d.addEventListener("cancel", function (e) { if (sending) { e.preventDefault(); } });
      d.addEventListener("close", function () {
        ui.root.removeAttribute("data-confirm-open");
        if (!sending && ui.root.getAttribute("data-send-state") !== "sent") { ui.send.focus(); }
      });
    }
    function option(list, value) {
      for (var i = 0; i < list.length; i++) { if (list[i][0] === value) { return list[i][1]; } }
      return value;
    }
    function confirmFill(data) {
      var k = data.min_count;
      ui.confirmSummary.textContent = format(text.confirm_summary, {
        category: option(o.categories, ui.category.value),
        urgency: option(o.urgencies, ui.urgency.value),
        zone: o.police_zone_name,
        reach: exact(data.recipients) ? plural(text.reach, data.recipients) : format(text.reach_fewer, {k: k})
      });
      ui.confirmReach.textContent = "";
      var channels = add("ul", ui.confirmReach);
      [["sms", text.sms_channel], ["email", text.email_channel]].forEach(function (c) {
        var li = add("li", channels, c[1] + ": " + countText(data.channels[c[0]], k));
        li.setAttribute("data-confirm-channel", c[0]);
        li.setAttribute("data-count", countAttr(data.channels[c[0]]));
      });
      var scroll = add("div", ui.confirmReach, null, "bin-alert-scroll");
      var table = add("table", scroll, null, "bin-alert-table");
      table.setAttribute("data-confirm-networks", "");
      networkTable(table, data);

      ui.confirmTexts.textContent = "";
      var page = (document.documentElement.lang || "nl").slice(0, 2);
      o.languages.forEach(function (lang) {
        var m = (data.messages || {})[lang[0]];
        if (!m) { return; }
        var box = add("details", ui.confirmTexts, null, "bin-alert-language");
        box.setAttribute("data-confirm-language", lang[0]);
        box.open = lang[0] === page || (page === "en" && lang[0] === "nl");
        add("summary", box, lang[1]);
        var sms = add("div", box, null, "bin-alert-text");
        add("strong", sms, text.sms_channel + " · " + plural(text.parts, m.sms_length.segments) + " · " +
            m.sms_length.encoding);
        add("pre", sms, m.sms).setAttribute("data-confirm-sms", lang[0]);
        var mail = add("div", box, null, "bin-alert-text");
        add("strong", mail, text.email_channel);
        add("div", mail, format(text.subject, {subject: m.subject})).setAttribute("data-confirm-subject", lang[0]);
        add("pre", mail, m.body).setAttribute("data-confirm-body", lang[0]);
      });

      ui.confirmNext.textContent = "";
      (ui.urgency.value === "urgent" ? text.next_urgent : text.next_other).forEach(function (line) {
        add("li", ui.confirmNext, line);
      });
      if (exact(data.deferred_quiet_hours) && data.deferred_quiet_hours) {
        add("li", ui.confirmNext, plural(text.deferred, data.deferred_quiet_hours));
      }
      add("li", ui.confirmNext, text.next_page);
      ui.confirmErrors.textContent = "";
      ui.confirmSend.disabled = false;
      ui.confirmSend.textContent = text.confirm_send;
    }
    function confirmOpen() {
      if (ui.send.disabled || !last) { return; }
      confirmFill(last);
      ui.root.setAttribute("data-confirm-open", "");
      ui.dialog.showModal();
      document.getElementById("bin-alert-confirm-title").focus();
    }

    async function send() {
      var b = body();
      if (!b || !b.message.trim() || sending) { return; }
      b.send = true;
      sending = true;
      updateSend();
      ui.confirmSend.disabled = true;
      ui.confirmBack.disabled = true;
      ui.confirmSend.textContent = text.sending;
      ui.root.setAttribute("data-send-state", "sending");
      ui.sendStatus.textContent = text.sending;
      try {
        var response = await post(o.create_url, b);
        var data = await response.json().catch(function () { return {}; });
        if (response.status === 201 && data.id) {
          ui.root.setAttribute("data-send-state", "sent");
          ui.root.setAttribute("data-alert-id", data.id);
          ui.sendStatus.textContent = plural(text.sent, data.recipients);
          window.location.assign(o.alert_url.replace("{id}", encodeURIComponent(data.id)));
          return;
        }
        ui.root.setAttribute("data-send-state", "error");
        ui.confirmErrors.textContent = ui.sendStatus.textContent = errors(data, response.status).join(" ");
      } catch (err) {
        ui.root.setAttribute("data-send-state", "error");
        ui.confirmErrors.textContent = ui.sendStatus.textContent = text.failed;
      }
      sending = false;
      ui.confirmBack.disabled = false;
      ui.confirmSend.disabled = false;
      ui.confirmSend.textContent = text.confirm_send;
      updateSend();
    }

    // --- Leaflet.draw's events ------------------------------------------------------------------------

    map.on(L.Draw.Event.CREATED, function (e) {
      if (e.layerType === "marker") {
        placeIncident(e.layer);
        if (radiusCircle || !perimeter) { radiusTyped(false); }
      } else {
        setPerimeter(e.layer, false);
      }
      changed(0);
    });
    map.on(L.Draw.Event.EDITED, function (e) {
      e.layers.eachLayer(function (layer) {
        if (layer === perimeter && layer instanceof L.Circle) { setPerimeter(layer, false); }
      });
      changed(0);
    });
    // While a shape is being edited, the reach follows each moved vertex or handle.
    map.on("draw:editvertex draw:editmove draw:editresize", function () { changed(o.typing_delay_ms); });
    map.on(L.Draw.Event.DELETED, function (e) {
      e.layers.eachLayer(function (layer) {
        if (layer === perimeter) { perimeter = null; radiusCircle = false; }
        if (layer === incident) { incident = null; }
      });
      changed(0);
    });

    var target = o.panel_target ? document.querySelector(o.panel_target) : null;
    if (target) {
      build(add("div", target, null, "bin-alert-panel"));
    } else {
      var Panel = L.Control.extend({
        options: {position: o.position},
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
    smsLocal();

    window.binAlertComposer = {
      body: body,
      preview: preview,
      setPerimeter: function (value) {
        var layer, type;
        if (value && value.center) {
          layer = L.circle([value.center[1], value.center[0]], Object.assign({radius: value.radius_m}, o.shape));
          type = "circle";
        } else {
          layer = L.geoJSON(value, {style: o.shape}).getLayers()[0];
          type = "polygon";
        }
        drawn.addLayer(layer);
        map.fire(L.Draw.Event.CREATED, {layer: layer, layerType: type});
      },
      setIncident: function (lonlat) {
        var layer = L.marker([lonlat[1], lonlat[0]]);
        drawn.addLayer(layer);
        map.fire(L.Draw.Event.CREATED, {layer: layer, layerType: "marker"});
      },
      setMessage: function (value) {
        ui.message.value = value;
        ui.message.dispatchEvent(new Event("input"));
      }
    };
  }

  window.BinAlertComposer = {start: start};
})();
