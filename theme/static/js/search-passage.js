//# allFunctionsCalledOnLoad
/* newsarchive search passages: where a query's terms occur in a text, and the passage of a
 * result (about 80-140 characters, cut at sentence or clause boundaries) where they cluster.
 *
 * Matching is the index's: each character is normalised on its own (NFKC, case, Traditional →
 * Simplified, with the index's folding pairs) so matches map back to the original text; CJK
 * terms are bigrams (or a single character, or a prefix), Latin words match by lunr's English
 * stem or by prefix. A result's passage is the window holding the most of the query's words,
 * then the most matches, then the earliest; with no match in the text (only the title
 * matched), its lead paragraph.
 *
 * Works in a browser (global naSearchTokenizer) and in Node (require), so `node --test` runs
 * this very code (tests/js/passage.test.js). */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./search-tokenizer.js"));
  } else {
    root.naSearchPassage = factory(root.naSearchTokenizer);
  }
})(typeof self !== "undefined" ? self : this, function (Tok) {
  "use strict";

  var MIN = 80, MAX = 140;
  // a sentence ends after one of these (and any closing quotes or brackets after it)
  var SENTENCE_END = /[。！？!?；;…]/;
  var CLAUSE_END = /[，,、：:—]/;
  var CLOSING = /[”’」』）)》〉"'\]]/;
  var SPACE = /\s/;
  var JOINER = /^[-‐‑–_.·'’/]+$/;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /** The terms to look for: the rewritten query's positive clauses by kind, each with the
   * numbers of the query words it comes from. */
  function termsOf(rewritten) {
    var t = { bigrams: new Map(), exact: new Map(), prefixes: [], longest: 0 };
    function add(map, term, word) {
      var words = map.get(term);
      if (!words) map.set(term, words = []);
      if (words.indexOf(word) < 0) words.push(word);
    }
    ((rewritten && rewritten.clauses) || []).forEach(function (c) {
      if (c.presence === "-") return;
      var word = c.word || 0, chars = Array.from(c.term);
      if (/\*$/.test(c.term)) {
        t.prefixes.push({ prefix: c.term.slice(0, -1), word: word });
        t.longest = Math.max(t.longest, chars.length - 1);
      } else if (chars.length === 2 && Tok.isCJK(c.term.codePointAt(0))) add(t.bigrams, c.term, word);
      else add(t.exact, c.term, word);
    });
    return t;
  }

  var normalized = new Map(), normalizedFold = null;

  /** Tok.normalize of one character, remembered (per fold map). */
  function normalizeChar(ch, fold) {
    if (fold !== normalizedFold) { normalized = new Map(); normalizedFold = fold; }
    var n = normalized.get(ch);
    if (n === undefined) normalized.set(ch, n = Tok.normalize(ch, fold));
    return n;
  }

  var outsidePlain = null, own = Object.prototype.hasOwnProperty;

  /** `text` normalised for matching in one pass, when all its characters are PLAIN (so one
   * UTF-16 unit each): ASCII in lower case and the rest folded, as Tok.normalize does; PLAIN's
   * characters that are not ASCII or ideographs, never part of a word before or after
   * normalisation, stay as they are, so runs and offsets are those of normalising each
   * character. Null for any other text. */
  function normalizePlain(text, fold) {
    outsidePlain = outsidePlain || new RegExp("[^" + PLAIN + "]");
    if (outsidePlain.test(text)) return null;
    var lower = text.toLowerCase(), norm = "", from = 0;
    for (var i = 0; fold && i < lower.length; i++) {
      if (lower.charCodeAt(i) < 0x80 || !own.call(fold, lower[i])) continue;
      norm += lower.slice(from, i) + fold[lower[i]];
      from = i + 1;
    }
    norm += lower.slice(from);
    return norm.length === text.length ? norm : null;
  }

  /**
   * Where the query's terms occur in `text`: {chars: [code points], on: [bool per character],
   * spans: [{start, end, word}]} with character (code point) offsets, spans in text order.
   * `perChar`: normalise each character on its own even when normalizePlain could (tests).
   */
  function matches(text, rewritten, fold, perChar) {
    text = String(text || "");
    var chars = Array.from(text), on = new Array(chars.length).fill(false), spans = [];
    var t = termsOf(rewritten);
    if (!t.bigrams.size && !t.exact.size && !t.prefixes.length) return { chars: chars, on: on, spans: spans };
    var norm = perChar ? null : normalizePlain(text, fold), owner = null;
    if (norm === null) {
      norm = "";
      owner = [];
      chars.forEach(function (ch, i) {
        var n = normalizeChar(ch, fold);
        norm += n;
        for (var k = 0; k < n.length; k++) owner.push(i);
      });
    }
    function hit(a, b, words) { // UTF-16 offsets [a, b) of norm
      var start = owner ? owner[a] : a, end = owner ? owner[b - 1] + 1 : b;
      for (var k = start; k < end; k++) on[k] = true;
      for (var w = 0; w < words.length; w++) spans.push({ start: start, end: end, word: words[w] });
    }
    Tok.runs(norm).forEach(function (r) {
      var cs = r.chars, offs = [], pos = r.start, j, p;
      for (j = 0; j < cs.length; j++) { offs.push(pos); pos += cs[j].length; }
      offs.push(pos);
      if (r.cjk) {
        for (j = 0; j < cs.length; j++) {
          var words = j + 1 < cs.length && t.bigrams.get(cs[j] + cs[j + 1]);
          if (words) hit(offs[j], offs[j + 2], words);
          if ((words = t.exact.get(cs[j]))) hit(offs[j], offs[j + 1], words);
          var rest = t.prefixes.length ? cs.slice(j, j + t.longest).join("") : "";
          for (p = 0; p < t.prefixes.length; p++) {
            var pre = t.prefixes[p].prefix;
            if (rest.lastIndexOf(pre, 0) === 0) hit(offs[j], offs[j] + pre.length, [t.prefixes[p].word]);
          }
        }
      } else {
        var word = cs.join(""), stem = /^[a-z]+$/.test(word) ? Tok.stemWord(word) : word;
        var found = (t.exact.get(stem) || []).concat(stem === word ? [] : t.exact.get(word) || []);
        for (p = 0; p < t.prefixes.length; p++) {
          if (word.lastIndexOf(t.prefixes[p].prefix, 0) === 0) found.push(t.prefixes[p].word);
        }
        if (found.length) hit(r.start, r.end, found);
      }
    });
    spans.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
    // one word's parts joined by a hyphen or the like ("COVID-19") are marked as one
    for (var i = 0; i + 1 < spans.length; i++) {
      var gap = spans[i + 1].start - spans[i].end;
      if (gap > 0 && gap <= 2 && spans[i + 1].word === spans[i].word &&
          JOINER.test(chars.slice(spans[i].end, spans[i + 1].start).join(""))) {
        for (var k = spans[i].end; k < spans[i + 1].start; k++) on[k] = true;
      }
    }
    return { chars: chars, on: on, spans: spans };
  }

  /** Characters [start, end) as HTML, marked characters in <mark>, line breaks as spaces. */
  function render(chars, on, start, end) {
    var out = "", open = false;
    for (var i = start; i < end; i++) {
      if (on[i] && !open) { out += "<mark>"; open = true; }
      if (!on[i] && open) { out += "</mark>"; open = false; }
      out += chars[i] === "\n" ? " " : esc(chars[i]);
    }
    return out + (open ? "</mark>" : "");
  }

  /** `text` as HTML with the query's matches in <mark> (titles). */
  function highlight(text, rewritten, fold) {
    var m = matches(text, rewritten, fold);
    return render(m.chars, m.on, 0, m.chars.length);
  }

  /** How many query words a passage can hold (the positive ones). */
  function wantedWords(rewritten) {
    var words = new Set();
    ((rewritten && rewritten.clauses) || []).forEach(function (c) {
      if (c.presence !== "-") words.add(c.word || 0);
    });
    return words.size;
  }

  /** Paragraphs [start, end) of a text's characters (separated by line breaks, blank ones left
   * out), each with its cuts: the offsets where a passage may start or end, strong after a
   * sentence, weak after a clause. */
  function paragraphs(chars) {
    var out = [], start = 0;
    for (var i = 0; i <= chars.length; i++) {
      if (i < chars.length && chars[i] !== "\n") continue;
      var s = start, e = i;
      while (s < e && SPACE.test(chars[s])) s++;
      while (e > s && SPACE.test(chars[e - 1])) e--;
      if (e > s) out.push(cutsOf(chars, s, e));
      start = i + 1;
    }
    return out;
  }

  function cutsOf(chars, s, e) {
    var cuts = [{ at: s, strong: true }];
    for (var i = s; i < e - 1; i++) {
      var ch = chars[i], strong = SENTENCE_END.test(ch);
      // a Latin full stop ends a sentence when a space follows ("3.5" and "U.S." do not)
      if (ch === "." && SPACE.test(chars[i + 1])) strong = true;
      if (!strong && !CLAUSE_END.test(ch) && !(ch === "," && SPACE.test(chars[i + 1]))) continue;
      var j = i + 1;
      while (j < e && (CLOSING.test(chars[j]) || SENTENCE_END.test(chars[j]))) j++;
      while (j < e && SPACE.test(chars[j])) j++;
      if (j < e && j > cuts[cuts.length - 1].at) cuts.push({ at: j, strong: strong });
      i = j - 1;
    }
    cuts.push({ at: e, strong: true });
    return { start: s, end: e, cuts: cuts };
  }

  /** Where a passage starting at `from` in paragraph `par` ends: the last cut within `max`
   * characters, or (when that would leave fewer than `min`) a break at most `max` characters on,
   * at a space in Latin text. Returns {at, strong}. */
  function endFrom(chars, par, from, min, max) {
    var best = null;
    for (var k = 0; k < par.cuts.length; k++) {
      var c = par.cuts[k];
      if (c.at <= from) continue;
      if (c.at - from > max) break;
      best = c;
    }
    if (best && (best.at - from >= min || best.at === par.end)) return best;
    var at = Math.min(par.end, from + max);
    if (at < par.end) {
      var back = at;
      while (back > from + min && !SPACE.test(chars[back])) back--;
      if (back > from + min) at = back;
    }
    return { at: at, strong: at === par.end };
  }

  // Characters whose normalisation is themselves (ASCII also in lower case, CJK ideographs also
  // folded) or a character that is not part of a word: ASCII, common punctuation, CJK
  // ideographs, full-width punctuation. A line of only these holds a match of a term only when
  // it holds a form of the term's first character.
  var PLAIN = "\\u0000-\\u007f\\u00a0\\u00b7\\u2010-\\u2016\\u2018-\\u2027\\u3000-\\u3004\\u3008-\\u3011" +
    "\\u3014-\\u301f\\u4e00-\\u9fff\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65";

  function classChar(ch) { return "\\u{" + ch.codePointAt(0).toString(16) + "}"; }

  var lineTests = new WeakMap(); // rewritten query -> {fold, test}

  /** A test a line must pass to hold a match of the query's terms (checked natively, so the
   * passage's per-character work is spent only on those lines): it holds a form of some term's
   * first character (as is, upper case, or a form the folding pairs map to it), or a character
   * outside PLAIN, whose normalisation could be anything. Null when the query has no terms.
   * Made once per query. */
  function lineTest(rewritten, fold) {
    fold = fold || {};
    var known = rewritten && lineTests.get(rewritten);
    if (known && known.fold === fold) return known.test;
    var t = termsOf(rewritten), firsts = new Set();
    t.bigrams.forEach(function (w, term) { firsts.add(Array.from(term)[0]); });
    t.exact.forEach(function (w, term) { firsts.add(Array.from(term)[0]); });
    t.prefixes.forEach(function (p) { if (p.prefix) firsts.add(Array.from(p.prefix)[0]); });
    var test = null;
    if (firsts.size) {
      var forms = Array.from(firsts), chars = "";
      for (var from in fold) if (firsts.has(fold[from])) forms.push(from);
      forms.forEach(function (form) { chars += classChar(form) + classChar(form.toUpperCase()[0]); });
      test = new RegExp("[" + chars + "]|[^" + PLAIN + "]", "u");
    }
    if (rewritten) lineTests.set(rewritten, { fold: fold, test: test });
    return test;
  }

  /** The best window of a line (readLine's {chars, spans, par, at}) against `best`. Windows
   * score by words, then matches, then clean cuts; among equals, the earliest. */
  function bestWindow(line, min, max, best) {
    var chars = line.chars, par = line.par, spans = line.spans, at = line.at;
    if (!spans.length) return best;
    var starts = par.cuts.slice(0, -1);
    // a window may also start a little before each match, where no cut is near enough
    for (var k = 0; k < spans.length; k++) {
      var from = Math.max(par.start, spans[k].start - 20);
      while (from > par.start && !SPACE.test(chars[from - 1]) && !Tok.isCJK(chars[from].codePointAt(0))) from--;
      starts.push({ at: from, strong: from === par.start });
    }
    starts.forEach(function (s) {
      var end = endFrom(chars, par, s.at, min, max), words = new Set(), count = 0;
      for (var i = 0; i < spans.length && spans[i].start < end.at; i++) {
        if (spans[i].start >= s.at && spans[i].end <= end.at) { words.add(spans[i].word); count++; }
      }
      if (!count) return;
      var score = words.size * 1000 + Math.min(count, 5) * 10 + (s.strong ? 4 : 0) + (end.strong ? 2 : 0);
      if (!best || score > best.score || (score === best.score && at + s.at < best.start)) {
        best = { score: score, start: at + s.at, end: at + end.at, pre: !s.strong, post: !end.strong,
          line: line, from: s.at, to: end.at };
      }
    });
    return best;
  }

  /**
   * The passage of `text` to show for a query: {start, end, html, matched, words, wanted}.
   * `html` has the query's matches in <mark> and "…" where the passage cuts a sentence;
   * `matched` is false when the text has no match (the passage is then the lead paragraph's
   * beginning); the passage holds `words` of the query's `wanted` words.
   * A passage never crosses a line break, so each line (paragraph) is read on its own, and only
   * the lines that pass lineTest are searched for matches.
   * Options: {min: 80, max: 140} characters; {scanAll: true} searches every line (the tests
   * compare the two).
   */
  function passage(text, rewritten, fold, options) {
    var min = (options && options.min) || MIN, max = (options && options.max) || MAX;
    var test = options && options.scanAll ? null : lineTest(rewritten, fold);
    var lines = String(text || "").split("\n"), wide = /[\ud800-\udfff]/.test(text || "");
    var best = null, lead = -1, firstLine = -1, offsets = [], read = [], at = 0;

    // line i as {chars, on, spans, par, at: its offset in the text}; matches only when `search`
    function readLine(i, search) {
      var chars = Array.from(lines[i]);
      var m = search ? matches(lines[i], rewritten, fold) : { on: new Array(chars.length).fill(false), spans: [] };
      return { chars: chars, on: m.on, spans: m.spans, par: paragraphs(chars)[0], at: offsets[i] };
    }
    lines.forEach(function (line, i) {
      var trimmed = line.trim(), n = wide ? Array.from(trimmed).length : trimmed.length;
      offsets.push(at);
      at += (wide ? Array.from(line).length : line.length) + 1;
      if (n && firstLine < 0) firstLine = i;
      if (n >= 20 && lead < 0) lead = i;
      if (n && (!test || test.test(line))) best = bestWindow(read[i] = readLine(i, true), min, max, best);
    });
    if (firstLine < 0) return { start: 0, end: 0, html: "", matched: false };
    var matched = !!best, r;
    if (best) {
      r = best.line;
    } else { // the lead: the first paragraph of some length, from its start
      var li = lead >= 0 ? lead : firstLine;
      r = read[li] || readLine(li, false);
      var end = endFrom(r.chars, r.par, r.par.start, min, max);
      best = { start: r.at + r.par.start, end: r.at + end.at, pre: false, post: !end.strong,
        from: r.par.start, to: end.at };
    }
    var html = (best.pre ? "…" : "") + render(r.chars, r.on, best.from, best.to) + (best.post ? "…" : "");
    return {
      start: best.start, end: best.end, html: html, matched: matched,
      words: matched ? Math.floor(best.score / 1000) : 0, wanted: wantedWords(rewritten)
    };
  }

  return { esc: esc, highlight: highlight, matches: matches, passage: passage, PLAIN: PLAIN, MIN: MIN, MAX: MAX };
});
