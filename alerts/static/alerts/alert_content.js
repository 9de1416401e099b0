/* The alert console's saved areas, templates, languages and neighbouring BINs
   (alerts/templates/alerts/_composer_content.html; the APIs of alerts/api/content.py and the preview).

   It works through the composer's public hooks only (maps/static/maps/alert_composer.js):
   window.binAlertComposer.setPerimeter / setMessage / body, the document event "bin:alert-body" to add to
   every preview and send request (translations, add_networks), and a "change" inside the composer's extra
   block ([data-content-touch]) to ask for a new preview. Text from users and the API only ever goes in as
   textContent or a form value. */
(function () {
  "use strict";

  var FIELDS = ["category", "urgency"];

  function start() {
    var root = document.querySelector("[data-alert-content]");
    var composer = document.querySelector("[data-alert-composer]");
    if (!root || !composer || !window.binAlertComposer) { return false; }
    var api = window.binAlertComposer;
    var text = JSON.parse(document.getElementById("bin-alert-content-texts").textContent);
    var templates = JSON.parse(document.getElementById("bin-alert-templates").textContent);
    var languageNames = {};
    composer.querySelectorAll("[data-content-main-language] option").forEach(function (o) {
      languageNames[o.value] = o.textContent;
    });
    var added = new Set();
    var outlines = {};
    var map = leafletMap();

    function q(selector) { return composer.querySelector(selector); }
    function format(template, values) {
      return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
    }
    function cookie(name) {
      var parts = document.cookie ? document.cookie.split("; ") : [];
      for (var i = 0; i < parts.length; i++) {
        var eq = parts[i].indexOf("=");
        if (parts[i].slice(0, eq) === name) { return decodeURIComponent(parts[i].slice(eq + 1)); }
      }
      return "";
    }
    function request(method, url, data) {
      var init = {method: method, credentials: "same-origin", headers: {"Accept": "application/json"}};
      if (data !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.headers["X-CSRFToken"] = cookie("csrftoken");
        init.body = JSON.stringify(data);
      }
      return fetch(url, init).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return {ok: response.ok, status: response.status, body: body};
        });
      });
    }
    function errors(result) {
      var out = [];
      (function walk(value) {
        if (typeof value === "string") { out.push(value); }
        else if (Array.isArray(value)) { value.forEach(walk); }
        else if (value && typeof value === "object") { Object.keys(value).forEach(function (k) { walk(value[k]); }); }
      })(result.body);
      return out.length ? out.join(" ") : format(text.http_error, {status: result.status});
    }
    // Ask the composer for a new preview: a change inside its extra block is what it listens to.
    function touch() {
      q("[data-content-touch]").dispatchEvent(new Event("change", {bubbles: true}));
    }
    function leafletMap() {
      var div = document.querySelector("[data-police-alert-map] .folium-map");
      var candidate = div && window[div.id];
      return candidate && typeof candidate.fitBounds === "function" ? candidate : null;
    }

    // --- where the parts go: the pickers first, the languages under the message, the neighbours after
    // the preview (the officer's order: where, what, in which languages, whom).
    var hint = composer.querySelector(".bin-alert-hint");
    if (hint) { hint.after(q("[data-content-pickers]")); }
    var sms = composer.querySelector("[data-sms-ucs]") || composer.querySelector("[data-sms-length]");
    if (sms) { sms.after(q("[data-content-languages]")); }
    var preview = composer.querySelector("[data-alert-preview]");
    if (preview) { preview.after(q("[data-content-escalation]")); }

    // --- what goes into every preview and send request.
    document.addEventListener("bin:alert-body", function (e) {
      var translations = {};
      composer.querySelectorAll("[data-translation]").forEach(function (area) {
        if (area.value.trim()) { translations[area.getAttribute("data-translation")] = area.value; }
      });
      if (Object.keys(translations).length) { e.detail.translations = translations; }
      if (added.size) { e.detail.add_networks = Array.from(added); }
    });

    // --- saved areas
    var areaSelect = q("[data-content-area]");
    var areaStatus = q("[data-content-area-status]");
    function loadArea(id) {
      if (!id) { return; }
      areaStatus.textContent = "";
      request("GET", root.getAttribute("data-areas-url") + encodeURIComponent(id) + "/").then(function (result) {
        if (!result.ok) {
          areaStatus.textContent = format(text.area_failed, {error: errors(result)});
          return;
        }
        api.setPerimeter(result.body.geometry);
        if (map) {
          var bounds = L.geoJSON(result.body.geometry).getBounds();
          if (bounds.isValid()) { map.fitBounds(bounds, {animate: false, padding: [20, 20]}); }
        }
        areaStatus.textContent = format(text.area_loaded, {name: result.body.name});
        root.setAttribute("data-area-loaded", String(result.body.id));
      }).catch(function () { areaStatus.textContent = text.failed; });
    }
    areaSelect.addEventListener("change", function () { loadArea(areaSelect.value); });

    // --- templates
    var templateSelect = q("[data-content-template]");
    var placeholders = q("[data-content-placeholders]");
    var templateStatus = q("[data-content-template-status]");
    var typed = {};
    function chosenTemplate() {
      var id = parseInt(templateSelect.value, 10);
      return templates.filter(function (t) { return t.id === id; })[0] || null;
    }
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function defaults() {
      var now = new Date();
      var address = composer.getAttribute("data-address") || "";
      // "Kerkstraat 23, 9990 Teststad": the street and number before the comma, the place after the
      // postcode.
      var comma = address.indexOf(",");
      var street = comma >= 0 ? address.slice(0, comma) : address;
      var place = comma >= 0 ? address.slice(comma + 1).trim().replace(/^\d{4}\s+/, "") : "";
      return {
        street: street,
        place: place,
        time: pad(now.getHours()) + ":" + pad(now.getMinutes()),
        date: pad(now.getDate()) + "/" + pad(now.getMonth() + 1) + "/" + now.getFullYear(),
        description: ""
      };
    }
    function showPlaceholders() {
      var t = chosenTemplate();
      templateStatus.textContent = "";
      placeholders.hidden = !t;
      if (!t) { return; }
      var values = defaults();
      placeholders.querySelectorAll("[data-placeholder]").forEach(function (label) {
        var name = label.getAttribute("data-placeholder");
        var input = label.querySelector("input");
        label.hidden = t.placeholders.indexOf(name) < 0;
        if (!typed[name]) { input.value = values[name] || ""; }
      });
    }
    placeholders.querySelectorAll("[data-placeholder-input]").forEach(function (input) {
      input.addEventListener("input", function () { typed[input.getAttribute("data-placeholder-input")] = true; });
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); useTemplate(); }
      });
    });
    templateSelect.addEventListener("change", showPlaceholders);
    function filled(template, values) {
      // {{ and }} are braces; {name} a placeholder (alerts.content.template_filled does the same).
      return template.replace(/\{\{|\}\}|\{(\w+)\}/g, function (m, name) {
        if (m === "{{") { return "{"; }
        if (m === "}}") { return "}"; }
        return values[name] ? values[name] : m;
      });
    }
    function useTemplate() {
      var t = chosenTemplate();
      if (!t) { return; }
      var values = {};
      placeholders.querySelectorAll("[data-placeholder-input]").forEach(function (input) {
        values[input.getAttribute("data-placeholder-input")] = input.value.trim();
      });
      var main = q("[data-content-main-language]");
      var languages = Object.keys(t.texts);
      if (languages.indexOf(main.value) < 0) {
        // The template is not written in the chosen language: its first version becomes the message's.
        main.value = languages[0];
        main.dispatchEvent(new Event("change"));
      }
      FIELDS.forEach(function (name) {
        var select = composer.querySelector('[data-field="' + name + '"]');
        if (t[name] && select && select.value !== t[name]) {
          select.value = t[name];
          select.dispatchEvent(new Event("change", {bubbles: true}));
        }
      });
      languages.forEach(function (language) {
        if (language !== main.value) { translationBox(language).value = filled(t.texts[language], values); }
      });
      api.setMessage(filled(t.texts[main.value], values));
      var missing = t.placeholders.filter(function (name) { return !values[name]; });
      templateStatus.textContent = missing.length ?
        format(text.template_unfilled, {names: missing.map(function (n) { return "{" + n + "}"; }).join(", ")}) :
        text.template_done;
      touch();
    }
    q("[data-content-template-use]").addEventListener("click", useTemplate);

    // --- languages
    var translationsBox = q("[data-content-translations]");
    var mainLanguage = q("[data-content-main-language]");
    var typing = null;
    function translationBox(language) {
      var existing = composer.querySelector('[data-translation="' + language + '"]');
      if (existing) { return existing; }
      var wrap = document.createElement("div");
      wrap.className = "bin-content-translation";
      wrap.setAttribute("data-translation-box", language);
      var label = document.createElement("label");
      label.className = "bin-alert-field";
      var span = document.createElement("span");
      span.textContent = format(text.translation_label, {language: languageNames[language]});
      label.appendChild(span);
      var area = document.createElement("textarea");
      area.rows = 3;
      area.maxLength = composer.querySelector('[data-field="message"]').maxLength;
      area.setAttribute("data-translation", language);
      area.setAttribute("lang", language);
      label.appendChild(area);
      wrap.appendChild(label);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "bin-alert-find";
      remove.textContent = format(text.translation_remove, {language: languageNames[language]});
      remove.addEventListener("click", function () {
        wrap.remove();
        updateLanguageButtons();
        touch();
        composer.querySelector('[data-content-add-language="' + language + '"]').focus();
      });
      wrap.appendChild(remove);
      area.addEventListener("input", function () {
        clearTimeout(typing);
        typing = setTimeout(touch, 400);
      });
      translationsBox.appendChild(wrap);
      updateLanguageButtons();
      return area;
    }
    function updateLanguageButtons() {
      composer.querySelectorAll("[data-content-add-language]").forEach(function (button) {
        var language = button.getAttribute("data-content-add-language");
        button.hidden = language === mainLanguage.value ||
          !!composer.querySelector('[data-translation="' + language + '"]');
      });
    }
    composer.querySelectorAll("[data-content-add-language]").forEach(function (button) {
      button.addEventListener("click", function () {
        translationBox(button.getAttribute("data-content-add-language")).focus();
      });
    });
    mainLanguage.addEventListener("change", function () {
      // A version in the new main language would be a second one: it goes, its text is kept in the
      // message only if the message is empty.
      var same = composer.querySelector('[data-translation-box="' + mainLanguage.value + '"]');
      if (same) {
        var value = same.querySelector("textarea").value;
        same.remove();
        if (value.trim() && !composer.querySelector('[data-field="message"]').value.trim()) { api.setMessage(value); }
      }
      updateLanguageButtons();
      touch();
    });
    updateLanguageButtons();

    // --- neighbouring BINs
    var neighbourList = q("[data-content-neighbour-list]");
    var neighbourStatus = q("[data-content-neighbour-status]");
    function outline(n, on) {
      if (!map) { return; }
      if (outlines[n.id]) { map.removeLayer(outlines[n.id]); delete outlines[n.id]; }
      if (on && n.geometry) {
        outlines[n.id] = L.geoJSON(n.geometry, {
          interactive: false,
          style: {color: "#d95f02", weight: 2, dashArray: "4 4", fillOpacity: 0.06, className: "bin-content-added"}
        }).addTo(map);
      }
    }
    function neighbours() {
      var b = api.body();
      if (!b) { neighbourStatus.textContent = text.draw_first; return; }
      b.neighbours = true;
      b.neighbour_distance_m = Number(q("[data-content-distance]").value) || 0;
      if (!b.message.trim()) { b.message = "."; }
      neighbourStatus.textContent = text.neighbours_loading;
      neighbourList.textContent = "";
      request("POST", root.getAttribute("data-preview-url"), b).then(function (result) {
        if (!result.ok) { neighbourStatus.textContent = errors(result); return; }
        var data = result.body.neighbours;
        root.setAttribute("data-neighbours-state", "ready");
        if (!data.networks.length) { neighbourStatus.textContent = text.neighbours_none; return; }
        neighbourStatus.textContent = format(text.neighbours_of, {
          names: data.of.map(function (n) { return n.name; }).join(", ")
        });
        data.networks.forEach(function (n) {
          var item = document.createElement("li");
          item.setAttribute("data-neighbour-slug", n.slug);
          item.setAttribute("data-count", n.total === null ? "withheld" : n.total);
          var label = document.createElement("label");
          var box = document.createElement("input");
          box.type = "checkbox";
          box.checked = added.has(n.id);
          box.setAttribute("data-neighbour-id", n.id);
          label.appendChild(box);
          label.appendChild(document.createTextNode(" " + n.name + " — " + n.reach_text));
          item.appendChild(label);
          neighbourList.appendChild(item);
          box.addEventListener("change", function () {
            if (box.checked) { added.add(n.id); } else { added.delete(n.id); }
            outline(n, box.checked);
            root.setAttribute("data-added-networks", Array.from(added).join(","));
            touch();
          });
        });
      }).catch(function () { neighbourStatus.textContent = text.failed; });
    }
    q("[data-content-neighbours]").addEventListener("click", neighbours);
    q("[data-content-distance]").addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); neighbours(); }
    });

    // --- keep for next time
    var saveName = q("[data-content-save-name]");
    var saveStatus = q("[data-content-save-status]");
    function saved(kind, result, select) {
      if (!result.ok) { saveStatus.textContent = errors(result); return; }
      saveStatus.textContent = format(kind === "area" ? text.saved_area : text.saved_template, {name: result.body.name});
      var option = document.createElement("option");
      option.value = String(result.body.id);
      option.textContent = result.body.name;
      select.appendChild(option);
      if (kind === "template") {
        var placeholdersUsed = [];
        Object.keys(result.body.texts).forEach(function (language) {
          (result.body.texts[language].match(/\{(\w+)\}/g) || []).forEach(function (m) {
            var name = m.slice(1, -1);
            if (placeholdersUsed.indexOf(name) < 0) { placeholdersUsed.push(name); }
          });
        });
        templates.push({id: result.body.id, name: result.body.name, category: result.body.category,
          urgency: result.body.urgency, texts: result.body.texts, placeholders: placeholdersUsed});
      }
    }
    q("[data-content-save-area]").addEventListener("click", function () {
      var b = api.body();
      if (!b) { saveStatus.textContent = text.draw_first; return; }
      if (!saveName.value.trim()) { saveStatus.textContent = text.name_first; saveName.focus(); return; }
      request("POST", root.getAttribute("data-areas-url"), {
        name: saveName.value, geometry: b.perimeter, police_zone: b.police_zone
      }).then(function (result) { saved("area", result, areaSelect); })
        .catch(function () { saveStatus.textContent = text.failed; });
    });
    q("[data-content-save-template]").addEventListener("click", function () {
      var message = composer.querySelector('[data-field="message"]').value;
      if (!message.trim()) { saveStatus.textContent = text.message_first; return; }
      if (!saveName.value.trim()) { saveStatus.textContent = text.name_first; saveName.focus(); return; }
      var data = {
        name: saveName.value,
        police_zone: Number(root.getAttribute("data-police-zone")),
        category: composer.querySelector('[data-field="category"]').value,
        urgency: composer.querySelector('[data-field="urgency"]').value
      };
      data["text_" + mainLanguage.value] = message;
      composer.querySelectorAll("[data-translation]").forEach(function (area) {
        if (area.value.trim()) { data["text_" + area.getAttribute("data-translation")] = area.value; }
      });
      request("POST", root.getAttribute("data-templates-url"), data)
        .then(function (result) { saved("template", result, templateSelect); })
        .catch(function () { saveStatus.textContent = text.failed; });
    });

    root.setAttribute("data-content-ready", "");
    return true;
  }

  // The composer builds its form when the map's script runs; this script may come before or after it.
  function whenReady(tries) {
    if (start()) { return; }
    if (tries > 0) { setTimeout(function () { whenReady(tries - 1); }, 50); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { whenReady(100); });
  } else {
    whenReady(100);
  }
})();
