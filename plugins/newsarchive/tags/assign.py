"""Combine curated rules, automatic keywords and overrides into 2–8 tags per article.

Every tag is supported by the article's text (an alias of it occurs in the title or body after
folding); tags that link an article to others are preferred over tags only it has. Same records
and configuration, same tags.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import TagConfig
from .folding import fold, fold_key
from .keywords import Keyword, extract
from .overrides import Override, override_for
from .records import TagRecord
from .rules import RuleHit, alias_pattern, match_rules

TITLE_BONUS = 3
MAX_COUNT = 10  # body mentions beyond this do not make a rule tag rank higher
_ROUNDS = 10


@dataclass(frozen=True)
class TagResult:
    """The tags of one article (best first) and its title after overrides."""

    url: str
    title: str
    tags: tuple[str, ...]


@dataclass
class _Candidates:
    """What one article could be tagged with, before choosing."""

    forced: list[str]
    banned: set[str]
    rules: list[str]  # curated tags it matches, best first
    keywords: list[Keyword]  # automatic candidates, best first
    covered: list[str] = field(default_factory=list)  # aliases of the curated tags it matches


def _rule_scores(hits: list[dict[str, RuleHit]]) -> list[list[str]]:
    frequency = Counter(name for article in hits for name in article)
    total = len(hits)
    ranked = []
    for article in hits:

        def score(name: str, hit: RuleHit) -> float:
            idf = math.log((total + 1) / (frequency[name] + 1)) + 1
            return (TITLE_BONUS * hit.in_title + min(hit.count, MAX_COUNT)) * idf

        ranked.append(sorted(article, key=lambda n: (-score(n, article[n]), n)))
    return ranked


def _candidates(
    records: Sequence[TagRecord],
    titles: Sequence[str],
    config: TagConfig,
    overrides: Sequence[Override | None],
    cache_dir: str | Path | None,
) -> list[_Candidates]:
    folded = [
        (config.strip_ignored(fold(t)), config.strip_ignored(fold(r.text)))
        for r, t in zip(records, titles, strict=True)
    ]
    options = config.options
    hits = [match_rules(config.rules, t, x, options.body_min) for t, x in folded]
    aliases = frozenset(a for rule in config.rules for a in rule.aliases)
    keywords = extract(folded, config.stopwords, words=aliases, cache_dir=cache_dir)
    result = []
    for ranked, words, override in zip(_rule_scores(hits), keywords, overrides, strict=True):
        banned = {fold_key(config.canonical(w)) for w in (override.remove if override else ())}
        forced = [config.canonical(w) for w in (override.add if override else ())]
        rules = [name for name in ranked if fold_key(name) not in banned]
        covered = [a.casefold() for name in rules for a in config.rule(name).aliases]  # type: ignore[union-attr]
        free = [
            k
            for k in words
            if config.canonical(k.word) == fold(k.word)  # not an alias of a curated tag
            and fold_key(k.word) not in banned
        ]
        result.append(_Candidates(forced, banned, rules, free, covered))
    return result


def _overlaps(word: str, chosen: Sequence[str]) -> bool:
    """Whether a keyword repeats a chosen tag or alias (``印度人`` after ``印度``)."""
    key = word.casefold()
    return any(key in other or other in key for other in chosen)


def _choose(c: _Candidates, shared: set[str], config: TagConfig) -> list[str]:
    options = config.options
    chosen: list[str] = []
    keys: set[str] = set()
    taken = list(c.covered)

    def take(name: str) -> None:
        if fold_key(name) not in keys:
            chosen.append(name)
            keys.add(fold_key(name))
            taken.append(name.casefold())

    for name in c.forced:
        take(name)
    for name in c.rules:
        if len(chosen) < options.max_tags:
            take(name)
    added = 0
    for keyword in c.keywords:
        if len(chosen) >= options.max_tags or added >= options.max_keywords:
            break
        if (
            keyword.proper
            and fold_key(keyword.word) in shared
            and not _overlaps(keyword.word, taken)
        ):
            take(fold(keyword.word))
            added += 1
    # Too few tags: the best remaining keywords, those shared with other articles first.
    fill = sorted(c.keywords, key=lambda k: (fold_key(k.word) not in shared, not k.proper))
    for keyword in fill:
        if len(chosen) >= options.min_tags:
            break
        if not _overlaps(keyword.word, taken):
            take(fold(keyword.word))
    return chosen


def assign_tags(
    records: Sequence[TagRecord],
    config: TagConfig | None = None,
    overrides: Mapping[str, Override] | None = None,
    cache_dir: str | Path | None = None,
) -> list[TagResult]:
    """The tags of every record, computed over all of them together (in the records' order).

    ``cache_dir`` keeps each article's word analysis on disk for the next run.
    """
    config = config or TagConfig()
    found = [override_for(overrides or {}, r.url) for r in records]
    titles = [o.title if o and o.title else r.title for r, o in zip(records, found, strict=True)]
    candidates = _candidates(records, titles, config, found, cache_dir)
    # Start from every candidate two or more articles have; drop those that end up on one only.
    frequency = Counter(
        key
        for c in candidates
        for key in {fold_key(n) for n in c.rules} | {fold_key(k.word) for k in c.keywords}
    )
    shared = {key for key, n in frequency.items() if n >= 2}
    for _ in range(_ROUNDS):
        chosen = [_choose(c, shared, config) for c in candidates]
        used = Counter(fold_key(t) for tags in chosen for t in tags)
        narrowed = {key for key in shared if used[key] >= 2}
        if narrowed == shared:
            break
        shared = narrowed
    return [
        TagResult(r.url, t, tuple(tags)) for r, t, tags in zip(records, titles, chosen, strict=True)
    ]


def supported(tag: str, title: str, text: str, config: TagConfig) -> bool:
    """Whether the tag or one of its aliases occurs in the title or body, after folding."""
    rule = config.rule(tag)
    pattern = alias_pattern(rule.aliases if rule else (fold(tag),))
    return pattern.search(fold(title)) is not None or pattern.search(fold(text)) is not None


@dataclass(frozen=True)
class Measures:
    """How good a tagging is, by the issue's yardsticks."""

    articles: int
    assignments: int
    tags: Counter[str]
    out_of_range: list[tuple[str, int]]  # (url, number of tags) outside min..max
    unsupported: list[tuple[str, str]]  # (url, tag)
    shared_assignments: int  # assignments to tags that two or more articles have

    @property
    def shared_share(self) -> float:
        return self.shared_assignments / self.assignments if self.assignments else 0.0

    def summary(self) -> str:
        """One line with every measure."""
        singles = sum(n == 1 for n in self.tags.values())
        return (
            f"{self.articles} articles, {len(self.tags)} tags, {self.assignments} assignments; "
            f"{len(self.out_of_range)} articles outside the tag range, "
            f"{len(self.unsupported)} tags not supported by their article's text; "
            f"{self.shared_share:.1%} of assignments to tags shared by ≥2 articles "
            f"({singles} tags on one article only)"
        )


def measure(
    records: Sequence[TagRecord], results: Sequence[TagResult], config: TagConfig | None = None
) -> Measures:
    """Check tag counts per article, support by the text, and how many assignments are shared."""
    config = config or TagConfig()
    options = config.options
    counts = Counter(t for r in results for t in r.tags)
    out_of_range = [
        (r.url, len(r.tags))
        for r in results
        if not options.min_tags <= len(r.tags) <= options.max_tags
    ]
    unsupported = [
        (result.url, tag)
        for record, result in zip(records, results, strict=True)
        for tag in result.tags
        if not (
            supported(tag, result.title, record.text, config)
            or supported(tag, record.title, record.text, config)
        )
    ]
    assignments = sum(counts.values())
    shared = sum(n for n in counts.values() if n >= 2)
    return Measures(len(results), assignments, counts, out_of_range, unsupported, shared)
