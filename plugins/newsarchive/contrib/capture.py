"""Capture a live article into an archived file (``newsarchive capture``), from the Wayback
Machine's latest copy when the page is gone.

The page is fetched through the guarded web layer (``newsarchive.web``: the SSRF rule after DNS
and on every redirect, timeouts, a size cap, bounded redirects, an honest User-Agent) and made
into an archived file by the importer (the publisher's own article element, else trafilatura).
The decisions are pure functions over what was fetched: :func:`gone_reason`, :func:`not_an_article`,
the Wayback addresses (:func:`cdx_url`, :func:`parse_cdx`, :func:`snapshot_url`) and
:class:`~.conventions.ArchiveIndex` compares with the archive; :func:`capture` does the I/O.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from bs4 import BeautifulSoup

from ..convert.errors import ArchiveError, fail
from ..convert.pipeline import Article, Settings
from ..convert.provenance import wayback_copy
from ..web import FetchConfig, Fetched, FetchError, fetch, make_client
from .conventions import ArchiveIndex
from .importer import Imported, import_page

WAYBACK_ENV = "NEWSARCHIVE_WAYBACK_URL"
DEFAULT_WAYBACK = "https://web.archive.org"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Query keys that make a page a search page (?q=…, ?s=… on WordPress sites, …).
_SEARCH_KEYS = frozenset({"q", "query", "s", "search", "keyword", "keywords", "k", "text"})
# A page whose text is mostly link text lists other pages: a section front, an index.
_MAX_LINK_SHARE = 0.5
# An explicit og:type "website" with fewer real paragraphs than this is a front page.
_MIN_PARAGRAPHS = 3
_PARAGRAPH_CHARS = 40


class NotAnArticle(ArchiveError):
    """The page is not an article; ``why`` says what it is."""

    def __init__(self, why: str, error: ArchiveError) -> None:
        super().__init__(error.problem)
        self.why = why


@dataclass
class Captured:
    """What a capture made: the file (not yet written), how it relates to the archive, and
    where its text came from."""

    imported: Imported
    outcome: str  # "new", "new-capture" (same URL, new text) or "duplicate" (same URL and text)
    existing: Path | None = None  # the capture it duplicates, or the latest earlier one
    copied_from: str | None = None  # the Wayback snapshot, when the live page was gone
    gone: str | None = None  # why the live page counted as gone

    @property
    def path(self) -> Path:
        return self.imported.path

    @property
    def title(self) -> str:
        return str(self.imported.article.metadata["title"])

    def summary(self) -> dict[str, str | None]:
        """What a request's comment needs (``newsarchive request``), as JSON-ready strings."""
        return {
            "outcome": self.outcome,
            "path": str(self.path),
            "title": self.title,
            "url": str(self.imported.article.metadata["source_url"]),
            "existing": str(self.existing) if self.existing else None,
            "copied_from": self.copied_from,
            "gone": self.gone,
        }


def wayback_base(setting: str | None = None) -> str:
    """The Wayback Machine's base URL: the setting, ``$NEWSARCHIVE_WAYBACK_URL``, or the public one."""
    return (setting or os.environ.get(WAYBACK_ENV) or DEFAULT_WAYBACK).rstrip("/")


def cdx_url(base: str, url: str) -> str:
    """The CDX query for the latest good HTML capture of ``url`` (``limit=-1``: the last one)."""
    query = [
        ("url", url),
        ("output", "json"),
        ("limit", "-1"),
        ("filter", "statuscode:200"),
        ("filter", "mimetype:text/html"),
        ("fl", "timestamp,original"),
    ]
    return f"{base}/cdx/search/cdx?{urlencode(query)}"


def parse_cdx(body: bytes) -> tuple[str, str] | None:
    """``(timestamp, original URL)`` of the last capture in a CDX JSON answer, or None."""
    try:
        rows = json.loads(body or b"[]")
    except ValueError:
        return None
    if not isinstance(rows, list):
        return None
    rows = [r for r in rows if isinstance(r, list) and len(r) >= 2]
    if rows and rows[0][:2] == ["timestamp", "original"]:
        rows = rows[1:]
    for stamp, original, *_ in reversed(rows):
        if re.fullmatch(r"\d{14}", str(stamp)) and str(original).startswith(
            ("http://", "https://")
        ):
            return str(stamp), str(original)
    return None


def snapshot_url(base: str, timestamp: str, url: str) -> str:
    """The raw (``id_``) snapshot: the page as archived, without the Wayback Machine's banner."""
    return f"{base}/web/{timestamp}id_/{url}"


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _site(host: str) -> str:
    return host.lower().removeprefix("www.")


def moved_up(url: str, final: str) -> bool:
    """Whether ``final`` is the site's home page or a section ``url`` sits in: a redirect up
    its path (``/cn/中国/20201012-x`` → ``/cn/`` or ``/``), or to any site's home page."""
    asked, landed = urlsplit(url), urlsplit(final)
    landed_path = _segments(landed.path)
    if not landed_path and not landed.query:
        return True
    if _site(asked.hostname or "") != _site(landed.hostname or ""):
        return False
    asked_path = _segments(asked.path)
    return len(landed_path) < len(asked_path) and asked_path[: len(landed_path)] == landed_path


def gone_reason(url: str, fetched: Fetched) -> str | None:
    """Why the live page counts as gone (404/410, or redirected to a home or section page), or None."""
    if fetched.status in (404, 410):
        return f"HTTP {fetched.status}"
    if fetched.redirects and fetched.ok and moved_up(url, fetched.final_url):
        return f"redirected to {fetched.final_url}, the site's home page or a section front"
    return None


def not_an_article(url: str, page: str, article: Article) -> str | None:
    """Why a page is not an article (a home page, a search page, a section front), or None."""
    parts = urlsplit(url)
    if not _segments(parts.path) and not parts.query:
        return "it is the site's home page"
    keys = {k.lower() for k in parse_qs(parts.query)}
    if "search" in (s.lower() for s in _segments(parts.path)) or keys & _SEARCH_KEYS:
        return "it is a search page"
    body = BeautifulSoup(article.html.split("<h2>相关链接</h2>")[0], "html.parser")
    text = len(re.sub(r"\s+", "", body.get_text()))
    linked = sum(len(re.sub(r"\s+", "", a.get_text())) for a in body.find_all("a"))
    if text and linked / text >= _MAX_LINK_SHARE:
        return "most of its text links to other pages: it is a section front or a list"
    head = BeautifulSoup(page[:200_000], "html.parser").find("meta", property="og:type")
    kind = str(head.get("content") or "").strip().lower() if head else ""
    paragraphs = [p for p in body.find_all("p") if len(p.get_text(strip=True)) >= _PARAGRAPH_CHARS]
    if kind == "website" and len(paragraphs) < _MIN_PARAGRAPHS:
        return "the page calls itself a website front (og:type website) and has no article text"
    return None


def page_text(fetched: Fetched) -> str:
    """The page's HTML as text; :class:`ArchiveError` when the response is not an HTML page."""
    if fetched.content_type and fetched.content_type not in HTML_TYPES:
        raise fail(
            fetched.final_url,
            0,
            f"not a web page: the server sent {fetched.content_type}",
            "give the address of the article's page",
        )
    return fetched.text()


def free_path(path: Path, archived: datetime) -> Path:
    """``path``, or when taken (a second capture the same day) the name with the archive time."""
    if not path.exists():
        return path
    return path.with_name(f"{path.stem}-{archived:%H%M%S}{path.suffix}")


def _make(
    fetched: Fetched,
    url: str,
    archived: datetime | None,
    content: str | Path,
    output: str | Path | None,
    settings: Settings,
    copied_from: str | None = None,
) -> Imported:
    page = page_text(fetched)
    imported = import_page(
        page, url, archived, None, content, None, settings, copied_from=copied_from
    )
    why = not_an_article(url, page, imported.article)
    if why:
        raise NotAnArticle(
            why, fail(url, 0, f"not an article: {why}", "give the address of the article itself")
        )
    when = imported.article.metadata["archived"]
    path = Path(output) / imported.path.name if output else imported.path
    return replace(imported, path=free_path(path, when))


def from_wayback(
    url: str, reason: str, base: str, config: FetchConfig | None, client: httpx.Client
) -> tuple[Fetched, str]:
    """The Wayback Machine's latest raw copy of ``url``: ``(fetched, snapshot address)``."""
    try:
        answer = fetch(cdx_url(base, url), config=config, client=client).raise_for_status()
        found = parse_cdx(answer.body)
        if not found:
            raise fail(
                url,
                0,
                f"the page is gone ({reason}) and the Wayback Machine has no copy of it",
                "attach a saved copy of the page to the request, or use newsarchive import",
            )
        stamp, original = found
        snapshot = fetch(snapshot_url(base, stamp, original), config=config, client=client)
        snapshot.raise_for_status()
    except FetchError as exc:
        raise FetchError(
            exc.reason,
            f"the page is gone ({reason}) and its Wayback Machine copy could not be fetched: {exc}",
            url=exc.url,
            status=exc.status,
            transient=exc.transient,
        ) from exc
    where = snapshot.final_url if wayback_copy(snapshot.final_url) else snapshot.url
    return snapshot, where


def capture(
    url: str,
    content: str | Path = "content",
    archived: datetime | None = None,
    output: str | Path | None = None,
    settings: Settings | None = None,
    config: FetchConfig | None = None,
    wayback: str | None = None,
    index: ArchiveIndex | None = None,
) -> Captured:
    """Fetch ``url`` and make its archived file (not written: see ``importer.write_new``).

    A gone page (404/410, or redirected to the site's home, a section front or any page that is
    not an article) is taken from the Wayback Machine's latest copy, and the file says so
    (``<!--copied-from: …-->``); its archive time is then the copy's, unless ``archived`` is
    given. It is compared with the archive's captures of the same URL through ``index`` (read
    from ``content`` when not given: a run of many captures reads the archive once and passes
    it, adding what it writes). Raises :class:`ArchiveError` (not an article, not a web page, no copy) or
    ``FetchError`` (refused address, timeout, too large, HTTP errors other than gone).
    """
    settings = settings or Settings()
    if not re.match(r"^https?://[^/\s]+", url, re.IGNORECASE):
        raise fail(
            url, 0, f"{url!r} is not an http(s) address", "give the article's https:// address"
        )
    with make_client(config) as client:
        fetched = fetch(url, config=config, client=client)
        reason = gone_reason(url, fetched)
        copied_from = None
        if reason is None:
            fetched.raise_for_status()
            try:
                imported = _make(fetched, fetched.final_url, archived, content, output, settings)
            except NotAnArticle as exc:
                if not fetched.redirects:
                    raise
                reason = f"redirected to {fetched.final_url}, which is not an article: {exc.why}"
        if reason is not None:
            snapshot, copied_from = from_wayback(url, reason, wayback_base(wayback), config, client)
            made = wayback_copy(copied_from)
            when = archived or (made.made if made else None)
            imported = _make(snapshot, url, when, content, output, settings, copied_from)
    index = index or ArchiveIndex.read(content, settings)
    outcome, existing = index.compare(imported.article)
    return Captured(imported, outcome, existing, copied_from, reason)


def describe(captured: Captured) -> list[str]:
    """What ``newsarchive capture`` tells the user besides the path, one line each."""
    lines = []
    if captured.copied_from:
        made = wayback_copy(captured.copied_from)
        when = f" of {made.made:%Y-%m-%d %H:%M} UTC" if made and made.made else ""
        lines.append(
            f"the page is gone ({captured.gone}): archived the Wayback Machine's copy{when}, "
            f"{captured.copied_from}"
        )
    if captured.outcome == "duplicate":
        lines.append(
            f"duplicate: {captured.existing} archived this URL with the same text; nothing written"
        )
    elif captured.outcome == "new-capture":
        lines.append(
            f"new capture: {captured.existing} archived this URL with a different text; both are kept"
        )
    lines.extend(captured.imported.warnings)
    lines.extend(str(w) for w in captured.imported.article.warnings)
    return lines
