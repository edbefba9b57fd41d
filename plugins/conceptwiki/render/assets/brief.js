/* conceptwiki: the brief basket ("Add to brief" on concept pages and the Brief page) and the
   "Print / Save as PDF" button. Concept pages read the same without it; the Brief page says
   that it needs it. Data comes only from this site: cite/<slug>.brief.json of the concepts in
   the basket and cite/sources/<id>.brief.json of their sources (see conceptwiki/brief.py). */
(function () {
  "use strict";
  var PREFIX = "conceptwiki.brief";
  var YEAR_SUFFIX = "\ue100", CITATION_NUMBER = "\ue101";
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var SOURCE_FILE = /^sources\/[a-z0-9._-]+\.brief\.json$/;

  /* -- storage: one basket per site (the site's root path), tolerant of anything stored -- */

  function rootOf(el) {
    return new URL(el.getAttribute("data-root") || "./", window.location.href);
  }

  function storageKey(root) { return PREFIX + ":" + root.pathname; }

  function emptyState() {
    return { version: 1, items: [], style: null, primary: true, further: true, per: {} };
  }

  function load(root) {
    var state = emptyState(), raw = null, data = null;
    try { raw = window.localStorage.getItem(storageKey(root)); } catch (e) { return state; }
    if (!raw) return state;
    try { data = JSON.parse(raw); } catch (e) { return state; }
    if (!data || typeof data !== "object") return state;
    var seen = {};
    (Array.isArray(data.items) ? data.items : []).forEach(function (it) {
      if (it && typeof it.slug === "string" && SLUG.test(it.slug) && !seen[it.slug]) {
        seen[it.slug] = true;
        state.items.push({ slug: it.slug, title: typeof it.title === "string" ? it.title : it.slug });
      }
    });
    if (typeof data.style === "string") state.style = data.style;
    if (typeof data.primary === "boolean") state.primary = data.primary;
    if (typeof data.further === "boolean") state.further = data.further;
    if (data.per && typeof data.per === "object") {
      state.items.forEach(function (it) {
        var p = data.per[it.slug];
        if (p && typeof p === "object") {
          var own = {};
          if (typeof p.primary === "boolean") own.primary = p.primary;
          if (typeof p.further === "boolean") own.further = p.further;
          state.per[it.slug] = own;
        }
      });
    }
    return state;
  }

  function save(root, state) {
    try {
      window.localStorage.setItem(storageKey(root), JSON.stringify(state));
      return true;
    } catch (e) {
      return false;  /* storage full or disabled: the page still works until it is left */
    }
  }

  function has(state, slug) {
    return state.items.some(function (it) { return it.slug === slug; });
  }

  function include(state, slug, which) {
    var own = state.per[slug];
    return own && typeof own[which] === "boolean" ? own[which] : state[which];
  }

  /* -- concept pages: "Add to brief" and "Print / Save as PDF" -- */

  function updateToggles(doc) {
    doc.querySelectorAll(".cw-brief-toggle").forEach(function (b) {
      var state = load(rootOf(b)), title = b.getAttribute("data-title") || "";
      var inBrief = has(state, b.getAttribute("data-slug"));
      b.textContent = inBrief ? "Remove from brief" : "Add to brief";
      b.setAttribute("aria-label", inBrief ? "Remove " + title + " from brief" : "Add " + title + " to brief");
      b.classList.toggle("cw-brief-toggle--in", inBrief);
    });
    doc.querySelectorAll(".cw-brief-link").forEach(function (a) {
      var n = load(rootOf(a)).items.length, count = a.querySelector(".cw-brief-count");
      if (count) count.textContent = n ? " (" + n + ")" : "";
    });
    doc.querySelectorAll("[data-cw-actions]").forEach(function (el) { el.hidden = false; });
  }

  function toggle(button) {
    var root = rootOf(button), state = load(root), slug = button.getAttribute("data-slug");
    if (!SLUG.test(slug || "")) return;
    if (has(state, slug)) {
      state.items = state.items.filter(function (it) { return it.slug !== slug; });
      delete state.per[slug];
    } else {
      state.items.push({ slug: slug, title: button.getAttribute("data-title") || slug });
    }
    save(root, state);
    updateToggles(document);
  }

  /* -- the bibliography: the same steps as conceptwiki.brief.assemble in Python -- */

  function cmpCodePoints(x, y) {  /* Python compares strings by code point, not UTF-16 unit */
    var i = 0, j = 0;
    for (;;) {
      if (i >= x.length) return j >= y.length ? 0 : -1;
      if (j >= y.length) return 1;
      var cx = x.codePointAt(i), cy = y.codePointAt(j);
      if (cx !== cy) return cx < cy ? -1 : 1;
      i += cx > 0xffff ? 2 : 1;
      j += cy > 0xffff ? 2 : 1;
    }
  }

  function cmpScalar(x, y) {
    if (typeof x === "number" && typeof y === "number") return x < y ? -1 : (x > y ? 1 : 0);
    return cmpCodePoints(String(x), String(y));
  }

  function cmpList(a, b, cmp) {
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      var r = cmp(a[i], b[i]);
      if (r) return r;
    }
    return a.length === b.length ? 0 : (a.length < b.length ? -1 : 1);
  }

  function cmpToken(x, y) {
    return x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : cmpScalar(x[1], y[1]);
  }

  function compareSortKeys(a, b, descending) {
    for (var i = 0; i < descending.length; i++) {
      var ka = a[i] === undefined ? null : a[i], kb = b[i] === undefined ? null : b[i];
      if (JSON.stringify(ka) === JSON.stringify(kb)) continue;
      if (ka === null || ka === "") return 1;
      if (kb === null || kb === "") return -1;
      var r = ka.t ? cmpList(ka.t, kb.t, cmpScalar) : cmpList(ka.c, kb.c, cmpToken);
      if (r) return descending[i] ? -r : r;
    }
    return 0;
  }

  function yearSuffix(n) {
    var letters = "abcdefghijklmnopqrstuvwxyz", out = "";
    n += 1;
    while (n) {
      var r = (n - 1) % 26;
      n = Math.floor((n - 1) / 26);
      out = letters[r] + out;
    }
    return out;
  }

  /* items: brief data items in the reader's order; returns [{item, html}] in the style's order. */
  function assemble(items, style) {
    var seen = {}, list = [];
    items.forEach(function (it) {
      var key = it.id.toLowerCase();
      if (!seen[key]) { seen[key] = true; list.push(it); }
    });
    list.sort(function (x, y) {
      return compareSortKeys(x.styles[style.id].sort, y.styles[style.id].sort, style.descending);
    });
    var groups = {}, suffix = new Map();
    list.forEach(function (it) {
      var g = it.styles[style.id].group;
      if (g !== null && g !== undefined) (groups[g] = groups[g] || []).push(it);
    });
    Object.keys(groups).forEach(function (g) {
      if (groups[g].length > 1) groups[g].forEach(function (it, n) { suffix.set(it, yearSuffix(n)); });
    });
    var out = [], previous = null;
    list.forEach(function (it, index) {
      var s = it.styles[style.id];
      var plain = s.html !== undefined ? s.html : (s.ys !== undefined ? s.ys.split(YEAR_SUFFIX).join("") : null);
      if (plain === null || plain === undefined) return;
      var ys = suffix.has(it);
      var sub = style.substitute !== null && s.names !== null && s.names !== undefined && s.names === previous;
      var body = plain;
      if (ys && sub && s.ys_sub !== undefined) body = s.ys_sub;
      else if (ys && s.ys !== undefined) body = s.ys;
      else if (sub && s.sub !== undefined) body = s.sub;
      if (ys) body = body.split(YEAR_SUFFIX).join(suffix.get(it));
      out.push({ item: it, html: body.split(CITATION_NUMBER).join(String(index + 1)) });
      previous = s.names === undefined ? null : s.names;
    });
    return out;
  }

  /* -- the Brief page -- */

  var cache = {};

  function getJSON(url) {
    if (url.origin !== window.location.origin) return Promise.reject(new Error("not this site"));
    var key = url.href;
    if (!cache[key]) {
      cache[key] = fetch(key, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + key);
        return r.json();
      });
      cache[key].catch(function () { delete cache[key]; });
    }
    return cache[key];
  }

  function config(app) {
    try { return JSON.parse(app.getAttribute("data-config")); } catch (e) { return { styles: [] }; }
  }

  function currentStyle(app, state) {
    var conf = config(app), styles = conf.styles || [];
    return styles.filter(function (s) { return s.id === state.style; })[0] ||
      styles.filter(function (s) { return s.id === conf.default_style; })[0] || styles[0] || null;
  }

  /* Every chosen concept's data and, as chosen, its sources' data. */
  function gather(app, state) {
    var root = rootOf(app);
    return Promise.all(state.items.map(function (it) {
      return getJSON(new URL("cite/" + it.slug + ".brief.json", root)).then(function (data) {
        var refs = [];
        if (data.primary && include(state, it.slug, "primary")) refs.push(data.primary);
        if (include(state, it.slug, "further")) refs = refs.concat(data.further || []);
        refs = refs.filter(function (r) { return r && SOURCE_FILE.test(r.file); });
        return Promise.all(refs.map(function (r) {
          return getJSON(new URL("cite/" + r.file, root));
        })).then(function (sources) {
          return { slug: it.slug, data: data, items: [data.page].concat(sources) };
        });
      }, function () {
        return { slug: it.slug, data: null, items: [] };
      });
    }));
  }

  function today() { return new Date(); }

  function todayISO() {
    var d = today();
    return d.getFullYear() + "-" + (d.getMonth() < 9 ? "0" : "") + (d.getMonth() + 1) + "-" +
      (d.getDate() < 10 ? "0" : "") + d.getDate();
  }

  function setAccessed(root) {
    var cw = window.conceptwiki;
    if (cw && cw.refreshAccessed) { cw.refreshAccessed(root); return; }
  }

  /* An entry's HTML with today's accessed date, as an inert element (no scripts, no loads). */
  function entryElement(html) {
    var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    var el = doc.body.firstChild;
    setAccessed(el);
    el.querySelectorAll(".cw-accessed").forEach(function (span) {
      span.replaceWith(doc.createTextNode(span.textContent));
    });
    return el;
  }

  function clipboardForms(entries) {
    var els = entries.map(function (e) { return entryElement(e.html); });
    return {
      plain: els.map(function (el) { return el.textContent.replace(/[ \t\r\n]+/g, " ").trim(); }).join("\n"),
      html: els.map(function (el) { return "<p>" + el.innerHTML + "</p>"; }).join("\n")
    };
  }

  function status(app, text) {
    var el = app.querySelector(".cw-brief-status");
    if (el) el.textContent = text;
  }

  function copy(app, kind) {
    return current(app).then(function (res) {
      if (!res.entries.length) { status(app, "Nothing to copy"); return; }
      var forms = clipboardForms(res.entries);
      var done = function () { status(app, kind === "rich" ? "Copied the bibliography" : "Copied as plain text"); };
      var fail = function () { status(app, "Copying failed: select the bibliography below and copy it"); };
      if (kind === "rich" && navigator.clipboard && navigator.clipboard.write && window.ClipboardItem) {
        return navigator.clipboard.write([new ClipboardItem({
          "text/plain": new Blob([forms.plain], { type: "text/plain" }),
          "text/html": new Blob([forms.html], { type: "text/html" })
        })]).then(done, fail);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        return navigator.clipboard.writeText(forms.plain).then(done, fail);
      }
      fail();
    });
  }

  function fileFor(format, items, build) {
    var iso = todayISO(), d = today();
    if (format === "json") {
      var csl = items.map(function (it) {
        var c = JSON.parse(JSON.stringify(it.csl));
        if (it.page && c.accessed) c.accessed = { "date-parts": [[d.getFullYear(), d.getMonth() + 1, d.getDate()]] };
        return c;
      });
      return JSON.stringify(csl, null, 2) + "\n";
    }
    if (format === "bib") {
      return items.map(function (it) {
        return it.page ? it.bibtex.replace("urldate = {" + build + "}", "urldate = {" + iso + "}") : it.bibtex;
      }).join("\n");
    }
    return items.map(function (it) {
      return it.page ? it.ris.replace("Y2  - " + build.replace(/-/g, "/"), "Y2  - " + iso.replace(/-/g, "/")) : it.ris;
    }).join("");
  }

  function download(app, format) {
    return current(app).then(function (res) {
      if (!res.items.length) { status(app, "Nothing to download"); return; }
      var build = res.build || "";
      var type = { bib: "application/x-bibtex", ris: "application/x-research-info-systems",
        json: "application/vnd.citationstyles.csl+json" }[format];
      var url = URL.createObjectURL(new Blob([fileFor(format, res.items, build)], { type: type }));
      var a = document.createElement("a");
      a.href = url;
      a.download = "brief." + format;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      status(app, "Downloaded brief." + format);
    });
  }

  /* The chosen items, their bibliography in the chosen style, and the build date. */
  function current(app) {
    var state = load(rootOf(app)), style = currentStyle(app, state);
    return gather(app, state).then(function (concepts) {
      var all = [], build = null;
      concepts.forEach(function (c) {
        all = all.concat(c.items);
        if (c.data && c.data.build_date) build = c.data.build_date;
      });
      var entries = style ? assemble(all, style) : [];
      return { concepts: concepts, entries: entries, items: entries.map(function (e) { return e.item; })
        .concat(uniqueMissing(all, entries)), build: build, state: state, style: style };
    });
  }

  /* Items the style renders nothing for still go into the files. */
  function uniqueMissing(all, entries) {
    var shown = new Set(entries.map(function (e) { return e.item.id.toLowerCase(); })), out = [], seen = new Set();
    all.forEach(function (it) {
      var k = it.id.toLowerCase();
      if (!shown.has(k) && !seen.has(k)) { seen.add(k); out.push(it); }
    });
    return out;
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function checkbox(cls, label, checked, disabled, slug, name) {
    var wrap = el("label", { "class": "cw-brief-item-option" });
    var box = el("input", { type: "checkbox", "class": cls, "data-slug": slug, "aria-label": name });
    box.checked = checked;
    box.disabled = disabled;
    wrap.appendChild(box);
    wrap.appendChild(document.createTextNode(" " + label));
    return wrap;
  }

  var generation = 0;

  function renderBrief(app) {
    var gen = ++generation, root = rootOf(app), state = load(root), style = currentStyle(app, state);
    app.hidden = false;
    document.querySelectorAll(".cw-brief-nojs").forEach(function (n) { n.hidden = true; });
    app.querySelector(".cw-brief-empty").hidden = state.items.length > 0;
    app.querySelector(".cw-brief-body").hidden = state.items.length === 0;
    var select = app.querySelector(".cw-brief-style");
    if (style) select.value = style.id;
    app.querySelector(".cw-brief-primary").checked = state.primary;
    app.querySelector(".cw-brief-further").checked = state.further;
    if (!state.items.length) return Promise.resolve();
    return current(app).then(function (res) {
      if (gen !== generation) return;
      var list = app.querySelector(".cw-brief-list");
      list.textContent = "";
      res.concepts.forEach(function (c, i) {
        var title = state.items[i].title, li = el("li", { "class": "cw-brief-item", "data-slug": c.slug });
        if (c.data) {
          title = c.data.title;
          li.appendChild(el("a", { href: new URL(c.data.path, root).href, "class": "cw-brief-title" }, title));
          var further = (c.data.further || []).length;
          var opts = el("span", { "class": "cw-brief-item-options" });
          opts.appendChild(checkbox("cw-brief-item-primary", "primary source", !!c.data.primary && include(state, c.slug, "primary"), !c.data.primary, c.slug,
            "Include the primary source of " + title));
          opts.appendChild(checkbox("cw-brief-item-further", further === 1 ? "1 further source" : further + " further sources", further > 0 && include(state, c.slug, "further"), further === 0, c.slug,
            "Include the further sources of " + title));
          li.appendChild(opts);
        } else {
          li.appendChild(el("span", { "class": "cw-brief-title" }, title));
          li.appendChild(el("span", { "class": "cw-brief-missing" }, " (no longer in this wiki)"));
        }
        li.appendChild(el("button", { type: "button", "class": "md-button cw-brief-remove", "data-slug": c.slug,
          "aria-label": "Remove " + title + " from brief" }, "Remove"));
        list.appendChild(li);
      });
      var bib = app.querySelector(".cw-brief-bibliography");
      bib.textContent = "";
      res.entries.forEach(function (e) {
        var div = el("div", { "class": "cw-brief-entry csl-entry" });
        div.innerHTML = e.html;  /* rendered at build time by the citation engine (escaped) */
        bib.appendChild(div);
      });
      setAccessed(bib);
      var n = res.entries.length;
      bib.setAttribute("aria-label", n + (n === 1 ? " entry" : " entries") + (style ? " in " + style.label : ""));
    });
  }

  function update(app, change) {
    var root = rootOf(app), state = load(root);
    change(state);
    save(root, state);
    return renderBrief(app);
  }

  function briefApp() { return document.querySelector(".cw-brief[data-config]"); }

  document.addEventListener("click", function (event) {
    var t = event.target.closest ? event.target : null;
    if (!t) return;
    var b = t.closest(".cw-brief-toggle");
    if (b) { toggle(b); return; }
    if (t.closest(".cw-print")) { window.print(); return; }
    var app = briefApp();
    if (!app || !app.contains(t)) return;
    var remove = t.closest(".cw-brief-remove");
    if (remove) {
      var slug = remove.getAttribute("data-slug");
      update(app, function (s) {
        s.items = s.items.filter(function (it) { return it.slug !== slug; });
        delete s.per[slug];
      });
      return;
    }
    if (t.closest(".cw-brief-clear")) {
      update(app, function (s) { s.items = []; s.per = {}; });
      return;
    }
    var c = t.closest(".cw-brief-copy");
    if (c) { copy(app, c.getAttribute("data-kind")); return; }
    var d = t.closest(".cw-brief-download");
    if (d) download(app, d.getAttribute("data-format"));
  });

  document.addEventListener("change", function (event) {
    var t = event.target, app = briefApp();
    if (!app || !app.contains(t)) return;
    if (t.classList.contains("cw-brief-style")) {
      update(app, function (s) { s.style = t.value; });
    } else if (t.classList.contains("cw-brief-primary") || t.classList.contains("cw-brief-further")) {
      var which = t.classList.contains("cw-brief-primary") ? "primary" : "further";
      update(app, function (s) {
        s[which] = t.checked;
        Object.keys(s.per).forEach(function (k) { delete s.per[k][which]; });  /* one choice for all */
      });
    } else if (t.classList.contains("cw-brief-item-primary") || t.classList.contains("cw-brief-item-further")) {
      var what = t.classList.contains("cw-brief-item-primary") ? "primary" : "further", slug = t.getAttribute("data-slug");
      update(app, function (s) {
        s.per[slug] = s.per[slug] || {};
        s.per[slug][what] = t.checked;
      });
    }
  });

  /* Another tab changed the basket. */
  window.addEventListener("storage", function (event) {
    if (event.key && event.key.indexOf(PREFIX) !== 0) return;
    updateToggles(document);
    var app = briefApp();
    if (app) renderBrief(app);
  });

  /* Material's instant navigation makes the site's own links absolute: the print stylesheet
     prints the address of external links only. */
  function markInternalLinks(doc) {
    doc.querySelectorAll(".md-content a[href]").forEach(function (a) {
      try {
        if (new URL(a.getAttribute("href"), window.location.href).origin === window.location.origin) {
          a.classList.add("cw-internal");
        }
      } catch (e) { /* not a URL */ }
    });
  }

  function init() {
    markInternalLinks(document);
    updateToggles(document);
    document.querySelectorAll(".cw-print").forEach(function (b) { b.hidden = !window.print; });
    var app = briefApp();
    if (app) renderBrief(app);
  }

  window.conceptwikiBrief = { assemble: assemble, compareSortKeys: compareSortKeys, load: load };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  /* Material's instant navigation swaps pages */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
