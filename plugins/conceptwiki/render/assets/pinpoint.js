/* conceptwiki: "cite this passage" and "this entry has changed since the version you cited".
 *
 * Without this script every passage still has its anchor link (¶ N → #p-…) and the page
 * lists its versions. With it, the ¶ link copies the citation of the page with the
 * passage's pinpoint, in the style chosen under "Cite this page", and a link with
 * ?v=<fingerprint> tells the reader whether the entry has changed since that version.
 */
(function () {
  "use strict";
  function pinData() {
    var el = document.getElementById("cw-pinpoint-data");
    if (!el) return null;
    try { return JSON.parse(el.getAttribute("data-cw-pinpoint")); } catch (e) { return null; }
  }

  /* The style of the tab the reader has chosen under "Cite this page" (BibTeX: the default). */
  function chosenStyle(data) {
    var set = document.querySelector(".cw-cite-tabs--page") || document.querySelector(".cw-cite-tabs");
    if (set) {
      var inputs = set.querySelectorAll("input[type=radio]");
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].checked && i < data.styles.length) return data.styles[i];
      }
    }
    for (var j = 0; j < data.styles.length; j++) {
      if (data.styles[j].style === data["default"]) return data.styles[j];
    }
    return data.styles[0];
  }

  function fill(data, template, number, anchor) {
    return template.split(data.locator).join(String(number)).split(data.anchor).join(anchor);
  }

  /* Parse our own pre-rendered HTML inertly and give accessed dates today's date. */
  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    /* conceptwiki.js (loaded first on every page) formats dates as the citation styles do. */
    if (window.conceptwiki) window.conceptwiki.refreshAccessed(t.content);
    var box = document.createElement("div");
    box.appendChild(t.content);
    return box;
  }

  /* The citation of the page with the passage's pinpoint: the footnote or in-text citation,
   * then (unless the note already gives the URL) the reference entry. */
  function passageCitation(data, number, anchor) {
    var s = chosenStyle(data);
    var parts = [fragment(fill(data, s.cite_html, number, anchor))];
    if (!s.standalone) parts.push(fragment(fill(data, s.ref_html, number, anchor)));
    var text = parts.map(function (p) { return p.textContent.replace(/\s+/g, " ").trim(); }).join("\n");
    var html = parts.map(function (p) { return "<p>" + p.innerHTML + "</p>"; }).join("");
    return { text: text, html: html, style: s.style };
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

  function copy(text, html, done, fail) {
    var fallback = function () { if (copyFallback(text)) done(); else fail(); };
    if (navigator.clipboard && window.ClipboardItem && navigator.clipboard.write) {
      var item = new ClipboardItem({
        "text/plain": new Blob([text], { type: "text/plain" }),
        "text/html": new Blob([html], { type: "text/html" })
      });
      navigator.clipboard.write([item]).then(done, function () {
        navigator.clipboard.writeText(text).then(done, fallback);
      });
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function flash(link, text) {
    var old = link.getAttribute("data-label") || link.textContent;
    link.setAttribute("data-label", old);
    link.textContent = text;
    window.setTimeout(function () { link.textContent = old; }, 1500);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.cw-pin[data-cw-pin]");
    if (!link) return;
    var data = pinData();
    /* link.hash, not the href attribute: Material's instant navigation makes hrefs absolute */
    var anchor = decodeURIComponent((link.hash || "").slice(1));
    if (!data || !data.styles || !data.styles.length || !/^k?p-[0-9a-f]{8}(-[0-9]+)?$/.test(anchor)) return;
    event.preventDefault();
    var cite = passageCitation(data, link.getAttribute("data-cw-pin"), anchor);
    link.setAttribute("data-cw-citation", cite.text);  /* what was copied, for readers and tests */
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + anchor);
    }
    document.querySelectorAll(".cw-passage--cited").forEach(function (el) {
      el.classList.remove("cw-passage--cited");
    });
    if (link.parentElement) link.parentElement.classList.add("cw-passage--cited");
    copy(cite.text, cite.html, function () { flash(link, "Copied"); },
      function () { flash(link, "Copy failed"); });
  });

  /* ?v=<fingerprint>: say whether the entry has changed since the version cited. */
  function versionNotice() {
    var notice = document.querySelector(".cw-version-notice");
    var list = document.querySelectorAll(".cw-version-list > li[data-fingerprint]");
    if (!notice || !list.length || !window.URLSearchParams) return;
    var wanted = (new URLSearchParams(window.location.search).get("v") || "").trim().toLowerCase();
    if (!/^[0-9a-f]{6,64}$/.test(wanted)) return;
    var match = null;
    for (var i = 0; i < list.length; i++) {
      var fp = list[i].getAttribute("data-fingerprint");
      if (fp.indexOf(wanted) === 0 || wanted.indexOf(fp) === 0) { match = list[i]; break; }
    }
    var current = list[0];
    var when = function (li) {
      var t = li.querySelector("time");
      return t ? t.textContent : "an unknown date";
    };
    var title, message, kind;
    if (match === current) {
      kind = "note";
      title = "You are reading the version you cited";
      message = "This entry has not changed since version " + current.getAttribute("data-fingerprint") +
        " (" + when(current) + ").";
    } else if (match) {
      kind = "warning";
      title = "This entry has changed since the version you cited";
      message = "You cited version " + match.getAttribute("data-fingerprint") + " (" + when(match) +
        "). The current version is " + current.getAttribute("data-fingerprint") + " (" + when(current) +
        "); see the versions under \u201cHow to cite\u201d.";
    } else {
      kind = "warning";
      title = "Version not found";
      message = "The version you cited (" + wanted + ") is not in this page\u2019s version record, " +
        "so this entry may have changed since. The current version is " +
        current.getAttribute("data-fingerprint") + " (" + when(current) + ").";
    }
    notice.className = "cw-version-notice admonition " + kind;
    notice.setAttribute("data-cw-version-state", match === current ? "current" : (match ? "changed" : "unknown"));
    notice.textContent = "";
    var p1 = document.createElement("p");
    p1.className = "admonition-title";
    p1.textContent = title;
    var p2 = document.createElement("p");
    p2.textContent = message;
    notice.appendChild(p1);
    notice.appendChild(p2);
    notice.hidden = false;
    if (match) {
      match.classList.add("cw-version--cited");
      if (match !== current) {
        var details = document.getElementById("versions");
        if (details) details.open = true;
      }
    }
  }

  function init() { versionNotice(); }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  /* Material's instant navigation swaps pages */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
