// Run queries on a written index with the browser's engine code:
//   node tests/search/run_queries.js job.json   (job: {indexDir, queries})
// Prints {query: [[ref, score, all], ...]} as JSON.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const engineLib = require("../../theme/static/js/search-engine.js");

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const engine = engineLib.createEngine((name) => {
    let data;
    const code = fs.readFileSync(path.join(job.indexDir, name + ".js"), "utf8");
    new Function("naSearch", code)({ put: (n, d) => { if (n === name) data = d; } });
    return data;
  });
  const out = {};
  for (const q of job.queries) {
    out[q] = (await engine.search(q)).results.map((r) => [+r.ref, r.score, r.all]);
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => { console.error(e); process.exit(1); });
