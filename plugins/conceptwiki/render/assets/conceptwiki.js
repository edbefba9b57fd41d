/* conceptwiki: copy buttons, accessed dates and downloads. Pages are fully readable without it. */
(function () {
  "use strict";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function formatDate(fmt, d) {
    var m = MONTHS[d.getMonth()], day = d.getDate(), y = d.getFullYear();
    switch (fmt) {
      case "MMMM D, YYYY": return m + " " + day + ", " + y;
      case "D MMMM YYYY": return day + " " + m + " " + y;
      case "YYYY-MM-DD": return y + "-" + pad(d.getMonth() + 1) + "-" + pad(day);
      case "MMM. D, YYYY": return (m === "May" ? "May" : m.slice(0, 3) + ".") + " " + day + ", " + y;
      case "D MMM YYYY": return day + " " + m.slice(0, 3) + " " + y;
    }
    return null;
  }

  /* Citations of this wiki carry the day the reader reads or copies them as accessed date. */
  function refreshAccessed(root) {
    var today = new Date();
    root.querySelectorAll(".cw-accessed[data-date-format]").forEach(function (el) {
      var text = formatDate(el.getAttribute("data-date-format"), today);
      if (text) el.textContent = text;
    });
  }

  function flash(button, text) {
    var old = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", old);
    button.textContent = text;
    window.setTimeout(function () { button.textContent = old; }, 1500);
  }

  function copyFallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function plainText(el) {
    return el.textContent.replace(/[ \t\r\n]+$/g, "").replace(/^\s+/, "");
  }

  function copyElement(el, button) {
    refreshAccessed(el);
    /* BibTeX sits in a <pre>, whose id the theme rewrites: copy its code, verbatim. */
    var code = el.querySelector("pre code");
    var text = code ? code.textContent.replace(/\n$/, "") : plainText(el).replace(/\s+/g, " ");
    var html = code ? null : el.innerHTML;
    var done = function () { flash(button, "Copied"); };
    var fail = function () { if (copyFallback(text)) done(); else flash(button, "Copy failed"); };
    if (navigator.clipboard && window.ClipboardItem && html && navigator.clipboard.write) {
      var item = new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" })
      });
      navigator.clipboard.write([item]).then(done, function () {
        navigator.clipboard.writeText(text).then(done, fail);
      });
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fail);
    } else {
      fail();
    }
  }

  /* The page's own entry comes first in each download: give it today's accessed date. */
  function todayIn(format, text, built) {
    var d = new Date();
    var iso = formatDate("YYYY-MM-DD", d);
    if (format === "bib") {
      return text.replace("urldate = {" + built + "}", "urldate = {" + iso + "}");
    }
    if (format === "ris") {
      return text.replace("Y2  - " + built.replace(/-/g, "/"), "Y2  - " + iso.replace(/-/g, "/"));
    }
    if (format === "json") {
      var items = JSON.parse(text);
      if (items.length && items[0].accessed) {
        items[0].accessed = { "date-parts": [[d.getFullYear(), d.getMonth() + 1, d.getDate()]] };
      }
      return JSON.stringify(items, null, 2) + "\n";
    }
    return text;
  }

  function download(link) {
    var format = link.getAttribute("data-format");
    var built = document.querySelector("[data-build-date]");
    if (!window.fetch || !window.Blob || !built) return false;
    fetch(link.href).then(function (r) { return r.text(); }).then(function (text) {
      var body = todayIn(format, text, built.getAttribute("data-build-date"));
      var type = { bib: "application/x-bibtex", ris: "application/x-research-info-systems",
        json: "application/vnd.citationstyles.csl+json" }[format] || "text/plain";
      var url = URL.createObjectURL(new Blob([body], { type: type }));
      var a = document.createElement("a");
      a.href = url;
      a.download = link.getAttribute("href").split("/").pop();
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }).catch(function () { window.location.href = link.href; });
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".cw-copy");
    if (button) {
      var el = document.getElementById(button.getAttribute("data-copy"));
      if (el) { event.preventDefault(); copyElement(el, button); }
      return;
    }
    var link = event.target.closest && event.target.closest("a.cw-download[data-format]");
    if (link && download(link)) event.preventDefault();
  });

  /* For brief.js (the Brief page sets the accessed dates of what it puts together). */
  window.conceptwiki = { formatDate: formatDate, refreshAccessed: refreshAccessed };

  /* A printed concept page carries its address, version and date at the top of each page,
     and the day it was printed and the page number at the bottom (CSS page-margin boxes; the
     values are the page's own, from data attributes, put into a style as CSS strings). */
  function cssString(text) {
    return '"' + String(text).replace(/[\\"]/g, "\\$&").replace(/[\r\n\f]+/g, " ") + '"';
  }

  function printMargins() {
    var style = document.getElementById("cw-print-margins");
    var data = document.querySelector("[data-print-url]");
    if (!data) { if (style) style.remove(); return; }
    if (!style) {
      style = document.createElement("style");
      style.id = "cw-print-margins";
      style.media = "print";
      document.head.appendChild(style);
    }
    style.textContent = "@page { @top-left { content: " + cssString(data.getAttribute("data-print-url")) +
      "; } @top-right { content: " + cssString(data.getAttribute("data-print-version") || "") +
      "; } @bottom-left { content: " + cssString("Printed " + formatDate("D MMMM YYYY", new Date())) +
      "; } @bottom-right { content: counter(page) \" / \" counter(pages); } }";
  }

  /* The citation style the reader chose under "Cite this page" is remembered (in this browser)
     and chosen again on every concept page: it is also the one that is printed. */
  var STYLE_KEY = "conceptwiki.cite-style";

  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches(".cw-cite-tabs--page > input[type=radio]") || !input.checked) return;
    var label = document.querySelector('label[for="' + input.id + '"]');
    try { if (label) window.localStorage.setItem(STYLE_KEY, label.textContent.trim()); } catch (x) { /* private mode */ }
  });

  function restoreStyle() {
    var want = null;
    try { want = window.localStorage.getItem(STYLE_KEY); } catch (x) { return; }
    if (!want) return;
    document.querySelectorAll(".cw-cite-tabs--page > .tabbed-labels > label").forEach(function (label) {
      var input = document.getElementById(label.htmlFor);
      if (input && label.textContent.trim() === want) input.checked = true;
    });
  }

  function init() { refreshAccessed(document); printMargins(); restoreStyle(); }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  /* Material's instant navigation swaps pages */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
