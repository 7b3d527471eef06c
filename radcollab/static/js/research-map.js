/* The research map: the network's sites on country outlines, one Leaflet map per panel.
 *
 * Everything comes from this server: the data from the #map-data JSON island, the
 * outlines from vendored TopoJSON (world-atlas, us-atlas). Tiles are drawn over the
 * outlines only when the deployment names its own tile server (RADCOLLAB_MAP_TILE_URL).
 * Each marker is a link to the mentor directory filtered to its site, so keyboard and
 * screen-reader users reach the same places; the tables below the map hold the facts.
 */
(function () {
  "use strict";

  var RINGS = 8;
  // The frame each panel shows at least, south-west and north-east corners.
  var FRAMES = {
    uk: [[49.8, -10.6], [58.9, 1.9]],
    us: [[24.4, -124.8], [49.4, -66.9]],
  };
  var LAND = { color: "#8c8c8c", weight: 0.7, fillColor: "#f6f4ee", fillOpacity: 1 };
  var STATE_LINES = { color: "#a8a8a8", weight: 0.6, fill: false };

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function markerSize(count) {
    // Area grows with the count; 24 px keeps the smallest marker an easy target.
    return Math.round(Math.min(56, 24 + 8 * Math.sqrt(count)));
  }

  function siteLabel(site) {
    var label = site.name + ": " + plural(site.mentor_count, "mentor");
    if (site.mentor_count) {
      label += ", " + site.accepting_count + " accepting trainees";
    }
    return label;
  }

  function markerLink(site, directoryUrl, ring) {
    var link = document.createElement("a");
    link.href = directoryUrl + "?site=" + encodeURIComponent(site.id);
    link.className = "map-marker ring-" + ring + (site.mentor_count ? "" : " empty");
    link.textContent = String(site.mentor_count);
    link.setAttribute("aria-label", siteLabel(site));
    return link;
  }

  function tooltip(site) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = site.name;
    box.appendChild(name);
    var place = site.city && site.city !== site.region ? site.city + " · " + site.region : site.region;
    [place, siteLabel(site).slice(site.name.length + 2)]
      .forEach(function (text) {
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(text));
      });
    return box;
  }

  function addMarker(map, site, directoryUrl, ring) {
    var size = markerSize(site.mentor_count);
    var link = markerLink(site, directoryUrl, ring);
    var icon = L.divIcon({ html: link, className: "", iconSize: [size, size] });
    // keyboard: false, because the link inside is what takes the focus.
    var marker = L.marker([site.latitude, site.longitude], {
      icon: icon,
      keyboard: false,
      riseOnHover: true,
    }).addTo(map);
    marker.bindTooltip(tooltip(site), { direction: "top", offset: [0, -size / 2], className: "map-tip" });
    link.addEventListener("focus", function () { marker.openTooltip(); });
    link.addEventListener("blur", function () { marker.closeTooltip(); });
    return { marker: marker, latlng: L.latLng(site.latitude, site.longitude), size: size };
  }

  // Markers that would cover each other at this zoom (hospitals of one city) are pushed
  // apart a little at a time until none overlaps, so each keeps roughly its place and
  // stays visible and clickable.
  function spread(map, placed) {
    var points = placed.map(function (item) { return map.latLngToLayerPoint(item.latlng); });
    for (var round = 0, moved = true; moved && round < 60; round += 1) {
      moved = false;
      for (var i = 0; i < points.length; i += 1) {
        for (var j = i + 1; j < points.length; j += 1) {
          var gap = (placed[i].size + placed[j].size) / 2 + 2;
          var apart = points[j].subtract(points[i]);
          var distance = Math.sqrt(apart.x * apart.x + apart.y * apart.y);
          if (distance >= gap) { continue; }
          if (distance < 0.5) {
            // Same place: part them in a direction that differs for each pair.
            apart = L.point(Math.cos(i + j), Math.sin(i + j));
            distance = 1;
          }
          var push = apart.multiplyBy((gap - distance) / 2 / distance);
          points[i] = points[i].subtract(push);
          points[j] = points[j].add(push);
          moved = true;
        }
      }
    }
    placed.forEach(function (item, k) { item.marker.setLatLng(map.layerPointToLatLng(points[k])); });
  }

  function panelBounds(key, sites) {
    var bounds = FRAMES[key] ? L.latLngBounds(FRAMES[key]) : null;
    sites.forEach(function (site) {
      var here = L.latLng(site.latitude, site.longitude);
      bounds = bounds ? bounds.extend(here) : L.latLngBounds(here, here);
    });
    // A lone site elsewhere still shows its surroundings.
    return bounds.getNorth() - bounds.getSouth() < 4 ? bounds.pad(2) : bounds;
  }

  function drawPanel(panel, data, ringOf) {
    var element = document.getElementById("map-" + panel.key);
    var inPanel = panel.region_ids.reduce(function (set, id) { set[id] = true; return set; }, {});
    var sites = data.sites.filter(function (site) { return inPanel[site.region_id]; });
    element.textContent = "";
    var map = L.map(element, {
      zoomSnap: 0.25,
      scrollWheelZoom: false,
      // On a phone one finger scrolls the page; pinch still zooms the map.
      dragging: !L.Browser.mobile,
      attributionControl: Boolean(data.tile_url),
      maxZoom: data.tile_url ? 18 : 11,
    });
    map.fitBounds(panelBounds(panel.key, sites), { padding: [18, 18] });
    map.setMinZoom(Math.max(1, map.getZoom() - 1));
    if (data.tile_url) {
      // Leaflet's own credit links to its web site; the tile server's credit is enough.
      map.attributionControl.setPrefix(false);
      L.tileLayer(data.tile_url, { maxZoom: 18 }).addTo(map);
    }
    var placed = sites.map(function (site) {
      return addMarker(map, site, data.directory_url, ringOf[site.region_id]);
    });
    spread(map, placed);
    map.on("zoomend", function () { spread(map, placed); });
    // Outlines sit below the tiles, so they show whenever a tile server is not there.
    map.createPane("outlines").style.zIndex = 150;
    return { key: panel.key, map: map, renderer: L.canvas({ padding: 0.5, pane: "outlines" }) };
  }

  function drawOutlines(drawn, world, states) {
    var countries = topojson.feature(world, world.objects.countries);
    var stateLines = states && topojson.mesh(states, states.objects.states, function (a, b) {
      return a !== b;
    });
    drawn.forEach(function (panel) {
      var options = { renderer: panel.renderer, interactive: false };
      L.geoJSON(countries, L.extend({ style: LAND }, options)).addTo(panel.map);
      if (panel.key === "us" && stateLines) {
        L.geoJSON(stateLines, L.extend({ style: STATE_LINES }, options)).addTo(panel.map);
      }
    });
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  function start() {
    var island = document.getElementById("map-data");
    if (!island || typeof L === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    var ringOf = {};
    data.panels.forEach(function (panel) {
      panel.region_ids.forEach(function (id, i) { ringOf[id] = i % RINGS; });
    });
    var drawn = data.panels.map(function (panel) { return drawPanel(panel, data, ringOf); });
    if (typeof topojson === "undefined") { return; }
    var hasUs = drawn.some(function (panel) { return panel.key === "us"; });
    Promise.all([getJson(data.outlines.world), hasUs ? getJson(data.outlines.us_states) : null])
      .then(function (loaded) { drawOutlines(drawn, loaded[0], loaded[1]); })
      .catch(function (error) { console.warn("Research map outlines did not load:", error); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
