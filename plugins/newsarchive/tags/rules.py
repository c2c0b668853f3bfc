"""Curated tags: a tag and its aliases/keywords; an article gets the tag when one occurs in its
title, or often enough in its body."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .folding import fold, fold_key


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def alias_pattern(aliases: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any alias, longest first, case-insensitive.

    A Latin alias only matches as a whole word (``WHO`` not inside ``WHOLE``); Han aliases match
    anywhere, as Chinese has no spaces.
    """
    parts = []
    for alias in sorted(set(aliases), key=lambda a: (-len(a), a)):
        part = re.escape(alias)
        if _is_word_char(alias[0]):
            part = r"(?<![A-Za-z0-9])" + part
        if _is_word_char(alias[-1]):
            part += r"(?![A-Za-z0-9])"
        parts.append(part)
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """A curated tag: its name, the words that mean it, and how many body mentions it needs."""

    name: str
    aliases: tuple[str, ...]
    body_min: int | None = None
    exclude: tuple[str, ...] = ()  # longer words an alias occurs in that do not mean the tag
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _exclude: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", alias_pattern(self.aliases))
        object.__setattr__(self, "_exclude", alias_pattern(self.exclude) if self.exclude else None)

    def _clean(self, text: str) -> str:
        return self._exclude.sub(" ", text) if self._exclude else text

    def count(self, text: str) -> int:
        """Occurrences of any alias in (folded) ``text``, not counting those inside excluded words."""
        return sum(1 for _ in self.pattern.finditer(self._clean(text)))

    def occurs(self, text: str) -> bool:
        """Whether an alias occurs in (folded) ``text`` outside the excluded words."""
        return self.pattern.search(self._clean(text)) is not None


@dataclass(frozen=True)
class RuleHit:
    """How a rule matched one article."""

    in_title: bool
    count: int


def make_rule(name: str, spec: Any) -> Rule:
    """A rule from one ``tags.yml`` entry: ``name: [alias, …]``, ``name:`` (the name only) or
    ``name: {aliases: [...], body_min: N, exclude: [...]}`` (``exclude``: longer words that contain
    an alias but do not mean the tag, e.g. 马里兰 for 马里). The name is always an alias too;
    everything is folded."""
    body_min = None
    exclude: list[Any] = []
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"aliases", "body_min", "exclude"}
        if unknown:
            raise ValueError(f"tag {name!r}: unknown keys {sorted(unknown)}")
        body_min = spec.get("body_min")
        exclude = spec.get("exclude") or []
        spec = spec.get("aliases")
    if spec is None:
        spec = []
    elif isinstance(spec, str):
        spec = [spec]
    if not isinstance(spec, list) or not all(isinstance(a, str | int) for a in spec):
        raise ValueError(f"tag {name!r}: aliases must be a list of words")
    folded = fold(str(name)).strip()
    aliases = tuple(dict.fromkeys(fold(str(a)).strip() for a in [folded, *spec] if str(a).strip()))
    excluded = tuple(fold(str(e)).strip() for e in exclude if str(e).strip())
    return Rule(folded, aliases, int(body_min) if body_min is not None else None, excluded)


def merge_rules(rules: Iterable[Rule]) -> list[Rule]:
    """Rules whose names fold to the same tag (``臺灣``/``台湾``) become one."""
    merged: dict[str, Rule] = {}
    for rule in rules:
        key = fold_key(rule.name)
        if key in merged:
            old = merged[key]
            aliases = tuple(dict.fromkeys([*old.aliases, *rule.aliases]))
            rule = Rule(
                old.name, aliases, old.body_min if old.body_min is not None else rule.body_min
            )
        merged[key] = rule
    return list(merged.values())


def _is_cased(char: str) -> bool:
    return char.lower() != char or char.upper() != char


def _finders(aliases: Iterable[str]) -> list[re.Pattern[str]]:
    """Regexes that find, longest first, every alias as text (case-insensitive, no word-boundary
    checks): one for aliases starting with a character without case (Han), which the regex engine
    looks for by its first character, and one for the others (Latin)."""
    parts: tuple[set[str], set[str]] = (set(), set())
    for alias in aliases:
        parts[_is_cased(alias[0])].add(alias)
    return [
        re.compile("|".join(re.escape(a) for a in sorted(part, key=lambda a: (-len(a), a))), re.I)
        for part in parts
        if part
    ]


class RuleMatcher:
    """All rules matched in one pass over each text, counting exactly as :meth:`Rule.count` does.

    Alternations of every alias (longest first) find each position where some alias occurs,
    overlapping ones included. There, the rules that could match (an alias of theirs matches the
    start of the longest word found) count one occurrence unless their previous one is not over
    yet; a rule's own pattern decides only where a word-boundary check could say otherwise.
    Rules with ``exclude`` words see the text with those blanked out, one pass per such group.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        groups: dict[tuple[str, ...], list[int]] = {}
        self._alone: list[int] = []  # rules with an empty alias: matched one by one
        for index, rule in enumerate(self.rules):
            if all(rule.aliases):
                groups.setdefault(rule.exclude, []).append(index)
            else:
                self._alone.append(index)
        self._groups = [
            (
                alias_pattern(exclude) if exclude else None,
                _finders(a for i in members for a in self.rules[i].aliases),
                tuple(members),
            )
            for exclude, members in groups.items()
        ]
        # Per rule: the lengths of its aliases with a word-boundary check.
        self._checked = [
            frozenset(
                len(a) for a in r.aliases if a and (_is_word_char(a[0]) or _is_word_char(a[-1]))
            )
            for r in self.rules
        ]
        self._candidates: dict[tuple[int, str], tuple[tuple[int, int], ...]] = {}

    def _could_match(self, group: int, found: str) -> tuple[tuple[int, int], ...]:
        """``(rule, length)`` of each rule of a group with an alias that matches at the start of
        ``found``: the length of its match there, or 0 when only the text around can tell."""
        key = (group, found)
        rules = self._candidates.get(key)
        if rules is None:
            could = []
            for index in self._groups[group][2]:
                match = self.rules[index].pattern.match(found)
                if match is not None:
                    length = match.end()
                    could.append((index, 0 if length in self._checked[index] else length))
            rules = self._candidates[key] = tuple(could)
        return rules

    def _found(self, finders: list[re.Pattern[str]], text: str) -> list[tuple[int, str]]:
        """``(start, longest alias text there)`` of every position where an alias occurs."""
        found = []
        for finder in finders:
            match = finder.search(text)
            while match is not None:
                start = match.start()
                found.append((start, match.group()))
                match = finder.search(text, start + 1)
        if len(finders) > 1:
            found.sort(key=lambda f: (f[0], -len(f[1])))
        return found

    def counts(self, text: str) -> list[int]:
        """Occurrences of each rule's aliases in (folded) ``text``, as :meth:`Rule.count`."""
        rules = self.rules
        counts = [0] * len(rules)
        resume = [0] * len(rules)  # where each rule's previous occurrence ended
        for group, (exclude, finders, _) in enumerate(self._groups):
            cleaned = exclude.sub(" ", text) if exclude else text
            previous = -1
            for start, found in self._found(finders, cleaned):
                if start == previous:  # a shorter word at the same place
                    continue
                previous = start
                for index, length in self._could_match(group, found):
                    if start >= resume[index]:
                        if not length:
                            match = rules[index].pattern.match(cleaned, start)
                            if match is None:
                                continue
                            length = match.end() - start
                        counts[index] += 1
                        resume[index] = start + length
        for index in self._alone:
            counts[index] = rules[index].count(text)
        return counts

    def hits(self, title: str, text: str, body_min: int) -> tuple[str | bool | int, ...]:
        """Name, in title?, body count of each rule an article satisfies (one flat tuple)."""
        satisfied = {
            rule.name: (in_title > 0, count)
            for rule, in_title, count in zip(
                self.rules, self.counts(title), self.counts(text), strict=True
            )
            if in_title or count >= (rule.body_min if rule.body_min is not None else body_min)
        }
        return tuple(value for name, hit in satisfied.items() for value in (name, *hit))


def match_rules(rules: Iterable[Rule], title: str, text: str, body_min: int) -> dict[str, RuleHit]:
    """The rules an article (folded ``title`` and ``text``) satisfies: an alias in the title, or at
    least ``body_min`` (or the rule's own ``body_min``) alias occurrences in the body."""
    flat = iter(RuleMatcher(rules).hits(title, text, body_min))
    return {
        name: RuleHit(in_title, count)
        for name, in_title, count in zip(flat, flat, flat, strict=True)
    }  # type: ignore[arg-type, misc]
