// Index bytes (gzip) the results page loads for each query without a browser: meta, shards,
// the first page's 10 documents (and the tails it would load for their passages), tags.js —
// the browser's own engine and passage code, replayed in Node on a built site's index:
//   node bench/search_bytes.js output/search "$(.venv/bin/python -c 'import sys, json;
//     sys.path.insert(0, "bench"); from search_bench import QUERIES; print(json.dumps(QUERIES))')"
"use strict";
const fs = require("node:fs"), path = require("node:path"), zlib = require("node:zlib");
const engineLib = require("../theme/static/js/search-engine.js");
const P = require("../theme/static/js/search-passage.js");
const dir = process.argv[2];
const QUERIES = JSON.parse(process.argv[3]);
const gz = (name) => { const b = fs.readFileSync(path.join(dir, name + ".js")); return Math.min(b.length, zlib.gzipSync(b, { level: 6 }).length); };
function loader(name) { let data; const code = fs.readFileSync(path.join(dir, name + ".js"), "utf8");
  new Function("naSearch", code)({ put: (n, d) => { if (n === name) data = d; } }); return data; }
(async () => {
  const rows = [];
  for (const q of QUERIES) {
    const engine = engineLib.createEngine(loader);
    const found = await engine.search(q);
    const top = found.results.slice(0, 10);
    for (const r of top) {
      const doc = await engine.doc(+r.ref);
      const cut = P.passage(doc.text, found.rewritten, found.meta.foldMap);
      const body = found.meta.fieldNames.indexOf("body");
      const better = cut.matched ? r.all && cut.words < cut.wanted : (r.fields >> body) & 1;
      if (doc.more && better) await engine.fullText(doc);
    }
    if (found.meta.tags) await engine.tags();
    const kb = engine.loaded.reduce((s, n) => s + gz(n), 0) / 1024;
    rows.push([q, kb, engine.loaded.length, found.results.length]);
  }
  rows.forEach((r) => console.log(r[0].padEnd(12), r[1].toFixed(1), "KB", r[2], "files", r[3], "results"));
  const kbs = rows.map((r) => r[1]).sort((a, b) => a - b);
  const med = kbs.length % 2 ? kbs[(kbs.length - 1) / 2] : (kbs[kbs.length / 2 - 1] + kbs[kbs.length / 2]) / 2;
  console.log(JSON.stringify({ median_KB: +med.toFixed(1), max_KB: +kbs[kbs.length - 1].toFixed(1) }));
})();
