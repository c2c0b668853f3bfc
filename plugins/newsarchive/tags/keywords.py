"""Automatic keywords: jieba word segmentation with part-of-speech tags, scored by TF-IDF with the
IDF computed over the archive itself, so that what is specific to an article stands out.

Segmentation uses jieba's dictionary (plus the curated aliases) without its HMM guesser for
unknown words: ten times faster, and the guessed words (name fragments) made poor tags anyway.

jieba is imported, and its dictionary loaded, only when a document is actually segmented: the
per-document part (:func:`analyse`, :func:`summarise`) is cached by
:mod:`newsarchive.tags.analysis`, and the archive-wide part (:func:`rank`) needs no jieba.
"""

from __future__ import annotations

import importlib.metadata
import logging
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import jieba.posseg

# Proper names and foreign words: people, places, organisations, other names.
PROPER_POS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz", "eng"})
# Common nouns: only used when an article has too few other tags.
COMMON_POS = frozenset({"n", "vn"})
TITLE_WEIGHT = 3
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z&.\-]*[A-Za-z]")


class Keyword(NamedTuple):
    """A candidate automatic tag of one article."""

    word: str
    score: float
    proper: bool
    count: int
    in_title: bool


@cache
def jieba_version() -> str:
    """The installed jieba's version, read without importing it."""
    return importlib.metadata.version("jieba")


@cache
def _dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's default dictionary: word frequencies, their total, parts of speech (loaded once)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.FREQ, tokenizer.total, jieba.posseg.POSTokenizer(tokenizer).word_tag_tab


@lru_cache(maxsize=8)
def _tokenizer(words: frozenset[str] = frozenset()) -> jieba.posseg.POSTokenizer:
    """A segmenter of its own, on a copy of the default dictionary, that keeps ``words`` whole."""
    import jieba
    import jieba.posseg

    frequencies, total, parts_of_speech = _dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(frequencies), total, True
    segmenter = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    segmenter.tokenizer, segmenter.word_tag_tab = tokenizer, dict(parts_of_speech)
    for word in sorted(words):
        if _HAN.search(word) and len(word) >= 2:
            tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 1000), tag="nz")
    return segmenter


def prepare(words: frozenset[str] = frozenset()) -> None:
    """Load the segmenter that keeps ``words`` whole now (before forking workers that share it)."""
    _tokenizer(words)


def is_candidate(word: str, stopwords: frozenset[str]) -> bool:
    """Whether a word can be a tag at all: two Han characters or a 3+ letter Latin word, no digits,
    not a stop word."""
    if any(c.isdigit() for c in word) or word.casefold() in stopwords:
        return False
    han = len(_HAN.findall(word))
    if han:
        return han >= 2 and han == len(word)
    return len(word) >= 3 and _LATIN_WORD.fullmatch(word) is not None


def tokens(text: str, words: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """``(word, part of speech)`` pairs of (folded) text; ``words`` are kept whole."""
    return [
        (p.word.strip(), p.flag) for p in _tokenizer(words).cut(text, HMM=False) if p.word.strip()
    ]


# A word of one document: (spelling, count in the title, count in the body, a proper name?).
Entry = tuple[str, int, int, bool]


def analyse(
    title: str, text: str, stopwords: frozenset[str], words: frozenset[str] = frozenset()
) -> list[Entry]:
    """The candidate words of one (folded) document; independent of the other documents."""
    counts: dict[str, list[Any]] = {}
    for part, pairs in ((1, tokens(title, words)), (2, tokens(text, words))):
        for word, pos in pairs:
            if (pos in PROPER_POS or pos in COMMON_POS) and is_candidate(word, stopwords):
                entry = counts.setdefault(word, [word, 0, 0, False])
                entry[part] += 1
                entry[3] = entry[3] or pos in PROPER_POS
    return [tuple(e) for e in sorted(counts.values())]  # type: ignore[misc]


# What ranking needs of one document, in flat tuples of strings, numbers and booleans (cached
# with marshal: few objects to load):
# - the key (case-folded word) of every candidate word, for the archive's document frequencies;
# - key, spelling, mentions of each word with Latin letters, to show the usual spelling;
# - the words that can be keywords (in the title or twice in the body): their keys, their
#   weights (title count × TITLE_WEIGHT + body count), and proper?, body count, in title? of each.
Summary = tuple[
    tuple[str, ...],
    tuple[str | int, ...],
    tuple[str, ...],
    tuple[int, ...],
    tuple[bool | int, ...],
]


def summarise(entries: Sequence[Entry]) -> Summary:
    """A document's entries reduced to what :func:`rank` needs (words merged without case)."""
    merged: dict[str, list[Any]] = {}
    spellings: list[str | int] = []
    for word, in_title, in_body, proper in entries:
        key = word.casefold()
        if word.lower() != word.upper():  # has letters with case: spellings may differ
            spellings += (key, word, in_title + in_body)
        entry = merged.setdefault(key, [0, 0, False])
        entry[0] += in_title
        entry[1] += in_body
        entry[2] = entry[2] or proper
    keys: list[str] = []
    weights: list[int] = []
    details: list[bool | int] = []
    for key, (in_title, count, proper) in merged.items():
        if in_title or count >= 2:
            keys.append(key)
            weights.append(TITLE_WEIGHT * in_title + count)
            details += (proper, count, in_title > 0)
    return tuple(merged), tuple(spellings), tuple(keys), tuple(weights), tuple(details)


# A ranked keyword as :func:`ranked` gives it: (-score, spelling, proper?, body count, in title?).
Ranked = tuple[float, str, bool, int, bool]


def ranked(summaries: Sequence[Summary], top: int = 12) -> list[list[Ranked]]:
    """The best ``top`` keywords of each summarised document, best first (see :func:`rank`)."""
    frequency = Counter(chain.from_iterable(s[0] for s in summaries))
    spellings: Counter[tuple[str, str]] = Counter()
    for summary in summaries:
        flat = iter(summary[1])
        for key, spelling, mentions in zip(flat, flat, flat, strict=True):
            spellings[key, spelling] += mentions  # type: ignore[index]
    best: dict[str, str] = {}
    for (key, spelling), _ in sorted(spellings.items(), key=lambda item: (-item[1], item[0])):
        best.setdefault(key, spelling)
    total = len(summaries)
    # -IDF of each word: weight × -IDF is exactly -(weight × IDF), the score negated.
    negated = [-(math.log((total + 1) / (n + 1)) + 1) for n in range(total + 1)]
    minus_idf = {key: negated[n] for key, n in frequency.items()}.__getitem__
    spelling_of = best.get
    results = []
    for _, _, keys, weights, details in summaries:
        # (-score, spelling, index) sorts best first; spellings are distinct within a document.
        scored = sorted(
            zip(
                map(operator.mul, weights, map(minus_idf, keys)),
                map(spelling_of, keys, keys),
                range(len(keys)),
                strict=True,
            )
        )
        del scored[top:]
        results.append([(s, w, *details[3 * i : 3 * i + 3]) for s, w, i in scored])
    return results  # type: ignore[return-value]


def rank(summaries: Sequence[Summary], top: int = 12) -> list[list[Keyword]]:
    """The best ``top`` keywords of each summarised document, best first.

    Score: (title count × 3 + body count) × IDF, the IDF over these documents. A word counts
    only when it is in the title or at least twice in the body. Latin words are compared without
    case and shown in their most common spelling.
    """
    return [[Keyword(w, -s, p, c, t) for s, w, p, c, t in doc] for doc in ranked(summaries, top)]


def extract(
    documents: Sequence[tuple[str, str]],
    stopwords: frozenset[str],
    top: int = 12,
    words: frozenset[str] = frozenset(),
) -> list[list[Keyword]]:
    """The best ``top`` keywords of each ``(title, text)`` document (both folded), best first,
    as :func:`rank` scores them; ``words`` (curated aliases) are kept whole."""
    return rank([summarise(analyse(t, x, stopwords, words)) for t, x in documents], top)
