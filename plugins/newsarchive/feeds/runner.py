"""Fetch the feeds and write an archived file per new item (the I/O of ``newsarchive feeds fetch``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import httpx

from ..contrib.capture import capture, free_path
from ..contrib.conventions import ArchiveIndex
from ..contrib.importer import Imported, conventional_path, write_new
from ..convert.errors import ArchiveError, fail
from ..convert.pipeline import Settings, convert_text
from ..convert.urls import host_of, url_key
from ..web import FetchConfig, FetchError, HostLimiter, conditional_headers, fetch, make_client
from .config import Feed
from .items import FeedError, Item, item_text, parse_feed, updated_since, with_dateline
from .state import Seen, load_state, save_state

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
FEED_MAX_BYTES = 5 * 1024 * 1024  # a feed larger than this is refused (``too-large``)
PAGE_DELAY = 1.0  # seconds between two page captures from one site


@dataclass
class FeedResult:
    """What one feed gave: new files, items already archived, failures."""

    feed: Feed
    status: str = "ok"  # "ok", "not-modified" or "failed"
    new: list[Path] = field(default_factory=list)
    known: int = 0
    failures: list[str] = field(default_factory=list)  # one line per failed item (or the feed)
    left: int = 0  # items left for a later run by the limit

    @property
    def complete(self) -> bool:
        """Every item handled: only then is the feed's ETag/Last-Modified kept."""
        return self.status == "ok" and not self.failures and not self.left

    def line(self) -> str:
        """The progress line for this feed."""
        if self.status == "failed":
            return f"{self.feed.label}: failed: {self.failures[0]}"
        if self.status == "not-modified":
            return f"{self.feed.label}: not modified"
        text = f"{self.feed.label}: {len(self.new)} new, {self.known} known, {len(self.failures)} failed"
        return text + (f", {self.left} left for the next run (limit)" if self.left else "")


def _from_feed(item: Item, archived: datetime, content: Path, settings: Settings) -> Imported:
    path = conventional_path(content, item.url, archived, settings.publishers)
    text = item_text(item, archived)
    return Imported(path, text, convert_text(text, str(path), settings))


def _from_page(
    item: Item, archive: ArchiveIndex, settings: Settings, config: FetchConfig
) -> Imported:
    """A capture of the item's page; the item's published time is added when the page has none."""
    imported = capture(
        item.url, archive.content, settings=settings, config=config, index=archive
    ).imported
    if imported.article.metadata.get("published") is None and item.published is not None:
        head, rule, body = imported.text.partition("\n------\n")
        text = f"{head}{rule}{with_dateline(body.lstrip(), item)}"
        imported = replace(
            imported, text=text, article=convert_text(text, str(imported.path), settings)
        )
    return imported


def _make(
    feed: Feed,
    item: Item,
    archived: datetime,
    archive: ArchiveIndex,
    settings: Settings,
    config: FetchConfig,
    limiter: HostLimiter,
) -> Imported:
    use_feed = feed.full_text if feed.full_text is not None else item.carries_article()
    if use_feed and item.html:
        return _from_feed(item, archived, archive.content, settings)
    with limiter.slot(item.url):  # one page at a time per site, PAGE_DELAY apart
        return _from_page(item, archive, settings, config)


def follow_feed(
    feed: Feed,
    client: httpx.Client,
    archive: ArchiveIndex,
    seen: Seen | None,
    *,
    settings: Settings,
    config: FetchConfig,
    limit: int | None = None,
    dry_run: bool = False,
    limiter: HostLimiter | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[FeedResult, Seen | None]:
    """Fetch one feed and archive its new items; returns the result and the feed's new state
    (``None`` when the feed was not read in full: its old state stays)."""
    result = FeedResult(feed)
    limiter = limiter or HostLimiter(per_host=1, delay=PAGE_DELAY)
    feed_config = replace(
        config, accept=FEED_ACCEPT, max_bytes=min(config.max_bytes, FEED_MAX_BYTES)
    )
    headers = conditional_headers(seen.etag, seen.last_modified) if seen else {}
    try:
        fetched = fetch(feed.url, config=feed_config, headers=headers, client=client)
        fetched.raise_for_status()
        if fetched.not_modified:
            result.status = "not-modified"
            return result, seen
        items = parse_feed(fetched.body, fetched.final_url, fetched.headers.get("content-type"))
    except (FetchError, FeedError) as exc:
        result.status = "failed"
        result.failures.append(str(exc))
        return result, None
    archived = now().astimezone(UTC).replace(microsecond=0)
    cap = min(x for x in (feed.limit, limit) if x) if (feed.limit or limit) else None
    for index, item in enumerate(items):
        if cap is not None and len(result.new) >= cap:
            result.left = len(items) - index
            break
        try:
            if feed.publisher:
                key = settings.publishers.for_host(host_of(item.url)).key
                if key != feed.publisher:
                    raise fail(
                        item.url,
                        0,
                        f"links to the {key} site, not {feed.publisher}'s",
                        "fix `publisher:` in feeds.yml or remove it",
                    )
            latest = archive.latest(url_key(item.url))
            if latest is not None and not (
                feed.recapture_updated and updated_since(item, latest.archived)
            ):
                result.known += 1
                continue
            imported = _make(feed, item, archived, archive, settings, config, limiter)
            if latest is not None and archive.holds_text(imported.article):
                result.known += 1
                continue
            when = imported.article.metadata["archived"]
            if any(c.archived == when for c in archive.by_key.get(url_key(item.url), [])):
                raise fail(  # two captures of one URL at one second would share a page
                    item.url, 0, "already captured at this second", "the next run captures it"
                )
            imported = replace(imported, path=free_path(imported.path, archived))
            if not dry_run:
                write_new(imported)
            archive.add(imported.path, imported.article)
            result.new.append(imported.path)
        except ArchiveError as exc:
            hint = f" ({exc.problem.hint})" if exc.problem.hint else ""
            result.failures.append(f"{item.url}: {exc.problem.message}{hint}")
        except (FetchError, FileExistsError) as exc:
            result.failures.append(f"{item.url}: {exc}")
        except Exception as exc:  # a bug on one item is reported; the other items go on
            result.failures.append(f"{item.url}: unexpected {type(exc).__name__}: {exc}")
    if not result.complete:
        return result, None
    if not (fetched.etag or fetched.last_modified):
        return result, Seen(checked=archived.isoformat())
    return result, Seen(fetched.etag, fetched.last_modified, archived.isoformat())


def follow(
    feeds: list[Feed],
    content: str | Path = "content",
    state_path: str | Path | None = None,
    *,
    limit: int | None = None,
    dry_run: bool = False,
    settings: Settings | None = None,
    config: FetchConfig | None = None,
    progress: TextIO | None = None,
    page_delay: float = PAGE_DELAY,
) -> list[FeedResult]:
    """Follow every feed in turn; a failing feed is reported and the others go on. The state
    file is rewritten (atomically) after each feed read in full, once its files are written."""
    content = Path(content)
    settings = settings or Settings()
    config = config or FetchConfig()
    state_path = Path(state_path) if state_path else content / "feeds-state.json"
    state = load_state(state_path)
    archive = ArchiveIndex.read(content, settings)  # one scan for the run
    progress = progress or sys.stderr
    limiter = HostLimiter(per_host=1, delay=page_delay)
    results = []
    with make_client(replace(config, accept=FEED_ACCEPT)) as client:
        for number, feed in enumerate(feeds, 1):
            result, seen = follow_feed(
                feed,
                client,
                archive,
                state.get(feed.url),
                settings=settings,
                config=config,
                limit=limit,
                dry_run=dry_run,
                limiter=limiter,
            )
            results.append(result)
            print(f"newsarchive feeds: [{number}/{len(feeds)}] {result.line()}", file=progress)
            for failure in result.failures[1 if result.status == "failed" else 0 :]:
                print(f"newsarchive feeds:   failed: {failure}", file=progress)
            if seen is not None and seen != state.get(feed.url) and not dry_run:
                state[feed.url] = seen
                save_state(state_path, state)
    return results


def summary(results: list[FeedResult]) -> str:
    """The closing line: new files, known items, failed items and feeds."""
    new = sum(len(r.new) for r in results)
    known = sum(r.known for r in results)
    failed_feeds = sum(r.status == "failed" for r in results)
    failed_items = sum(len(r.failures) for r in results if r.status != "failed")
    unchanged = sum(r.status == "not-modified" for r in results)
    return (
        f"{new} new, {known} known, {failed_items} failed items; "
        f"{len(results)} feeds: {unchanged} not modified, {failed_feeds} failed"
    )
