"""Combine curated rules, automatic keywords and overrides into 1–8 tags per article.

An article gets a curated tag when the tag matters to it (:func:`~newsarchive.tags.mentions.matters`),
up to ``max_keywords`` automatic keywords, and the broad topics of its curated tags — each only
when ``min_articles`` articles or more get it, so that a tag page gathers several. Two kinds are
kept whatever: a curated tag the title names (the article's subject) and a tag an override adds.
A curated tag that matters to the article but is held back is listed by the report. Same records
and configuration, same tags.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from .analysis import Analysis, AnalysisCache, analyse_all, digest, paused_gc
from .config import Options, TagConfig
from .folding import fold, fold_key, fold_word
from .keywords import ranked
from .mentions import Hits, Mention, matters, named_in_lead
from .overrides import Override, overrides_for
from .records import TagRecord
from .rules import alias_pattern

TITLE_BONUS = 3
MAX_COUNT = 10  # body mentions beyond this do not make a rule tag rank higher
_ROUNDS = 10


@dataclass(frozen=True)
class TagResult:
    """The tags of one article (best first), its title after overrides, and the curated tags
    that matter to it but were held back because fewer than ``min_articles`` articles get them."""

    url: str
    title: str
    tags: tuple[str, ...]
    held: tuple[str, ...] = ()


class _Word(NamedTuple):
    """An automatic candidate of one article, with the forms choosing compares."""

    key: str  # fold_key(spelling): the candidate's identity
    name: str  # fold(spelling): the tag it gives
    name_key: str  # fold_key(name)
    name_lower: str  # name.casefold()
    lower: str  # spelling.casefold(): compared with the tags and aliases already taken
    parts: frozenset[str]  # every substring of ``lower``, the empty one too


_UNKNOWN: Any = object()


def _parts(word: str) -> frozenset[str]:
    return frozenset(word[i:j] for i in range(len(word) + 1) for j in range(i, len(word) + 1))


@dataclass
class _Candidates:
    """What one article could be tagged with, and what it takes whatever is shared."""

    candidate_keys: set[str]  # fold_key of each curated tag, keyword and broad topic it could get
    keywords: list[_Word]  # automatic candidates, best first
    chosen: list[str]  # forced tags (an override's ``add``), taken whatever is shared
    keys: set[str]  # their fold_key
    curated: list[tuple[str, str, bool]]  # (name, fold_key, named in the title) of the curated
    # tags that matter, best first
    taken: set[str]  # its curated tags, their aliases and the forced tags, case-folded
    joined: str  # the same, NUL-separated: a keyword is in one of them if it is in this
    broader: Mapping[str, list[tuple[str, str]]]  # each curated tag's broad topics (name, fold_key)


class _Choice(NamedTuple):
    """One article's tags, their fold_key, the keys whose leaving ``shared`` could change them
    (those of the tags taken because shared), and the curated tags held back (not shared)."""

    tags: list[str]
    keys: set[str]
    depends: list[str]
    held: list[str]


def _rule_scores(analyses: Sequence[Analysis], config: TagConfig) -> list[list[tuple[str, bool]]]:
    """The curated tags that matter to each article, best first, each with whether the title
    names it: (title bonus + body count) × IDF, the IDF over the articles they matter to."""
    options = config.options
    found: list[list[tuple[str, Mention]]] = []
    for analysis in analyses:
        hits: Hits = analysis[0]
        (sentences,) = analysis[1]
        flat = iter(hits)
        article = []
        fallback = []  # named in the lead and once more: when nothing else matters
        for name, *rest in zip(flat, flat, flat, flat, flat, strict=True):
            mention = Mention(*rest)  # type: ignore[arg-type]
            rule = config.rule(name)  # type: ignore[arg-type]
            needed = rule.body_min if rule and rule.body_min is not None else options.body_min
            if matters(mention, sentences, needed):  # type: ignore[arg-type]
                article.append((name, mention))
            elif named_in_lead(mention, needed):
                fallback.append((name, mention))
        found.append(article or fallback)  # type: ignore[arg-type]
    frequency = Counter(name for article in found for name, _ in article)
    total = len(found)
    idf = {name: math.log((total + 1) / (n + 1)) + 1 for name, n in frequency.items()}
    return [
        [
            (name, in_title)
            for _, name, in_title in sorted(
                (
                    -((TITLE_BONUS * m.in_title + min(m.count, MAX_COUNT)) * idf[name]),
                    name,
                    m.in_title,
                )
                for name, m in article
            )
        ]
        for article in found
    ]


def _candidates(
    analyses: Sequence[Analysis], config: TagConfig, overrides: Sequence[Override | None]
) -> list[_Candidates]:
    ranked_rules = _rule_scores(analyses, config)
    ranked_words = ranked([analysis[2:] for analysis in analyses])  # type: ignore[misc]
    max_tags = config.options.max_tags
    rule_info = {  # name: (fold_key, case-folded, its aliases case-folded)
        rule.name: (
            fold_key(rule.name),
            rule.name.casefold(),
            [a.casefold() for a in config.rule(rule.name).aliases],  # type: ignore[union-attr]
        )
        for rule in config.rules
    }
    broader_of = {
        rule.name: [(b, fold_key(b)) for b in config.broader(rule.name)] for rule in config.rules
    }
    words: dict[str, _Word | None] = {}

    def word(spelling: str) -> _Word | None:
        """The candidate, or None for an alias of a curated tag (that tag is matched instead)."""
        name = fold_word(spelling)
        if config.is_alias(name):
            return None
        lower = spelling.casefold()
        key, name_key = fold_key(spelling), fold_key(name)
        return _Word(key, name, name_key, name.casefold(), lower, _parts(lower))

    result = []
    for ranked_names, found, override in zip(ranked_rules, ranked_words, overrides, strict=True):
        titled = {name for name, in_title in ranked_names if in_title}
        names = [name for name, _ in ranked_names]
        free = []
        for _, spelling, _, _ in found:
            candidate = words.get(spelling, _UNKNOWN)
            if candidate is _UNKNOWN:
                candidate = words[spelling] = word(spelling)
            if candidate is not None:
                free.append(candidate)
        forced: list[str] = []
        if override:
            banned = {fold_key(config.canonical(w)) for w in override.remove}
            names = [name for name in names if fold_key(name) not in banned]
            free = [w for w in free if w.key not in banned]
            forced = [config.canonical(w) for w in override.add]
        # What the article takes whatever is shared: the forced tags.
        chosen: list[str] = []
        keys: set[str] = set()
        taken = [a for name in names for a in rule_info[name][2]]
        taken += [rule_info[name][1] for name in names]
        for name in forced[:max_tags]:
            if fold_key(name) not in keys:
                chosen.append(name)
                keys.add(fold_key(name))
                taken.append(name.casefold())
        curated = [(name, rule_info[name][0], name in titled) for name in names]
        broad_keys = {key for n in chain(forced, names) for _, key in broader_of.get(n, ())}
        result.append(
            _Candidates(
                {c[1] for c in curated}.union(broad_keys, [w.key for w in free]),
                free,
                chosen,
                keys,
                curated,
                set(taken),
                "\0".join(taken),
                broader_of,
            )
        )
    return result


def _choose(c: _Candidates, shared: set[str], options: Options) -> _Choice:
    """The tags of one article: its forced tags, then its curated tags named in its title or
    shared with other articles, up to ``max_keywords`` keywords and the broad topics it shares."""
    chosen, keys = c.chosen.copy(), c.keys.copy()
    taken, joined = c.taken, c.joined
    own_taken = False
    counted: list[str] = []
    held: list[str] = []
    for name, key, in_title in c.curated:
        if len(chosen) >= options.max_tags:
            break
        if key in keys:
            continue
        if key in shared:
            counted.append(key)
        elif not in_title:
            held.append(name)
            continue
        chosen.append(name)
        keys.add(key)
    broader = dict.fromkeys(b for name in chosen for b in c.broader.get(name, ()))

    def overlaps(word: _Word) -> bool:
        """Whether a keyword repeats a taken tag or alias (``印度人`` after ``印度``)."""
        return bool(taken) and (word.lower in joined or not taken.isdisjoint(word.parts))

    added = 0
    for word in c.keywords:
        if len(chosen) >= options.max_tags or added >= options.max_keywords:
            break
        if word.key in shared and not overlaps(word) and word.name_key not in keys:
            if not own_taken:
                taken, own_taken = taken.copy(), True
            joined = f"{joined}\0{word.name_lower}" if taken else word.name_lower
            chosen.append(word.name)
            keys.add(word.name_key)
            taken.add(word.name_lower)
            added += 1
            counted.append(word.key)
    if len(chosen) < options.min_tags:  # nothing else: the broad topics of the held-back tags
        broader.update(dict.fromkeys(b for name in held for b in c.broader.get(name, ())))
    for name, key in broader:
        if len(chosen) >= options.broad_below:
            break
        if key not in keys and key in shared:
            chosen.append(name)
            keys.add(key)
            counted.append(key)
    return _Choice(chosen, keys, counted, held)


def assign_tags(
    records: Sequence[TagRecord],
    config: TagConfig | None = None,
    overrides: Mapping[str, Override] | None = None,
    cache_dir: str | Path | None = None,
    workers: int | None = None,
) -> list[TagResult]:
    """The tags of every record, computed over all of them together (in the records' order).

    ``cache_dir`` keeps each article's analysis on disk for the next run; the articles it does
    not have are analysed on ``workers`` processes (default: all cores).
    """
    config = config or TagConfig()
    found = overrides_for(overrides or {}, [r.url for r in records])
    titles = [o.title if o and o.title else r.title for r, o in zip(records, found, strict=True)]
    cache = AnalysisCache(cache_dir, config) if cache_dir else None
    digests = [digest(title, record) for title, record in zip(titles, records, strict=True)]
    run = None
    if cache:
        changes = [(i, o.add, o.remove) for i, o in enumerate(found) if o and (o.add or o.remove)]
        run = cache.run_key(config, digests, changes)
        stored = cache.load_tags(run)
        if stored is not None and len(stored) == len(records):
            return [
                TagResult(r.url, t, *x) for r, t, x in zip(records, titles, stored, strict=True)
            ]
    analyses = analyse_all(titles, records, config, cache, digests, workers)
    with paused_gc():
        results = _assign(records, titles, _candidates(analyses, config, found), config.options)
    if cache and run:
        cache.save_tags(run, [(r.tags, r.held) for r in results])
    return results


def _assign(
    records: Sequence[TagRecord],
    titles: Sequence[str],
    candidates: Sequence[_Candidates],
    options: Options,
) -> list[TagResult]:
    """Choose every article's tags, starting from the candidates ``min_articles`` articles or more
    have, then dropping those that end up on fewer."""
    frequency = Counter(chain.from_iterable(c.candidate_keys for c in candidates))
    shared = {key for key, n in frequency.items() if n >= options.min_articles}
    chosen = [_choose(c, shared, options) for c in candidates]
    used = Counter(chain.from_iterable(choice.keys for choice in chosen))
    for _ in range(_ROUNDS - 1):
        narrowed = {key for key in shared if used[key] >= options.min_articles}
        if narrowed == shared:
            break
        # Only the articles whose choice depended on a key that left choose again.
        dropped = shared - narrowed
        shared = narrowed
        again = [i for i, choice in enumerate(chosen) if not dropped.isdisjoint(choice.depends)]
        for index in again:
            for key in chosen[index].keys:
                used[key] -= 1
            chosen[index] = _choose(candidates[index], shared, options)
            for key in chosen[index].keys:
                used[key] += 1
    return [
        TagResult(r.url, t, tuple(choice.tags), tuple(choice.held))
        for r, t, choice in zip(records, titles, chosen, strict=True)
    ]


def supported(tag: str, title: str, text: str, config: TagConfig) -> bool:
    """Whether the tag or one of its aliases occurs in the title or body, after folding (for a
    broad topic: one of the tags it covers)."""
    covered = dict(config.broad).get(tag, ())
    if any(supported(name, title, text, config) for name in covered):
        return True
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
    with_two: int  # articles with two tags or more

    @property
    def shared_share(self) -> float:
        return self.shared_assignments / self.assignments if self.assignments else 0.0

    @property
    def two_share(self) -> float:
        """The share of articles with two tags or more."""
        return self.with_two / self.articles if self.articles else 0.0

    @property
    def lone(self) -> list[str]:
        """The tags only one article has (each a tag page worth reviewing)."""
        return sorted(tag for tag, n in self.tags.items() if n == 1)

    def summary(self) -> str:
        """One line with every measure."""
        return (
            f"{self.articles} articles, {len(self.tags)} tags, {self.assignments} assignments; "
            f"{len(self.out_of_range)} articles outside the tag range, "
            f"{self.two_share:.1%} with 2 tags or more, "
            f"{len(self.unsupported)} tags not supported by their article's text; "
            f"{self.shared_share:.1%} of assignments to tags shared by ≥2 articles "
            f"({len(self.lone)} tags on one article only)"
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
    two = sum(len(r.tags) >= 2 for r in results)
    return Measures(len(results), assignments, counts, out_of_range, unsupported, shared, two)
