"""What tagging reads from an article: its source URL, title and plain body text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..pipeline import RELATED_HEADING

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_RELATED = re.compile(rf"^#+\s*{RELATED_HEADING}\s*$", re.MULTILINE)
_MARKUP = re.compile(r"[*_#>`|]+")


@dataclass(frozen=True)
class TagRecord:
    """One article as tagging sees it."""

    url: str
    title: str
    text: str


def plain_text(markdown: str) -> str:
    """The article's own words: no images, link targets, URLs, Markdown markup or related links."""
    related = _RELATED.search(markdown)
    if related:
        markdown = markdown[: related.start()]
    text = _IMAGE.sub(" ", markdown)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    return _MARKUP.sub(" ", text)


def record_from_article(article: Any, title: str | None = None) -> TagRecord:
    """A record from a converted :class:`newsarchive.pipeline.Article` (``title`` overrides its title)."""
    metadata = article.metadata
    return TagRecord(
        metadata.get("source_url", ""), title or metadata["title"], plain_text(article.markdown)
    )
