// Equivalence proof, run by tests/test_search_index.py:
//   node tests/search/equivalence.js job.json
// job.json: {indexDir, docs: [[title, body], ...], queries: [...], pythonMonolithic: path}
// Builds the monolithic index with lunr.js 2.3.9's own Builder (the shared tokenizer as its
// tokenizer, no other pipeline), then for every query compares lunr.js on it with the sharded
// engine (the browser's code) on the index written by Python: lunr.js's search on the monolithic
// index against the engine's scorer (lunrSearch, lunr's arithmetic without a lunr.Index) for the
// all-terms and any-term query strings, and the engine's combined list. Prints a JSON report.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const lunr = require("lunr");
const tokenizer = require("../../theme/static/js/search-tokenizer.js");
const engineLib = require("../../theme/static/js/search-engine.js");

function fileLoader(dir, bytes) {
  return (name) => {
    const file = path.join(dir, name + ".js");
    const code = fs.readFileSync(file, "utf8");
    if (bytes) bytes[name] = Buffer.byteLength(code);
    let data;
    new Function("naSearch", code)({ put: (n, d) => { if (n === name) data = d; } });
    return data;
  };
}

function buildMonolithic(docs, meta, fold) {
  return lunr(function () {
    this.pipeline.reset();
    this.searchPipeline.reset();
    this.tokenizer = (obj) =>
      obj == null ? [] : tokenizer.tokenize(String(obj), fold).map((t) => new lunr.Token(t, {}));
    this.ref("id");
    for (const [name, boost] of meta.fields) this.field(name, { boost });
    docs.forEach((fields, id) => {
      const doc = { id: String(id) };
      meta.fields.forEach(([name], k) => { doc[name] = fields[k]; });
      this.add(doc);
    });
  });
}

/** A serialised lunr.js index with every field vector's weight rounded to hundredths, halves up,
 * from its thousandths (shards.py's hundredths). */
function hundredths(json) {
  json.fieldVectors.forEach(([, flat]) => {
    for (let i = 1; i < flat.length; i += 2) flat[i] = Math.floor((Math.round(flat[i] * 1000) + 5) / 10) / 100;
  });
  return json;
}

function sameScore(a, b) {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const engine = engineLib.createEngine(fileLoader(job.indexDir));
  const meta = await engine.meta();
  const fold = meta.foldMap; // the whole folding map the browser has
  const mono = buildMonolithic(job.docs, meta, fold);
  const report = {
    queries: 0, compared: 0, withResults: 0, results: 0, identicalScores: 0, mismatches: []
  };

  // 1. Python's weights and ordinals == lunr.js Builder's (the whole serialised index).
  const python = JSON.parse(fs.readFileSync(job.pythonMonolithic, "utf8"));
  const builder = JSON.parse(JSON.stringify(mono));
  report.serialisedIndexEqual = JSON.stringify(python) === JSON.stringify(builder);
  if (!report.serialisedIndexEqual) {
    report.terms = [python.invertedIndex.length, builder.invertedIndex.length];
    for (let i = 0; i < builder.invertedIndex.length; i++) {
      if (JSON.stringify(python.invertedIndex[i]) !== JSON.stringify(builder.invertedIndex[i])) {
        report.firstTermDiff = [python.invertedIndex[i], builder.invertedIndex[i]];
        break;
      }
    }
    for (let i = 0; i < builder.fieldVectors.length; i++) {
      if (JSON.stringify(python.fieldVectors[i]) !== JSON.stringify(builder.fieldVectors[i])) {
        report.firstVectorDiff = [python.fieldVectors[i], builder.fieldVectors[i]];
        break;
      }
    }
  }

  // 2. Every query: same refs, same order, same scores as lunr.js on that index with its weights
  // in hundredths, as the shards ship them (shards.py: hundredths)
  const shipped = lunr.Index.load(hundredths(JSON.parse(JSON.stringify(mono))));
  for (const q of job.queries) {
    const found = await engine.search(q);
    const rewritten = engineLib.rewriteQuery(q, fold, meta.fieldNames);
    report.queries++;
    // lunr.js's own search on both indexes, for the all-terms and the any-term query strings,
    // and the engine's combined list
    const runs = [[rewritten.and, shipped.search(rewritten.and), found.index.search(rewritten.and)]];
    if (rewritten.or) runs.push([rewritten.or, shipped.search(rewritten.or), found.index.search(rewritten.or)]);
    runs.push(["engine", engineLib.runQuery(shipped, rewritten), found.results]);
    if (runs[0][1].length) report.withResults++;
    for (const [lunrQuery, expected, got] of runs) {
      report.compared++;
      report.results += expected.length;
      const a = expected.map((r) => [r.ref, r.score, !!r.all]);
      const b = got.map((r) => [r.ref, r.score, !!r.all]);
      let ok = a.length === b.length;
      for (let i = 0; ok && i < a.length; i++) {
        ok = a[i][0] === b[i][0] && a[i][2] === b[i][2] && sameScore(a[i][1], b[i][1]);
        if (ok && a[i][1] === b[i][1]) report.identicalScores++;
      }
      if (!ok) report.mismatches.push({ q, lunrQuery, expected: a.slice(0, 5), got: b.slice(0, 5) });
    }
  }
  process.stdout.write(JSON.stringify(report) + "\n");
}

main().catch((e) => { console.error(e); process.exit(1); });
