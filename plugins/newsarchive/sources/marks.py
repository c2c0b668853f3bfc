"""What the site shows of the status file: each article's mark, and the vanished list (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

from .status import CHANGED, GONE, Record, parse_stamp

SHOWN = (GONE, CHANGED)


@dataclass(frozen=True)
class Mark:
    """An article's original as the site shows it: gone (with the day it was confirmed, in the
    site's time zone) or changed."""

    status: str
    confirmed: date | None
    checked: date


def mark(record: Record | None, zone: tzinfo) -> Mark | None:
    """The mark for a record, or None when nothing is to be shown (live, unknown, no record)."""
    if record is None or record.status not in SHOWN:
        return None
    confirmed = parse_stamp(record.confirmed).astimezone(zone).date() if record.confirmed else None
    return Mark(record.status, confirmed, parse_stamp(record.last_checked).astimezone(zone).date())


@dataclass
class Month:
    year: int
    month: int
    articles: list[Any] = field(default_factory=list)


@dataclass
class PublisherGroup:
    """One publisher's vanished articles, by the month they were archived (newest first)."""

    category: Any  # Pelican's Category
    months: list[Month] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(m.articles) for m in self.months)


@dataclass
class Vanished:
    """The vanished articles (one per source URL, its newest capture) for the list page, the
    feed and the counts."""

    articles: list[Any]  # newest confirmation first
    publishers: list[PublisherGroup]
    counts: dict[str, int]  # publisher (category) name → gone originals
    changed: int


def vanished(articles: Iterable[Any], marks: Mapping[int, Mark]) -> Vanished:
    """Group the articles whose original is gone (``marks`` by article ``id``) by publisher and
    archived month; count the changed ones. Articles need ``source_url``, ``date``, ``category``."""
    newest: dict[str, Any] = {}
    changed: set[str] = set()
    for article in articles:
        m = marks.get(id(article))
        if m is None:
            continue
        if m.status == CHANGED:
            changed.add(article.source_url)
            continue
        kept = newest.get(article.source_url)
        if kept is None or (article.date, article.slug) > (kept.date, kept.slug):
            newest[article.source_url] = article
    by_publisher: dict[str, dict[tuple[int, int], list[Any]]] = defaultdict(dict)
    categories: dict[str, Any] = {}
    for article in newest.values():
        name = str(article.category)
        categories[name] = article.category
        key = (article.date.year, article.date.month)
        by_publisher[name].setdefault(key, []).append(article)
    groups = []
    for name in sorted(by_publisher, key=lambda n: categories[n].slug):
        months = [
            Month(y, mo, sorted(arts, key=lambda a: (a.date, a.slug), reverse=True))
            for (y, mo), arts in sorted(by_publisher[name].items(), reverse=True)
        ]
        groups.append(PublisherGroup(categories[name], months))

    def confirmed(article: Any) -> tuple[date, Any, str]:
        return (marks[id(article)].confirmed or date.min, article.date, article.slug)

    return Vanished(
        sorted(newest.values(), key=confirmed, reverse=True),
        groups,
        {str(g.category): g.count for g in groups},
        len(changed),
    )
