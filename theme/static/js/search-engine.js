/* newsarchive search engine: sharded Lunr index, loaded on demand.
 *
 * The index is split by term into shards (written by plugins/newsarchive/search/writer.py).
 * For a query, the engine rewrites it into lunr query syntax with the shared tokenizer, loads the
 * shards holding its terms, assembles a lunr.Index of just those terms (weights and term ordinals
 * come precomputed from the whole corpus, so scores equal a monolithic index's) and runs lunr's
 * own query parser and scorer. A query with several terms runs with all terms required; when
 * that finds fewer than PARTIAL_BELOW documents, it runs again with any term, and those
 * documents follow.
 *
 * Works in a browser (globals lunr, naSearchTokenizer; files loaded by <script>) and in Node
 * (require; the test passes a loader that reads files), so tests run this very code. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("lunr"), require("./search-tokenizer.js"));
  } else {
    root.naSearchEngine = factory(root.lunr, root.naSearchTokenizer);
  }
})(typeof self !== "undefined" ? self : this, function (lunr, tokenizer) {
  "use strict";

  var LAST = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
  var MORE = "WXYZabcdefghijklmnopqrstuvwxyz$_";
  var DIGIT = Object.create(null);
  for (var d = 0; d < 32; d++) {
    DIGIT[LAST[d]] = d;
    DIGIT[MORE[d]] = d + 32;
  }
  var EMPTY = Object.freeze({});

  /** Decode the base-32 variable-length numbers of shards.py. */
  function decodeNumbers(text) {
    var out = [], n = 0;
    for (var i = 0; i < text.length; i++) {
      var v = DIGIT[text[i]];
      if (v >= 32) {
        n = n * 32 + (v - 32);
      } else {
        out.push(n * 32 + v);
        n = 0;
      }
    }
    return out;
  }

  /** Ascending ids from gaps. */
  function decodeIds(text) {
    var gaps = decodeNumbers(text), prev = 0;
    for (var i = 0; i < gaps.length; i++) gaps[i] = prev = prev + gaps[i];
    return gaps;
  }

  function parseFold(text) {
    var chars = Array.from(text || ""), fold = Object.create(null);
    for (var i = 0; i + 1 < chars.length; i += 2) fold[chars[i]] = chars[i + 1];
    return fold;
  }

  /**
   * Rewrite a user's query into lunr query syntax over the shared tokenizer's terms.
   * Supports +required, -prohibited, field:term, term^boost and trailing * (prefix); a CJK word
   * becomes its bigrams, each carrying the word's modifiers. Returns
   * {clauses: [{presence, field, term, boost}], and: string, or: string}.
   */
  function rewriteQuery(query, fold, fields) {
    var clauses = [];
    var parts = String(query || "").trim().split(/\s+/);
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i], presence = "", field = "", boost = "", m;
      if (!p) continue;
      if ((p[0] === "+" || p[0] === "-") && p.length > 1) {
        presence = p[0];
        p = p.slice(1);
      }
      if ((m = /^([A-Za-z]+):(.+)$/.exec(p)) && fields.indexOf(m[1].toLowerCase()) >= 0) {
        field = m[1].toLowerCase();
        p = m[2];
      }
      if ((m = /\^(\d+(?:\.\d+)?)$/.exec(p))) {
        boost = m[1];
        p = p.slice(0, m.index);
      }
      p = p.replace(/~\d*$/, ""); // fuzzy matching would need every shard: not supported
      var prefix = /\*$/.test(p);
      var tokens = tokenizer.tokenize(p, fold, { query: true });
      if (prefix && tokens.length) {
        var raw = tokenizer.tokenize(p, fold, { query: true, stem: false });
        var last = raw[raw.length - 1];
        tokens[tokens.length - 1] = /\*$/.test(last) ? last : last + "*";
      }
      for (var j = 0; j < tokens.length; j++) {
        clauses.push({ presence: presence, field: field, term: tokens[j], boost: boost });
      }
    }
    function render(required) {
      return clauses.map(function (c) {
        var presence = c.presence || (required ? "+" : "");
        return presence + (c.field ? c.field + ":" : "") + c.term + (c.boost ? "^" + c.boost : "");
      }).join(" ");
    }
    var positive = clauses.filter(function (c) { return c.presence !== "-"; }).length;
    return {
      clauses: clauses,
      and: render(true),
      or: positive > 1 && clauses.some(function (c) { return !c.presence; }) ? render(false) : ""
    };
  }

  // Below this many all-terms results, documents with only some of the terms follow them.
  var PARTIAL_BELOW = 20;

  /** Run a rewritten query on a lunr.Index: the documents with all its terms, then (when those
   * are few) the documents with some of them. */
  function runQuery(index, rewritten) {
    if (!rewritten.clauses.length) return [];
    var all = index.search(rewritten.and), seen = Object.create(null), out = [];
    for (var i = 0; i < all.length; i++) {
      seen[all[i].ref] = true;
      out.push({ ref: all[i].ref, score: all[i].score, all: true, matchData: all[i].matchData });
    }
    if (rewritten.or && all.length < PARTIAL_BELOW) {
      var some = index.search(rewritten.or);
      for (var j = 0; j < some.length; j++) {
        if (!seen[some[j].ref]) {
          out.push({ ref: some[j].ref, score: some[j].score, all: false, matchData: some[j].matchData });
        }
      }
    }
    return out;
  }

  /** Index of the shard holding `term` (shard firsts are sorted; firsts[0] is ""). */
  function shardOf(firsts, term) {
    var lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** Shards needed by a clause term ("abc" or the prefix "abc*"). */
  function shardsFor(firsts, term) {
    if (!/\*$/.test(term)) return [shardOf(firsts, term)];
    var prefix = term.slice(0, -1), i = shardOf(firsts, prefix), out = [i];
    while (i + 1 < firsts.length && firsts[i + 1].lastIndexOf(prefix, 0) === 0) out.push(++i);
    return out;
  }

  /**
   * Build a lunr.Index from shard entries: only the terms `wanted` (exact terms, or "p*"
   * prefixes). `allDocs` adds an empty vector for every document field (negated queries).
   */
  function assemble(meta, shardEntries, wanted, allDocs) {
    var fields = meta.fields.map(function (f) { return f[0]; });
    var exact = Object.create(null), prefixes = [];
    wanted.forEach(function (t) {
      if (/\*$/.test(t)) prefixes.push(t.slice(0, -1)); else exact[t] = true;
    });
    function isWanted(term) {
      if (exact[term]) return true;
      for (var i = 0; i < prefixes.length; i++) if (term.lastIndexOf(prefixes[i], 0) === 0) return true;
      return false;
    }
    var inverted = [], vectors = new Map();
    if (allDocs) {
      for (var doc = 0; doc < meta.n; doc++) {
        for (var f = 0; f < fields.length; f++) vectors.set(fields[f] + "/" + doc, []);
      }
    }
    for (var s = 0; s < shardEntries.length; s++) {
      var entries = shardEntries[s];
      for (var e = 0; e < entries.length; e++) {
        var entry = entries[e], term = entry[0];
        if (!isWanted(term)) continue;
        var ordinal = entry[1], posting = { _index: ordinal };
        for (var k = 0; k < fields.length; k++) {
          var docs = posting[fields[k]] = {};
          var numbers = decodeNumbers(entry[2 + k]), ref = 0;
          for (var n = 0; n < numbers.length; n += 2) {
            ref += numbers[n];
            docs[ref] = EMPTY;
            var key = fields[k] + "/" + ref, vector = vectors.get(key);
            if (!vector) vectors.set(key, vector = []);
            vector.push(ordinal, numbers[n + 1] / 1000);
          }
        }
        inverted.push([term, posting]);
      }
    }
    var fieldVectors = [];
    vectors.forEach(function (elements, key) {
      if (elements.length > 2) {
        var pairs = [];
        for (var i = 0; i < elements.length; i += 2) pairs.push([elements[i], elements[i + 1]]);
        pairs.sort(function (a, b) { return a[0] - b[0]; });
        elements = [].concat.apply([], pairs);
      }
      fieldVectors.push([key, elements]);
    });
    inverted.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    return lunr.Index.load({
      version: lunr.version, fields: fields, fieldVectors: fieldVectors,
      invertedIndex: inverted, pipeline: []
    });
  }

  /**
   * The engine. `load(name)` returns a promise of a file's data ("meta", "s/12", "d/3").
   * Every load is recorded in engine.loaded (names, for the benchmark).
   */
  function createEngine(load) {
    var cache = new Map(), metaPromise = null, engine = { loaded: [] };
    var foldMap = Object.create(null);

    function get(name) {
      if (!cache.has(name)) {
        engine.loaded.push(name);
        var p = Promise.resolve(load(name));
        p.catch(function () { cache.delete(name); });
        cache.set(name, p);
      }
      return cache.get(name);
    }

    engine.meta = function () {
      if (!metaPromise) {
        metaPromise = get("meta").then(function (meta) {
          meta.foldMap = foldMap;
          meta.fieldNames = meta.fields.map(function (f) { return f[0]; });
          return meta;
        });
      }
      return metaPromise;
    };

    /** Load the folding pairs for the CJK characters of `text`: promise of the folding map
     * (every pair loaded so far). Needs no meta, so it runs alongside it. */
    engine.foldFor = function (text) {
      var blocks = [];
      Array.from(String(text).normalize("NFKC")).forEach(function (ch) {
        var cp = ch.codePointAt(0);
        if (tokenizer.isCJK(cp) && blocks.indexOf(cp >> 8) < 0) blocks.push(cp >> 8);
      });
      return Promise.all(blocks.map(function (b) { return get("f/" + b); })).then(function (parts) {
        parts.forEach(function (pairs) {
          var chars = Array.from(pairs);
          for (var i = 0; i + 1 < chars.length; i += 2) foldMap[chars[i]] = chars[i + 1];
        });
        return foldMap;
      });
    };

    /** Each tag's document ids: promise of [[name, {id: true}]] ([] when there are no tags). */
    engine.tags = function () {
      return engine.meta().then(function (meta) {
        if (!meta.tags) return [];
        return get("tags").then(function (tags) {
          if (!meta.tagSets) {
            meta.tagSets = tags.map(function (t) {
              var set = Object.create(null);
              decodeIds(t[1]).forEach(function (id) { set[id] = true; });
              return [t[0], set];
            });
          }
          return meta.tagSets;
        });
      });
    };

    /** Rewrite, load shards, assemble, search: {query, rewritten, results, meta, index}. */
    engine.search = function (query) {
      return Promise.all([engine.meta(), engine.foldFor(query || "")]).then(function (both) {
        var meta = both[0];
        var rewritten = rewriteQuery(query, meta.foldMap, meta.fieldNames);
        var terms = rewritten.clauses.map(function (c) { return c.term; });
        var shardIds = [];
        terms.forEach(function (t) {
          shardsFor(meta.shards, t).forEach(function (s) {
            if (shardIds.indexOf(s) < 0) shardIds.push(s);
          });
        });
        shardIds.sort(function (a, b) { return a - b; });
        return Promise.all(shardIds.map(function (s) { return get("s/" + s); })).then(function (shards) {
          var negated = rewritten.clauses.length > 0 &&
            rewritten.clauses.every(function (c) { return c.presence === "-"; });
          var index = assemble(meta, shards, terms, negated);
          return {
            query: query, rewritten: rewritten, results: runQuery(index, rewritten), meta: meta,
            index: index
          };
        });
      });
    };

    /** Document data for refs: promise of {ref: {title, url, date, excerpt, publisher, tags}}. */
    engine.docs = function (refs) {
      return engine.meta().then(function (meta) {
        var chunks = [];
        refs.forEach(function (ref) {
          var c = Math.floor(ref / meta.docChunk);
          if (chunks.indexOf(c) < 0) chunks.push(c);
        });
        return Promise.all(chunks.map(function (c) { return get("d/" + c); })).then(function (loaded) {
          var out = {};
          refs.forEach(function (ref) {
            var chunk = loaded[chunks.indexOf(Math.floor(ref / meta.docChunk))];
            var row = chunk[ref % meta.docChunk];
            out[ref] = {
              ref: ref, title: row[0], url: row[1], date: row[2], excerpt: row[3],
              publisher: meta.publishers[row[4]], tags: row[5] || []
            };
          });
          return out;
        });
      });
    };

    return engine;
  }

  /** A loader for browsers: each file is a <script> calling naSearch.put(name, data). */
  function scriptLoader(base) {
    var g = typeof window !== "undefined" ? window : self;
    var pending = Object.create(null);
    g.naSearch = g.naSearch || {};
    g.naSearch.put = function (name, data) {
      if (pending[name]) {
        pending[name].resolve(data);
        delete pending[name];
      }
    };
    return function (name) {
      return new Promise(function (resolve, reject) {
        pending[name] = { resolve: resolve };
        var script = document.createElement("script");
        script.src = base + "search/" + name + ".js";
        script.async = true;
        script.onerror = function () {
          delete pending[name];
          reject(new Error("cannot load " + script.src));
        };
        script.onload = function () {
          script.remove();
          if (pending[name]) {
            delete pending[name];
            reject(new Error("no data in " + script.src));
          }
        };
        document.head.appendChild(script);
      });
    };
  }

  /** Index into meta.publishers of document `ref`. */
  function publisherIndex(meta, ref) {
    return DIGIT[meta.pub[ref]];
  }

  return {
    assemble: assemble,
    publisherIndex: publisherIndex,
    createEngine: createEngine,
    decodeIds: decodeIds,
    decodeNumbers: decodeNumbers,
    parseFold: parseFold,
    rewriteQuery: rewriteQuery,
    runQuery: runQuery,
    scriptLoader: scriptLoader,
    shardOf: shardOf,
    shardsFor: shardsFor
  };
});
