"""Automatic keywords: names and specific things (people, places, organisations, other proper
names by jieba's part-of-speech tags), scored by TF-IDF with the IDF computed over the archive
itself, so that what is specific to an article stands out. Common nouns and verbs (用户, 生命,
开店) are never keywords, nor is a fragment of a longer name (京报 of 新京报).

Segmentation uses jieba's dictionary (plus the curated aliases and the words they must not be
found in) without its HMM guesser for unknown words: ten times faster, and the guessed words
(name fragments) made poor tags anyway.

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
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

from .mentions import sentences

if TYPE_CHECKING:
    import jieba.posseg

# Proper names and foreign words: people, places, organisations, other names.
PROPER_POS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz", "eng"})
# A single character with one of these parts of speech next to a word can be part of one name
# with it (新 + 京报); the others (的, 在, 和, 说…) cannot.
_BOUND_POS = frozenset({"a", "ag", "an", "b", "j", "n", "ng", "nr", "ns", "nt", "nz", "s", "x"})
TITLE_WEIGHT = 3
# A word mentioned in the body only is a keyword when it is this often, in this many sentences.
KEYWORD_COUNT = 3
KEYWORD_SPREAD = 2
KEYWORD_SHARE = 0.05
# A word jieba's dictionary has more often than this is a common word, whatever its part of
# speech says (中断, 和平 and 爱国 are tagged as names there).
COMMON_FREQUENCY = 500
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z&.\-]*[A-Za-z]")


class Keyword(NamedTuple):
    """A candidate automatic tag of one article."""

    word: str
    score: float
    count: int
    in_title: bool


@cache
def jieba_version() -> str:
    """The installed jieba's version, read without importing it."""
    return importlib.metadata.version("jieba")


def _jieba_tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with the default dictionary loaded (imports jieba, quietly)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@cache
def _dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's default dictionary: word frequencies, their total, parts of speech (loaded once)."""
    import jieba.posseg

    tokenizer = _jieba_tokenizer()
    return tokenizer.FREQ, tokenizer.total, jieba.posseg.POSTokenizer(tokenizer).word_tag_tab


@lru_cache(maxsize=8)
def _tokenizer(words: frozenset[str] = frozenset()) -> jieba.posseg.POSTokenizer:
    """A jieba segmenter of its own, on a copy of the default dictionary, that keeps ``words``
    whole."""
    import jieba
    import jieba.posseg

    frequencies, total, parts_of_speech = _dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(frequencies), total, True
    return _keeping_whole(tokenizer, dict(parts_of_speech), words)


def _keeping_whole(
    tokenizer: jieba.Tokenizer, parts_of_speech: dict[str, str], words: frozenset[str]
) -> jieba.posseg.POSTokenizer:
    """A part-of-speech segmenter on ``tokenizer`` and ``parts_of_speech`` (changed in place)
    that keeps ``words`` whole."""
    import jieba.posseg

    segmenter = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    segmenter.tokenizer, segmenter.word_tag_tab = tokenizer, parts_of_speech
    for word in sorted(words):  # words jieba knows keep their frequency and part of speech
        if _HAN.search(word) and len(word) >= 2 and not tokenizer.FREQ.get(word):
            tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 1000), tag="nz")
    segmenter.makesure_userdict_loaded()  # the added words' tags
    return segmenter


# A segmentation dictionary: word frequencies (0 for prefixes of words), their total, and parts
# of speech.
Dictionary = tuple[dict[str, int], int, dict[str, str]]


def jieba_dictionary(words: frozenset[str] = frozenset(), *, once: bool = False) -> Dictionary:
    """jieba's dictionary with ``words`` added as jieba adds them (imports and loads jieba).

    ``once``: for a process that ends after, made on jieba's own tables (half the memory), not
    on copies kept for the next call.
    """
    if once:
        import jieba.posseg

        # jieba.posseg loads the default dictionary's parts of speech when imported.
        segmenter = _keeping_whole(_jieba_tokenizer(), jieba.posseg.dt.word_tag_tab, words)
    else:
        segmenter = _tokenizer(words)
    return segmenter.tokenizer.FREQ, segmenter.tokenizer.total, segmenter.word_tag_tab


_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._]+)")
_SPACE = re.compile(r"(\r\n|\s)")
_NUMBER = re.compile(r"[\.0-9]+")
_ALPHANUMERIC = re.compile("[a-zA-Z0-9]+")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class Segmenter:
    """jieba's part-of-speech segmentation without HMM (``POSTokenizer.cut(text, HMM=False)``),
    done again without jieba's per-word objects and generators: the same words with the same
    tags from the same dictionary, about twice as fast, and no jieba import."""

    def __init__(self, dictionary: Dictionary) -> None:
        self.frequencies, self.total, self.tags = dictionary
        self._log_total = math.log(self.total)
        self._weights: dict[int, float] = {}  # log(frequency) - log(total), as jieba computes it

    def _weight(self, frequency: int) -> float:
        weight = self._weights.get(frequency)
        if weight is None:
            weight = self._weights[frequency] = math.log(frequency) - self._log_total
        return weight

    def cut(self, text: str) -> list[tuple[str, str]]:
        """``(word, part of speech)`` of every word of ``text``, spaces and punctuation too."""
        words: list[tuple[str, str]] = []
        for block in _BLOCK.split(text):
            if _BLOCK.match(block):
                self._cut_block(block, words)
                continue
            for part in _SPACE.split(block):
                if _SPACE.match(part):
                    words.append((part, "x"))
                    continue
                alphanumeric = _ALPHANUMERIC.match(part) is not None
                for char in part:
                    flag = "m" if _NUMBER.match(char) else "eng" if alphanumeric else "x"
                    words.append((char, flag))
        return words

    def words(self, text: str) -> list[tuple[str, str]]:
        """What :meth:`cut` gives of the blocks of Han characters, letters and digits: the rest
        (spaces, punctuation) is one character at a time, tagged ``x``."""
        words: list[tuple[str, str]] = []
        for block in _BLOCK.findall(text):
            self._cut_block(block, words)
        return words

    def blocks(self, text: str) -> list[list[tuple[str, str]]]:
        """:meth:`words`, one list per block of Han characters, letters and digits."""
        blocks: list[list[tuple[str, str]]] = []
        for block in _BLOCK.findall(text):
            words: list[tuple[str, str]] = []
            self._cut_block(block, words)
            blocks.append(words)
        return blocks

    def is_word(self, word: str) -> bool:
        """Whether ``word`` is in the dictionary (not only the start of a longer word)."""
        return bool(self.frequencies.get(word))

    def is_common(self, word: str) -> bool:
        """Whether ``word`` is a common word (:data:`COMMON_FREQUENCY`)."""
        return self.frequencies.get(word, 0) > COMMON_FREQUENCY

    def _cut_block(self, sentence: str, words: list[tuple[str, str]]) -> None:
        """The most probable split of a block of Han characters, letters and digits (jieba's DAG
        and route, in one backward pass); single letters and digits in a row make one word."""
        frequency = self.frequencies.get
        weights = self._weights
        size = len(sentence)
        score = [0.0] * (size + 1)
        end = [0] * (size + 1)
        for start in range(size - 1, -1, -1):
            best: float | None = None
            stop = i = start
            found = frequency(sentence[start])
            while found is not None:  # a word or the prefix of one
                if found:
                    weight = weights.get(found)
                    if weight is None:
                        weight = self._weight(found)
                    value = weight + score[i + 1]
                    if best is None or value >= best:  # ties: the longer word, as jieba
                        best, stop = value, i
                i += 1
                if i >= size:
                    break
                found = frequency(sentence[start : i + 1])
            if best is None:
                best = self._weight(frequency(sentence[start]) or 1) + score[start + 1]
            score[start], end[start] = best, stop
        tags = self.tags
        letters = ""
        start = 0
        while start < size:
            stop = end[start] + 1
            word = sentence[start:stop]
            if stop - start == 1 and word in _ASCII_ALNUM:
                letters += word
            else:
                if letters:
                    words.append((letters, "eng"))
                    letters = ""
                words.append((word, tags.get(word, "x")))
            start = stop
        if letters:
            words.append((letters, "eng"))


_segmenters: dict[frozenset[str], Segmenter] = {}


def is_prepared(words: frozenset[str] = frozenset()) -> bool:
    """Whether the segmenter that keeps ``words`` whole is loaded."""
    return words in _segmenters


def prepare(words: frozenset[str] = frozenset(), dictionary: Dictionary | None = None) -> None:
    """Load the segmenter that keeps ``words`` whole (before forking workers that share it), from
    ``dictionary`` (as :func:`jieba_dictionary` made it) or from jieba."""
    if words not in _segmenters:
        if len(_segmenters) >= 8:
            del _segmenters[next(iter(_segmenters))]
        _segmenters[words] = Segmenter(dictionary or jieba_dictionary(words))


def release() -> None:
    """Forget jieba's dictionary and the segmenters made from it (a few hundred MB) once the
    build's tagging is done; the next :func:`prepare` loads them again."""
    _segmenters.clear()
    _tokenizer.cache_clear()
    _dictionary.cache_clear()


def is_candidate(word: str, stopwords: frozenset[str]) -> bool:
    """Whether a word can be a tag at all: two Han characters or a 3+ letter Latin word, no digits,
    not a stop word."""
    if any(c.isdigit() for c in word) or word.casefold() in stopwords:
        return False
    han = len(_HAN.findall(word))
    if han:
        return han >= 2 and han == len(word)
    return len(word) >= 3 and _LATIN_WORD.fullmatch(word) is not None


def segmenter(words: frozenset[str] = frozenset()) -> Segmenter:
    """The segmenter that keeps ``words`` whole (loaded if need be)."""
    prepare(words)
    return _segmenters[words]


def tokens(text: str, words: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """``(word, part of speech)`` pairs of (folded) text; ``words`` are kept whole."""
    return [(w.strip(), flag) for w, flag in segmenter(words).cut(text) if w.strip()]


# A word of one document: (spelling, count in the title, count in the body, sentences of the
# body with it, a fragment of a longer name?).
Entry = tuple[str, int, int, int, bool]
Blocks = Sequence[Sequence[tuple[str, str]]]


def _bound(neighbour: tuple[str, str] | None) -> bool:
    """Whether a neighbouring word could be part of one name with the word beside it."""
    return neighbour is not None and len(neighbour[0]) == 1 and neighbour[1] in _BOUND_POS


def _latin_neighbours(word: str, texts: Sequence[str]) -> tuple[set[str], set[str]]:
    """The Latin words right before and after each occurrence of a Latin word (``""``: none)."""
    pattern = re.compile(
        rf"(?:([A-Za-z][A-Za-z0-9&.\-]*)\s+)?(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])"
        rf"(?:\s+([A-Za-z][A-Za-z0-9&.\-]*))?"
    )
    before: set[str] = set()
    after: set[str] = set()
    for text in texts:
        for match in pattern.finditer(text):
            before.add(match.group(1) or "")
            after.add(match.group(2) or "")
    return before, after


def analyse(
    title: Blocks,
    body: Sequence[Blocks],
    stopwords: frozenset[str],
    texts: Sequence[str] = (),
    common: Callable[[str], bool] = lambda word: False,
) -> list[Entry]:
    """The candidate words of one document (its segmented title, and the blocks of each sentence
    of its body): proper names, not ``common`` words, not fragments of a longer name. ``texts``
    (the title and the sentences) tell the Latin words next to a Latin word."""
    counts: dict[str, list[Any]] = {}  # word: [title, body, spread, last sentence, left, right]
    verdicts: dict[str, bool] = {}  # is_candidate of each word met
    for number, blocks in enumerate([title, *body]):
        for block in blocks:
            for position, (word, pos) in enumerate(block):
                if pos not in PROPER_POS:
                    continue
                candidate = verdicts.get(word)
                if candidate is None:
                    candidate = verdicts[word] = is_candidate(word, stopwords) and not common(word)
                if not candidate:
                    continue
                entry = counts.get(word)
                if entry is None:
                    entry = counts[word] = [0, 0, 0, -1, set(), set()]
                if number == 0:
                    entry[0] += 1
                else:
                    entry[1] += 1
                    if entry[3] != number:
                        entry[2] += 1
                        entry[3] = number
                left = block[position - 1] if position else None
                right = block[position + 1] if position + 1 < len(block) else None
                entry[4].add(left if _bound(left) else None)
                entry[5].add(right if _bound(right) else None)
    result = []
    for word, (in_title, in_body, spread, _, left, right) in sorted(counts.items()):
        fragment = (len(left) == 1 and None not in left) or (len(right) == 1 and None not in right)
        latin = not _HAN.search(word)
        if latin and word.lower() == word:  # a lower-case Latin word is not a name (list, wet)
            continue
        if latin and not fragment and texts and (in_title or in_body >= KEYWORD_COUNT):
            before, after = _latin_neighbours(word, texts)
            fragment = (len(before) == 1 and before != {""}) or (len(after) == 1 and after != {""})
        result.append((word, in_title, in_body, spread, fragment))
    return result


# What ranking needs of one document, in flat tuples of strings, numbers and booleans (cached
# with marshal: few objects to load):
# - the key (case-folded word) of every candidate word, for the archive's document frequencies;
# - key, spelling, mentions of each word with Latin letters, to show the usual spelling;
# - the words that can be keywords (:func:`matters`): their keys, their weights (title count ×
#   TITLE_WEIGHT + body count), and body count, in title? of each.
Summary = tuple[
    tuple[str, ...],
    tuple[str | int, ...],
    tuple[str, ...],
    tuple[int, ...],
    tuple[bool | int, ...],
]


def matters(in_title: int, count: int, spread: int, sentences: int) -> bool:
    """Whether a name is a topic of its article: in the title, or mentioned at least
    :data:`KEYWORD_COUNT` times in :data:`KEYWORD_SPREAD` sentences or more, and in
    :data:`KEYWORD_SHARE` of its ``sentences``."""
    return in_title > 0 or (
        count >= KEYWORD_COUNT and spread >= KEYWORD_SPREAD and spread >= KEYWORD_SHARE * sentences
    )


def summarise(entries: Sequence[Entry], sentences: int = 0) -> Summary:
    """A document's entries reduced to what :func:`rank` needs (words merged without case);
    ``sentences``: how many sentences its body has."""
    merged: dict[str, list[Any]] = {}
    spellings: list[str | int] = []
    for word, in_title, in_body, spread, fragment in entries:
        key = word.casefold()
        if word.lower() != word.upper():  # has letters with case: spellings may differ
            spellings += (key, word, in_title + in_body)
        entry = merged.setdefault(key, [0, 0, 0, False])
        entry[0] += in_title
        entry[1] += in_body
        entry[2] += spread
        entry[3] = entry[3] or fragment
    keys: list[str] = []
    weights: list[int] = []
    details: list[bool | int] = []
    for key, (in_title, count, spread, fragment) in merged.items():
        if not fragment and matters(in_title, count, spread, sentences):
            keys.append(key)
            weights.append(TITLE_WEIGHT * in_title + count)
            details += (count, in_title > 0)
    return tuple(merged), tuple(spellings), tuple(keys), tuple(weights), tuple(details)


# A ranked keyword as :func:`ranked` gives it: (-score, spelling, body count, in title?).
Ranked = tuple[float, str, int, bool]


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
        results.append([(s, w, *details[2 * i : 2 * i + 2]) for s, w, i in scored])
    return results  # type: ignore[return-value]


def rank(summaries: Sequence[Summary], top: int = 12) -> list[list[Keyword]]:
    """The best ``top`` keywords of each summarised document, best first.

    Score: (title count × 3 + body count) × IDF, the IDF over these documents. A word counts
    only when it :func:`matters`. Latin words are compared without case and shown in their most
    common spelling.
    """
    return [[Keyword(w, -s, c, t) for s, w, c, t in doc] for doc in ranked(summaries, top)]


def analyse_text(
    title: str, text: str, stopwords: frozenset[str], words: frozenset[str] = frozenset()
) -> list[Entry]:
    """:func:`analyse` of a (folded) title and body text, segmented here."""
    cut = segmenter(words)
    parts = sentences(text)
    blocks = [cut.blocks(p) for p in parts]
    return analyse(cut.blocks(title), blocks, stopwords, [title, *parts], cut.is_common)


def extract(
    documents: Sequence[tuple[str, str]],
    stopwords: frozenset[str],
    top: int = 12,
    words: frozenset[str] = frozenset(),
) -> list[list[Keyword]]:
    """The best ``top`` keywords of each ``(title, text)`` document (both folded), best first,
    as :func:`rank` scores them; ``words`` (curated aliases) are kept whole."""
    return rank(
        [summarise(analyse_text(t, x, stopwords, words), len(sentences(x))) for t, x in documents],
        top,
    )
