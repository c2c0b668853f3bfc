// The browser tokenizer must reproduce every token list the Python tokenizer wrote into the
// shared vectors (tests/fixtures/tokenizer_vectors.json). Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");
const lunr = require("lunr");
const tokenizer = require("../../theme/static/js/search-tokenizer.js");

const vectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "tokenizer_vectors.json"), "utf8"));

test("vectors are substantial", () => {
  assert.ok(vectors.cases.length >= 300, "hundreds of cases");
  assert.ok(vectors.stems.length >= 1000);
});

test("index tokens match Python", () => {
  for (const c of vectors.cases) {
    assert.deepEqual(tokenizer.tokenize(c.text, vectors.fold), c.index, JSON.stringify(c.text));
  }
});

test("query tokens match Python", () => {
  for (const c of vectors.cases) {
    assert.deepEqual(tokenizer.tokenize(c.text, vectors.fold, { query: true }), c.query,
      JSON.stringify(c.text));
    assert.deepEqual(tokenizer.tokenize(c.text, vectors.fold, { query: true, stem: false }),
      c.query_nostem, JSON.stringify(c.text));
  }
});

test("lunr.js stemmer matches the Python port", () => {
  for (const [word, stem] of vectors.stems) {
    assert.equal(lunr.stemmer(new lunr.Token(word)).toString(), stem, word);
  }
});
