// The admin's comparison of two boundary versions (areas/admin_versions.py): the older outline dashed, the
// newer solid, the parts added and removed filled. The differences come computed by PostGIS in the page's
// JSON (json_script); nothing from it becomes markup.
(function () {
  "use strict";

  var STYLES = {
    old: { color: "#4b4b4b", weight: 2, dashArray: "6 4", fill: false },
    new: { color: "#1f5fbf", weight: 3, fill: false },
    added: { color: "#1a7f37", weight: 1, fillColor: "#2da44e", fillOpacity: 0.55 },
    removed: { color: "#b42318", weight: 1, fillColor: "#d92d20", fillOpacity: 0.55 },
  };

  function start() {
    var source = document.getElementById("boundary-compare-data");
    var box = document.getElementById("boundary-compare-map");
    if (!source || !box || !window.L) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var map = L.map(box, { scrollWheelZoom: false });
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    }
    var bounds = null;
    ["removed", "added", "old", "new"].forEach(function (key) {
      if (!data[key]) {
        return;
      }
      var layer = L.geoJSON(data[key], { style: STYLES[key], interactive: false }).addTo(map);
      bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
    });
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12] });
    }
    // A phone turned sideways: the map fills its new width.
    window.addEventListener("resize", function () {
      map.invalidateSize();
    });
    box.dataset.ready = "1";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
