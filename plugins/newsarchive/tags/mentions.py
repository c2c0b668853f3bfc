"""Where an article mentions each curated tag: whole words of its segmentation, by sentence.

Han aliases match words of jieba's segmentation (the aliases and the rules' ``exclude`` words are
in its dictionary), never the inside of a longer word: 俄罗斯 is not found in 白俄罗斯, 文学 not in
天文学家, 民主党 not in 自由民主党. A word made of an alias and another word (美国大选, 港版国安法)
or an alias and a suffix of nationality or side (美国人, 美方) also mentions the alias's tag.
Latin aliases match whole words of the text, any case. A rule's ``context`` aliases count only
in an article that also has one of its other aliases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from .rules import Rule, alias_pattern

# Sentences end at these; a line break ends one too.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# A word that is an alias and one of these still names the alias's tag (美国人, 日方, 俄军).
DERIVED_SUFFIXES = ("人", "籍", "方", "军", "裔", "队")
# Mentions in these first sentences (with real text) are in the article's lead.
LEAD_SENTENCES = 3
_LEAD_MIN_HAN = 8


# A hyphen between Han characters joins one compound word (印度-太平洋).
_HAN_HYPHEN = re.compile(r"(?<=[\u3400-\u9fff])[-‐‑–](?=[\u3400-\u9fff])")


def join_hyphens(text: str) -> str:
    """Han words joined by a hyphen written as one (印度-太平洋 → 印度太平洋)."""
    return _HAN_HYPHEN.sub("", text)


def sentences(text: str) -> list[str]:
    """The sentences of a (folded) text: split at sentence ends and line breaks, empty ones
    dropped; Han words joined by a hyphen are written as one (:func:`join_hyphens`)."""
    text = join_hyphens(text)
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


def lead_size(parts: Sequence[str]) -> int:
    """How many of the first sentences make the lead: the first :data:`LEAD_SENTENCES` with real
    text (captions and headings of a few characters before them included)."""
    found = 0
    for index, sentence in enumerate(parts):
        if len(_HAN.findall(sentence)) >= _LEAD_MIN_HAN:
            found += 1
            if found == LEAD_SENTENCES:
                return index + 1
    return len(parts)


class Mention(NamedTuple):
    """How one article mentions one curated tag."""

    in_title: bool
    count: int  # body mentions
    spread: int  # body sentences with a mention
    in_lead: bool  # a mention in the lead


# Name, in title?, count, spread, in lead? of each rule an article mentions, in one flat tuple.
Hits = tuple[str | bool | int, ...]


class Matcher:
    """The curated rules, found in segmented text.

    ``is_word`` says whether a string is a word of the segmentation's dictionary: it decides
    which words made of an alias and something else still mention the alias's tag.
    """

    def __init__(self, rules: Sequence[Rule], is_word: Callable[[str], bool]) -> None:
        self.rules = tuple(rules)
        # Each Han alias (case-folded): (rule, needs context?) pairs it mentions.
        direct: dict[str, dict[int, bool]] = {}
        latin: dict[str, dict[int, bool]] = {}
        for index, rule in enumerate(self.rules):
            weak = {a.casefold() for a in rule.context}
            for alias in rule.aliases:
                key = alias.casefold()
                table = latin if _is_latin(alias) else direct
                credits = table.setdefault(key, {})
                credits[index] = credits.get(index, True) and key in weak
        self._words = {key: tuple(credits.items()) for key, credits in direct.items()}
        for word in list(direct):  # compounds of aliases: 美国大选 mentions 美国 too
            credits = dict(direct[word])
            for other, others in direct.items():
                if other != word and _is_part(other, word, direct, is_word):
                    for index, weak in others.items():
                        credits.setdefault(index, weak)
            self._words[word] = tuple(credits.items())
        self._latin_credits = {key: tuple(c.items()) for key, c in latin.items()}
        excluded = [e for rule in self.rules for e in rule.exclude if _is_latin(e)]
        self._latin = alias_pattern([*latin, *excluded]) if latin else None
        self._derived: dict[str, tuple[tuple[int, bool], ...]] = {}

    def _credits(self, word: str) -> tuple[tuple[int, bool], ...]:
        """(rule, needs context?) of each rule a word of the segmentation mentions."""
        key = word.casefold()
        found = self._words.get(key)
        if found is not None:
            return found
        found = self._derived.get(key)
        if found is None:
            found = ()
            if len(key) > 2 and key.endswith(DERIVED_SUFFIXES):
                found = self._words.get(key[:-1], ())
            self._derived[key] = found
        return found

    def _latin_mentions(self, text: str) -> list[tuple[int, bool]]:
        if self._latin is None or not _LATIN.search(text):
            return []
        credits = self._latin_credits
        return [
            c for m in self._latin.finditer(text) for c in credits.get(m.group().casefold(), ())
        ]

    def _mentions(self, words: Sequence[tuple[str, str]], text: str) -> list[tuple[int, bool]]:
        found = [c for word, _ in words for c in self._credits(word)]
        found += self._latin_mentions(text)
        return found

    def hits(
        self,
        title: str,
        title_words: Sequence[tuple[str, str]],
        parts: Sequence[str],
        part_words: Sequence[Sequence[tuple[str, str]]],
    ) -> Hits:
        """What :class:`Mention` each rule the article mentions has (rules in order, one flat
        tuple): ``parts`` are the body's sentences, ``part_words`` their segmentation."""
        strong: set[int] = set()
        in_title: set[int] = set()
        counts: dict[int, list[int]] = {}  # rule: [count, spread, in lead]
        weak_title: set[int] = set()
        weak: dict[int, list[int]] = {}
        for index, weak_one in self._mentions(title_words, title):
            (weak_title if weak_one else in_title).add(index)
        lead = lead_size(parts)
        for number, (sentence, words) in enumerate(zip(parts, part_words, strict=True)):
            seen: set[int] = set()
            for index, weak_one in self._mentions(words, sentence):
                entry = (weak if weak_one else counts).setdefault(index, [0, 0, 0])
                entry[0] += 1
                if (index, weak_one) not in seen:
                    seen.add((index, weak_one))  # type: ignore[arg-type]
                    entry[1] += 1
                    entry[2] = entry[2] or number < lead
        strong = in_title | set(counts)
        for index in strong:  # context aliases count where the tag is named otherwise
            if index in weak_title:
                in_title.add(index)
            if index in weak:
                entry = counts.setdefault(index, [0, 0, 0])
                extra = weak[index]
                entry[0] += extra[0]
                entry[1] = max(entry[1], extra[1])  # approximate: sentences may coincide
                entry[2] = entry[2] or extra[2]
        flat: list[str | bool | int] = []
        for index in sorted(strong):
            count, spread, lead_hit = counts.get(index, (0, 0, 0))
            flat += (self.rules[index].name, index in in_title, count, spread, bool(lead_hit))
        return tuple(flat)


def _is_latin(word: str) -> bool:
    return any(c.isascii() and c.isalnum() for c in word)


def _is_part(
    alias: str, word: str, aliases: dict[str, object], is_word: Callable[[str], bool]
) -> bool:
    """Whether ``word`` is ``alias`` and another word or alias (美国 + 大选 = 美国大选)."""
    if len(alias) >= len(word):
        return False
    if word.startswith(alias):
        rest = word[len(alias) :]
    elif word.endswith(alias):
        rest = word[: -len(alias)]
    else:
        return False
    return len(rest) >= 2 and (rest in aliases or is_word(rest))


# A tag named in the body only matters when it is in this many sentences (in a short article of
# at most SHORT sentences, one is enough), and in the lead or in this share of the sentences.
SPREAD_MIN = 3
SHORT = 5
SHARE = 0.1


def matters(mention: Mention, sentences: int, body_min: int) -> bool:
    """Whether a curated tag is a topic of its article, not a passing mention (a comparison, a
    source's nationality, a dateline, one background sentence): it is in the title, or it has
    ``body_min`` mentions spread over :data:`SPREAD_MIN` sentences or more (one in a short
    article) and is in the lead or in :data:`SHARE` of the sentences."""
    if mention.in_title:
        return True
    spread = 1 if sentences <= SHORT else SPREAD_MIN
    return (
        mention.count >= body_min
        and mention.spread >= spread
        and (mention.in_lead or mention.spread >= SHARE * sentences)
    )


def named_in_lead(mention: Mention, body_min: int) -> bool:
    """Whether a curated tag is named in the lead and in another sentence, ``body_min`` times:
    what an article none of whose tags :func:`matters` is tagged with instead."""
    return mention.in_lead and mention.count >= body_min and mention.spread >= 2


def mentions(hits: Hits) -> dict[str, Mention]:
    """The flat hits as a mapping of tag name to :class:`Mention`."""
    flat = iter(hits)
    return {
        name: Mention(*rest)  # type: ignore[misc]
        for name, *rest in zip(flat, flat, flat, flat, flat, strict=True)
    }
