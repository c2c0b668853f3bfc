// The engine's early first results (lunrSearch's `top`): the ids it hands over before sorting are
// the first ids of the sorted results, ties included. Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const engine = require("../../theme/static/js/search-engine.js");

const LAST = "0123456789ABCDEFGHIJKLMNOPQRSTUV", MORE = "WXYZabcdefghijklmnopqrstuvwxyz$_";
function encode(n) {
  let out = LAST[n & 31];
  for (n >>= 5; n; n >>= 5) out = MORE[n & 31] + out;
  return out;
}
function postings(pairs) { // [[doc, weight in hundredths (shards.py)], …] ascending docs
  let prev = 0;
  return pairs.map(([doc, w]) => { const s = encode(doc - prev) + encode(w); prev = doc; return s; }).join("");
}

// a deterministic pseudo-random source
function rng(seed) {
  return () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
}

test("the early first results are the sorted results' first ones, ties in the order met", () => {
  const random = rng(7), n = 400, entries = [];
  ["ab", "cd", "ef"].forEach((term, ordinal) => {
    const title = [], body = [];
    for (let d = 0; d < n; d++) {
      // few distinct weights, so many scores tie
      if (random() < 0.3) title.push([d, 1000 * (1 + Math.floor(random() * 3))]);
      if (random() < 0.6) body.push([d, 500 * (1 + Math.floor(random() * 4))]);
    }
    entries.push([term, ordinal, postings(title), postings(body)]);
  });
  const meta = { fieldNames: ["title", "body"], n };
  const lookup = { shard: () => entries, prefix: () => [] };
  let checked = 0;
  for (const query of ["ab", "cd", "+ab +cd", "ab cd ef", "+ef -ab", "title:cd"]) {
    for (const count of [1, 3, 10]) {
      let early = null;
      const results = engine.lunrSearch(meta, lookup, query, { count, found: (ids) => { early = ids; } });
      if (results.length < count) { assert.equal(early, null); continue; }
      assert.deepEqual(early, results.slice(0, count).map((r) => +r.ref), `${query} ${count}`);
      checked++;
    }
  }
  assert.ok(checked >= 15, checked);
  // and the scores tie: the order among equals is what is tested
  const all = engine.lunrSearch(meta, lookup, "ab");
  assert.ok(new Set(all.map((r) => r.score)).size < all.length / 4);
});
