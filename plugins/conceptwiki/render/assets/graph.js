/* conceptwiki: filters for the whole-wiki graph page. Without JavaScript the page shows the whole
   drawing and the full list; this only hides what does not match the chosen kind and tag. */
(function () {
  "use strict";

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
    document.querySelectorAll(".cw-graph--wiki .cw-graph__edge[data-a]").forEach(function (edge) {
      var both = shown[edge.getAttribute("data-a")] && shown[edge.getAttribute("data-b")];
      edge.classList.toggle("cw-is-hidden", !both);
    });
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
