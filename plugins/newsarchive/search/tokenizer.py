"""The search tokenizer (index time). ``theme/static/js/search-tokenizer.js`` is its browser twin.

Text is normalised (NFKC; invisible format characters and variation selectors removed;
lower-cased; Traditional characters folded to Simplified) and split into runs:

- a run of CJK characters (Han, kana, Hangul) becomes overlapping bigrams, so any substring of
  two or more characters is findable. At index time the run's first and last characters are also
  kept as unigrams (a one-character run is just that unigram), so one character is findable too;
- any other run of letters, digits and marks is a word; an ASCII word is stemmed with lunr.js's
  English stemmer.

Query mode differs only for CJK runs: a run of two or more characters gives its bigrams only; a
single character touching a word (``2024年``, ``A股``) must start or end a CJK run in the text, so
it stays a unigram; a single character standing alone becomes the prefix query ``年*`` (every
bigram starting with it, and the unigram).

The shared vectors in ``tests/fixtures/tokenizer_vectors.json`` prove both implementations agree.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import add

from .stemmer import stem as _stem

# Code point ranges tokenised as CJK (bigrams). Keep in step with search-tokenizer.js.
CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3038, 0x303B),
    (0x3041, 0x3096),  # Hiragana
    (0x309D, 0x309F),
    (0x30A1, 0x30FA),  # Katakana
    (0x30FC, 0x30FF),
    (0x3131, 0x318E),  # Hangul compatibility Jamo
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # Unified Ideographs
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x2FA1F),  # Extensions B-F, I, compatibility supplement
    (0x30000, 0x323AF),  # Extensions G, H
)
# Removed before tokenising: variation selectors (format characters, category Cf, are too).
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def _class(ranges: list[tuple[int, int]]) -> str:
    def esc(cp: int) -> str:
        return f"\\U{cp:08x}"

    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges)


def _merge(cps: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


_JAMO = ((0x1100, 0x11FF), (0x3131, 0x318E), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))


@dataclass(frozen=True)
class _Tables:
    runs: re.Pattern[str]  # group 1: a CJK run, group 2: a word
    remove: re.Pattern[str]  # format characters and variation selectors
    compat: re.Pattern[str]  # BMP characters NFKC changes on their own
    compat_map: dict[str, str]
    slow: re.Pattern[str]  # characters that make NFKC depend on context, and astral ones


def _marks() -> bytearray:
    """Per code point: 1 for CJK, 2 for a variation selector, else 0."""
    marks = bytearray(sys.maxunicode + 1)
    for value, ranges in ((1, CJK_RANGES), (2, _VARIATION_SELECTORS)):
        for a, b in ranges:
            marks[a : b + 1] = bytes([value]) * (b + 1 - a)
    return marks


@cache
def _tables() -> _Tables:
    remove: list[int] = []
    word: list[int] = []
    compat: dict[str, str] = {}
    slow: list[int] = []
    marks = _marks()
    category = unicodedata.category
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        cat = category(ch)
        if cp >= 0x10000 and cat in ("Cn", "Co"):
            continue  # unassigned or private use, past the BMP: in no table
        if cat == "Cf" or marks[cp] == 2:
            remove.append(cp)
        elif cat[0] in "LNM" and marks[cp] != 1:
            word.append(cp)
        if cp >= 0x10000 or cat == "Cs":
            continue
        nfkc = unicodedata.normalize("NFKC", ch)
        if _context_dependent(ch) or (nfkc and _context_dependent(nfkc[0])):
            slow.append(cp)
        elif nfkc != ch:
            compat[ch] = nfkc
    return _Tables(
        runs=re.compile(f"([{_class(list(CJK_RANGES))}]+)|([{_class(_merge(word))}]+)"),
        remove=re.compile(f"[{_class(_merge(remove))}]+"),
        compat=re.compile(f"[{_class(_merge([ord(c) for c in compat]))}]"),
        compat_map=compat,
        slow=re.compile(f"[{_class(_merge(slow))}\U00010000-\U0010ffff]"),
    )


def _context_dependent(ch: str) -> bool:
    """Whether NFKC may treat ``ch`` differently next to other characters (marks, jamo)."""
    cp = ord(ch)
    return (
        unicodedata.category(ch)[0] == "M"
        or unicodedata.combining(ch) != 0
        or any(a <= cp <= b for a, b in _JAMO)
    )


Fold = Callable[[str], str]


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, fast for text with no marks, jamo or astral
    characters (then NFKC is character by character; tests compare both)."""
    t = _tables()
    if t.slow.search(text):
        return unicodedata.normalize("NFKC", text)
    return t.compat.sub(lambda m: t.compat_map[m.group()], text)


def normalize(text: str, fold: Fold | None = None) -> str:
    """NFKC, drop format characters and variation selectors, lower-case, fold."""
    text = _tables().remove.sub("", nfkc(text)).lower()
    return fold(text) if fold else text


def tokenize(
    text: str, fold: Fold | None = None, *, query: bool = False, stem: bool = True
) -> list[str]:
    """Search terms of ``text`` in order (see the module docstring).

    ``fold`` maps a text to its folded form, see :func:`newsarchive.search.folding.folder`.
    """
    runs = _tables().runs
    text = normalize(text, fold)
    tokens: list[str] = []
    append = tokens.append
    if not query:  # the hot path at index time
        for cjk, word in runs.findall(text):
            if word:
                append(_stem(word) if stem and word.isascii() and word.isalpha() else word)
            elif len(cjk) == 1:
                append(cjk)
            else:
                append(cjk[0])
                tokens += map(add, cjk, cjk[1:])
                append(cjk[-1])
        return tokens
    prev_end = -1
    matches = list(runs.finditer(text))
    for i, m in enumerate(matches):
        cjk, word = m.group(1), m.group(2)
        if word:
            append(_stem(word) if stem and word.isascii() and word.isalpha() else word)
        elif len(cjk) == 1:
            anchored = prev_end == m.start() or (
                i + 1 < len(matches) and matches[i + 1].start() == m.end()
            )
            append(cjk if anchored else cjk + "*")
        else:
            tokens += map(add, cjk, cjk[1:])
        prev_end = m.end()
    return tokens
