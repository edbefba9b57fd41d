/* conceptwiki: concept maps and the whole-wiki graph. Pointing at or focusing a node lights its
   edges and neighbours (and shows a shortened label in full). On the graph page, the kind and
   tag filter hides what does not match and lays out what is left, with the sums graph.py uses
   (arc_positions, wiki_edge_path). Without JavaScript the drawings are complete as built. */
(function () {
  "use strict";

  /* -- lighting a node's edges ---------------------------------------------------------------- */

  function fullTitle(a) {
    var title = a.querySelector("title");
    if (!title) return null;
    var t = title.textContent, i = t.lastIndexOf(" (");
    return i > 0 ? t.slice(0, i) : t;
  }

  /* A node's number: its data-n on the graph page, else its place among the nodes. */
  function numberOf(a) {
    return a.getAttribute("data-n") || String(Array.prototype.indexOf.call(a.parentNode.children, a));
  }

  function light(a, on) {
    var fig = a.closest(".cw-graph"), n = numberOf(a);
    if (!fig) return;
    fig.classList.toggle("cw-graph--lit", on);
    var lit = {};
    lit[n] = true;
    fig.querySelectorAll("[data-e]").forEach(function (e) {
      var ends = e.getAttribute("data-e").split(" ");
      var hit = on && (ends[0] === n || ends[1] === n) && !e.classList.contains("cw-is-hidden");
      e.classList.toggle("cw-is-lit", hit);
      if (hit) { lit[ends[0]] = true; lit[ends[1]] = true; }
    });
    fig.querySelectorAll(".cw-graph__nodes > a").forEach(function (m) {
      m.classList.toggle("cw-is-lit", on && !!lit[numberOf(m)]);
    });
    var text = a.querySelector("text"), full = fullTitle(a);
    if (text && full && !a.hasAttribute("aria-current")) {
      if (on) {
        if (!text.hasAttribute("data-short")) text.setAttribute("data-short", text.textContent);
        text.textContent = full;
      } else if (text.hasAttribute("data-short")) {
        text.textContent = text.getAttribute("data-short");
        text.removeAttribute("data-short");
      }
    }
  }

  function nodeOf(target) {
    return target && target.closest ? target.closest(".cw-graph__nodes > a") : null;
  }

  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (e) { var a = nodeOf(e.target); if (a) light(a, true); });
  });
  ["mouseout", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var a = nodeOf(e.target);
      if (a && !(e.relatedTarget && a.contains(e.relatedTarget))) light(a, false);
    });
  });

  /* -- laying out what a filter leaves (graph.py's arc_positions and wiki_edge_path) ---------- */

  var ROW = 22, GAP = 6, CHAR = 7.2;  /* a generous advance: the drawing may be wider than its labels */

  function arcPositions(n) {
    var right = Math.floor((n + 1) / 2), out = [];
    [[1, right], [-1, n - right]].forEach(function (sc) {
      var side = sc[0], count = sc[1], half = (count - 1) / 2, span = Math.max(half, 1) + 1;
      for (var i = 0; i < count; i++) {
        var k = side > 0 ? i : count - 1 - i, t = (k - half) / span;
        out.push([side * (40 + 140 * Math.sqrt(1 - t * t)), (k - half) * ROW, side]);
      }
    });
    return out;
  }

  function edgePath(x1, y1, r1, x2, y2, r2) {
    var mx = (x1 + x2) / 2 * 0.2, my = (y1 + y2) / 2;
    var a1x = mx - x1, a1y = my - y1, a2x = mx - x2, a2y = my - y2;
    var l1 = Math.hypot(a1x, a1y) || 1, l2 = Math.hypot(a2x, a2y) || 1;
    var r = Math.round;
    return "M" + r(x1 + a1x / l1 * r1) + "," + r(y1 + a1y / l1 * r1) + "Q" + r(mx) + "," + r(my) + " " +
      r(x2 + a2x / l2 * r2) + "," + r(y2 + a2y / l2 * r2);
  }

  function relayout(svg, shown) {
    var nodes = Array.prototype.slice.call(svg.querySelectorAll(".cw-graph__nodes > a[data-n]"))
      .filter(function (a) { return shown[a.getAttribute("data-n")]; });
    var places = arcPositions(nodes.length), at = {}, reach = [0, 0], ys = [0];
    nodes.forEach(function (a, i) {
      var p = places[i], r = parseFloat(a.getAttribute("data-r")) || 5, text = a.querySelector("text");
      a.setAttribute("transform", "translate(" + Math.round(p[0]) + " " + Math.round(p[1]) + ")");
      text.setAttribute("x", String((p[2] > 0 ? 1 : -1) * Math.round(r + GAP)));
      if (p[2] > 0) text.removeAttribute("text-anchor"); else text.setAttribute("text-anchor", "end");
      var label = text.getAttribute("data-short") || text.textContent;
      reach[p[2] > 0 ? 0 : 1] = Math.max(reach[p[2] > 0 ? 0 : 1], Math.abs(p[0]) + r + GAP + label.length * CHAR);
      at[a.getAttribute("data-n")] = [p[0], p[1], r];
      ys.push(p[1]);
    });
    svg.querySelectorAll("[data-e]").forEach(function (e) {
      var ends = e.getAttribute("data-e").split(" "), a = at[ends[0]], b = at[ends[1]];
      if (a && b) e.setAttribute("d", edgePath(a[0], a[1], a[2] + 3, b[0], b[1], b[2] + 3));
    });
    var top = Math.floor(Math.min.apply(null, ys) - ROW), bottom = Math.max.apply(null, ys) + ROW;
    var left = -Math.ceil(reach[1] + 8), right = Math.ceil(reach[0] + 8);
    var width = right - left, height = Math.ceil(bottom - top);
    svg.setAttribute("viewBox", left + " " + top + " " + width + " " + height);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
  }

  /* A map wider than the screen scrolls sideways: start with its concept in the middle. */
  function centreMaps() {
    document.querySelectorAll(".cw-graph__scroll").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth) return;
      var centre = box.querySelector("[aria-current]") || box.querySelector("svg");
      var b = box.getBoundingClientRect(), c = centre.getBoundingClientRect();
      box.scrollLeft += (c.left + c.width / 2) - (b.left + b.width / 2);
    });
  }

  /* -- the graph page's filter ---------------------------------------------------------------- */

  function matches(el, kind, tag, elKind) {
    if (kind && (elKind || el.getAttribute("data-kind")) !== kind) return false;
    if (tag && (" " + (el.getAttribute("data-tags") || "") + " ").indexOf(" " + tag + " ") < 0) return false;
    return true;
  }

  function apply(form) {
    var kind = form.elements.kind.value, tag = form.elements.tag.value;
    var shown = {}, drawn = 0, listed = 0, total = 0;
    document.querySelectorAll(".cw-graph--wiki .cw-graph__nodes > a").forEach(function (node) {
      var ok = matches(node, kind, tag);
      shown[node.getAttribute("data-n")] = ok;
      node.classList.toggle("cw-is-hidden", !ok);
      if (ok) drawn += 1;
    });
    document.querySelectorAll(".cw-graph--wiki [data-e]").forEach(function (edge) {
      var ends = edge.getAttribute("data-e").split(" ");
      edge.classList.toggle("cw-is-hidden", !(shown[ends[0]] && shown[ends[1]]));
    });
    var svg = document.querySelector(".cw-graph--wiki .cw-graph__svg");
    if (svg) relayout(svg, shown);
    document.querySelectorAll(".cw-graph-list__group").forEach(function (group) {
      var n = 0, groupKind = group.getAttribute("data-kind");
      group.querySelectorAll("li[data-tags]").forEach(function (li) {
        var ok = matches(li, kind, tag, groupKind);
        li.classList.toggle("cw-is-hidden", !ok);
        if (ok) n += 1;
        total += 1;
      });
      listed += n;
      group.classList.toggle("cw-is-hidden", n === 0);
      var count = group.querySelector(".cw-graph-list__count");
      if (count) count.textContent = "(" + n + ")";
    });
    var status = form.querySelector(".cw-graph-filter__status");
    if (status) {
      status.textContent = (kind || tag)
        ? listed + " of " + total + " concepts match; " + drawn + " of them are in the drawing."
        : "";
    }
  }

  /* The filter lives in the address (graph/#kind=risk&tag=mesa-optimization), so that a
     filtered view can be shared and the back button keeps it. */
  function readHash(form) {
    var hash = window.location.hash.replace(/^#/, "");
    if (hash.indexOf("=") < 0) return false;
    ["kind", "tag"].forEach(function (k) { form.elements[k].value = ""; });
    hash.split("&").forEach(function (pair) {
      var kv = pair.split("="), name = decodeURIComponent(kv[0]);
      var field = (name === "kind" || name === "tag") ? form.elements[name] : null;
      if (field) field.value = decodeURIComponent(kv[1] || "");
      if (field && field.selectedIndex < 0) field.value = "";  /* unknown value: no filter */
    });
    return true;
  }

  function writeHash(form) {
    var parts = ["kind", "tag"].filter(function (k) { return form.elements[k].value; })
      .map(function (k) { return k + "=" + encodeURIComponent(form.elements[k].value); });
    if (window.history && history.replaceState) {
      history.replaceState(history.state, "",
        parts.length ? "#" + parts.join("&") : location.pathname + location.search);
    }
  }

  function init() {
    centreMaps();
    var form = document.querySelector("form[data-cw-graph-filter]");
    if (!form || form.getAttribute("data-cw-ready")) return;
    form.setAttribute("data-cw-ready", "1");
    form.hidden = false;
    form.addEventListener("change", function () { apply(form); writeHash(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(form); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { apply(form); writeHash(form); }, 0);
    });
    readHash(form);
    apply(form);
  }

  window.addEventListener("hashchange", function () {
    var form = document.querySelector("form[data-cw-graph-filter][data-cw-ready]");
    if (form && readHash(form)) apply(form);
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  /* Material's instant navigation swaps pages */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
