"""What tagging reads from an article: its source URL, title and plain body text."""

from __future__ import annotations

import re
from typing import Any

from ..convert.credits import without_credits
from ..convert.pipeline import RELATED_HEADING

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_RELATED = re.compile(rf"^#+\s*{RELATED_HEADING}\s*$", re.MULTILINE)
_MARKUP = re.compile(r"[*_#>`|]+")


class TagRecord:
    """One article as tagging sees it: source URL, title and plain text.

    The text is given, or made from the article's Markdown (``markdown=``) when first needed: an
    article whose analysis is cached never needs it.
    """

    __slots__ = ("_text", "markdown", "title", "url")

    def __init__(
        self, url: str, title: str, text: str | None = None, *, markdown: str | None = None
    ) -> None:
        if (text is None) == (markdown is None):
            raise TypeError("TagRecord needs a text or a markdown, not both")
        self.url = url
        self.title = title
        self._text = text
        self.markdown = markdown

    @property
    def text(self) -> str:
        """The article's own words (see :func:`plain_text`)."""
        if self._text is None:
            self._text = self.text_once()
        return self._text

    def text_once(self) -> str:
        """:attr:`text`, not kept on the record when it is made from the Markdown: for a process
        that reads each record once (a copy of every text would stay in it)."""
        return self._text if self._text is not None else plain_text(self.markdown or "")

    @property
    def source(self) -> tuple[str, str]:
        """What the text is made from: ``("markdown", …)`` or ``("text", …)``."""
        if self.markdown is not None:
            return "markdown", self.markdown
        return "text", self.text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TagRecord):
            return NotImplemented
        return (self.url, self.title, self.text) == (other.url, other.title, other.text)

    def __hash__(self) -> int:
        return hash((self.url, self.title, self.text))

    def __repr__(self) -> str:
        return f"TagRecord(url={self.url!r}, title={self.title!r}, text={self.text!r})"


def plain_text(markdown: str) -> str:
    """The article's own words: no images, image credits, link targets, URLs, Markdown markup or
    related links."""
    related = _RELATED.search(markdown) if RELATED_HEADING in markdown else None
    if related:
        markdown = markdown[: related.start()]
    text = _IMAGE.sub(" ", markdown)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    return without_credits(_MARKUP.sub(" ", text))


def record_from_article(article: Any, title: str | None = None) -> TagRecord:
    """A record from a converted :class:`newsarchive.convert.pipeline.Article` (``title`` overrides its title)."""
    metadata = article.metadata
    return TagRecord(
        metadata.get("source_url", ""), title or metadata["title"], markdown=article.markdown
    )
