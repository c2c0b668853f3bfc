"""A real Pelican build of the sample content and of broken content."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_support import ROOT
from browser_support import build_site as build
from bs4 import BeautifulSoup


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    output = tmp_path_factory.mktemp("site") / "output"
    result = build(ROOT / "content", output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output, result.stdout + result.stderr


def archived_files() -> list[Path]:
    return sorted(p for p in (ROOT / "content" / "articles").rglob("*") if p.is_file())


def test_build_reports_counts(site):
    output, log = site
    count = len(archived_files())
    assert f"newsarchive: {count} archived files read, {count} articles written" in log
    pages = list((output / "articles").glob("*.html"))
    assert len(pages) == count
    assert all(p.name.isascii() for p in pages)


def test_article_page_shows_metadata(site):
    output, _ = site
    page = next((output / "articles").glob("rfi-20230913-*.html"))
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    assert soup.find("article").find("h1").get_text(strip=True) == (
        "金正恩与普京在俄罗斯先进的航天基地会晤 中国如何看"
    )
    text = soup.get_text(" ", strip=True)
    assert "法国国际广播电台" in text and "要闻解说" in text and "夏榕" in text
    times = {t["datetime"] for t in soup.find_all("time")}
    assert "2023-09-13T19:45:02+08:00" in times  # archived, in the site's time zone
    assert "2023-09-13T19:16:00+08:00" in times  # published 13:16 Paris time
    assert soup.find("a", href=re.compile(r"^https://www\.rfi\.fr/cn/"))
    article = soup.find("article")
    assert soup.html["lang"] == "zh-Hans"  # the page's language is the article's
    assert "据路透社报道" in article.get_text()
    assert not article.find(["script", "iframe", "style"])


def test_ordinary_pages_still_use_pelicans_reader(site):
    output, _ = site
    about = (output / "pages" / "about.html").read_text("utf-8")
    assert "关于本站" in about


def test_every_publisher_is_a_category(site):
    output, _ = site
    names = {
        BeautifulSoup(p.read_text("utf-8"), "html.parser").title.get_text()
        for p in (output / "sources").glob("*.html")
    }
    for publisher in (
        "BBC 中文",
        "中国数字时代",
        "德国之声",
        "纽约时报中文网",
        "自由亚洲电台",
        "法国国际广播电台",
        "美国之音",
    ):
        assert any(publisher in name for name in names), names


BROKEN = {
    "no-header.md": "<p>just html</p>\n",
    "bad-time.md": "<!--123-->\n[T](https://x.org/a)\n------\n<p>b</p>\n",
    "bad-url.html": "<!--1694605502000-->\n[T](ftp://x.org/a)\n------\n<p>b</p>\n",
}


@pytest.fixture
def broken_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    articles = content / "articles"
    shutil.copytree(ROOT / "content" / "articles" / "rfi", articles / "rfi")
    for name, text in BROKEN.items():
        (articles / name).write_text(text, "utf-8")
    return content


def test_bad_files_fail_the_build_and_are_all_listed(broken_content, tmp_path):
    result = build(broken_content, tmp_path / "out")
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "bad-time.md:1: error: timestamp 123 has 3 digits" in log
    assert "bad-url.html:2: error: the URL 'ftp://x.org/a' is not an http(s) address" in log
    assert "no-header.md:1: error: not an archived article" in log
    assert "3 of 11 archived files could not be converted" in log
    assert not (tmp_path / "out" / "index.html").exists()


def test_skip_invalid_builds_the_rest_with_warnings(broken_content, tmp_path):
    result = build(broken_content, tmp_path / "out", "NEWSARCHIVE_SKIP_INVALID=true")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "bad-time.md:1: error: timestamp 123" in log
    assert "newsarchive: 11 archived files read, 8 articles written, 3 skipped (invalid)" in log
    assert len(list((tmp_path / "out" / "articles").glob("*.html"))) == 8


def test_two_builds_are_identical_and_the_second_uses_the_cache(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "articles" / "bbc", content / "articles" / "bbc")
    cache = tmp_path / "cache"
    first = build(content, tmp_path / "a", cache=cache)
    cached = sorted((cache / "newsarchive").rglob("*.json"))
    second = build(content, tmp_path / "b", cache=cache)
    assert first.returncode == second.returncode == 0
    assert len(cached) == len(list((content / "articles" / "bbc").iterdir()))
    assert sorted((cache / "newsarchive").rglob("*.json")) == cached
    for page in (tmp_path / "a" / "articles").glob("*.html"):
        assert page.read_bytes() == (tmp_path / "b" / "articles" / page.name).read_bytes()


def test_a_build_removes_cache_entries_it_no_longer_uses(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "articles" / "bbc", content / "articles" / "bbc")
    cache = tmp_path / "cache"
    assert build(content, tmp_path / "a", cache=cache).returncode == 0
    before = set((cache / "newsarchive").rglob("*.json"))
    edited = sorted((content / "articles" / "bbc").iterdir())[0]
    edited.write_text(edited.read_text("utf-8") + "\n<p>更正：本文已更新。</p>\n", "utf-8")
    result = build(content, tmp_path / "b", cache=cache)
    assert result.returncode == 0, result.stderr
    assert "newsarchive: 1 unused cache entries removed" in result.stderr
    after = set((cache / "newsarchive").rglob("*.json"))
    assert len(after) == len(before) and len(after - before) == 1
