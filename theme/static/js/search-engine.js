//# allFunctionsCalledOnLoad
/* newsarchive search engine: sharded Lunr index, loaded on demand.
 *
 * The index is split by term into shards (written by plugins/newsarchive/search/writer.py).
 * For a query, the engine rewrites it into lunr query syntax with the shared tokenizer, loads the
 * shards holding its terms and scores the documents as lunr.js 2.3.9's Index#search would on the
 * monolithic index (lunrSearch: lunr's own QueryParser, then lunr's arithmetic on typed arrays
 * decoded straight from the shards; weights (in hundredths) and term ordinals come precomputed
 * from the whole corpus, so scores are bit-identical to a monolithic lunr.js index holding those
 * weights). A query with several terms runs with all terms required; when that finds fewer than
 * PARTIAL_BELOW documents, it runs again with any term, and those documents follow.
 *
 * Works in a browser (globals lunr, naSearchTokenizer; files loaded by <script>) and in Node
 * (require; the test passes a loader that reads files), so tests run this very code.
 *
 * The first line of each search script is V8's explicit compile hint: every function is compiled
 * when the file loads (while the page opens), not lazily during the reader's first query. */
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
   * {clauses: [{presence, field, term, boost, word}], and: string, or: string}, where `word` is
   * the number of the query word a clause comes from (a CJK word gives several clauses).
   */
  function rewriteQuery(query, fold, fields) {
    var clauses = [];
    var parts = String(query || "").trim().split(/\s+/), word = 0;
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
        clauses.push({ presence: presence, field: field, term: tokens[j], boost: boost, word: word });
      }
      if (tokens.length) word++;
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
   * are few) the documents with some of them. Returns lunr's results, each marked `all` or not.
   * `top` (optional, see lunrSearch) learns the first results' ids early, from the all-terms
   * search. */
  function runQuery(index, rewritten, top) {
    if (!rewritten.clauses.length) return [];
    var out = index.search(rewritten.and, top), seen = Object.create(null);
    for (var i = 0; i < out.length; i++) out[i].all = true;
    if (rewritten.or && out.length < PARTIAL_BELOW) {
      for (var k = 0; k < out.length; k++) seen[out[k].ref] = true;
      var some = index.search(rewritten.or);
      for (var j = 0; j < some.length; j++) {
        if (!seen[some[j].ref]) {
          some[j].all = false;
          out.push(some[j]);
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

  var REQUIRED = lunr.Query.presence.REQUIRED, PROHIBITED = lunr.Query.presence.PROHIBITED;
  var CODE = new Int8Array(128).fill(-1);
  for (var c = 0; c < 32; c++) {
    CODE[LAST.charCodeAt(c)] = c;
    CODE[MORE.charCodeAt(c)] = c + 32;
  }

  /** One field's postings of a shard entry: {docs: Int32Array (ascending), weights:
   * Float64Array}, each weight in hundredths (shards.py: lunr.js's three-decimal weight rounded
   * to two). */
  function decodePostings(text) {
    var max = text.length >> 1, docs = new Int32Array(max), weights = new Float64Array(max);
    var n = 0, k = 0, doc = 0, odd = false;
    for (var i = 0; i < text.length; i++) {
      var v = CODE[text.charCodeAt(i)];
      if (v >= 32) {
        n = n * 32 + (v - 32);
      } else {
        n = n * 32 + v;
        if (odd) weights[k++] = n / 100;
        else docs[k] = doc += n;
        odd = !odd;
        n = 0;
      }
    }
    return { docs: docs.subarray(0, k), weights: weights.subarray(0, k) };
  }

  /** Each field's decoded postings of a shard entry ["term", ordinal, "postings", …]
   * (decoded once, kept on the entry). */
  function postingsOf(entry, nFields) {
    if (!entry.postings) {
      entry.postings = [];
      for (var f = 0; f < nFields; f++) entry.postings.push(decodePostings(entry[2 + f]));
    }
    return entry.postings;
  }

  /** Binary search for `term` in a sorted shard: its position, or where it would go. */
  function position(entries, term) {
    var lo = 0, hi = entries.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (entries[mid][0] < term) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /**
   * lunr.js 2.3.9's Index#search (lunr.Index.prototype.query) over the loaded term shards, without
   * building a lunr.Index: lunr's own QueryParser reads the query; required, prohibited and
   * negated clauses, term expansion, the order results are first met in, the per-field query
   * vectors, dot products (summed in ascending term ordinal), magnitudes, similarity
   * (dot / magnitude || 0), per-document sums and the stable sort by score are lunr's, with the
   * same floating-point operations in the same order, so the scores are bit-identical.
   * `shardOfTerm(term)` is the loaded shard's entries (sorted) that could hold `term`, or null;
   * `prefixEntries(prefix)` is every loaded entry whose term starts with `prefix`.
   * Returns [{ref: "doc id", score, fields}], best first; `fields` has bit f set when field f
   * matched. With `top` ({count, found}), found(ids) is called with the first `count` results'
   * document ids (numbers) as soon as the scores are summed, before the results are built and
   * sorted (not when there are fewer results than that).
   */
  function lunrSearch(meta, lookup, queryString, top) {
    var fields = meta.fieldNames, nf = fields.length, n = meta.n;
    var query = new lunr.Query(fields);
    new lunr.QueryParser(queryString, query).parse();
    var clauses = query.clauses, negated = query.isNegated();
    var queryVectors = fields.map(function () { return new Map(); });
    var dotTerms = fields.map(function () { return []; });
    var termField = new Set(), matched = new Uint8Array(n * nf), fieldRefs = [];
    var nRequired = 0, requiredCount = null, requiredStamp = null, prohibited = null;

    for (var i = 0; i < clauses.length; i++) {
      var clause = clauses[i];
      if ("editDistance" in clause) throw new Error("fuzzy terms are not supported");
      var expanded = expand(lookup, clause, nf);
      if (!expanded.length && clause.presence === REQUIRED) return [];
      var clauseFields = clause.fields.map(function (name) { return fields.indexOf(name); });
      if (clause.presence === REQUIRED) {
        if (!requiredCount) { requiredCount = new Int32Array(n); requiredStamp = new Int32Array(n); }
        var stamp = ++nRequired;
      }
      for (var j = 0; j < expanded.length; j++) {
        var entry = expanded[j], ordinal = entry[1], postings = postingsOf(entry, nf);
        for (var k = 0; k < clauseFields.length; k++) {
          var f = clauseFields[k], docs = postings[f].docs, d;
          if (clause.presence === REQUIRED) {
            for (d = 0; d < docs.length; d++) {
              if (requiredStamp[docs[d]] !== stamp) { requiredStamp[docs[d]] = stamp; requiredCount[docs[d]]++; }
            }
          }
          if (clause.presence === PROHIBITED) {
            if (!prohibited) prohibited = new Uint8Array(n);
            for (d = 0; d < docs.length; d++) prohibited[docs[d]] = 1;
            continue;
          }
          var vector = queryVectors[f], old = vector.get(ordinal);
          vector.set(ordinal, old === undefined ? clause.boost : old + clause.boost);
          var key = entry[0] + "/" + f;
          if (termField.has(key)) continue;
          termField.add(key);
          dotTerms[f].push(entry);
          for (d = 0; d < docs.length; d++) {
            var ref = docs[d] * nf + f;
            if (!matched[ref]) { matched[ref] = 1; fieldRefs.push(ref); }
          }
        }
      }
    }

    // per field: the query vector's magnitude and its dot product with every matched document
    var magnitudes = [], dots = [];
    for (var f2 = 0; f2 < nf; f2++) {
      var elements = Array.from(queryVectors[f2].keys()).sort(function (a, b) { return a - b; });
      var sumOfSquares = 0;
      for (var e = 0; e < elements.length; e++) {
        var val = queryVectors[f2].get(elements[e]);
        sumOfSquares += val * val;
      }
      magnitudes.push(Math.sqrt(sumOfSquares));
      var dot = new Float64Array(n), terms = dotTerms[f2].slice().sort(function (a, b) { return a[1] - b[1]; });
      for (var t = 0; t < terms.length; t++) {
        var qv = queryVectors[f2].get(terms[t][1]), p = terms[t].postings[f2];
        var pd = p.docs, pw = p.weights;
        for (var x = 0; x < pd.length; x++) dot[pd[x]] += qv * pw[x];
      }
      dots.push(dot);
    }

    if (negated) {
      fieldRefs = [];
      for (var doc = 0; doc < n; doc++) for (var f3 = 0; f3 < nf; f3++) fieldRefs.push(doc * nf + f3);
    }
    // each document's score summed over its fields in the order lunr.js sums them (from 0: the
    // same bits as starting from the first field's score), documents in the order first met
    var total = new Float64Array(n), bits = new Int32Array(n), order = [];
    for (var r = 0; r < fieldRefs.length; r++) {
      var fr = fieldRefs[r], docRef = (fr / nf) | 0, field = fr - docRef * nf;
      if (nRequired && requiredCount[docRef] !== nRequired) continue;
      if (prohibited && prohibited[docRef]) continue;
      if (!bits[docRef]) order.push(docRef);
      total[docRef] += dots[field][docRef] / magnitudes[field] || 0;
      bits[docRef] |= 1 << field;
    }
    if (top && order.length >= top.count) top.found(best(order, total, top.count));
    var results = order.map(function (d) { return { ref: String(d), score: total[d], fields: bits[d] }; });
    return results.sort(function (a, b) { return b.score - a.score; });
  }

  /** The first `k` of `docs` (in the order first met) by `score`, highest first, the earlier
   * of equals first: the first `k` of the sorted results, without sorting them all. */
  function best(docs, score, k) {
    var top = [];
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i], s = score[d];
      if (top.length === k && s <= score[top[k - 1]]) continue;
      var j = Math.min(top.length, k - 1);
      while (j > 0 && score[top[j - 1]] < s) j--;
      top.splice(j, 0, d);
      if (top.length > k) top.pop();
    }
    return top;
  }

  /** The loaded entries a clause's term stands for, in the order lunr.js would expand it: the
   * term itself, or (wildcards) lunr's TokenSet intersection over the terms with its prefix. */
  function expand(lookup, clause) {
    var term = clause.term, star = term.indexOf("*");
    if (star < 0) {
      var entries = lookup.shard(term);
      if (!entries) return [];
      var i = position(entries, term);
      return i < entries.length && entries[i][0] === term ? [entries[i]] : [];
    }
    var candidates = lookup.prefix(term.slice(0, star));
    if (candidates.length < 2 && term.length === star + 1) return candidates;
    var byTerm = new Map();
    candidates.forEach(function (e) { byTerm.set(e[0], e); });
    var words = Array.from(byTerm.keys()).sort();
    return lunr.TokenSet.fromArray(words).intersect(lunr.TokenSet.fromClause(clause)).toArray()
      .map(function (w) { return byTerm.get(w); });
  }

  /** The bytes of a base-64 text. */
  function base64Bytes(text) {
    var chars = atob(text), bytes = new Uint8Array(chars.length);
    for (var i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
    return bytes;
  }

  /**
   * Unpack data packed by the index (search/writer.py: raw deflate in base 64): a promise of the
   * text of `parts` (base-64 strings of one stream, in order). `open`: the stream goes on in
   * parts not given, and an empty final block ends it here.
   */
  function inflate(parts, open) {
    return new Promise(function (resolve) {
      // Written to the stream's writer: five times faster than piping a Blob's stream through it.
      var stream = new DecompressionStream("deflate-raw"), writer = stream.writable.getWriter();
      var chunks = parts.map(base64Bytes);
      if (open) chunks.push(new Uint8Array([3, 0]));
      chunks.forEach(function (c) { writer.write(c).catch(function () {}); });
      writer.close().catch(function () {}); // a bad stream fails the text read below
      resolve(new Response(stream.readable).text());
    });
  }

  /** A document's text from its packed head (pack_text), and its tail unless `open`; "" where the
   * browser cannot unpack it (results without passages). */
  function unpackText(parts, open) {
    return inflate(parts, open).catch(function (e) {
      console.warn("search: a text cannot be unpacked", e);
      return "";
    });
  }

  /** A term shard's entries from its packed JSON. */
  function unpackShard(packed) {
    return inflate([packed]).then(JSON.parse);
  }

  /** A document chunk's rows with their text unpacked: [title, url, date, publisher, tags, text,
   * more (its tail is in t/<ref>), packed head (for the tail)]. */
  function unpackChunk(chunk) {
    return Promise.all(chunk.map(function (row) {
      var more = !!row[6];
      return unpackText([row[5]], more).then(function (text) {
        return row.slice(0, 5).concat([text, more, row[5]]);
      });
    }));
  }

  /**
   * The engine. `load(name)` returns a promise of a file's data ("meta", "s/12", "d/3").
   * Every load is recorded in engine.loaded (names, for the benchmark).
   */
  function createEngine(load) {
    var cache = new Map(), metaPromise = null, metaLoaded = null, engine = { loaded: [] };

    /** A file's data, loaded once and kept as `decode` (optional) makes it. */
    function get(name, decode) {
      if (!cache.has(name)) {
        engine.loaded.push(name);
        var p = Promise.resolve(load(name));
        if (decode) p = p.then(decode);
        p.catch(function () { cache.delete(name); });
        cache.set(name, p);
      }
      return cache.get(name);
    }

    engine.meta = function () {
      if (!metaPromise) {
        metaPromise = get("meta").then(function (meta) {
          meta.foldMap = parseFold(meta.fold);
          meta.fieldNames = meta.fields.map(function (f) { return f[0]; });
          metaLoaded = meta;
          return meta;
        });
      }
      return metaPromise;
    };

    /** Each tag's document ids: promise of [[name, [ids, ascending]]] ([] without tags). */
    engine.tags = function () {
      return engine.meta().then(function (meta) {
        if (!meta.tags) return [];
        return get("tags").then(function (tags) {
          if (!meta.tagSets) {
            meta.tagSets = tags.map(function (t) { return [t[0], decodeIds(t[1])]; });
          }
          return meta.tagSets;
        });
      });
    };

    var shardData = Object.create(null); // shard id -> its entries, once loaded

    /** Search over the loaded shards: an object with lunr.Index's search(queryString). */
    function searcher(meta) {
      var lookup = {
        shard: function (term) {
          return shardData[shardOf(meta.shards, term)] || null;
        },
        prefix: function (prefix) {
          var out = [];
          shardsFor(meta.shards, prefix + "*").forEach(function (s) {
            var entries = shardData[s] || [];
            for (var i = position(entries, prefix); i < entries.length; i++) {
              if (entries[i][0].lastIndexOf(prefix, 0) !== 0) break;
              out.push(entries[i]);
            }
          });
          return out;
        }
      };
      return { search: function (queryString, top) { return lunrSearch(meta, lookup, queryString, top); } };
    }

    /** Rewrite, load shards, search: {query, rewritten, results, meta, index}. `top`
     * ({count, found}, optional): found(ids) gets the first results' document ids before the
     * results are sorted (see lunrSearch), so their documents can be requested sooner. */
    engine.search = function (query, top) {
      return engine.meta().then(function (meta) {
        var rewritten = rewriteQuery(query, meta.foldMap, meta.fieldNames);
        var shardIds = [];
        rewritten.clauses.forEach(function (c) {
          shardsFor(meta.shards, c.term).forEach(function (s) {
            if (shardIds.indexOf(s) < 0) shardIds.push(s);
          });
        });
        return Promise.all(shardIds.map(function (s) {
          return get("s/" + s, unpackShard).then(function (entries) { shardData[s] = entries; });
        })).then(function () {
          var index = searcher(meta);
          return {
            query: query, rewritten: rewritten, results: runQuery(index, rewritten, top), meta: meta,
            index: index
          };
        });
      });
    };

    /** Document `ref`'s data: promise of {ref, title, url, date, publisher: [key, name, url],
     * tags: [[name, url]], text, more} (URLs relative to the site; text: paragraphs on lines,
     * the first ones only when `more`, see engine.fullText).
     * Once meta is loaded, its chunk file is requested before this returns, so chunks load in
     * the order documents are asked for. */
    engine.doc = function (ref) {
      var meta = metaLoaded;
      if (!meta) return engine.meta().then(function () { return engine.doc(ref); });
      ref = +ref;
      return get("d/" + Math.floor(ref / meta.docChunk), unpackChunk).then(function (chunk) {
        var row = chunk[ref % meta.docChunk];
        return {
          ref: ref, title: row[0], url: row[1], date: row[2], publisher: meta.publishers[row[3]],
          tags: (row[4] || []).map(function (t) {
            return [t[0], t[1] ? meta.tagUrl.replace("{slug}", t[1]) : ""];
          }),
          text: row[5], more: row[6], packed: row[7]
        };
      });
    };

    /** The rest of document `ref`'s text, when its data says `more`: a promise of the whole
     * text (head, line break, tail). */
    engine.fullText = function (doc) {
      if (!doc.more) return Promise.resolve(doc.text);
      return get("t/" + doc.ref, function (tail) { return unpackText([doc.packed, tail]); });
    };

    /** Document data for refs: promise of {ref: data} (see engine.doc). */
    engine.docs = function (refs) {
      return Promise.all(refs.map(engine.doc)).then(function (list) {
        var out = {};
        list.forEach(function (doc) { out[doc.ref] = doc; });
        return out;
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

  /** Index into meta.publishers of document `ref` (meta.pubWidth base-64 digits per document). */
  function publisherIndex(meta, ref) {
    var width = meta.pubWidth || 1, n = 0;
    for (var k = ref * width, end = k + width; k < end; k++) n = n * 64 + DIGIT[meta.pub[k]];
    return n;
  }

  return {
    decodePostings: decodePostings,
    lunrSearch: lunrSearch,
    publisherIndex: publisherIndex,
    createEngine: createEngine,
    decodeIds: decodeIds,
    decodeNumbers: decodeNumbers,
    parseFold: parseFold,
    rewriteQuery: rewriteQuery,
    runQuery: runQuery,
    scriptLoader: scriptLoader,
    shardOf: shardOf,
    shardsFor: shardsFor,
    inflate: inflate,
    unpackText: unpackText
  };
});
