/* conceptwiki: the brief as a document (the Brief page). brief.js keeps the basket and puts
   the bibliography together; this script makes the document of the concepts in it -- for
   each, in the reader's order, its definition with its citation (in-text, or a footnote for
   note styles such as OSCOLA), its status and status note, its key points and the policy
   instruments that address it, each at its pinpoint and cited there; a policy instrument in
   the brief gives its summary, status and the concepts it addresses alike -- then the notes
   and one bibliography -- and every way out of the page, all from one model of the document
   (buildDoc), so that they say the same:

   - the page itself (and its print, which is the PDF);
   - the clipboard: text/html (headings, italics, footnote markers) and text/plain;
   - Word: a .docx made in the browser by the docx library (assets/conceptwiki/docx.umd.js,
     the npm package "docx", MIT licence in docx.LICENSE.txt), loaded only when asked for:
     Title, Heading 1, Normal and Bibliography styles, real footnotes for note styles;
   - Markdown for Pandoc, citing [@id] from the CSL-JSON file of the brief, with the style's
     .csl file (cite/styles/) beside it.

   Everything comes from this site's build (cite/<slug>.brief.json, see render/brief.py). */
(function () {
  "use strict";
  var YEAR_SUFFIX = "\ue100", NOTE_NUMBER = "\ue102";
  var BIB_INDENT = 720;  /* twentieths of a point: half an inch, Word's hanging indent */

  function api() { return window.conceptwikiBrief; }

  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  /* HTML from the build with today's accessed date and absolute links, as an element. */
  function fragment(html) {
    var el = api().entryElement(html || "");
    el.querySelectorAll("a[href]").forEach(function (a) {
      try { a.setAttribute("href", new URL(a.getAttribute("href"), window.location.href).href); } catch (e) { /* keep */ }
      a.removeAttribute("class");
    });
    return el;
  }

  function joinTitles(titles) {
    if (titles.length <= 1) return titles.join("");
    return titles.slice(0, -1).join(", ") + " and " + titles[titles.length - 1];
  }

  /* -- the model ------------------------------------------------------------------------ */

  /* res: what brief.js's current() gives (concepts in order, the bibliography's entries,
     the state and style). Blocks hold HTML fragments (elements); a block with ``cite``
     carries the concept's citation: in-text HTML, or the number of its footnote. */
  function buildDoc(res) {
    var state = res.state, style = res.style || { id: "", label: "" }, parts = state.parts || {};
    var suffixes = {};
    res.entries.forEach(function (e) { suffixes[e.item.id.toLowerCase()] = e.suffix; });
    var doc = { style: style, note: false, concepts: [], notes: [], bibliography: [], citeIds: [], items: res.items };
    var firstNote = {};
    res.concepts.forEach(function (c) {
      if (!c.data || !c.data.pack) return;
      var pack = c.data.pack, cite = (pack.cite || {})[style.id] || null, blocks = [];
      var concept = { slug: c.slug, title: c.data.title, url: new URL(c.data.path, api().rootOf(document.querySelector(".cw-brief[data-config]"))).href,
        fingerprint: pack.fingerprint, id: c.data.page.id, blocks: blocks };
      if (parts.definitions !== false) blocks.push({ type: "p", role: "definition", el: fragment(pack.definition) });
      if (parts.status !== false) {
        var level = pack.status.charAt(0).toUpperCase() + pack.status.slice(1);
        var line = fragment("<em>Status:</em> " + esc(level) + ".");
        var note = pack.status_note ? fragment(pack.status_note) : null;
        var paras = note ? Array.prototype.slice.call(note.querySelectorAll("p")) : [];
        if (note && !paras.length) paras = [note];
        if (paras.length) {  /* "Status: Contested." runs into the note's first paragraph */
          line = fragment("<em>Status:</em> " + esc(level) + ". " + paras[0].innerHTML);
          paras = paras.slice(1);
        }
        blocks.push({ type: "p", role: "status", el: line });
        paras.forEach(function (p) { blocks.push({ type: "p", role: "status", el: fragment(p.innerHTML) }); });
      }
      if (parts.key_points !== false && pack.key_points.length) {
        blocks.push({ type: "label", el: fragment("Key points") });
        pack.key_points.forEach(function (k) { blocks.push({ type: "li", el: fragment(k) }); });
      }
      if (cite) {
        var target = blocks.filter(function (b) { return b.type === "p" || b.type === "li"; })[0];
        if (!target) { target = { type: "p", role: "cite", el: fragment("") }; blocks.push(target); }
        if (cite.form === "note") {
          doc.note = true;
          doc.notes.push(fragment(cite.html));
          target.cite = { note: doc.notes.length };
        } else {
          var suffix = suffixes[c.data.page.id.toLowerCase()];
          var html = suffix && cite.ys ? cite.ys.split(YEAR_SUFFIX).join(suffix) : cite.html;
          target.cite = { html: html };
        }
      }
      doc.citeIds.push(c.data.page.id);
      /* The instruments that address the concept (or the concepts an instrument addresses):
         a line per pinpoint, cited to its source at that pinpoint. */
      if (parts.instruments !== false && (pack.links || []).length) {
        blocks.push({ type: "label", el: fragment(esc(pack.links_label || "Instruments")) });
        pack.links.forEach(function (l) {
          var block = { type: "li", role: "link", el: fragment(l.html), id: l.id, pinpoint: l.pinpoint || null };
          var lc = (l.cite || {})[style.id];
          if (lc && lc.form === "note") {
            /* A source cited in an earlier note gets the style's short form ("Artificial
               Intelligence Act, art 3(65).", "OpenAI (n 4)."). */
            var key = l.id.toLowerCase(), first = firstNote[key];
            doc.note = true;
            doc.notes.push(fragment(first && lc.sub ? lc.sub.split(NOTE_NUMBER).join(String(first)) : lc.html));
            if (!first) firstNote[key] = doc.notes.length;
            block.cite = { note: doc.notes.length };
          } else if (lc) {
            var sfx = suffixes[l.id.toLowerCase()];
            block.cite = { html: sfx && lc.ys ? lc.ys.split(YEAR_SUFFIX).join(sfx) : lc.html };
          }
          doc.citeIds.push(l.id);
          blocks.push(block);
        });
      }
      doc.concepts.push(concept);
    });
    doc.title = "Brief: " + joinTitles(doc.concepts.map(function (c) { return c.title; }));
    doc.bibliography = res.entries.map(function (e) { return fragment(e.html); });
    return doc;
  }

  /* A block's content with its citation, as HTML: an in-text citation goes before the
     closing full stop, a footnote marker after it. marker(n) writes the marker. */
  function blockHTML(block, marker) {
    var html = block.el.innerHTML.trim();
    if (!block.cite) return html;
    if (block.cite.note) return html + marker(block.cite.note);
    var m = /^([\s\S]*?)([.!?])(\s*)$/.exec(html);
    return m ? m[1] + (m[1] ? " " : "") + block.cite.html + m[2] : html + (html ? " " : "") + block.cite.html;
  }

  /* -- HTML: the page and the clipboard -------------------------------------------------- */

  function toHTML(doc, forClipboard) {
    var h = forClipboard ? ["h1", "h2"] : ["h3", "h4"], out = [];
    var marker = forClipboard
      ? function (n) { return "<sup>" + n + "</sup>"; }
      : function (n) { return '<sup class="cw-brief-fn"><a href="#cw-brief-note-' + n + '" id="cw-brief-ref-' + n + '">' + n + "</a></sup>"; };
    out.push("<" + h[0] + ' class="cw-brief-doc-title">' + esc(doc.title) + "</" + h[0] + ">");
    doc.concepts.forEach(function (c) {
      out.push("<" + h[1] + ">" + esc(c.title) + "</" + h[1] + ">");
      var list = false;
      c.blocks.forEach(function (b) {
        if (b.type === "li" && !list) { out.push("<ul>"); list = true; }
        if (b.type !== "li" && list) { out.push("</ul>"); list = false; }
        var body = blockHTML(b, marker);
        if (b.type === "li") out.push("<li" + (b.role ? ' class="cw-brief-is-' + b.role + '"' : "") + ">" + body + "</li>");
        else if (b.type === "label") out.push("<p><strong>" + body + "</strong></p>");
        else out.push('<p class="cw-brief-is-' + b.role + '">' + body + "</p>");
      });
      if (list) out.push("</ul>");
    });
    if (doc.notes.length) {
      out.push("<" + h[1] + ">Notes</" + h[1] + ">");
      out.push('<ol class="cw-brief-notes">' + doc.notes.map(function (n, i) {
        return "<li" + (forClipboard ? "" : ' id="cw-brief-note-' + (i + 1) + '"') + ">" + n.innerHTML.trim() + "</li>";
      }).join("") + "</ol>");
    }
    if (forClipboard) {
      out.push("<h2>Bibliography</h2>");
      doc.bibliography.forEach(function (e) {
        out.push('<p style="margin-left:0.5in;text-indent:-0.5in">' + e.innerHTML.trim() + "</p>");
      });
    }
    return out.join("\n");
  }

  /* -- plain text ------------------------------------------------------------------------ */

  function text(el) { return el.textContent.replace(/[ \t\r\n]+/g, " ").trim(); }

  function toText(doc) {
    var out = [doc.title, ""];
    doc.concepts.forEach(function (c) {
      out.push(c.title);
      c.blocks.forEach(function (b) {
        var body = text(fragment(blockHTML(b, function (n) { return "[" + n + "]"; })));
        out.push(b.type === "li" ? "- " + body : b.type === "label" ? body + ":" : body);
      });
      out.push("");
    });
    if (doc.notes.length) {
      out.push("Notes");
      doc.notes.forEach(function (n, i) { out.push("[" + (i + 1) + "] " + text(n)); });
      out.push("");
    }
    out.push("Bibliography");
    doc.bibliography.forEach(function (e) { out.push(text(e)); });
    return out.join("\n") + "\n";
  }

  /* -- runs: an HTML fragment as formatted text (for Word and Markdown) --------------------- */

  function runsOf(el) {
    var out = [];
    function walk(node, f) {
      if (node.nodeType === 3) {
        var t = node.nodeValue.replace(/[ \t\r\n]+/g, " ");
        if (t) out.push({ text: t, i: !!f.i, b: !!f.b, sc: !!f.sc, sup: !!f.sup, link: f.link || null });
        return;
      }
      if (node.nodeType !== 1) return;
      var tag = node.tagName.toLowerCase(), g = Object.assign({}, f), css = node.getAttribute("style") || "";
      if (tag === "i" || tag === "em" || /font-style:\s*italic/.test(css)) g.i = !f.i;  /* CSL flips nested italics */
      if (/font-style:\s*normal/.test(css)) g.i = false;
      if (tag === "b" || tag === "strong" || /font-weight:\s*bold/.test(css)) g.b = true;
      if (/small-caps/.test(css)) g.sc = true;
      if (tag === "sup") g.sup = true;
      if (tag === "a" && node.getAttribute("href")) g.link = node.getAttribute("href");
      node.childNodes.forEach(function (ch) { walk(ch, g); });
    }
    walk(el, {});
    if (out.length) {
      out[0].text = out[0].text.replace(/^ +/, "");
      out[out.length - 1].text = out[out.length - 1].text.replace(/ +$/, "");
    }
    return out.filter(function (r) { return r.text; });
  }

  /* -- Markdown for Pandoc ------------------------------------------------------------------ */

  function mdEscape(t) { return t.replace(/([\\`*_{}\[\]<>#|@~^$])/g, "\\$1"); }

  function mdInline(el) {
    return runsOf(el).map(function (r) {
      var t = mdEscape(r.text), lead = /^ */.exec(t)[0], trail = / *$/.exec(t)[0];
      var core = t.trim();
      if (!core) return t;
      if (r.link && r.text.trim() === r.link) core = "<" + r.link + ">";
      else if (r.link) core = "[" + core + "](" + r.link.replace(/[()]/g, encodeURIComponent) + ")";
      if (r.sup) core = "^" + core.replace(/ /g, "\\ ") + "^";
      if (r.sc) core = "[" + core + "]{.smallcaps}";
      if (r.b) core = "**" + core + "**";
      if (r.i) core = "*" + core + "*";
      return lead + core + trail;
    }).join("");
  }

  function yamlString(t) { return JSON.stringify(t); }

  function citeKey(id) { return "@{" + id + "}"; }

  function toMarkdown(doc) {
    var styleFile = doc.style.id ? doc.style.id + ".csl" : null;
    var cited = {};
    doc.citeIds.forEach(function (id) { cited[id.toLowerCase()] = true; });
    var others = doc.items.filter(function (it) { return !cited[it.id.toLowerCase()]; });
    var out = ["---", "title: " + yamlString(doc.title), "bibliography: brief.json"];
    if (styleFile) out.push("csl: " + styleFile + "  # " + doc.style.label + ": the Style (.csl) download");
    if (others.length) {
      out.push("nocite: |");
      out.push("  " + others.map(function (it) { return citeKey(it.id); }).join(", "));
    }
    out.push("---", "");
    doc.concepts.forEach(function (c) {
      out.push("# " + mdEscape(c.title), "");
      var list = false;
      c.blocks.forEach(function (b) {
        var body = mdInline(b.el).trim();
        if (b.cite) {
          /* An instrument line cites its source with the pinpoint as a suffix (Pandoc knows
             no locator label for "art" or "sec"; a suffix is written as it is). */
          var key = b.role === "link" ? "[" + citeKey(b.id) + (b.pinpoint ? ", " + mdEscape(b.pinpoint) : "") + "]"
            : "[" + citeKey(c.id) + "]", m = /^([\s\S]*?)([.!?])$/.exec(body);
          body = m ? m[1] + (m[1] ? " " : "") + key + m[2] : body + (body ? " " : "") + key;
        }
        if (b.type === "li") { out.push("- " + body); list = true; return; }
        if (list) { out.push(""); list = false; }
        out.push(b.type === "label" ? "**" + body + "**" : body, "");
      });
      if (list) out.push("");
    });
    out.push("# Bibliography", "", "::: {#refs}", ":::", "");
    return out.join("\n");
  }

  /* -- Word (.docx) ------------------------------------------------------------------------- */

  var docxLoading = null;

  function loadDocx() {
    if (window.docx && window.docx.Document) return Promise.resolve(window.docx);
    if (!docxLoading) {
      docxLoading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = new URL("assets/conceptwiki/docx.umd.js", api().rootOf(document.querySelector(".cw-brief[data-config]"))).href;
        s.onload = function () { window.docx && window.docx.Document ? resolve(window.docx) : reject(new Error("docx did not load")); };
        s.onerror = function () { docxLoading = null; reject(new Error("docx did not load")); };
        document.head.appendChild(s);
      });
    }
    return docxLoading;
  }

  function wordRuns(D, el, extra) {
    var out = [];
    runsOf(el).forEach(function (r) {
      var run = new D.TextRun(Object.assign({ text: r.text, italics: r.i, bold: r.b, smallCaps: r.sc,
        superScript: r.sup }, r.link ? { style: "Hyperlink" } : {}, extra || {}));
      out.push(r.link ? new D.ExternalHyperlink({ link: r.link, children: [run] }) : run);
    });
    return out;
  }

  function wordBlockRuns(D, block) {
    if (!block.cite) return wordRuns(D, block.el);
    if (block.cite.note) return wordRuns(D, block.el).concat([new D.FootnoteReferenceRun(block.cite.note)]);
    return wordRuns(D, fragment(blockHTML(block)));
  }

  function toDocx(D, doc) {
    var children = [new D.Paragraph({ heading: D.HeadingLevel.TITLE, children: [new D.TextRun(doc.title)] })];
    doc.concepts.forEach(function (c) {
      children.push(new D.Paragraph({ heading: D.HeadingLevel.HEADING_1, children: [new D.TextRun(c.title)] }));
      c.blocks.forEach(function (b) {
        var runs = wordBlockRuns(D, b);
        if (b.type === "li") children.push(new D.Paragraph({ children: runs, bullet: { level: 0 } }));
        else if (b.type === "label") children.push(new D.Paragraph({ children: wordRuns(D, b.el, { bold: true }), keepNext: true }));
        else children.push(new D.Paragraph({ children: runs }));
      });
    });
    children.push(new D.Paragraph({ heading: D.HeadingLevel.HEADING_1, children: [new D.TextRun("Bibliography")] }));
    doc.bibliography.forEach(function (e) {
      children.push(new D.Paragraph({ style: "Bibliography", children: wordRuns(D, e) }));
    });
    var footnotes = {};
    doc.notes.forEach(function (n, i) { footnotes[i + 1] = { children: [new D.Paragraph({ children: wordRuns(D, n) })] }; });
    return new D.Document({
      creator: document.title.split(" - ").pop() || "conceptwiki",
      title: doc.title,
      styles: { paragraphStyles: [{ id: "Bibliography", name: "Bibliography", basedOn: "Normal", next: "Bibliography",
        quickFormat: true, paragraph: { indent: { left: BIB_INDENT, hanging: BIB_INDENT }, spacing: { after: 120 } } }] },
      footnotes: footnotes,
      sections: [{ children: children }]
    });
  }

  /* -- the page ------------------------------------------------------------------------------ */

  var last = null;

  function render(app, res) {
    var doc = buildDoc(res);
    last = doc;
    var box = app.querySelector(".cw-brief-doc");
    if (box) {
      box.innerHTML = toHTML(doc, false);  /* the build's escaped HTML and our own escaping */
      box.setAttribute("data-style", doc.style.id);
    }
    var csl = app.querySelector(".cw-brief-csl");
    if (csl && doc.style.id) {
      csl.setAttribute("href", new URL("cite/styles/" + doc.style.id + ".csl", api().rootOf(app)).href);
      csl.setAttribute("download", doc.style.id + ".csl");
    }
    return doc;
  }

  function current(app) {
    return api().current(app).then(function (res) { return buildDoc(res); });
  }

  function say(app, msg) {
    var el = app.querySelector(".cw-brief-doc-status");
    if (el) el.textContent = msg;
  }

  function saveBlob(blob, name) {
    var url = URL.createObjectURL(blob), a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function copy(app, kind) {
    return current(app).then(function (doc) {
      if (!doc.concepts.length) { say(app, "Nothing to copy"); return; }
      var plain = toText(doc), html = toHTML(doc, true);
      var done = function () { say(app, kind === "rich" ? "Copied the brief" : "Copied the brief as plain text"); };
      var fail = function () { say(app, "Copying failed: select the brief below and copy it"); };
      if (kind === "rich" && navigator.clipboard && navigator.clipboard.write && window.ClipboardItem) {
        return navigator.clipboard.write([new ClipboardItem({
          "text/plain": new Blob([plain], { type: "text/plain" }),
          "text/html": new Blob(["<meta charset=\"utf-8\">" + html], { type: "text/html" })
        })]).then(done, fail);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(plain).then(done, fail);
      fail();
    });
  }

  function download(app, format) {
    return current(app).then(function (doc) {
      if (!doc.concepts.length) { say(app, "Nothing to download"); return; }
      if (format === "md") {
        saveBlob(new Blob([toMarkdown(doc)], { type: "text/markdown" }), "brief.md");
        say(app, "Downloaded brief.md (it cites brief.json: download the CSL-JSON and the style beside it)");
        return;
      }
      say(app, "Making the Word file…");
      return loadDocx().then(function (D) {
        return D.Packer.toBlob(toDocx(D, doc));
      }).then(function (blob) {
        saveBlob(blob, "brief.docx");
        say(app, "Downloaded brief.docx");
      }, function () { say(app, "The Word file could not be made"); });
    });
  }

  function briefApp() { return document.querySelector(".cw-brief[data-config]"); }

  document.addEventListener("click", function (event) {
    var t = event.target && event.target.closest ? event.target : null, app = briefApp();
    if (!t || !app || !app.contains(t)) return;
    var c = t.closest(".cw-brief-doc-copy");
    if (c) { copy(app, c.getAttribute("data-kind")); return; }
    var d = t.closest(".cw-brief-doc-download");
    if (d) { download(app, d.getAttribute("data-format")); return; }
    if (t.closest(".cw-brief-doc-print")) { window.print(); return; }
    if (t.closest(".cw-brief-share-copy")) {
      var input = app.querySelector(".cw-brief-share-url");
      var ok = function () { say(app, "Copied the link to this brief"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(ok, function () { input.select(); });
      } else { input.select(); }
    }
  });

  window.conceptwikiBriefDoc = { render: render, buildDoc: buildDoc, toHTML: toHTML, toText: toText,
    toMarkdown: toMarkdown, runsOf: runsOf, loadDocx: loadDocx, last: function () { return last; } };
})();
