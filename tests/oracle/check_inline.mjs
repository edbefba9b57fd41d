// Render CSL-JSON items with an inline style through citeproc-js, for
// checking the expectations of tests/citations/test_compat.py by hand:
//   node check_inline.mjs < cases.json   (cases: [{style, items, fmt}])
// prints [[id, entry], ...] per case.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const CSL = require("citeproc");
const { locales_dir, cases } = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const c of cases) {
  const byId = new Map(c.items.map((it) => [String(it.id), it]));
  const sys = {
    retrieveLocale: (lang) => { try { return readFileSync(join(locales_dir, `locales-${lang}.xml`), "utf8"); } catch (e) { return false; } },
    retrieveItem: (id) => JSON.parse(JSON.stringify(byId.get(String(id)))),
  };
  const engine = new CSL.Engine(sys, c.style);
  engine.setOutputFormat(c.fmt);
  engine.updateItems(c.items.map((it) => String(it.id)));
  const [params, entries] = engine.makeBibliography();
  out.push(entries.map((e, i) => [params.entry_ids[i][0],
    c.fmt === "html" ? e.replace(/^\s*<div class="csl-entry">/, "").replace(/<\/div>\s*$/, "") : e.replace(/\n$/, "")]));
}
console.log(JSON.stringify(out));
