/* conceptwiki search: Material's header search box, answered by Pagefind instead of lunr.
 * Nothing is loaded until the reader opens search; then pagefind.js, its WebAssembly and entry
 * files, and per query only the index chunks and result fragments it needs, all from this site.
 *
 * Clicking or tapping the box (or the magnifier) opens it; results appear under it as the reader
 * types. Each result is the concept's title (or "Alias → Title" when the query names an alias),
 * its kind and the first sentence of its definition, with the query's words marked. Arrow keys
 * move through the results, Enter opens the first (marked) one or the focused one, Escape closes.
 * Result text is always added as text nodes, never as HTML. */
(function () {
  "use strict";

  var PAGE = 10;
  /* Results whose title or alias is exactly the query (ignoring case, hyphens, spaces and
   * punctuation) are moved to the front of the first RERANK results: Pagefind scores words one
   * by one, so "inner optimizer" would otherwise rank the "Inner alignment" page first. */
  var RERANK = 20;
  /* BM25's length normalisation (Pagefind's default 0.75) lets short pages that merely mention a
   * term outrank the long concept page whose title or alias it is; 0.3 keeps titles first. */
  var RANKING = { pageLength: 0.3 };
  var DELAY = 150;
  var box = document.querySelector(".cw-search[data-cw-pagefind]");
  if (!box) return;
  /* Resolved once: instant navigation keeps the header, and with it this relative URL's base. */
  var bundle = new URL(box.getAttribute("data-cw-pagefind"), document.baseURI).href;
  var siteRoot = new URL("../", bundle).pathname;
  var pagefind = null;
  var results = [];
  var shown = 0;
  var generation = 0;
  var lastQuery = null;
  var timer = null;

  function $(sel) { return document.querySelector(sel); }
  function toggle() { return document.getElementById("__search"); }
  function input() { return $(".cw-search__input"); }
  function list() { return $(".cw-search__list"); }
  function meta() { return $(".cw-search__meta"); }
  function isOpen() { var t = toggle(); return !!(t && t.checked); }
  function narrow() { return !window.matchMedia("(min-width: 60em)").matches; }

  document.querySelectorAll(".cw-search-button, .cw-search").forEach(function (b) { b.hidden = false; });

  function load() {
    if (!pagefind) {
      pagefind = import(bundle + "pagefind.js").then(function (pf) {
        return pf.options({ baseUrl: siteRoot, excerptLength: 24, ranking: RANKING }).then(function () {
          pf.init();
          return pf;
        });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }

  function setOpen(open) {
    var t = toggle();
    if (!t) return;
    if (t.checked !== open) {
      t.checked = open;
      t.dispatchEvent(new Event("change", { bubbles: true }));
    }
    document.querySelectorAll(".cw-search-button").forEach(function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
    if (open) load();
  }

  function open(focus) {
    setOpen(true);
    var field = input();
    if (focus && field && document.activeElement !== field) field.focus();
    if (field && field.value.trim() && field.value.trim() !== lastQuery) run();
  }

  function close(returnFocus) {
    if (!isOpen()) return;
    setOpen(false);
    markActive(false);
    if (returnFocus) {
      var button = $(".cw-search-button");
      var target = narrow() && button ? button : input();
      if (target) target.focus();
    }
  }

  /* -- matching the query's words in a result's text --------------------------------------- */

  function fold(s) {
    return String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* A word as compared: folded, British -is- spellings as -iz- ("optimiser" ~ "optimizer"). */
  function wordKey(w) {
    return fold(w).replace(/is(e|es|er|ers|ed|ing|ation|ations)$/, "iz$1");
  }

  /* A query word's stem: matched against the start of the text's words. */
  function stem(w) {
    var k = wordKey(w);
    var s = k.replace(/(izations?|izers?|izing|ized|izes|ize|ations?|ings?|ers?|ed|es|s)$/, "");
    return s.length >= 4 ? s : k;
  }

  var WORD = /[\p{L}\p{N}]+/gu;

  function queryStems(q) { return (fold(q).match(WORD) || []).map(stem); }

  function matches(word, stems) {
    var k = wordKey(word);
    return stems.some(function (s) { return k.lastIndexOf(s, 0) === 0; });
  }

  /* How many of the query's stems begin some word of ``text``. */
  function coverage(text, stems) {
    var words = (String(text).match(WORD) || []).map(wordKey);
    return stems.filter(function (s) {
      return words.some(function (w) { return w.lastIndexOf(s, 0) === 0; });
    }).length;
  }

  /* ``text`` into ``el`` as text nodes, with <mark> around the words the query matches. */
  function appendMarked(el, text, stems) {
    var s = String(text), last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(s))) {
      if (!matches(m[0], stems)) continue;
      if (m.index > last) el.appendChild(document.createTextNode(s.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      el.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (last < s.length) el.appendChild(document.createTextNode(s.slice(last)));
  }

  /* The first sentence of plain text (a full stop after "et al." or an initial ends none). */
  function firstSentence(text) {
    var re = /[.!?]["'\u201d\u2019)\]]*\s+(?=["'\u201c\u2018(\[]*[A-Z0-9])/g, m;
    while ((m = re.exec(text))) {
      var before = text.slice(0, m.index).split(/\s+/).pop().replace(/^[("'\u201c]+/, "");
      if (/^(al|e\.g|i\.e|cf|vs|viz|[A-Z])$/i.test(before) && text[m.index] === ".") continue;
      return text.slice(0, m.index + 1);
    }
    return text;
  }

  /* Pagefind's excerpt (HTML-escaped page text with <mark>s) as plain text, decoded by an inert
     parser (DOMParser runs no script), without wikilink syntax or pinpoint marks. */
  function excerptText(excerpt) {
    var text = new DOMParser().parseFromString("<body>" + String(excerpt || ""), "text/html").body.textContent;
    return text.replace(/\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]/g, function (_, t, label) {
      return (label || t).trim();
    }).replace(/\u00b6\s*\d+\s*/g, "").replace(/\s+/g, " ").trim();
  }

  function capitalise(s) { return s ? s.charAt(0).toUpperCase() + s.slice(1) : s; }

  /* What a result shows: its name ("Alias → Title" if the query names an alias better than the
     title), kind and text. */
  function describe(d, stems) {
    var m = d.meta || {};
    var title = m.title || d.url;
    var name = { alias: null, title: title };
    if (stems.length && m.aliases) {
      var best = coverage(title, stems), bestAlias = null;
      m.aliases.split(", ").forEach(function (a) {
        var c = coverage(a, stems);
        if (c > best) { best = c; bestAlias = a; }
      });
      if (bestAlias) name.alias = capitalise(bestAlias);
    }
    var text = m.definition ? firstSentence(m.definition) : excerptText(d.excerpt);
    return { name: name, kind: m.kind || "page", text: text };
  }

  function item(d, stems, index) {
    var info = describe(d, stems);
    var li = document.createElement("li");
    li.className = "md-search-result__item cw-search__hit";
    var a = document.createElement("a");
    a.className = "md-search-result__link cw-search__link";
    a.href = d.url;
    a.id = "cw-search-hit-" + index;
    var article = document.createElement("div");
    article.className = "md-search-result__article md-typeset cw-search__article";
    var head = document.createElement("p");
    head.className = "cw-search__head";
    var title = document.createElement("span");
    title.className = "cw-search__title";
    if (info.name.alias) {
      appendMarked(title, info.name.alias, stems);
      var arrow = document.createElement("span");
      arrow.className = "cw-search__arrow";
      arrow.textContent = " \u2192 ";
      title.appendChild(arrow);
    }
    appendMarked(title, info.name.title, stems);
    var kind = document.createElement("span");
    kind.className = "cw-search__kind";
    kind.textContent = info.kind;
    head.appendChild(title);
    head.appendChild(document.createTextNode(" "));
    head.appendChild(kind);
    var p = document.createElement("p");
    p.className = "cw-search__text";
    appendMarked(p, info.text, stems);
    article.appendChild(head);
    if (info.text) article.appendChild(p);
    a.appendChild(article);
    li.appendChild(a);
    a.addEventListener("click", function () { setOpen(false); });
    return li;
  }

  function norm(s) {
    return fold(s).replace(/[^a-z0-9]+/g, " ").trim();
  }

  /* Pagefind results with their data loaded for the first RERANK; exact title/alias hits first.
   * Also the query's words that no word of those pages begins with: for a word it does not
   * know, Pagefind returns the pages whose words share its longest known prefix ("blorft" finds
   * 52 pages through "bl..."), which the reader is told rather than left to wonder. */
  function rerank(q, all) {
    var head = all.slice(0, RERANK), key = norm(q);
    var words = fold(q).match(WORD) || [];
    return Promise.all(head.map(function (r) { return r.data(); })).then(function (datas) {
      var exact = [], other = [];
      head.forEach(function (r, i) {
        var d = datas[i], names = [(d.meta && d.meta.title) || ""];
        if (d.meta && d.meta.aliases) names = names.concat(d.meta.aliases.split(", "));
        var entry = { data: function () { return Promise.resolve(d); } };
        (names.some(function (n) { return norm(n) === key; }) ? exact : other).push(entry);
      });
      var missing = words.filter(function (w) {
        var st = [stem(w)];
        return !datas.some(function (d) {
          return coverage([(d.meta && d.meta.title) || "", (d.meta && d.meta.aliases) || "",
                           d.content || ""].join(" "), st) > 0;
        });
      });
      var ranked = exact.concat(other, all.slice(RERANK));
      ranked.missing = datas.length ? missing : [];
      return ranked;
    });
  }

  function quoted(words) {
    return words.map(function (w) { return "\u201c" + w + "\u201d"; }).join(", ");
  }

  function links() { return Array.prototype.slice.call(document.querySelectorAll(".cw-search__list .cw-search__link")); }

  /* The first result is what Enter in the box opens: it is marked while the box has focus. */
  function markActive(on) {
    links().forEach(function (a, i) { a.classList.toggle("cw-search__link--active", on && i === 0); });
  }

  function more(gen, stems) {
    var next = results.slice(shown, shown + PAGE);
    var start = shown;
    shown += next.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (gen !== generation) return;
      var ol = list();
      var old = ol.querySelector(".cw-search__more");
      if (old) old.remove();
      datas.forEach(function (d, i) { ol.appendChild(item(d, stems, start + i)); });
      if (shown < results.length) {
        var li = document.createElement("li");
        li.className = "md-search-result__item cw-search__more";
        var b = document.createElement("button");
        b.type = "button";
        b.className = "cw-search__more-button";
        b.textContent = "Show more results";
        b.addEventListener("click", function () {
          more(gen, stems).then(function () { var all = links(); if (all[start + PAGE]) all[start + PAGE].focus(); });
        });
        li.appendChild(b);
        ol.appendChild(li);
      }
      markActive(document.activeElement === input());
    });
  }

  function run() {
    var field = input();
    if (!field) return;
    var q = field.value.trim();
    var gen = ++generation;
    lastQuery = q;
    if (!q) {
      list().textContent = "";
      meta().textContent = "Type to start searching";
      return;
    }
    if (!isOpen()) setOpen(true);
    var stems = queryStems(q);
    load().then(function (pf) { return pf.search(q); }).then(function (search) {
      if (!search) return null;
      return rerank(q, search.results);
    }).then(function (ranked) {
      if (gen !== generation || !ranked) return;
      results = ranked;
      shown = 0;
      list().textContent = "";
      /* Which query the list shows: while the reader types, it can still be an earlier one. */
      list().setAttribute("data-query", q);
      var n = results.length;
      var count = n === 1 ? "1 result" : n + " results";
      var missing = ranked.missing || [];
      meta().textContent = n === 0 ? "No results for \u201c" + q + "\u201d" :
        missing.length ? "No page has the word" + (missing.length > 1 ? "s " : " ") + quoted(missing) + ". " + count +
          (missing.length === (fold(q).match(WORD) || []).length ? " for words that begin like it" :
           " for the other words, or for words that begin like it") : count;
      return more(gen, stems);
    }).catch(function () {
      if (gen === generation) meta().textContent = "Search is not available: the index is built by `mkdocs build` (not `mkdocs serve`) and needs the site served over http";
    });
  }

  /* For tests and the console: result titles and URLs of a query, in the order the box shows them. */
  window.conceptwikiSearch = function (q) {
    return load().then(function (pf) { return pf.search(q); }).then(function (s) {
      return rerank(q, s.results);
    }).then(function (ranked) {
      return Promise.all(ranked.slice(0, PAGE).map(function (r) { return r.data(); }));
    }).then(function (ds) { return ds.map(function (d) { return { title: d.meta && d.meta.title, url: d.url }; }); });
  };

  function inSearch(el) { return !!(el && el.closest && el.closest(".cw-search, .cw-search-button")); }

  /* Opening: a click, tap or focus on the box, the magnifier or the header's search button. */
  document.addEventListener("focusin", function (e) {
    if (e.target.classList && e.target.classList.contains("cw-search__input")) {
      open(false);
      markActive(true);
    }
  });
  document.addEventListener("focusout", function (e) {
    if (e.target.classList && e.target.classList.contains("cw-search__input")) markActive(false);
    /* Focus that leaves the search (Tab past the last result) closes it. */
    if (inSearch(e.target) && e.relatedTarget && !inSearch(e.relatedTarget)) close(false);
  });
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target : e.target.parentElement;
    if (!t) return;
    if (t.closest(".cw-search-button")) { e.preventDefault(); open(true); return; }
    if (t.closest(".cw-search__go")) { e.preventDefault(); open(true); if (input().value.trim()) run(); return; }
    if (t.closest(".cw-search__close")) { e.preventDefault(); close(true); return; }
    if (t.closest(".cw-search__input")) { open(false); }
  });

  document.addEventListener("input", function (e) {
    if (!e.target.classList || !e.target.classList.contains("cw-search__input")) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(run, DELAY);
  });
  document.addEventListener("submit", function (e) {
    if (e.target.getAttribute("name") !== "cw-search") return;
    e.preventDefault();
    window.clearTimeout(timer);
    var q = input().value.trim();
    var go = function () {
      var first = links()[0];
      if (first) { setOpen(false); first.click(); }
    };
    if (q && q !== lastQuery) {  /* typed faster than the results came: search, then go */
      run();
      var gen = generation;
      var wait = window.setInterval(function () {
        if (gen !== generation) { window.clearInterval(wait); return; }
        if (links().length || /^No results/.test(meta().textContent)) { window.clearInterval(wait); go(); }
      }, 50);
      window.setTimeout(function () { window.clearInterval(wait); }, 5000);
    } else {
      go();
    }
  });
  document.addEventListener("change", function (e) {
    if (e.target.id !== "__search") return;
    document.querySelectorAll(".cw-search-button").forEach(function (b) {
      b.setAttribute("aria-expanded", e.target.checked ? "true" : "false");
    });
    /* The overlay (a label for the toggle) was clicked: the search closes. */
    if (!e.target.checked) markActive(false);
  });
  document.addEventListener("keydown", function (e) {
    var t = toggle();
    if (!t) return;
    var active = document.activeElement;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(active && active.tagName) || (active && active.isContentEditable);
    if (!t.checked) {
      if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && e.key === "/") {
        e.preventDefault();
        open(true);
      }
      return;
    }
    if (e.key === "Escape") { e.preventDefault(); close(true); return; }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      var all = links();
      if (!all.length || !inSearch(active)) return;
      e.preventDefault();
      var i = all.indexOf(active);
      i = e.key === "ArrowDown" ? Math.min(i + 1, all.length - 1) : i - 1;
      if (i < 0) input().focus(); else all[i].focus();
    }
  }, true);
})();
