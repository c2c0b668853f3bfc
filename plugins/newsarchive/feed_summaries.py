"""Feeds by tag, publisher or author carry summaries of their newest articles; the all-articles
feed keeps the full text.

Settings: ``NEWSARCHIVE_FEED_SUMMARIES`` (default ``True``; ``False`` puts the full text in every
feed) and ``NEWSARCHIVE_TERM_FEED_ITEMS`` (default 20; ``None`` keeps ``FEED_MAX_ITEMS``). An
entry always keeps its title, link, times, tags and summary.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

from pelican import signals

# The settings naming the feeds of every article: these keep the full text and FEED_MAX_ITEMS.
FULL_TEXT_FEEDS = ("FEED_ALL_ATOM", "FEED_ALL_RSS", "FEED_ATOM", "FEED_RSS")
TERM_FEED_ITEMS = 20


def is_full_text(feed_url: str, full_text_paths: Iterable[str]) -> bool:
    """Whether the feed at ``feed_url`` (absolute or relative) is one of ``full_text_paths``."""
    url = feed_url.rstrip("/")
    return any(url == p or url.endswith("/" + p) for p in full_text_paths if p)


def summarise(
    items: list[MutableMapping[str, Any]], keep: int | None, summaries: bool
) -> list[MutableMapping[str, Any]]:
    """The first ``keep`` feed entries (feedgenerator items), without their text if ``summaries``."""
    kept = items[:keep]
    if summaries:
        for item in kept:
            item["content"] = None
    return kept


def slim_term_feed(context: dict[str, Any], feed: Any) -> None:
    """``feed_generated``: a feed that is not the all-articles feed gets summaries only."""
    full = [context.get(name) or "" for name in FULL_TEXT_FEEDS]
    if is_full_text(feed.feed["feed_url"] or "", full):
        return
    feed.items[:] = summarise(
        feed.items,
        context.get("NEWSARCHIVE_TERM_FEED_ITEMS", TERM_FEED_ITEMS),
        bool(context.get("NEWSARCHIVE_FEED_SUMMARIES", True)),
    )


def register() -> None:
    signals.feed_generated.connect(slim_term_feed)
