"""Output bytes by section (articles, listings, feeds, search, images, other), and the report lines.

Pure: the sections are found from Pelican's settings (where each kind of page is saved) and a
list of (path relative to ``output/``, size); nothing here reads the disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

SECTIONS = ("articles", "listings", "feeds", "search", "images", "other")

# GitHub Pages refuses a published site over 1 GB.
DEFAULT_BUDGET = 1_000_000_000

# The settings that say where each section's files are saved; tried in this order.
_SAVE_AS = {
    "search": ("SEARCH_SAVE_AS",),
    "feeds": (
        "FEED_ATOM",
        "FEED_RSS",
        "FEED_ALL_ATOM",
        "FEED_ALL_RSS",
        "CATEGORY_FEED_ATOM",
        "CATEGORY_FEED_RSS",
        "AUTHOR_FEED_ATOM",
        "AUTHOR_FEED_RSS",
        "TAG_FEED_ATOM",
        "TAG_FEED_RSS",
        "TRANSLATION_FEED_ATOM",
        "TRANSLATION_FEED_RSS",
    ),
    "listings": (
        "INDEX_SAVE_AS",
        "TAG_SAVE_AS",
        "CATEGORY_SAVE_AS",
        "AUTHOR_SAVE_AS",
        "TAGS_SAVE_AS",
        "CATEGORIES_SAVE_AS",
        "AUTHORS_SAVE_AS",
        "ARCHIVES_SAVE_AS",
        "YEAR_ARCHIVE_SAVE_AS",
        "MONTH_ARCHIVE_SAVE_AS",
        "DAY_ARCHIVE_SAVE_AS",
    ),
    "articles": ("ARTICLE_SAVE_AS", "ARTICLE_LANG_SAVE_AS"),
}
_FIELD = re.compile(r"\{[^}]*\}")
_ANY = "\0"  # stands for a field's value (never part of a path) until the pattern is compiled


def _compile(pattern: str) -> re.Pattern[str]:
    """A save-as pattern with :data:`_ANY` for each field, as a regular expression: a field is
    any run of characters but ``/``."""
    return re.compile("[^/]*".join(map(re.escape, pattern.lstrip("/").split(_ANY))))


def _paginated(pattern: str, pagination: Iterable[Any]) -> list[str]:
    """``pattern`` and the patterns of its further pages under ``PAGINATION_PATTERNS``."""
    path = PurePosixPath(pattern)
    context = {
        "name": str(path.with_suffix("")),
        "base_name": str(path.parent),
        "extension": path.suffix,
        "save_as": pattern,
        "url": pattern,
        "number": _ANY,
    }
    patterns = [pattern]
    for rule in pagination:
        try:
            patterns.append(str(rule[2]).format(**context))
        except (KeyError, IndexError, ValueError):  # a pattern of a form Pelican does not use
            continue
    return patterns


Rules = list[tuple[str, re.Pattern[str]]]


def section_rules(settings: Mapping[str, Any]) -> Rules:
    """(section, path pattern) in the order they are tried: from Pelican's ``*_SAVE_AS`` and
    feed settings, ``search/`` and ``search.html``, and the images folder
    (``ARCHIVE_IMAGES_PATH``)."""
    patterns: list[tuple[str, str]] = []
    pagination = settings.get("PAGINATION_PATTERNS") or ()
    for section, keys in _SAVE_AS.items():
        for key in keys:
            value = settings.get(key)
            if key == "SEARCH_SAVE_AS" and value is None:
                value = "search.html"
            if not value or not isinstance(value, str):
                continue
            pattern = _FIELD.sub(_ANY, value)
            paged = _paginated(pattern, pagination) if section == "listings" else [pattern]
            patterns += [(section, p) for p in paged]
    images = str(settings.get("ARCHIVE_IMAGES_PATH") or "images").strip("/")
    rules = [("search", re.compile("search/.*"))]
    rules += [(section, _compile(p)) for section, p in patterns]
    rules.append(("images", re.compile(re.escape(images) + "/.*")))
    return rules


def section_of(path: str, rules: Rules) -> str:
    """The section of one output file (a POSIX path relative to ``output/``)."""
    return next((section for section, rule in rules if rule.fullmatch(path)), "other")


def bytes_by_section(files: Iterable[tuple[str, int]], rules: Rules) -> dict[str, int]:
    """Total size of the files (path, size) in each section, every section present."""
    totals = dict.fromkeys(SECTIONS, 0)
    for path, size in files:
        totals[section_of(path, rules)] += size
    return totals


def human(size: float) -> str:
    """A byte count for people: ``950 B``, ``12.3 KB``, ``4.5 MB``, ``1.2 GB`` (powers of 1000)."""
    for unit in ("B", "KB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


@dataclass(frozen=True)
class Report:
    """What one build read and wrote."""

    read: int
    articles: int
    skipped: int
    pages: int
    files: int
    sections: dict[str, int]
    budget: int | None = DEFAULT_BUDGET

    @property
    def total(self) -> int:
        return sum(self.sections.values())

    def lines(self) -> list[str]:
        """The report, one line per fact; the last is a warning when output is over budget."""
        counts = f"newsarchive: {self.read} archived files read, {self.articles} articles written"
        if self.skipped:
            counts += f", {self.skipped} skipped (invalid)"
        counts += f"; {self.pages} pages in all"
        per_article = f", {human(self.total / self.articles)} per article" if self.articles else ""
        parts = ", ".join(f"{name} {human(size)}" for name, size in self.sections.items())
        lines = [
            counts,
            f"newsarchive: output {human(self.total)} in {self.files} files{per_article}: {parts}",
        ]
        if self.budget and self.total > self.budget:
            lines.append(
                f"newsarchive: warning: the output ({human(self.total)}) is over the budget of "
                f"{human(self.budget)} (NEWSARCHIVE_OUTPUT_BUDGET; GitHub Pages refuses a site "
                "over 1 GB): the largest sections are "
                + ", ".join(
                    name for name, _ in sorted(self.sections.items(), key=lambda s: -s[1])[:2]
                )
            )
        return lines
