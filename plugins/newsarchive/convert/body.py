"""Convert the raw HTML body of an archived article into clean Markdown and metadata.

:func:`convert_body` is the one entry point: it reads the stated published time and
byline (:mod:`newsarchive.convert.published`), runs the clean-up steps
(:mod:`newsarchive.convert.clean`) and renders Markdown (:mod:`newsarchive.convert.to_markdown`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup

from . import published as stated_meta
from .clean import Context, clean, text_of
from .to_markdown import to_markdown

SUMMARY_LENGTH = 200
PARSER = "html.parser"
_NOT_LEAD = frozenset(("figure", "blockquote", "li", "table"))


@dataclass
class Body:
    """The converted body of one article."""

    markdown: str
    published: datetime | date | None = None
    authors: list[str] = field(default_factory=list)
    summary: str = ""
    related: list[tuple[str, str]] = field(default_factory=list)


def convert_body(
    html: str, *, base_url: str, archived: datetime, tz: str = "UTC", title: str = ""
) -> Body:
    """Convert an article body.

    ``base_url`` is the article's (repaired) address, used to resolve relative links;
    ``title`` its cleaned title (a video caption that only repeats it is dropped);
    ``archived`` bounds the published time (at most one day later); ``tz`` is the
    publisher's IANA zone for stated times without an offset.
    """
    soup = parse(html)
    stated = stated_meta.extract(soup, tz=tz, archived=archived)
    ctx = Context(base_url=base_url, title=title, dateline=stated.dateline, byline=stated.byline)
    clean(soup, ctx)
    return Body(
        markdown=to_markdown(soup),
        published=stated.published,
        authors=stated.authors,
        summary=summarize(soup),
        related=_unique(ctx.related),
    )


def parse(html: str) -> BeautifulSoup:
    """The body's tree. A broken marked section (``<![C<div>DATA[``), which html.parser refuses,
    is kept as text, as the rest of the body is."""
    try:
        return BeautifulSoup(html, PARSER)
    except ParserRejectedMarkup:
        return BeautifulSoup(html.replace("<![", "&lt;!["), PARSER)


def summarize(soup: BeautifulSoup, limit: int = SUMMARY_LENGTH) -> str:
    """The lead paragraph as plain text, at most ``limit`` characters (``…`` when cut)."""
    lead = ""
    for p in (node for node in soup.descendants if isinstance(node, Tag) and node.name == "p"):
        if any(parent.name in _NOT_LEAD for parent in p.parents):
            continue
        text = text_of(p)
        if len(text) >= 2 and not text.isdigit():
            lead = text
            break
    if not lead:
        lead = text_of(soup)
    return lead if len(lead) <= limit else lead[: limit - 1].rstrip() + "…"


def _unique(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for text, url in pairs:
        if url not in seen:
            seen.add(url)
            out.append((text, url))
    return out
