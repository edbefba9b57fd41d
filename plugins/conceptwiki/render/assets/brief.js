/* conceptwiki: the brief basket ("Add to brief" on concept and instrument pages and the Brief
   page) and the "Print / Save as PDF" button. Pages read the same without it; the Brief page
   says that it needs it. Data comes only from this site: cite/<slug>.brief.json of the
   concepts in the basket, cite/instruments/<slug>.brief.json of its policy instruments (their
   basket name is "instruments/<slug>") and cite/sources/<id>.brief.json of their sources
   (see conceptwiki/render/brief.py). */
(function () {
  "use strict";
  var PREFIX = "conceptwiki.brief";
  var YEAR_SUFFIX = "\ue100", CITATION_NUMBER = "\ue101";
  var SLUG = /^(?:instruments\/)?[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var SOURCE_FILE = /^sources\/[a-z0-9._-]+\.brief\.json$/;

  /* -- storage: one basket per site (the site's root path), tolerant of anything stored -- */

  function rootOf(el) {
    return new URL(el.getAttribute("data-root") || "./", window.location.href);
  }

  function storageKey(root) { return PREFIX + ":" + root.pathname; }

  /* The parts of the brief document a reader can leave out (brief-doc.js). */
  var PARTS = ["definitions", "key_points", "status", "instruments"];
  var FINGERPRINT = /^[0-9a-f]{6,64}$/;

  function emptyState() {
    return { version: 1, items: [], style: null, primary: true, further: true, per: {},
      parts: { definitions: true, key_points: true, status: true, instruments: true } };
  }

  /* A brief opened from a "share this brief" link (#brief=...): shown instead of the
     basket, and changed in the address, until the reader saves it as their brief. */
  var shared = null;

  function parseState(data) {
    var state = emptyState();
    if (!data || typeof data !== "object") return state;
    var seen = {};
    (Array.isArray(data.items) ? data.items : []).forEach(function (it) {
      if (it && typeof it.slug === "string" && SLUG.test(it.slug) && !seen[it.slug]) {
        seen[it.slug] = true;
        var item = { slug: it.slug, title: typeof it.title === "string" ? it.title : it.slug };
        /* v: the version (fingerprint) the brief cites; keep: the reader keeps citing it
           after the entry changed; snap: what that version said (kept in this browser). */
        if (typeof it.v === "string" && FINGERPRINT.test(it.v)) item.v = it.v;
        if (it.keep === true) item.keep = true;
        if (it.snap && typeof it.snap === "object" && typeof it.snap.fingerprint === "string") item.snap = it.snap;
        state.items.push(item);
      }
    });
    if (data.parts && typeof data.parts === "object") {
      PARTS.forEach(function (p) { if (typeof data.parts[p] === "boolean") state.parts[p] = data.parts[p]; });
    }
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

  function load(root) {
    if (shared) return parseState(JSON.parse(JSON.stringify(shared)));
    var raw = null, data = null;
    try { raw = window.localStorage.getItem(storageKey(root)); } catch (e) { return emptyState(); }
    if (!raw) return emptyState();
    try { data = JSON.parse(raw); } catch (e) { return emptyState(); }
    return parseState(data);
  }

  /* -- "share this brief": the basket, style and parts in the address (no server) --
     #brief=<style>~<parts>~<slug>.<fingerprint>,<slug>.<fingerprint>
     parts: the letters of what is included (d definitions, k key points, s status,
     i the instruments that address each concept and the concepts each instrument addresses,
     p primary sources, f further sources). A link made before instruments were in the brief
     has no "i" and opens as it was made: without them. */
  var PART_LETTERS = { definitions: "d", key_points: "k", status: "s", instruments: "i", primary: "p", further: "f" };

  function shareHash(state, style) {
    var parts = Object.keys(PART_LETTERS).filter(function (p) {
      return p === "primary" || p === "further" ? state[p] : state.parts[p];
    }).map(function (p) { return PART_LETTERS[p]; }).join("");
    return "#brief=" + encodeURIComponent(style || "") + "~" + (parts || "-") + "~" +
      state.items.map(function (it) { return it.slug + (it.v ? "." + it.v : ""); }).join(",");
  }

  function parseShare(hash) {
    var m = /^#brief=([^~]*)~([a-z-]*)~([a-z0-9.,\/-]*)$/.exec(hash || "");
    if (!m) return null;
    var state = emptyState(), letters = m[2];
    try { state.style = decodeURIComponent(m[1]) || null; } catch (e) { return null; }
    Object.keys(PART_LETTERS).forEach(function (p) {
      var on = letters.indexOf(PART_LETTERS[p]) >= 0;
      if (p === "primary" || p === "further") state[p] = on; else state.parts[p] = on;
    });
    m[3].split(",").forEach(function (one) {
      var bits = one.split("."), slug = bits[0];
      if (!SLUG.test(slug) || has(state, slug)) return;
      var item = { slug: slug, title: slug };
      if (bits[1] && FINGERPRINT.test(bits[1])) item.v = bits[1];
      state.items.push(item);
    });
    return state;
  }

  function save(root, state) {
    if (shared) {
      shared = state;
      var app = briefApp();
      var hash = shareHash(state, app ? (currentStyle(app, state) || {}).id : state.style);
      try { window.history.replaceState(null, "", hash); } catch (e) { /* file: URLs */ }
      return true;
    }
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
      // The name starts with the words on the button, then says which page (WCAG 2.5.3: a
      // reader who says or searches for "Add to brief" finds it).
      b.setAttribute("aria-label", (inBrief ? "Remove from brief: " : "Add to brief: ") + title);
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
      out.push({ item: it, html: body.split(CITATION_NUMBER).join(String(index + 1)),
        suffix: ys ? suffix.get(it) : null });
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
        var current = data.pack ? data.pack.fingerprint : null;
        if (it.keep && it.v && it.v !== current && it.snap && it.snap.fingerprint === it.v) {
          /* The reader keeps citing the version the brief was made with. */
          data = Object.assign({}, data, { page: it.snap.page, pack: it.snap.pack, kept: true });
        }
        data = Object.assign({}, data, { current: current });
        var refs = [];
        if (data.primary && include(state, it.slug, "primary")) refs.push(data.primary);
        if (include(state, it.slug, "further")) refs = refs.concat(data.further || []);
        /* The sources the instrument lines cite, at their pinpoints. */
        if (state.parts.instruments !== false) refs = refs.concat(data.linked || []);
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

  /* The version each concept is cited in: set when it first shows in the brief, with a copy
     of what it said (so that "keep the cited version" can show it after the entry changes). */
  function recordVersions(root, state, concepts) {
    var changed = false;
    concepts.forEach(function (c, i) {
      var it = state.items[i];
      if (!c.data || !c.data.pack || !it || it.slug !== c.slug) return;
      var fp = c.data.current;
      if (!it.v) { it.v = fp; changed = true; }
      if (!shared && it.v === fp && (!it.snap || it.snap.fingerprint !== fp)) {
        it.snap = { fingerprint: fp, page: c.data.page, pack: c.data.pack };
        changed = true;
      }
    });
    if (changed) save(root, state);
  }

  function versionFlag(c, it) {
    var data = c.data, box = el("div", { "class": "cw-brief-changed", role: "note" });
    var updated = data.pack && data.pack.updated ? ", updated " + data.pack.updated : "";
    if (it.keep) {
      box.appendChild(el("span", {}, data.kept
        ? "Citing version " + it.v + " as this brief was made; the entry has changed since (now version " + data.current + updated + "). "
        : "This brief cites version " + it.v + "; the entry has changed since (now version " + data.current + updated +
          "), and this browser has no copy of the cited version, so the current text is shown. "));
    } else {
      box.appendChild(el("strong", {}, "Changed since this brief was made: "));
      box.appendChild(el("span", {}, "version " + it.v + " is cited, the entry is now version " + data.current + updated + ". "));
    }
    if (data.kind !== "instrument") {  /* concept pages show an earlier version's differences */
      box.appendChild(el("a", { href: new URL(data.path + "?v=" + it.v, rootOf(briefApp())).href }, "See what changed"));
      box.appendChild(document.createTextNode(" "));
    }
    box.appendChild(el("button", { type: "button", "class": "md-button cw-brief-update", "data-slug": c.slug,
      "aria-label": "Update to the current version: " + data.title }, "Update to the current version"));
    if (!it.keep) {
      box.appendChild(el("button", { type: "button", "class": "md-button cw-brief-keep", "data-slug": c.slug,
        "aria-label": "Keep the cited version of " + data.title }, "Keep the cited version"));
    }
    return box;
  }

  function moveButton(slug, title, dir, disabled) {
    var b = el("button", { type: "button", "class": "md-button cw-brief-move", "data-slug": slug, "data-dir": dir,
      "aria-label": "Move " + title + (dir < 0 ? " up" : " down") }, dir < 0 ? "↑" : "↓");
    b.disabled = disabled;
    return b;
  }

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
    app.querySelectorAll(".cw-brief-part").forEach(function (box) {
      box.checked = state.parts[box.getAttribute("data-part")] !== false;
    });
    var banner = app.querySelector(".cw-brief-shared");
    if (banner) banner.hidden = !shared;
    if (!state.items.length) return Promise.resolve();
    return current(app).then(function (res) {
      if (gen !== generation) return;
      recordVersions(root, state, res.concepts);
      var list = app.querySelector(".cw-brief-list");
      list.textContent = "";
      res.concepts.forEach(function (c, i) {
        var title = state.items[i].title, li = el("li", { "class": "cw-brief-item", "data-slug": c.slug });
        var it = state.items[i];
        if (c.data) {
          title = c.data.title;
          var moves = el("span", { "class": "cw-brief-moves" });
          moves.appendChild(moveButton(c.slug, title, -1, i === 0));
          moves.appendChild(moveButton(c.slug, title, 1, i === res.concepts.length - 1));
          li.appendChild(moves);
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
        if (c.data && c.data.current && it.v && it.v !== c.data.current) {
          li.classList.add("cw-brief-item--changed");
          li.appendChild(versionFlag(c, it));
        }
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
      var share = app.querySelector(".cw-brief-share-url");
      if (share) share.readOnly = true;  /* set here: the page's HTML carries only known attributes */
      if (share) share.value = new URL(window.location.pathname + shareHash(state, style ? style.id : null), window.location.href).href;
      if (window.conceptwikiBriefDoc) window.conceptwikiBriefDoc.render(app, res);
      app.setAttribute("data-ready", String(gen));
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
    var move = t.closest(".cw-brief-move");
    if (move) {
      var mslug = move.getAttribute("data-slug"), dir = Number(move.getAttribute("data-dir"));
      update(app, function (s) {
        var i = s.items.findIndex(function (it) { return it.slug === mslug; }), j = i + dir;
        if (i < 0 || j < 0 || j >= s.items.length) return;
        var tmp = s.items[i]; s.items[i] = s.items[j]; s.items[j] = tmp;
      }).then(function () {
        var again = app.querySelector('.cw-brief-move[data-slug="' + mslug + '"][data-dir="' + dir + '"]');
        if (again && !again.disabled) again.focus();
      });
      return;
    }
    var upd = t.closest(".cw-brief-update"), keep = t.closest(".cw-brief-keep");
    if (upd || keep) {
      var vslug = (upd || keep).getAttribute("data-slug");
      update(app, function (s) {
        s.items.forEach(function (it) {
          if (it.slug !== vslug) return;
          if (upd) { delete it.v; delete it.keep; delete it.snap; } else { it.keep = true; }
        });
      });
      return;
    }
    if (t.closest(".cw-brief-save-shared")) {
      var keepState = load(rootOf(app));
      shared = null;
      save(rootOf(app), keepState);
      try { window.history.replaceState(null, "", window.location.pathname); } catch (e) { /* ignore */ }
      renderBrief(app);
      updateToggles(document);
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
    } else if (t.classList.contains("cw-brief-part")) {
      var part = t.getAttribute("data-part");
      update(app, function (s) { s.parts[part] = t.checked; });
    } else if (t.classList.contains("cw-brief-item-primary") || t.classList.contains("cw-brief-item-further")) {
      var what = t.classList.contains("cw-brief-item-primary") ? "primary" : "further", slug = t.getAttribute("data-slug");
      update(app, function (s) {
        s.per[slug] = s.per[slug] || {};
        s.per[slug][what] = t.checked;
      });
    }
  });

  /* A share link opened on this page. */
  window.addEventListener("hashchange", function () {
    var app = briefApp(), fromLink = parseShare(window.location.hash);
    if (app && fromLink) { shared = fromLink; renderBrief(app); }
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
    var fromLink = parseShare(window.location.hash);
    if (fromLink && briefApp()) shared = fromLink;
    markInternalLinks(document);
    updateToggles(document);
    document.querySelectorAll(".cw-print").forEach(function (b) { b.hidden = !window.print; });
    var app = briefApp();
    if (app) renderBrief(app);
  }

  window.conceptwikiBrief = { assemble: assemble, compareSortKeys: compareSortKeys, load: load,
    current: current, entryElement: entryElement, rootOf: rootOf, status: status, today: today,
    todayISO: todayISO, fileFor: fileFor, shareHash: shareHash, parseShare: parseShare,
    isShared: function () { return !!shared; } };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  /* Material's instant navigation swaps pages */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
