/* conceptwiki search: Material's header search box, answered by Pagefind instead of lunr.
 * Nothing is loaded until the reader opens search; then pagefind.js, its WebAssembly and entry
 * files, and per query only the index chunks and result fragments it needs, all from this site. */
(function () {
  "use strict";

  /* Pagefind's excerpt is the page text, HTML-escaped, with <mark> around the matches. It is
     never handed to innerHTML: the text between the marks is decoded by an inert parser
     (DOMParser runs no script) and added as text, the marks as <mark> elements. */
  function appendExcerpt(el, excerpt) {
    var parts = String(excerpt).split(/<mark>|<\/mark>/);
    var parser = new DOMParser();
    parts.forEach(function (part, i) {
      var text = parser.parseFromString("<body>" + part, "text/html").body.textContent;
      if (!text) return;
      if (i % 2 === 1) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        el.appendChild(mark);
      } else {
        el.appendChild(document.createTextNode(text));
      }
    });
  }
  var PAGE = 10;
  /* Results whose title or alias is exactly the query (ignoring case, hyphens, spaces and
   * punctuation) are moved to the front of the first RERANK results: Pagefind scores words one
   * by one, so "inner optimizer" would otherwise rank the "Inner alignment" page first. */
  var RERANK = 20;
  /* BM25's length normalisation (Pagefind's default 0.75) lets short pages that merely mention a
   * term outrank the long concept page whose title or alias it is; 0.3 keeps titles first. */
  var RANKING = { pageLength: 0.3 };
  var box = document.querySelector(".cw-search[data-cw-pagefind]");
  if (!box) return;
  /* Resolved once: instant navigation keeps the header, and with it this relative URL's base. */
  var bundle = new URL(box.getAttribute("data-cw-pagefind"), document.baseURI).href;
  var siteRoot = new URL("../", bundle).pathname;
  var pagefind = null;
  var results = [];
  var shown = 0;
  var generation = 0;
  var timer = null;

  function $(sel) { return document.querySelector(sel); }
  function toggle() { return document.getElementById("__search"); }
  function input() { return $(".cw-search__input"); }
  function list() { return $(".cw-search__list"); }
  function meta() { return $(".cw-search__meta"); }

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
    if (!t || t.checked === open) return;
    t.checked = open;
    t.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = data.url;
    a.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var h = document.createElement("h1");
    h.textContent = (data.meta && data.meta.title) || data.url;
    var p = document.createElement("p");
    appendExcerpt(p, data.excerpt || "");
    article.appendChild(h);
    article.appendChild(p);
    a.appendChild(article);
    li.appendChild(a);
    a.addEventListener("click", function () { setOpen(false); });
    return li;
  }

  function norm(s) {
    return String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  /* Pagefind results with their data loaded for the first RERANK; exact title/alias hits first. */
  function rerank(q, all) {
    var head = all.slice(0, RERANK), key = norm(q);
    return Promise.all(head.map(function (r) { return r.data(); })).then(function (datas) {
      var exact = [], other = [];
      head.forEach(function (r, i) {
        var d = datas[i], names = [(d.meta && d.meta.title) || ""];
        if (d.meta && d.meta.aliases) names = names.concat(d.meta.aliases.split(", "));
        var item = { data: function () { return Promise.resolve(d); } };
        (names.some(function (n) { return norm(n) === key; }) ? exact : other).push(item);
      });
      return exact.concat(other, all.slice(RERANK));
    });
  }

  function more(gen) {
    var next = results.slice(shown, shown + PAGE);
    shown += next.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (gen !== generation) return;
      var ol = list();
      var old = ol.querySelector(".cw-search__more");
      if (old) old.remove();
      datas.forEach(function (d) { ol.appendChild(item(d)); });
      if (shown < results.length) {
        var li = document.createElement("li");
        li.className = "md-search-result__item cw-search__more";
        var b = document.createElement("button");
        b.type = "button";
        b.className = "md-search-result__more";
        b.textContent = "Show more results";
        b.addEventListener("click", function () { more(gen); });
        li.appendChild(b);
        ol.appendChild(li);
      }
    });
  }

  function run() {
    var q = input().value.trim();
    var gen = ++generation;
    if (!q) {
      list().textContent = "";
      meta().textContent = "Type to start searching";
      return;
    }
    load().then(function (pf) { return pf.search(q); }).then(function (search) {
      if (!search) return null;
      return rerank(q, search.results);
    }).then(function (ranked) {
      if (gen !== generation || !ranked) return;
      results = ranked;
      shown = 0;
      list().textContent = "";
      var n = results.length;
      meta().textContent = n === 0 ? "No matching documents" :
        n === 1 ? "1 matching document" : n + " matching documents";
      return more(gen);
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

  function links() { return Array.prototype.slice.call(document.querySelectorAll(".cw-search__list .md-search-result__link")); }

  document.addEventListener("input", function (e) {
    if (!e.target.classList || !e.target.classList.contains("cw-search__input")) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 200);
  });
  document.addEventListener("submit", function (e) {
    if (e.target.getAttribute("name") !== "cw-search") return;
    e.preventDefault();
    var first = links()[0];
    if (first) { setOpen(false); first.click(); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.id !== "__search") return;
    if (e.target.checked) { load(); window.setTimeout(function () { input().focus(); }, 50); }
  });
  document.addEventListener("keydown", function (e) {
    var t = toggle();
    if (!t) return;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName) ||
      (document.activeElement && document.activeElement.isContentEditable);
    if (!t.checked) {
      if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === "/" || e.key === "s" || e.key === "f")) {
        e.preventDefault();
        setOpen(true);
        input().focus();
      }
      return;
    }
    if (e.key === "Escape") { setOpen(false); input().blur(); return; }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      var all = links();
      if (!all.length) return;
      e.preventDefault();
      var i = all.indexOf(document.activeElement);
      i = e.key === "ArrowDown" ? Math.min(i + 1, all.length - 1) : i - 1;
      if (i < 0) input().focus(); else all[i].focus();
    }
  }, true);
})();
