//# allFunctionsCalledOnLoad
/* newsarchive search tokenizer (query time): the browser twin of
 * plugins/newsarchive/search/tokenizer.py. Both must produce identical tokens; the shared vectors
 * in tests/fixtures/tokenizer_vectors.json prove it (tests/js/tokenizer.test.js).
 * Needs lunr (for lunr.stemmer): the global `lunr` in a browser, require("lunr") in Node. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("lunr"));
  } else {
    root.naSearchTokenizer = factory(root.lunr);
  }
})(typeof self !== "undefined" ? self : this, function (lunr) {
  "use strict";

  // Keep in step with CJK_RANGES in tokenizer.py.
  var CJK_RANGES = [
    [0x1100, 0x11ff], [0x2e80, 0x2fdf], [0x3005, 0x3007], [0x3021, 0x3029], [0x3038, 0x303b],
    [0x3041, 0x3096], [0x309d, 0x309f], [0x30a1, 0x30fa], [0x30fc, 0x30ff], [0x3131, 0x318e],
    [0x31f0, 0x31ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xf900, 0xfaff],
    [0x20000, 0x2fa1f], [0x30000, 0x323af]
  ];
  var REMOVE = /[\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
  var WORD = /^[\p{L}\p{N}\p{M}]$/u;
  var ASCII_WORD = /^[a-z]+$/;

  function isCJK(cp) {
    for (var i = 0; i < CJK_RANGES.length; i++) {
      if (cp < CJK_RANGES[i][0]) return false;
      if (cp <= CJK_RANGES[i][1]) return true;
    }
    return false;
  }

  function foldChars(text, fold) {
    if (!fold) return text;
    var out = "";
    for (var ch of text) {
      out += Object.prototype.hasOwnProperty.call(fold, ch) ? fold[ch] : ch;
    }
    return out;
  }

  /** NFKC, drop format characters and variation selectors, lower-case, fold. */
  function normalize(text, fold) {
    return foldChars(text.normalize("NFKC").replace(REMOVE, "").toLowerCase(), fold);
  }

  /** Runs of CJK (cjk: true) or word characters in an already normalised string, with
   * UTF-16 offsets: [{cjk, chars: [code point strings], start, end}]. */
  function runs(text) {
    var out = [], cur = null, i = 0;
    for (var ch of text) {
      var kind = isCJK(ch.codePointAt(0)) ? 1 : WORD.test(ch) ? 2 : 0;
      if (kind && cur && cur.kind === kind) {
        cur.chars.push(ch);
        cur.end = i + ch.length;
      } else if (kind) {
        cur = { kind: kind, cjk: kind === 1, chars: [ch], start: i, end: i + ch.length };
        out.push(cur);
      } else {
        cur = null;
      }
      i += ch.length;
    }
    return out;
  }

  function stemWord(word) {
    return lunr.stemmer(new lunr.Token(word, {})).toString();
  }

  /** Search terms of `text`; options: {query: false, stem: true}. See tokenizer.py. */
  function tokenize(text, fold, options) {
    var query = !!(options && options.query);
    var stem = !(options && options.stem === false);
    var rs = runs(normalize(text, fold));
    var tokens = [];
    for (var i = 0; i < rs.length; i++) {
      var r = rs[i], c = r.chars, n = c.length, j;
      if (!r.cjk) {
        var word = c.join("");
        tokens.push(stem && ASCII_WORD.test(word) ? stemWord(word) : word);
      } else if (n === 1) {
        var anchored = (i > 0 && rs[i - 1].end === r.start) ||
          (i + 1 < rs.length && rs[i + 1].start === r.end);
        tokens.push(query && !anchored ? c[0] + "*" : c[0]);
      } else {
        if (!query) tokens.push(c[0]);
        for (j = 0; j + 1 < n; j++) tokens.push(c[j] + c[j + 1]);
        if (!query) tokens.push(c[n - 1]);
      }
    }
    return tokens;
  }

  return {
    CJK_RANGES: CJK_RANGES,
    isCJK: isCJK,
    normalize: normalize,
    runs: runs,
    stemWord: stemWord,
    tokenize: tokenize
  };
});
