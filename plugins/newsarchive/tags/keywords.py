"""Automatic keywords: jieba word segmentation with part-of-speech tags, scored by TF-IDF with the
IDF computed over the archive itself, so that what is specific to an article stands out.

Segmentation uses jieba's dictionary (plus the curated aliases) without its HMM guesser for
unknown words: ten times faster, and the guessed words (name fragments) made poor tags anyway.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import jieba
import jieba.posseg

# Proper names and foreign words: people, places, organisations, other names.
PROPER_POS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz", "eng"})
# Common nouns: only used when an article has too few other tags.
COMMON_POS = frozenset({"n", "vn"})
TITLE_WEIGHT = 3
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z&.\-]*[A-Za-z]")


@dataclass(frozen=True)
class Keyword:
    """A candidate automatic tag of one article."""

    word: str
    score: float
    proper: bool
    count: int
    in_title: bool


@cache
def _dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's default dictionary: word frequencies, their total, parts of speech (loaded once)."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.FREQ, tokenizer.total, jieba.posseg.POSTokenizer(tokenizer).word_tag_tab


@lru_cache(maxsize=8)
def _tokenizer(words: frozenset[str] = frozenset()) -> jieba.posseg.POSTokenizer:
    """A segmenter of its own, on a copy of the default dictionary, that keeps ``words`` whole."""
    frequencies, total, parts_of_speech = _dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(frequencies), total, True
    segmenter = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    segmenter.tokenizer, segmenter.word_tag_tab = tokenizer, dict(parts_of_speech)
    for word in sorted(words):
        if _HAN.search(word) and len(word) >= 2:
            tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 1000), tag="nz")
    return segmenter


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


def _counts(
    pairs: Sequence[tuple[str, str]], stopwords: frozenset[str]
) -> tuple[Counter[str], dict[str, bool]]:
    counts: Counter[str] = Counter()
    proper: dict[str, bool] = {}
    for word, pos in pairs:
        if (pos in PROPER_POS or pos in COMMON_POS) and is_candidate(word, stopwords):
            key = word.casefold()
            counts[key] += 1
            proper[key] = proper.get(key, False) or pos in PROPER_POS
    return counts, proper


def extract(
    documents: Sequence[tuple[str, str]],
    stopwords: frozenset[str],
    top: int = 12,
    words: frozenset[str] = frozenset(),
) -> list[list[Keyword]]:
    """The best ``top`` keywords of each ``(title, text)`` document (both folded), best first.

    Score: (title count × 3 + body count) × IDF, the IDF over these documents. A word counts
    only when it is in the title or at least twice in the body. Latin words are compared without
    case and shown in their most common spelling. ``words`` (curated aliases) are kept whole.
    """
    spellings: Counter[tuple[str, str]] = Counter()
    parsed = []
    for title, text in documents:
        title_pairs, body_pairs = tokens(title, words), tokens(text, words)
        spellings.update((w.casefold(), w) for w, _ in title_pairs + body_pairs)
        parsed.append((_counts(title_pairs, stopwords), _counts(body_pairs, stopwords)))
    frequency: Counter[str] = Counter()
    for (title_counts, _), (body_counts, _) in parsed:
        frequency.update(set(title_counts) | set(body_counts))
    best_spelling: dict[str, str] = {}
    for (key, spelling), _ in sorted(spellings.items(), key=lambda item: (-item[1], item[0])):
        best_spelling.setdefault(key, spelling)
    total = len(documents)
    results = []
    for (title_counts, title_proper), (body_counts, body_proper) in parsed:
        keywords = []
        for key in set(title_counts) | set(body_counts):
            in_title, count = key in title_counts, body_counts[key]
            if not in_title and count < 2:
                continue
            idf = math.log((total + 1) / (frequency[key] + 1)) + 1
            score = (TITLE_WEIGHT * title_counts[key] + count) * idf
            proper = title_proper.get(key, False) or body_proper.get(key, False)
            keywords.append(Keyword(best_spelling[key], score, proper, count, in_title))
        keywords.sort(key=lambda k: (-k.score, k.word))
        results.append(keywords[:top])
    return results
