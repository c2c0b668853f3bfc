"""Parse a fetched feed into items, and make an item's archived file text (pure)."""

from __future__ import annotations

import calendar
import html
import re
import time
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from bs4 import BeautifulSoup

from ..contrib.importer import archived_text
from ..convert import published
from ..convert.clean import Context, drop_feed_footer
from ..convert.urls import repair_url

# An item whose longest text (content or description) has this many characters, or this many
# paragraphs, carries the article; shorter ones are summaries (the linked page is captured).
FULL_TEXT_CHARS = 400
FULL_TEXT_PARAGRAPHS = 3
_SPACE = re.compile(r"[\s\u3000\xa0]+")
_HTML_PAGE = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
_ALTERNATE = re.compile(
    r"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(r"href=[\"']([^\"']+)[\"']", re.IGNORECASE)


class FeedError(Exception):
    """A fetched body that is not a usable feed; ``reason`` is short (``malformed``, ``html``)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Item:
    """One feed item, as much as newsarchive needs of it."""

    url: str
    title: str
    html: str  # the longest text the item carries (content:encoded / Atom content / description)
    published: datetime | None
    updated: datetime | None
    author: str = ""

    def carries_article(self) -> bool:
        """Whether the item's text looks like the whole article rather than a summary."""
        if not self.html:
            return False
        soup = BeautifulSoup(self.html, "html.parser")
        if len(_SPACE.sub("", soup.get_text())) >= FULL_TEXT_CHARS:
            return True
        paragraphs = [p for p in soup.find_all("p") if len(p.get_text(strip=True)) >= 20]
        return len(paragraphs) >= FULL_TEXT_PARAGRAPHS


def _moment(parsed: time.struct_time | None) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _html_of(entry: feedparser.FeedParserDict) -> str:
    """The longest HTML the entry carries: its content blocks or its description."""
    texts = [str(c.get("value") or "") for c in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    summary = str(entry.get("summary") or "")
    if summary and detail.get("type") == "text/plain":
        summary = f"<p>{html.escape(summary)}</p>"
    texts.append(summary)
    return max(texts, key=len).strip()


def html_alternate(body: bytes) -> str | None:
    """The feed an HTML page announces (``<link rel=alternate type=application/rss+xml>``)."""
    head = body[:100_000].decode("utf-8", "replace")
    for tag in _ALTERNATE.findall(head):
        found = _HREF.search(tag)
        if found:
            return html.unescape(found.group(1))
    return None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> list[Item]:
    """The items of an RSS or Atom feed, in the feed's order. Raises :class:`FeedError` for an
    HTML page or a body that is not well-formed XML (half a feed is not archived from)."""
    if _HTML_PAGE.match(body[:4096]):
        alternate = html_alternate(body)
        hint = f"; the page names its feed: {repair_url(alternate, url)}" if alternate else ""
        raise FeedError("html", f"an HTML page, not a feed{hint}")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # Not sanitized here: the archived file keeps the HTML as published (the build sanitizes it
    # with nh3), and feedparser's sanitizer drops the classes and figures captions are read from.
    # Relative addresses are resolved later, against the article's URL, by the converter.
    parsed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException):
        raise FeedError(
            "malformed",
            f"malformed XML at line {problem.getLineNumber()}: {problem.getMessage()}",
        )
    if not parsed.get("version"):
        what = f" ({problem})" if problem else ""
        raise FeedError("malformed", f"not an RSS or Atom feed{what}")
    items = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "")
        if not link and str(entry.get("id") or "").startswith(("http://", "https://")):
            link = str(entry["id"])
        if not link:
            continue
        items.append(
            Item(
                url=repair_url(link, url),
                title=_SPACE.sub(" ", str(entry.get("title") or "")).strip(),
                html=_html_of(entry),
                # dict.get: FeedParserDict.get would stand published in for a missing updated
                published=_moment(dict.get(entry, "published_parsed")),
                updated=_moment(dict.get(entry, "updated_parsed")),
                author=_SPACE.sub(" ", str(entry.get("author") or "")).strip(),
            )
        )
    return items


def without_footer(body: str) -> str:
    """The item's HTML without the feed service's own footer (feedx.net's "获取更多RSS")."""
    if "RSS" not in body:
        return body
    soup = BeautifulSoup(body, "html.parser")
    drop_feed_footer(soup, Context(base_url=""))
    return str(soup).strip()


def dateline(item: Item) -> str:
    """The published time (and author) stated the way archived bodies state them
    (``<div><i>AUTHOR<br>2024-06-18T06:43:02Z</i></div>``), read back by ``convert/published.py``."""
    if item.published is None:
        return ""
    stamp = item.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = f"{html.escape(item.author)}<br>" if item.author and len(item.author) <= 60 else ""
    return f"<div><i>{author}{stamp}</i></div>"


def states_time(body: str) -> bool:
    """Whether an article body already states its published time."""
    return published.extract(BeautifulSoup(body, "html.parser")).published is not None


def with_dateline(body: str, item: Item) -> str:
    """``body`` opened by the item's dateline, unless the body states a time of its own."""
    line = dateline(item)
    return f"{line}{body}" if line and not states_time(body) else body


def item_text(item: Item, archived: datetime) -> str:
    """The archived file for an item that carries the article: header, dateline, content."""
    body = with_dateline(without_footer(item.html), item)
    return archived_text(item.title or item.url, item.url, archived, body)


def updated_since(item: Item, moment: datetime) -> bool:
    """Whether the item says it changed after ``moment`` (an earlier capture's archive time)."""
    changed = item.updated
    if changed is None:
        return False
    if item.published is not None and changed <= item.published:
        return False
    return changed > moment
