"""The tag configuration: ``content/tags.yml`` (options, ignored phrases, stop words, curated tags,
broad topics)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .folding import fold, fold_key
from .rules import Rule, make_rule, merge_rules
from .stopwords import STOPWORDS


@dataclass(frozen=True)
class Options:
    """How many tags, and how strict the rules are."""

    body_min: int = 2  # body mentions a curated tag needs when it is not in the title
    max_keywords: int = 3  # automatic keyword tags per article, at most
    min_tags: int = 1
    max_tags: int = 8
    # Articles a tag needs to be given (and get a page); a curated tag the title names, and an
    # override's, are given whatever.
    min_articles: int = 2
    broad_below: int = 2  # broad topics are added to an article with fewer tags than this


@dataclass(frozen=True)
class TagConfig:
    """Everything tagging is configured with."""

    rules: tuple[Rule, ...] = ()
    options: Options = field(default_factory=Options)
    ignore: tuple[str, ...] = ()  # phrases removed before matching (publisher names…)
    stopwords: frozenset[str] = STOPWORDS
    # Broad topics, each with the curated tags it covers: an article with fewer than
    # ``options.broad_below`` tags gets the broad topic of its tags.
    broad: tuple[tuple[str, tuple[str, ...]], ...] = ()

    _by_key: dict[str, Rule] = field(init=False, repr=False, compare=False)
    _alias_names: dict[str, str] = field(init=False, repr=False, compare=False)
    _ignore: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _canonical: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        aliases: dict[str, str] = {}
        for rule in self.rules:
            for alias in rule.aliases:
                aliases.setdefault(alias.casefold(), rule.name)
        ordered = sorted(self.ignore, key=lambda p: (-len(p), p))
        ignore = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE) if ordered else None
        object.__setattr__(self, "_by_key", {fold_key(r.name): r for r in self.rules})
        object.__setattr__(self, "_alias_names", aliases)
        object.__setattr__(self, "_ignore", ignore)
        object.__setattr__(self, "_canonical", {})

    @property
    def aliases(self) -> frozenset[str]:
        """Every alias of every curated tag."""
        return frozenset(a for rule in self.rules for a in rule.aliases)

    @property
    def words(self) -> frozenset[str]:
        """The words segmentation keeps whole: every alias, and the longer words excluded."""
        return frozenset(a for rule in self.rules for a in (*rule.aliases, *rule.exclude))

    def fingerprint(self) -> str:
        """Everything a per-article analysis depends on, as text (for cache keys)."""
        rules = [
            [r.name, list(r.aliases), r.body_min, list(r.exclude), list(r.context)]
            for r in self.rules
        ]
        data = [rules, self.options.body_min, list(self.ignore), sorted(self.stopwords)]
        return json.dumps(data, ensure_ascii=False)

    def rule(self, name: str) -> Rule | None:
        """The curated rule for a tag name, if any (compared after folding)."""
        return self._by_key.get(fold_key(name))

    def canonical(self, word: str) -> str:
        """The tag a word stands for: a rule's name when it is one of its aliases, else the word folded."""
        known = self._canonical.get(word)
        if known is None:
            folded = fold(word).strip()
            known = self._canonical[word] = self._alias_names.get(folded.casefold(), folded)
        return known

    def broader(self, name: str) -> list[str]:
        """The broad topics that cover a curated tag, in the order of ``tags.yml``."""
        return [topic for topic, covered in self.broad if name in covered]

    def is_alias(self, word: str) -> bool:
        """Whether a (folded) word is an alias of a curated tag, or one and a suffix (美国会,
        中国政府): such a word is never a tag of its own."""
        key = word.casefold()
        names = self._alias_names
        return key in names or any(key[:n] in names for n in range(2, len(key)))

    def strip_ignored(self, text: str) -> str:
        """Folded text with the ignored phrases blanked out."""
        return self._ignore.sub(" ", text) if self._ignore else text


def parse_config(data: Any) -> TagConfig:
    """A :class:`TagConfig` from the parsed YAML document (``None`` → defaults, no curated tags)."""
    data = data or {}
    if not isinstance(data, Mapping):
        raise ValueError(
            "tags.yml must be a mapping with 'tags', 'options', 'ignore', 'stopwords', 'broad'"
        )
    unknown = set(data) - {"tags", "options", "ignore", "stopwords", "broad"}
    if unknown:
        raise ValueError(f"tags.yml: unknown sections {sorted(unknown)}")
    options = Options(**(data.get("options") or {}))
    tags = data.get("tags") or {}
    if not isinstance(tags, Mapping):
        raise ValueError("tags.yml: 'tags' must map each tag to its aliases")
    rules = tuple(merge_rules(make_rule(str(name), spec) for name, spec in tags.items()))
    broad = _broad(data.get("broad"), rules)
    ignore = tuple(fold(str(p)) for p in data.get("ignore") or [])
    stopwords = STOPWORDS | {fold(str(w)).casefold() for w in data.get("stopwords") or []}
    return TagConfig(rules, options, ignore, frozenset(stopwords), broad)


def _broad(data: Any, rules: tuple[Rule, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The ``broad`` section: each broad topic with the curated tags it covers."""
    if not data:
        return ()
    if not isinstance(data, Mapping):
        raise ValueError("tags.yml: 'broad' must map each broad topic to the tags it covers")
    names = {fold_key(rule.name): rule.name for rule in rules}
    broad = []
    for topic, covered in data.items():
        if not isinstance(covered, list) or not covered:
            raise ValueError(f"tags.yml: broad topic {topic!r} must list the tags it covers")
        unknown = [str(t) for t in covered if fold_key(str(t)) not in names]
        if unknown:
            raise ValueError(
                f"tags.yml: broad topic {topic!r} covers {unknown}, which are not under 'tags'"
            )
        broad.append((fold(str(topic)).strip(), tuple(names[fold_key(str(t))] for t in covered)))
    return tuple(broad)


def load_config(path: str | Path | None) -> TagConfig:
    """Read ``tags.yml``; a missing file means no curated tags (automatic keywords only)."""
    if path is None or not Path(path).exists():
        return TagConfig()
    try:
        return parse_config(yaml.safe_load(Path(path).read_text("utf-8")))
    except (yaml.YAMLError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
