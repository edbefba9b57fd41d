// Generate expected citation outputs with citeproc-js (the CSL reference
// processor used by Zotero).
//
// Usage: node generate.mjs CONFIG.json
//
// CONFIG.json (written by generate.py) holds:
//   items:       path to the CSL-JSON golden items
//   locales_dir: directory holding locales-xx-XX.xml (the files the Python
//                engine uses)
//   styles:      [{name, path, locale}] CSL style files (the files the Python
//                engine uses; dependent styles already resolved to their parent)
//                and the locale the Python engine renders each in (forced here, as
//                Zotero forces the locale chosen for a bibliography)
//   out_dir:     where <style>.json is written
//
// Per style and item id the output holds, for formats "text" and "html":
//   bib         the bibliography entry (item rendered alone)
//   first       the citation (in-text) or the first note (note styles)
//   locator     as first, with locator "12" and label "page"
//   subsequent  (note styles only) the item cited again in note 3 after
//               note 1 cited it and note 2 cited another item
// and "bibliography": the whole bibliography of all items, sorted and
// disambiguated by the style, as a list of {id, text, html}.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const CSL = require("citeproc");
const citeprocVersion = require("citeproc/package.json").version;

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const items = JSON.parse(readFileSync(config.items, "utf8"));
const byId = new Map(items.map((it) => [String(it.id), it]));
const DUMMY_ID = "__oracle_other_item__";
byId.set(DUMMY_ID, {
  id: DUMMY_ID,
  type: "book",
  title: "Unrelated placeholder",
  author: [{ family: "Zzyzx", given: "Quentin" }],
  issued: { "date-parts": [[1901]] },
});

const sys = {
  retrieveLocale(lang) {
    try {
      return readFileSync(join(config.locales_dir, `locales-${lang}.xml`), "utf8");
    } catch (e) {
      return false;
    }
  },
  retrieveItem(id) {
    // citeproc-js may annotate items: hand it a fresh copy each time.
    return JSON.parse(JSON.stringify(byId.get(String(id))));
  },
};

// Building an engine costs ~0.7 s for a large style, so one engine per style
// and format is reused, reset to a fresh state before each use: no cited or
// registered items, and a new flip-flopper (it remembers the first quote
// form it saw).
const engines = new Map();
let currentLocale = null; // the locale of the style being rendered
function newEngine(styleXml, fmt) {
  const key = fmt + "\u0000" + currentLocale + "\u0000" + styleXml;
  let engine = engines.get(key);
  if (!engine) {
    engine = new CSL.Engine(sys, styleXml, currentLocale, Boolean(currentLocale));
    engine.setOutputFormat(fmt);
    engines.set(key, engine);
  }
  engine.restoreProcessorState([]);
  engine.updateItems([]);
  engine.fun.flipflopper = new CSL.Util.FlipFlopper(engine);
  return engine;
}

function stripEntry(entry, fmt) {
  if (fmt === "html") {
    const m = entry.match(/^\s*<div class="csl-entry">([\s\S]*)<\/div>\s*$/);
    if (!m) throw new Error(`unexpected html entry: ${entry}`);
    return m[1];
  }
  return entry.replace(/\n$/, "");
}

function bibliography(styleXml, fmt, ids) {
  const engine = newEngine(styleXml, fmt);
  engine.updateItems(ids);
  const result = engine.makeBibliography();
  if (!result) return null;
  const [params, entries] = result;
  return entries.map((e, i) => ({ id: String(params.entry_ids[i][0]), value: stripEntry(e, fmt) }));
}

function cite(styleXml, fmt, id, isNote, { locator, label, subsequent } = {}) {
  const engine = newEngine(styleXml, fmt);
  const item = { id };
  if (locator !== undefined) {
    item.locator = locator;
    item.label = label;
  }
  const note = (n) => (isNote ? n : 0);
  if (!subsequent) {
    const res = engine.processCitationCluster(
      { citationID: "c1", citationItems: [item], properties: { noteIndex: note(1) } }, [], []);
    return res[1][0][1];
  }
  engine.processCitationCluster(
    { citationID: "c1", citationItems: [{ id }], properties: { noteIndex: note(1) } }, [], []);
  engine.processCitationCluster(
    { citationID: "c2", citationItems: [{ id: DUMMY_ID }], properties: { noteIndex: note(2) } },
    [["c1", note(1)]], []);
  const res = engine.processCitationCluster(
    { citationID: "c3", citationItems: [item], properties: { noteIndex: note(3) } },
    [["c1", note(1)], ["c2", note(2)]], []);
  const hit = res[1].find((r) => r[0] === 2);
  return hit[1];
}

mkdirSync(config.out_dir, { recursive: true });
for (const { name, path, locale } of config.styles) {
  const styleXml = readFileSync(path, "utf8");
  currentLocale = locale || null;
  const isNote = /<style[^>]*\bclass="note"/.test(styleXml);
  const out = {
    _meta: {
      generator: `citeproc-js ${citeprocVersion}`,
      style: name,
      note_style: isNote,
      locale: currentLocale,
      locator: { locator: "12", label: "page" },
    },
    items: {},
    bibliography: [],
  };
  for (const it of items) {
    const id = String(it.id);
    const rec = {};
    for (const fmt of ["text", "html"]) {
      const bib = bibliography(styleXml, fmt, [id]);
      rec[`bib.${fmt}`] = bib && bib.length ? bib[0].value : ""; // "" when there is no entry
      rec[`first.${fmt}`] = cite(styleXml, fmt, id, isNote);
      rec[`locator.${fmt}`] = cite(styleXml, fmt, id, isNote, { locator: "12", label: "page" });
      if (isNote) {
        rec[`subsequent.${fmt}`] = cite(styleXml, fmt, id, isNote, { subsequent: true });
      }
    }
    out.items[id] = rec;
  }
  const ids = items.map((it) => String(it.id));
  const text = bibliography(styleXml, "text", ids) || [];
  const html = bibliography(styleXml, "html", ids) || [];
  out.bibliography = text.map((t, i) => ({ id: t.id, text: t.value, html: html[i].value }));
  writeFileSync(join(config.out_dir, `${name}.json`), JSON.stringify(out, null, 2) + "\n");
  console.log(`${name}: ${items.length} items`);
}
