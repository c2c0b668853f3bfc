"""Automatic keywords: jieba word segmentation with part-of-speech tags, scored by TF-IDF with the
IDF computed over the archive itself, so that what is specific to an article stands out.

Segmentation uses jieba's dictionary (plus the curated aliases) without its HMM guesser for
unknown words: ten times faster, and the guessed words (name fragments) made poor tags anyway.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

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


# A word of one document: (spelling, count in the title, count in the body, a proper name?).
Entry = tuple[str, int, int, bool]
# Bump when a change to segmentation or filtering should invalidate cached analyses.
ANALYSIS_VERSION = "1"


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


class AnalysisCache:
    """Document analyses on disk, keyed by content and everything the analysis depends on."""

    def __init__(self, directory: str | Path, stopwords: frozenset[str], words: frozenset[str]):
        self.directory = Path(directory)
        setup = json.dumps(
            [ANALYSIS_VERSION, jieba.__version__, sorted(stopwords), sorted(words)],
            ensure_ascii=False,
        )
        self._fingerprint = hashlib.sha256(setup.encode("utf-8")).hexdigest()

    def _path(self, title: str, text: str) -> Path:
        data = f"{self._fingerprint}\0{title}\0{text}".encode()
        key = hashlib.sha256(data).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, title: str, text: str) -> list[Entry] | None:
        path = self._path(title, text)
        if not path.exists():
            return None
        return [tuple(e) for e in json.loads(path.read_text("utf-8"))]  # type: ignore[misc]

    def put(self, title: str, text: str, entries: list[Entry]) -> None:
        path = self._path(title, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entries, ensure_ascii=False), "utf-8")
        tmp.replace(path)


def extract(
    documents: Sequence[tuple[str, str]],
    stopwords: frozenset[str],
    top: int = 12,
    words: frozenset[str] = frozenset(),
    cache_dir: str | Path | None = None,
) -> list[list[Keyword]]:
    """The best ``top`` keywords of each ``(title, text)`` document (both folded), best first.

    Score: (title count × 3 + body count) × IDF, the IDF over these documents. A word counts
    only when it is in the title or at least twice in the body. Latin words are compared without
    case and shown in their most common spelling. ``words`` (curated aliases) are kept whole.
    Each document's analysis is cached under ``cache_dir`` when given.
    """
    cache = AnalysisCache(cache_dir, stopwords, words) if cache_dir else None
    analyses: list[list[Entry]] = []
    for title, text in documents:
        entries = cache.get(title, text) if cache else None
        if entries is None:
            entries = analyse(title, text, stopwords, words)
            if cache:
                cache.put(title, text, entries)
        analyses.append(entries)
    spellings: Counter[tuple[str, str]] = Counter()
    frequency: Counter[str] = Counter()
    for entries in analyses:
        spellings.update({(w.casefold(), w): t + b for w, t, b, _ in entries})
        frequency.update({w.casefold() for w, _, _, _ in entries})
    best_spelling: dict[str, str] = {}
    for (key, spelling), _ in sorted(spellings.items(), key=lambda item: (-item[1], item[0])):
        best_spelling.setdefault(key, spelling)
    total = len(documents)
    results = []
    for entries in analyses:
        merged: dict[str, list[Any]] = {}
        for word, in_title, in_body, proper in entries:
            entry = merged.setdefault(word.casefold(), [0, 0, False])
            entry[0] += in_title
            entry[1] += in_body
            entry[2] = entry[2] or proper
        keywords = []
        for key, (in_title, count, proper) in merged.items():
            if not in_title and count < 2:
                continue
            idf = math.log((total + 1) / (frequency[key] + 1)) + 1
            score = (TITLE_WEIGHT * in_title + count) * idf
            keywords.append(Keyword(best_spelling[key], score, proper, count, in_title > 0))
        keywords.sort(key=lambda k: (-k.score, k.word))
        results.append(keywords[:top])
    return results
