"""Saved-page fixtures, made at test time: real archived articles wrapped in a news site's chrome.

Each page is what "Save page as…" gives for an article: a <head> with scripts, styles and social
metadata, navigation, a cookie banner, ads, a newsletter box, the article, a "most read" sidebar,
reader comments and a footer (``tests/contrib/chrome/``). Every piece of chrome carries the marker
站务 (or "chrome-marker") so a test can prove none of it reached the imported article.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newsarchive.convert.header import parse_header
from newsarchive.convert.publishers import PublisherTable
from newsarchive.convert.urls import host_of, repair_url

ROOT = Path(__file__).resolve().parent.parent
CHROME = ROOT / "tests" / "contrib" / "chrome"
# One real article per publisher (content/articles/…), with the site name its <title> carries
# and the element the publisher's pages hold the article in (BBC's archived bodies are that
# element already: <main role="main">).
ARTICLES = {
    "bbc": ("bbc/1047567.md", "BBC News 中文", ("", "")),
    "cdt": ("cdt/391110.md", "中国数字时代", ('<div class="post-content">', "</div>")),
    "dw": ("dw/1046215.md", "DW 德国之声", ('<div class="longText">', "</div>")),
    "nytimes": (
        "nytimes/1047787.md",
        "纽约时报中文网",
        ('<section class="article-body">', "</section>"),
    ),
    "rfa": ("rfa/1047547.md", "自由亚洲电台", ('<div id="storytext">', "</div>")),
    "rfi": (
        "rfi/1042142.md",
        "法国国际广播电台 - RFI",
        ('<article class="t-content">', "</article>"),
    ),
    "voa": (
        "voa/1045857.md",
        "美国之音中文网",
        ('<div id="article-content"><div class="wsw">', "</div></div>"),
    ),
}


@dataclass(frozen=True)
class SavedPage:
    """One saved page: its HTML, and the article it wraps (``original``, an archived file)."""

    url: str
    title: str
    original: Path
    html: str


@cache
def saved_pages() -> dict[str, SavedPage]:
    """The saved page of each publisher's article, by publisher key."""
    head, top, bottom = (
        (CHROME / name).read_text("utf-8") for name in ("head.html", "top.html", "bottom.html")
    )
    publishers = PublisherTable()
    pages = {}
    for name, (relative, site, (opening, closing)) in ARTICLES.items():
        original = ROOT / "content" / "articles" / relative
        header = parse_header(original.read_text("utf-8"), str(original))
        url = repair_url(header.url)
        title, _ = publishers.for_host(host_of(url)).clean_title(header.title)
        fields = {"title": html.escape(title), "url": html.escape(url), "site": site}
        page = (
            head.format(length=len(url), **fields)
            + top.format(**fields)
            + opening
            + header.body
            + closing
            + bottom.format(**fields)
        )
        pages[name] = SavedPage(url, title, original, page)
    return pages


def write_saved_pages(out: Path) -> dict[str, Path]:
    """Write every saved page as ``out/<publisher>.html``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, page in saved_pages().items():
        paths[name] = out / f"{name}.html"
        paths[name].write_text(page.html, "utf-8")
    return paths
