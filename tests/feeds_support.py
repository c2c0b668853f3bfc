"""Feeds for tests and the benchmark: RSS 2.0 and Atom made from real archived articles.

The articles in ``tests/feeds/articles`` are copies of shared-corpus files, seven of them with
feedx.net's footer as the feed service wrote it; :func:`corpus_items` turns them into feed items
whose content is the article's HTML as the feed carried it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from newsarchive.convert.header import parse_header
from newsarchive.convert.urls import repair_url

ARTICLES = Path(__file__).resolve().parent / "feeds" / "articles"


@dataclass
class FeedItem:
    """One item to put in a test feed."""

    url: str
    title: str
    content: str = ""  # the article's HTML (content:encoded / Atom content); "" for none
    summary: str = ""  # the description / Atom summary
    published: datetime | None = None
    updated: datetime | None = None
    author: str = ""
    source: Path | None = None  # the archived file it was made from


def corpus_items() -> list[FeedItem]:
    """One full-text item per article in ``tests/feeds/articles``, published an hour apart."""
    items = []
    start = datetime(2020, 10, 12, 8, 0, tzinfo=UTC)
    for number, path in enumerate(sorted(ARTICLES.glob("*.md"))):
        header = parse_header(path.read_text("utf-8"), str(path))
        items.append(
            FeedItem(
                url=repair_url(header.url),
                title=header.title,
                content=header.body.strip(),
                summary=header.title,
                published=start + timedelta(hours=number),
                source=path,
            )
        )
    return items


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss(items: list[FeedItem], title: str = "Test feed", encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 feed: ``content:encoded`` for the content, ``description`` for the summary."""
    entries = []
    for item in items:
        parts = [
            f"<title>{html.escape(item.title)}</title>",
            f"<link>{html.escape(item.url)}</link>",
            f"<guid>{html.escape(item.url)}</guid>",
        ]
        if item.published:
            parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        if item.author:
            parts.append(f"<dc:creator>{html.escape(item.author)}</dc:creator>")
        if item.summary:
            parts.append(f"<description>{_cdata(item.summary)}</description>")
        if item.content:
            parts.append(f"<content:encoded>{_cdata(item.content)}</content:encoded>")
        entries.append("<item>" + "".join(parts) + "</item>")
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{html.escape(title)}</title><link>https://example.org/</link>"
        "<description>test</description>" + "\n".join(entries) + "</channel></rss>\n"
    )
    return text.encode(encoding)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(items: list[FeedItem], title: str = "Test feed") -> bytes:
    """An Atom feed: ``content type="html"``, ``summary``, ``published`` and ``updated``."""
    entries = []
    for item in items:
        updated = item.updated or item.published or datetime(2020, 10, 12, tzinfo=UTC)
        parts = [
            f"<title>{html.escape(item.title)}</title>",
            f'<link rel="alternate" href="{html.escape(item.url)}"/>',
            f"<id>{html.escape(item.url)}</id>",
            f"<updated>{_iso(updated)}</updated>",
        ]
        if item.published:
            parts.append(f"<published>{_iso(item.published)}</published>")
        if item.author:
            parts.append(f"<author><name>{html.escape(item.author)}</name></author>")
        if item.summary:
            parts.append(f'<summary type="html">{html.escape(item.summary)}</summary>')
        if item.content:
            parts.append(f'<content type="html">{html.escape(item.content)}</content>')
        entries.append("<entry>" + "".join(parts) + "</entry>")
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{html.escape(title)}</title><id>urn:test</id>"
        f"<updated>{_iso(datetime(2020, 10, 13, tzinfo=UTC))}</updated>"
        + "\n".join(entries)
        + "</feed>\n"
    )
    return text.encode("utf-8")


def paragraphs(markdown: str) -> list[str]:
    """The text blocks of a converted article's Markdown (blank-line separated, stripped)."""
    return [block.strip() for block in markdown.split("\n\n") if block.strip()]


def kept_share(original: str, archived: str) -> float:
    """The share of ``original``'s paragraphs found unchanged in ``archived``."""
    wanted = paragraphs(original)
    found = set(paragraphs(archived))
    return sum(p in found for p in wanted) / len(wanted) if wanted else 1.0
