/* Live delivery progress of one or more alerts (the police home; any page with [data-progress] boxes).
   Each box carries data-progress-url (GET /api/alerts/<id>/progress/), data-finished and its translated
   labels as data-l-* attributes (data-l-text: the bar's text equivalent with %(name)s placeholders). Every
   2 s the box's numbers are asked again and its bars (and its BIN table, [data-progress-networks], where
   there is one) redrawn with text nodes only, until nothing is queued or sending and no SMS waits for its
   receipt, or nothing changed for 15 minutes (a phone that is off answers when it is switched on). After
   each redraw the box sends a bin:progress event with the numbers. Styles: maps/static/maps/progress.css. */
(function () {
  "use strict";
  var INTERVAL_MS = 2000, QUIET_MS = 15 * 60 * 1000, BUCKETS = ["delivered", "sent", "failed", "skipped"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.appendChild(document.createTextNode(String(text)));
    return node;
  }
  function waiting(c) { return c.queued + c.sending; }
  function finished(p) { return p.all_done && p.receipts_pending === 0; }

  function watch(root) {
    var url = root.getAttribute("data-progress-url"), last = "", changed = Date.now();
    var prefix = root.getAttribute("data-progress-prefix") || "progress";
    function label(key) { return root.getAttribute("data-l-" + key) || key; }
    function sentence(c) {
      var values = {delivered: c.delivered, sent: c.sent, failed: c.failed, skipped: c.skipped,
        waiting: waiting(c), total: c.total};
      return label("text").replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
    }
    function channel(c) {
      var id = prefix + "-label-" + c.channel;
      var box = el("div", {"class": "progress-channel", "data-progress-channel": c.channel, "data-total": c.total,
        "data-delivered": c.delivered, "data-sent": c.sent, "data-failed": c.failed, "data-waiting": waiting(c)});
      var known = document.getElementById(id);
      box.appendChild(el("strong", {id: id}, known ? known.textContent : c.label));
      var bar = el("div", {"class": "progress-bar", role: "progressbar", "aria-labelledby": id,
        "aria-valuemin": 0, "aria-valuemax": c.total, "aria-valuenow": c.total - waiting(c),
        "aria-valuetext": sentence(c), "data-bar": ""});
      BUCKETS.forEach(function (b) {
        var seg = el("span", {"class": "seg-" + b});
        seg.style.width = (c.total ? Math.round(100 * c[b] / c.total) : 0) + "%";
        bar.appendChild(seg);
      });
      box.appendChild(bar);
      var legend = el("ul", {"class": "progress-legend", "data-legend": ""});
      BUCKETS.concat(["waiting"]).forEach(function (b) {
        var item = el("li");
        item.appendChild(el("i", {"class": "seg-" + b}));
        item.appendChild(document.createTextNode(label(b) + " " + (b === "waiting" ? waiting(c) : c[b])));
        legend.appendChild(item);
      });
      legend.appendChild(el("li", {}, label("of") + " " + c.total));
      box.appendChild(legend);
      return box;
    }
    function network(n) {
      var row = el("tr", {"data-network-slug": n.slug});
      row.appendChild(el("td", {}, n.name));
      [waiting(n), n.sent, n.delivered, n.failed, n.skipped, n.total].forEach(function (v) {
        row.appendChild(el("td", {"class": "n"}, v));
      });
      return row;
    }
    function render(p) {
      var channels = root.querySelector("[data-progress-channels]");
      var blocks = p.channels.map(channel);
      channels.replaceChildren.apply(channels, blocks.length ? blocks : [el("p", {}, label("none"))]);
      var body = root.querySelector("[data-progress-networks] tbody");
      if (body) body.replaceChildren.apply(body, p.networks.map(network));
      var state = root.querySelector("[data-progress-state]");
      if (state) state.textContent = !p.all_done ? label("sending") : p.receipts_pending ? label("receipts") : label("done");
      root.setAttribute("data-finished", finished(p) ? "true" : "false");
      // The page may show more of the same numbers (the alert page: its table of messages).
      root.dispatchEvent(new CustomEvent("bin:progress", {detail: p, bubbles: true}));
    }
    function poll() {
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (p) {
          var now = JSON.stringify(p);
          if (now !== last) { last = now; changed = Date.now(); render(p); }
          if (!finished(p) && Date.now() - changed < QUIET_MS) setTimeout(poll, INTERVAL_MS);
        })
        .catch(function () { if (Date.now() - changed < QUIET_MS) setTimeout(poll, 5 * INTERVAL_MS); });
    }
    setTimeout(poll, INTERVAL_MS);
  }

  if (!window.fetch) return;
  document.querySelectorAll("[data-progress][data-progress-url]").forEach(function (root) {
    if (root.getAttribute("data-finished") !== "true") watch(root);
  });
})();
