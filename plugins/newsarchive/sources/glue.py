"""Pelican glue: read the status file, mark articles whose original is gone or changed, write
the vanished list page and its feed. Without a status file nothing of this appears."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican import signals

from .marks import mark, vanished
from .status import STATUS_FILE, journal_path, load

SAVE_AS = "vanished.html"
FEED = "feeds/vanished.atom.xml"


def status_path(settings: dict[str, Any]) -> Path:
    """``NEWSARCHIVE_SOURCE_STATUS``, relative to ``PATH`` (default ``source-status.jsonl``)."""
    return Path(settings["PATH"]) / settings.get("NEWSARCHIVE_SOURCE_STATUS", STATUS_FILE)


def annotate(generator: Any) -> None:
    """Give each article ``source_mark`` (or None) and the context ``vanished`` (or None)."""
    path = status_path(generator.settings)
    generator.context["vanished"] = None
    for article in generator.articles:
        article.source_mark = None
    if not path.exists() and not journal_path(path).exists():
        return
    records, problems = load(path)
    for problem in problems:
        if problem.level == "error":
            raise SystemExit(f"newsarchive: {problem}")
        print(f"newsarchive: {problem}")
    zone = ZoneInfo(generator.settings.get("TIMEZONE") or "UTC")
    marks = {}
    for article in generator.articles:
        article.source_mark = mark(records.get(getattr(article, "source_url", "")), zone)
        if article.source_mark is not None:
            marks[id(article)] = article.source_mark
    result = vanished(generator.articles, marks)
    generator.context["vanished"] = result
    generator.context["VANISHED_URL"] = SAVE_AS
    generator.context["VANISHED_FEED_ATOM"] = (
        FEED if generator.settings.get("FEED_ALL_ATOM") else None
    )


def write(generator: Any, writer: Any) -> None:
    """The vanished list page, and (when feeds are on) its Atom feed."""
    result = generator.context.get("vanished")
    if result is None:
        return
    settings = generator.settings
    writer.write_file(
        SAVE_AS,
        generator.get_template("vanished"),
        generator.context,
        relative_urls=settings["RELATIVE_URLS"],
        url=SAVE_AS,
        page_name="vanished",
        template_name="vanished",
    )
    if generator.context.get("VANISHED_FEED_ATOM"):
        writer.write_feed(
            result.articles[: settings.get("FEED_MAX_ITEMS") or None],
            generator.context,
            FEED,
            feed_title="原文已删除的文章",
        )


def register() -> None:
    signals.article_writer_finalized.connect(write)
