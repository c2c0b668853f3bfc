"""The site shows the status file: marks on articles, the vanished list and its feed, counts by
publisher; none of it without a status file. A real Pelican build of the sample content."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser_support import (
    ROOT,
    WITH_SAMPLE_TAGS,
    build_site,
    open_page,
    run_axe,
    screenshot,
)
from bs4 import BeautifulSoup
from newsarchive.convert.urls import repair_url
from test_theme import ATOM, SITEURL, broken_links

BBC_GONE = "http://www.bbc.com/zhongwen/simp/science-54271267"  # archived 2020-09
BBC_GONE_2 = "http://www.bbc.com/zhongwen/simp/world-54385245"  # archived 2020-10
BBC_CHANGED = "http://www.bbc.com/zhongwen/simp/world-54409298"
BBC_LIVE = "http://www.bbc.com/zhongwen/simp/science-54495009"
BBC_PENDING = "http://www.bbc.com/zhongwen/simp/business-54279369"  # gone once: not shown


def _record(url, status, **fields):
    base = {"url": url, "status": status, "result": status, "code": 200, "reason": "test"}
    return {**base, "last_checked": "2026-11-20T02:00:00Z", "checks": 2, **fields}


def status_lines(rfi_url: str) -> list[dict]:
    gone = {"code": 404, "first_gone": "2026-11-10T02:00:00Z"}
    return [
        _record(BBC_GONE, "gone", **gone, confirmed="2026-11-19T17:00:00Z"),  # 11-20 in Shanghai
        _record(BBC_GONE_2, "gone", **gone, confirmed="2026-11-18T02:00:00Z"),
        _record(rfi_url, "gone", **gone, confirmed="2026-11-01T02:00:00Z"),
        _record(BBC_CHANGED, "changed", share=0.02),
        _record(BBC_LIVE, "live", share=1.0),
        {
            **_record(BBC_PENDING, "unknown", code=404),
            "result": "gone",
            "first_gone": "2026-11-20T02:00:00Z",
        },
    ]


def _page(output: Path, url: str) -> BeautifulSoup:
    for path in (output / "articles").glob("*.html"):
        soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
        original = soup.select_one(".article-links a.button")
        if original and original["href"] == url:
            return soup
    raise AssertionError(f"no article page for {url}")


@pytest.fixture(scope="module")
def rfi_url() -> str:
    path = sorted((ROOT / "content" / "articles" / "rfi").glob("*"))[0]
    link = path.read_text("utf-8").split("\n")[1]
    return repair_url(link[link.index("](") + 2 : -1])


@pytest.fixture(scope="module")
def marked_site(tmp_path_factory: pytest.TempPathFactory, rfi_url: str) -> Path:
    """The sample content published (feeds on, links relative) with a status file."""
    folder = tmp_path_factory.mktemp("marked")
    status = folder / "source-status.jsonl"
    status.write_text("".join(json.dumps(r) + "\n" for r in status_lines(rfi_url)), "utf-8")
    output = folder / "output"
    result = build_site(
        ROOT / "content",
        output,
        *WITH_SAMPLE_TAGS,
        f"NEWSARCHIVE_SOURCE_STATUS={json.dumps(str(status))}",
        config="publishconf.py",
        env={"SITEURL": SITEURL + "/"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_an_article_whose_original_is_gone_says_so_beside_the_source_link(marked_site):
    soup = _page(marked_site, BBC_GONE)
    links = soup.select_one(".article-links")
    mark = links.select_one(".source-mark.source-gone")
    assert mark.get_text() == "原文已删除（确认于 2026-11-20）"  # the day in the site's time zone
    assert mark.time["datetime"] == "2026-11-20"
    wayback = mark.find_next_sibling("a")
    assert wayback["href"] == f"https://web.archive.org/web/*/{BBC_GONE}"
    changed = _page(marked_site, BBC_CHANGED).select_one(".source-mark.source-changed")
    assert changed.get_text().startswith("原文已更改")
    for quiet in (BBC_LIVE, BBC_PENDING):
        assert _page(marked_site, quiet).select_one(".source-mark") is None


def test_the_vanished_page_lists_by_publisher_and_month_with_counts(marked_site, rfi_url):
    soup = BeautifulSoup((marked_site / "vanished.html").read_text("utf-8"), "html.parser")
    assert "共 3 篇；另有 1 篇的原文已更改" in soup.select_one(".page-lede").get_text()
    sections = soup.select("section.vanished-publisher")
    assert [s.h2["id"] for s in sections] == ["bbc", "rfi"]
    bbc = sections[0]
    assert " ".join(bbc.h2.get_text().split()) == "BBC 中文 2 篇"
    months = [" ".join(h.get_text().split()) for h in bbc.select("h3")]
    assert months == ["2020 年 10 月存档 1 篇", "2020 年 9 月存档 1 篇"]
    listed = [a["href"] for a in soup.select(".vanished-list a")]
    assert len(listed) == 3 and all((marked_site / h).is_file() for h in listed)
    assert soup.select_one("a.feed-link")["href"] == "./feeds/vanished.atom.xml"


def test_the_vanished_feed_has_the_gone_articles_newest_confirmation_first(marked_site):
    root = ET.parse(marked_site / "feeds" / "vanished.atom.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert len(links) == 3 and all(h.startswith(SITEURL + "/articles/") for h in links)
    first = BeautifulSoup(
        (marked_site / links[0].removeprefix(SITEURL + "/")).read_text(), "html.parser"
    )
    assert first.select_one(".article-links a.button")["href"] == BBC_GONE
    assert "原文已删除" in root.find(f"{ATOM}title").text


def test_home_and_sources_pages_count_the_gone_originals_by_publisher(marked_site):
    home = BeautifulSoup((marked_site / "index.html").read_text("utf-8"), "html.parser")
    counts = {a["href"]: a.get_text() for a in home.select("a.gone-count")}
    assert counts == {"./vanished.html#bbc": "2 篇已删除", "./vanished.html#rfi": "1 篇已删除"}
    assert home.select_one(".side-more a")["href"] == "./vanished.html"
    sources = BeautifulSoup((marked_site / "sources/index.html").read_text("utf-8"), "html.parser")
    rows = {" ".join(li.get_text().split()) for li in sources.select(".gone-by-source li")}
    assert "BBC 中文 2 篇已删除，共 8 篇" in rows
    assert "美国之音 0 篇已删除，共 7 篇" in rows
    bbc = BeautifulSoup((marked_site / "sources/bbc.html").read_text("utf-8"), "html.parser")
    assert "本来源 2 篇文章的原文已删除" in bbc.select_one(".see-also").get_text()


def test_the_marked_site_links_resolve(marked_site):
    checked, problems = broken_links(marked_site)
    assert problems == [] and checked > 2000


def test_without_a_status_file_nothing_shows(built_site):
    assert not (built_site / "vanished.html").exists()
    assert not (built_site / "feeds" / "vanished.atom.xml").exists()
    for path in [built_site / "index.html", built_site / "sources" / "index.html"]:
        text = path.read_text("utf-8")
        assert "vanished" not in text and "已删除" not in text
    for path in (built_site / "articles").glob("*.html"):
        text = path.read_text("utf-8")
        assert "source-mark" not in text and "原文已删除" not in text


def test_marks_and_the_vanished_page_pass_axe_light_and_dark(chromium, marked_site):
    """From disk (file://), as a downloaded site is read."""
    article = _page(marked_site, BBC_GONE).select_one("link[rel=canonical]")["href"]
    article = article.removeprefix(SITEURL + "/")
    for name, path in (("sources-article", article), ("sources-vanished", "vanished.html")):
        for scheme in ("light", "dark"):
            for width in (375, 1280):
                page = open_page(
                    chromium, (marked_site / path).as_uri(), width=width, color_scheme=scheme
                )
                assert run_axe(page) == [], (name, scheme, width)
                suffix = "" if scheme == "light" else "-dark"
                assert screenshot(page, f"{name}-{width}{suffix}").stat().st_size > 10_000
                page.context.close()


def _generator(tmp_path, lines):
    from types import SimpleNamespace

    (tmp_path / "source-status.jsonl").write_text(lines, "utf-8")
    from datetime import UTC, datetime

    bbc = SimpleNamespace(name="BBC 中文", slug="bbc", __str__=lambda: "BBC 中文")
    article = SimpleNamespace(
        source_url=BBC_GONE, date=datetime(2020, 9, 24, tzinfo=UTC), slug="a", category=bbc
    )
    return SimpleNamespace(
        settings={"PATH": str(tmp_path), "TIMEZONE": "Asia/Shanghai"},
        context={},
        articles=[article],
    )


def test_a_bad_status_file_fails_the_build_naming_file_and_line(tmp_path):
    from newsarchive.sources.glue import annotate

    generator = _generator(tmp_path, json.dumps(_record(BBC_GONE, "vanished")) + "\n")
    with pytest.raises(SystemExit) as failed:
        annotate(generator)
    message = str(failed.value)
    assert message.startswith(f"newsarchive: {tmp_path}/source-status.jsonl:1: error: ")
    assert "\n" not in message


def test_an_interrupted_checks_journal_is_read_by_the_build(tmp_path):
    from newsarchive.sources.glue import annotate

    generator = _generator(tmp_path, "")
    gone = _record(BBC_GONE, "gone", confirmed="2026-11-19T17:00:00Z")
    (tmp_path / "source-status.jsonl.journal").write_text(json.dumps(gone) + "\n", "utf-8")
    annotate(generator)
    assert generator.articles[0].source_mark.confirmed.isoformat() == "2026-11-20"
    assert generator.context["vanished"].articles == generator.articles


def test_search_can_keep_only_articles_whose_original_is_gone(chromium, marked_site):
    from urllib.parse import quote

    url = (marked_site / "search.html").as_uri() + "?q=" + quote("BBC") + "&original=gone"
    page = open_page(chromium, url)
    page.wait_for_selector("html[data-search-done]", timeout=15000)
    page.wait_for_function("document.querySelectorAll('#search-results li.search-result').length")
    assert page.input_value("#search-original") == "gone"
    titles = page.locator("#search-results a.search-result-title")
    hrefs = titles.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    gone = {
        _page(marked_site, u).select_one("link[rel=canonical]")["href"]
        for u in (BBC_GONE, BBC_GONE_2)
    }
    assert {SITEURL + "/" + h.removeprefix("./") for h in hrefs} == gone
    page.select_option("#search-original", "")  # all BBC articles again
    page.wait_for_function(
        "document.querySelectorAll('#search-results li.search-result').length > 2"
    )
    page.context.close()


def test_without_a_status_file_search_has_no_original_filter(built_site):
    assert "search-original" not in (built_site / "search.html").read_text("utf-8")
