/* conceptwiki: previews of concept pages on hover and keyboard focus.
 *
 * Any link to a concept page (wikilinks in entries and docs pages, cards, backlinks, the
 * index, the nodes of the concept map) shows a small popup with the concept's title, kind, status and summary. The data
 * is one JSON file of this site (assets/conceptwiki/previews.json), fetched on the first
 * hover or focus and kept for the rest of the visit; nothing comes from another site.
 * Everything is rendered with textContent, never as HTML.
 *
 * The popup (one per document, created on first use):
 *   <div id="cw-preview" class="cw-preview" role="tooltip" hidden data-slug="SLUG">
 *     <p class="cw-preview__title">Title</p>
 *     <p class="cw-preview__meta"><span class="cw-preview__kind cw-kind--KIND">kind</span>
 *       <span class="cw-preview__status cw-status--STATUS">status</span></p>
 *     <p class="cw-preview__summary">Summary…</p>
 *   </div>
 * While it is shown for a link, the link has aria-describedby="cw-preview" (and its title
 * attribute is set aside in data-cw-title so that the browser's own tooltip does not cover
 * it). Focus shows it at once, hover after window.conceptwikiPreview.showDelay ms; Escape,
 * blur, leaving the link and the popup, or a page change hide it. Listeners are delegated on
 * document, so the previews keep working after Material's instant navigation swaps the page.
 * Without JavaScript, links keep their title attribute with the summary.
 */
(function () {
  "use strict";
  if (window.conceptwikiPreview || !document.addEventListener) return;

  var SCRIPT = "assets/conceptwiki/preview.js";
  var DATA = "assets/conceptwiki/previews.json";
  var ID = "cw-preview";
  var SLUG_RE = /^concepts\/([a-z0-9]+(?:-[a-z0-9]+)*)(?:\/(?:index\.html)?|\.html)$/;
  var SKIP = ".cw-preview, .md-header, .md-tabs, .md-nav, .md-search, .md-footer, .md-sidebar";

  var script = document.currentScript ||
    document.querySelector('script[src$="' + SCRIPT + '"], script[src*="' + SCRIPT + '?"]');
  if (!script || !script.src) return;
  var root = script.src.replace(/[?#].*$/, "").slice(0, -SCRIPT.length);

  var api = window.conceptwikiPreview = {
    showDelay: 250,       /* ms before a hovered link shows its preview */
    hideDelay: 200,       /* ms before it hides, so the pointer can move onto the popup */
    dataUrl: root + DATA,
    data: null,
    load: load,
    slugFor: slugFor,
    hide: hide
  };

  var loading = null;
  var current = null;      /* the link the popup belongs to (shown or about to be) */
  var showTimer = 0, hideTimer = 0;

  function load() {
    if (!loading) {
      loading = window.fetch(api.dataUrl, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) { api.data = d; return d; })
        .catch(function (e) { loading = null; throw e; });
    }
    return loading;
  }

  /* HTML links and the concept map's nodes, SVG links with xlink:href (graphdraw.py). */
  var LINKS = "a[href], a[*|href]";

  /* The absolute URL a link goes to: an HTML link's href, or an SVG link's (xlink:)href. */
  function hrefOf(a) {
    if (typeof a.href === "string") return a.href;
    var raw = a.href && a.href.baseVal;   /* SVGAnimatedString: href, else xlink:href */
    if (!raw) return "";
    try { return new URL(raw, document.baseURI).href; } catch (e) { return ""; }
  }

  /* The slug of the concept page a link points to, or null. */
  function slugFor(a) {
    if (!a || !a.closest || a.closest(SKIP)) return null;
    var href = hrefOf(a);
    if (!href) return null;
    if (href.indexOf(root) !== 0) return null;
    var rest = href.slice(root.length).replace(/[?#].*$/, "");
    var m = SLUG_RE.exec(rest);
    if (!m || m[1] === "index") return null;
    /* Links within the page itself (heading permalinks, the page's own title) need none. */
    if (href.replace(/#.*$/, "") === window.location.href.replace(/#.*$/, "")) return null;
    return m[1];
  }

  function part(el, tag, cls) {
    var child = document.createElement(tag);
    child.className = cls;
    el.appendChild(child);
    return child;
  }

  function popup() {
    var el = document.getElementById(ID);
    if (el) return el;
    el = document.createElement("div");
    el.id = ID;
    el.className = "cw-preview";
    el.setAttribute("role", "tooltip");
    el.hidden = true;
    part(el, "p", "cw-preview__title");
    var meta = part(el, "p", "cw-preview__meta");
    part(meta, "span", "cw-preview__kind");
    meta.appendChild(document.createTextNode(" "));
    part(meta, "span", "cw-preview__status");
    part(el, "p", "cw-preview__summary");
    el.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
    el.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(el);
    return el;
  }

  function fill(el, slug, item, kinds) {
    el.setAttribute("data-slug", slug);
    el.querySelector(".cw-preview__title").textContent = item[0];
    var kind = el.querySelector(".cw-preview__kind");
    kind.textContent = (kinds && kinds[item[1]]) || item[1];
    kind.className = "cw-preview__kind cw-kind--" + item[1];
    var status = el.querySelector(".cw-preview__status");
    status.textContent = item[2];
    status.className = "cw-preview__status cw-status--" + item[2];
    el.querySelector(".cw-preview__summary").textContent = item[3];
  }

  function place(el, a) {
    var rects = a.getClientRects();
    var r = rects.length ? rects[0] : a.getBoundingClientRect();
    var doc = document.documentElement;
    el.style.left = "0px";
    el.style.top = "0px";
    var w = el.offsetWidth, h = el.offsetHeight, gap = 6;
    var left = Math.max(8, Math.min(r.left, doc.clientWidth - w - 8));
    var top = r.bottom + gap;
    if (top + h > doc.clientHeight && r.top - gap - h > 0) top = r.top - gap - h;
    el.style.left = Math.round(left + window.pageXOffset) + "px";
    el.style.top = Math.round(top + window.pageYOffset) + "px";
  }

  function attach(a) {
    var described = a.getAttribute("aria-describedby");
    if (described === ID) return;
    a.setAttribute("data-cw-describedby", described || "");
    a.setAttribute("aria-describedby", described ? described + " " + ID : ID);
    if (a.hasAttribute("title")) {
      a.setAttribute("data-cw-title", a.getAttribute("title"));
      a.removeAttribute("title");
    }
  }

  function detach(a) {
    if (!a.hasAttribute("data-cw-describedby")) return;
    var before = a.getAttribute("data-cw-describedby");
    if (before) a.setAttribute("aria-describedby", before);
    else a.removeAttribute("aria-describedby");
    a.removeAttribute("data-cw-describedby");
    if (a.hasAttribute("data-cw-title")) {
      a.setAttribute("title", a.getAttribute("data-cw-title"));
      a.removeAttribute("data-cw-title");
    }
  }

  function show(a, slug) {
    window.clearTimeout(hideTimer);
    window.clearTimeout(showTimer);
    if (current && current !== a) hide();
    current = a;
    load().then(function (data) {
      if (current !== a || !a.isConnected) return;
      var item = data && data.concepts && data.concepts[slug];
      if (!item) { hide(); return; }
      var el = popup();
      fill(el, slug, item, data.kinds);
      el.hidden = false;
      place(el, a);
      attach(a);
    }, function () { if (current === a) current = null; });
  }

  function hide() {
    window.clearTimeout(showTimer);
    window.clearTimeout(hideTimer);
    var el = document.getElementById(ID);
    if (el) {
      el.hidden = true;
      el.removeAttribute("data-slug");
    }
    if (current) detach(current);
    current = null;
  }

  function scheduleHide() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(function () {
      if (current && document.activeElement === current) return; /* keyboard focus keeps it */
      hide();
    }, api.hideDelay);
  }

  function linkOf(target) {
    return target && target.closest ? target.closest(LINKS) : null;
  }

  document.addEventListener("mouseover", function (event) {
    var a = linkOf(event.target);
    if (!a) return;
    if (a === current) { window.clearTimeout(hideTimer); return; }
    var slug = slugFor(a);
    if (!slug) return;
    load().catch(function () {});   /* start fetching while the pointer rests */
    window.clearTimeout(showTimer);
    showTimer = window.setTimeout(function () { show(a, slug); }, api.showDelay);
  });

  document.addEventListener("mouseout", function (event) {
    var a = linkOf(event.target);
    if (!a || (event.relatedTarget && a.contains(event.relatedTarget))) return;
    if (a === current) scheduleHide();
    else if (!current || current !== a) window.clearTimeout(showTimer);
  });

  document.addEventListener("focusin", function (event) {
    var a = linkOf(event.target);
    var slug = a && slugFor(a);
    if (slug) show(a, slug);
  });

  document.addEventListener("focusout", function (event) {
    if (current && event.target === current) hide();
  });

  document.addEventListener("keydown", function (event) {
    if ((event.key === "Escape" || event.key === "Esc") && current) {
      var el = document.getElementById(ID);
      if (el && !el.hidden) event.stopPropagation();
      hide();
    }
  }, true);

  document.addEventListener("click", function (event) {
    if (current && linkOf(event.target) === current) hide();
  });

  window.addEventListener("resize", function () { if (current) hide(); });

  /* Material's instant navigation: a new page replaces the content; drop the old popup state. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { hide(); });
  }
})();
