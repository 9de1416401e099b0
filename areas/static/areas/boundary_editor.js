// The admin's boundary editor (areas/boundary_editor.py): Leaflet and Leaflet-Geoman from this site, the
// areas around the edited one as read-only layers its vertices snap to, and the edited geometry written
// back to the form's textarea as GeoJSON in EPSG:4326 with every digit JavaScript keeps. The textarea is
// only rewritten after an edit: a form nobody edited sends back the text the server rendered, and the
// server then keeps the stored geometry as it is. Names of the areas around reach the page as text only
// (textContent), never as markup.
(function () {
  "use strict";

  var STYLES = {
    edited: { color: "#b42318", weight: 3, fillColor: "#d92d20", fillOpacity: 0.15 },
    municipality: { color: "#3d3d3d", weight: 2, dashArray: "6 4", fill: false },
    network: { color: "#1f5fbf", weight: 2, fillColor: "#1f5fbf", fillOpacity: 0.08 },
    police_zone: { color: "#6b3fa0", weight: 2, dashArray: "2 4", fill: false },
  };
  // How close (in pixels) a vertex must come to another area's vertex or side to snap to it.
  var SNAP_PX = 15;

  function closed(ring) {
    var coords = ring.map(function (ll) {
      return [ll.lng, ll.lat];
    });
    var first = coords[0];
    var last = coords[coords.length - 1];
    if (coords.length && (first[0] !== last[0] || first[1] !== last[1])) {
      coords.push([first[0], first[1]]);
    }
    return coords;
  }

  function polygonsOf(layer) {
    var latlngs = layer.getLatLngs();
    if (!latlngs.length) {
      return [];
    }
    if (L.LineUtil.isFlat(latlngs[0])) {
      return [latlngs.map(closed)];
    }
    return latlngs.map(function (polygon) {
      return polygon.map(closed);
    });
  }

  function linesOf(layer) {
    var latlngs = layer.getLatLngs();
    var lines = L.LineUtil.isFlat(latlngs) ? [latlngs] : latlngs;
    return lines.map(function (line) {
      return line.map(function (ll) {
        return [ll.lng, ll.lat];
      });
    });
  }

  function collect(group, geomType) {
    var polygons = [];
    var lines = [];
    var points = [];
    group.eachLayer(function (layer) {
      if (layer instanceof L.Polygon) {
        polygons = polygons.concat(polygonsOf(layer));
      } else if (layer instanceof L.Polyline) {
        lines = lines.concat(linesOf(layer));
      } else if (layer.getLatLng) {
        points.push([layer.getLatLng().lng, layer.getLatLng().lat]);
      }
    });
    var multi = geomType.toUpperCase().indexOf("MULTI") === 0;
    function one(kind, parts) {
      if (multi || parts.length > 1) {
        return { type: "Multi" + kind, coordinates: parts };
      }
      return { type: kind, coordinates: parts[0] };
    }
    if (polygons.length) {
      return one("Polygon", polygons);
    }
    if (lines.length) {
      return one("LineString", lines);
    }
    if (points.length) {
      return one("Point", points);
    }
    return null;
  }

  function kinds(geomType) {
    var t = geomType.toUpperCase().replace("MULTI", "");
    var any = t === "GEOMETRY" || t === "GEOMETRYCOLLECTION";
    return { polygon: any || t === "POLYGON", line: any || t === "LINESTRING", point: any || t === "POINT" };
  }

  function legendItem(list, role, name) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "bin-boundary-swatch";
    swatch.style.color = STYLES[role].color;
    swatch.setAttribute("aria-hidden", "true");
    var label = document.createElement("span");
    label.textContent = name;
    item.appendChild(swatch);
    item.appendChild(label);
    list.appendChild(item);
  }

  function addContext(map, config, legend) {
    var bounds = null;
    config.context.forEach(function (area) {
      var style = L.extend({}, STYLES[area.role] || STYLES.network);
      // pmIgnore: not editable; snapIgnore false: still a snapping target.
      var layer = L.geoJSON(area.geometry, {
        style: function () {
          return style;
        },
        pmIgnore: true,
        snapIgnore: false,
      });
      layer.eachLayer(function (part) {
        part.options.pmIgnore = true;
        part.options.snapIgnore = false;
      });
      var tip = document.createElement("span");
      tip.textContent = area.name;
      layer.bindTooltip(tip, { sticky: true });
      layer.addTo(map);
      legendItem(legend, area.role in STYLES ? area.role : "network", area.name);
      bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
    });
    return bounds;
  }

  // Geoman's toolbar buttons and vertex handles are role="button" without a name: name them (their
  // tooltip, or the page's translated label) as they appear, for screen readers and keyboard users.
  function nameControls(box, labels) {
    function name() {
      box.querySelectorAll("a.leaflet-buttons-control-button:not([aria-label])").forEach(function (a) {
        a.setAttribute("aria-label", (a.parentNode && a.parentNode.getAttribute("title")) || labels.tool);
      });
      box.querySelectorAll(".marker-icon:not([aria-label])").forEach(function (marker) {
        var middle = marker.classList.contains("marker-icon-middle");
        marker.setAttribute("aria-label", middle ? labels.middle : labels.vertex);
      });
    }
    name();
    new MutationObserver(name).observe(box, { childList: true, subtree: true });
  }

  function start(root) {
    var config = JSON.parse(document.getElementById(root.dataset.config).textContent);
    var target = document.getElementById(root.dataset.target);
    var box = root.querySelector(".bin-boundary-map");
    var initial = target.value;
    // A view first: Leaflet adds layers to a map only once it has one, and Geoman edits only layers on a map.
    var map = L.map(box, { scrollWheelZoom: false }).setView(config.center, config.zoom);
    if (config.tiles && config.tiles.url) {
      L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
    }
    var contextBounds = addContext(map, config, root.querySelector(".bin-boundary-legend"));
    var edited = L.featureGroup().addTo(map);

    function sync() {
      var geometry = collect(edited, config.geomType);
      target.value = geometry ? JSON.stringify(geometry) : "";
      root.dataset.edited = "1";
    }

    function track(layer) {
      edited.addLayer(layer);
      layer.on("pm:edit", sync);
      layer.pm.enable({ snappable: true, snapDistance: SNAP_PX });
    }

    function load(text) {
      edited.clearLayers();
      if (!text.trim()) {
        return;
      }
      L.geoJSON(JSON.parse(text), { style: STYLES.edited }).eachLayer(track);
    }

    load(initial);
    var bounds = edited.getLayers().length ? edited.getBounds() : contextBounds;
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], animate: false });
    }

    var kind = kinds(config.geomType);
    map.pm.setLang(config.language);
    map.pm.setGlobalOptions({ snappable: true, snapDistance: SNAP_PX, pathOptions: STYLES.edited });
    map.pm.addControls({
      position: "topleft",
      drawMarker: kind.point,
      drawPolyline: kind.line,
      drawPolygon: kind.polygon,
      drawRectangle: kind.polygon,
      cutPolygon: kind.polygon,
      drawCircle: false,
      drawCircleMarker: false,
      drawText: false,
      rotateMode: false,
      editMode: false,
      dragMode: true,
      removalMode: true,
    });
    var single = ["GEOMETRY", "GEOMETRYCOLLECTION"].indexOf(config.geomType.toUpperCase()) < 0 &&
      config.geomType.toUpperCase().indexOf("MULTI") !== 0;
    map.on("pm:create", function (e) {
      // A single geometry: what is drawn replaces it; a multi-geometry gets one more part.
      if (single) {
        edited.clearLayers();
      }
      map.removeLayer(e.layer);
      track(e.layer);
      sync();
    });
    map.on("pm:remove", function (e) {
      edited.removeLayer(e.layer);
      sync();
    });
    map.on("pm:cut", function (e) {
      edited.removeLayer(e.originalLayer);
      track(e.layer);
      sync();
    });
    map.on("pm:dragend", sync);

    root.querySelector(".bin-boundary-reset").addEventListener("click", function () {
      target.value = initial;
      load(initial);
      delete root.dataset.edited;
    });
    target.addEventListener("change", function () {
      try {
        load(target.value);
      } catch (err) {
        // Not GeoJSON (WKT typed by hand): the server reads it; the map keeps what it shows.
      }
    });
    nameControls(box, config.labels);
    root.binEditor = { map: map, edited: edited };
    root.dataset.ready = "1";
  }

  function startAll() {
    if (!window.L || !L.PM) {
      return;
    }
    document.querySelectorAll(".bin-boundary-editor").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
