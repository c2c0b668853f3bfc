"""Curated tags as ``tags.yml`` defines them: a tag, the words that mean it, how they match."""

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
    context: tuple[str, ...] = ()  # aliases that count only beside another alias of the tag
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


def make_rule(name: str, spec: Any) -> Rule:
    """A rule from one ``tags.yml`` entry: ``name: [alias, …]``, ``name:`` (the name only) or
    ``name: {aliases: [...], body_min: N, exclude: [...], context: [...]}`` (``exclude``: longer
    words that contain an alias but do not mean the tag, e.g. 马里兰 for 马里; ``context``: aliases
    that count only in an article that has another alias of the tag, e.g. 共产党 for 中国共产党).
    The name is always an alias too; everything is folded."""
    body_min = None
    exclude: list[Any] = []
    context: list[Any] = []
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"aliases", "body_min", "exclude", "context"}
        if unknown:
            raise ValueError(f"tag {name!r}: unknown keys {sorted(unknown)}")
        body_min = spec.get("body_min")
        exclude = spec.get("exclude") or []
        context = spec.get("context") or []
        if not isinstance(context, list):
            raise ValueError(f"tag {name!r}: context must be a list of words")
        spec = spec.get("aliases")
        if isinstance(spec, list):
            spec = [*spec, *context]
        elif spec is None:
            spec = context
    if spec is None:
        spec = []
    elif isinstance(spec, str):
        spec = [spec]
    if not isinstance(spec, list) or not all(isinstance(a, str | int) for a in spec):
        raise ValueError(f"tag {name!r}: aliases must be a list of words")
    folded = fold(str(name)).strip()
    aliases = tuple(dict.fromkeys(fold(str(a)).strip() for a in [folded, *spec] if str(a).strip()))
    excluded = tuple(fold(str(e)).strip() for e in exclude if str(e).strip())
    weak = tuple(fold(str(c)).strip() for c in context if str(c).strip())
    return Rule(folded, aliases, int(body_min) if body_min is not None else None, excluded, weak)


def merge_rules(rules: Iterable[Rule]) -> list[Rule]:
    """Rules whose names fold to the same tag (``臺灣``/``台湾``) become one."""
    merged: dict[str, Rule] = {}
    for rule in rules:
        key = fold_key(rule.name)
        if key in merged:
            old = merged[key]
            aliases = tuple(dict.fromkeys([*old.aliases, *rule.aliases]))
            rule = Rule(
                old.name,
                aliases,
                old.body_min if old.body_min is not None else rule.body_min,
                tuple(dict.fromkeys([*old.exclude, *rule.exclude])),
                tuple(dict.fromkeys([*old.context, *rule.context])),
            )
        merged[key] = rule
    return list(merged.values())
