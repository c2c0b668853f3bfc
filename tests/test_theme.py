"""The built site: links, determinism, weight, hosts, feeds and sitemap, article page details."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser_support import ROOT, WITH_SAMPLE_TAGS, build_site
from bs4 import BeautifulSoup
from newsarchive.site import ArticleList, iri, period_archives, reading_minutes, utc_offset, weight

SITEURL = "https://user.github.io/repo"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Elements and attributes that load or link to something.
LINK_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "script": "src",
    "img": "src",
    "source": "src",
    "iframe": "src",
    "form": "action",
    "video": "src",
    "audio": "src",
}


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def _is_external(url: str) -> bool:
    """Whether ``url`` points at another host (a ``data:`` URL carries its bytes inline)."""
    scheme = urlsplit(url).scheme
    return (bool(scheme) and scheme != "data") or url.startswith("//")


def broken_links(output: Path) -> tuple[int, list[str]]:
    """Check every internal href/src/action and #fragment of every HTML page in ``output``.

    Returns how many were checked and what is wrong: targets that do not exist, links that end in
    a directory, root-relative links (they break on a GitHub Pages sub-path), missing ids."""
    pages = sorted(output.rglob("*.html"))
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str, str]] = []
    for page in pages:
        soup = _soup(page)
        ids[page.resolve()] = {el["id"] for el in soup.find_all(id=True)}
        for tag, attribute in LINK_ATTRIBUTES.items():
            for element in soup.find_all(tag):
                value = element.get(attribute)
                if value is not None:
                    links.append((page, tag, value))
    problems: list[str] = []
    checked = 0
    for page, tag, url in links:
        if _is_external(url):
            continue
        checked += 1
        where = f"{page.relative_to(output)}: <{tag}> {url!r}"
        parts = urlsplit(url)
        if url.startswith("/"):
            problems.append(f"{where} is root-relative")
            continue
        if tag == "form":  # "" submits to the page itself; otherwise a page, existing or not
            if parts.path and not parts.path.endswith(".html"):
                problems.append(f"{where} does not end in a file")
            continue
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
        if parts.path and (parts.path.endswith("/") or target.is_dir()):
            problems.append(f"{where} ends in a directory")
        elif not target.is_file():
            problems.append(f"{where} does not exist")
        elif parts.fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = {el["id"] for el in _soup(target).find_all(id=True)}
            if unquote(parts.fragment) not in ids[target]:
                problems.append(f"{where}: no id {parts.fragment!r}")
    return checked, problems


def external_resources(output: Path) -> list[str]:
    """Things a page would load from another host, other than article images."""
    found = []
    for page in sorted(output.rglob("*.html")):
        soup = _soup(page)
        for tag, attribute in LINK_ATTRIBUTES.items():
            if tag in ("a", "form"):
                continue  # links, not resources
            for element in soup.find_all(tag):
                url = element.get(attribute) or ""
                if tag == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                    continue
                if _is_external(url) and not (tag == "img" and element.find_parent(class_="prose")):
                    found.append(f"{page.relative_to(output)}: <{tag}> {url}")
        for element in soup.find_all(style=True):
            if "url(" in element["style"]:
                found.append(f"{page.relative_to(output)}: style {element['style']}")
    for sheet in sorted(output.rglob("*.css")):
        for url in re.findall(r"url\(([^)]*)\)|@import", sheet.read_text("utf-8")):
            if _is_external(url.strip("'\"")) or not url:
                found.append(f"{sheet.relative_to(output)}: {url or '@import'}")
    return found


# The sample site, built with the local settings (see browser_support.built_site).


def test_every_internal_link_resolves_to_a_file(built_site):
    checked, problems = broken_links(built_site)
    assert problems == []
    assert checked > 2000  # every page links to its stylesheet, nav, articles…


def test_link_checker_finds_broken_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.html").write_text('<p id="here">x</p>', "utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/b.html#here">ok</a> <a href="a/b.html#gone">1</a> <a href="a/">2</a> '
        '<a href="/a/b.html">3</a> <img src="missing.png"> <a href="https://x.org/">ext</a>',
        "utf-8",
    )
    checked, problems = broken_links(tmp_path)
    assert checked == 5
    assert [p.split(": ", 1)[1] for p in problems] == [
        "<a> 'a/b.html#gone': no id 'gone'",
        "<a> 'a/' ends in a directory",
        "<a> '/a/b.html' is root-relative",
        "<img> 'missing.png' does not exist",
    ]


def test_only_article_images_come_from_other_hosts(built_site):
    assert external_resources(built_site) == []
    images = [
        img
        for page in (built_site / "articles").glob("*.html")
        for img in _soup(page).select(".prose img")
    ]
    assert images, "the sample has remote article images"
    for img in images:
        assert img["loading"] == "lazy" and img["decoding"] == "async"
        assert img["referrerpolicy"] == "no-referrer"
        assert img.has_attr("alt")


def test_home_page_is_light_and_has_no_render_blocking_script(built_site):
    soup = _soup(built_site / "index.html")
    total = (built_site / "index.html").stat().st_size
    for element in soup.select("link[rel=stylesheet], script[src]"):
        total += (built_site / (element.get("href") or element["src"])).stat().st_size
    assert total < 100_000, total
    for script in soup.select("head script[src]"):
        assert script.has_attr("defer") or script.has_attr("async"), script
    inline = [s for s in soup.select("script:not([src])")]
    assert sum(len(s.get_text()) for s in inline) < 300  # only the theme preference


def test_two_builds_are_byte_identical(built_site, tmp_path):
    second = tmp_path / "output"
    result = build_site(ROOT / "content", second, *WITH_SAMPLE_TAGS)
    assert result.returncode == 0, result.stderr
    first_files = sorted(p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file())
    second_files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert first_files == second_files
    different = [
        str(p) for p in first_files if (built_site / p).read_bytes() != (second / p).read_bytes()
    ]
    assert different == []


def test_pages_and_indexes_exist(built_site):
    for path in (
        "index.html",
        "archives/index.html",
        "tags/index.html",
        "sources/index.html",
        "sources/rfi.html",
        "authors/index.html",
        "pages/about.html",
        "404.html",
        "archives/2020/10.html",
    ):
        assert (built_site / path).is_file(), path
    assert not list(built_site.glob("index.*.html"))  # the home page is one page
    assert not (built_site / "sitemap.xml").exists()  # needs absolute URLs: publish only
    assert not list(built_site.rglob("*.atom.xml"))


def test_home_lists_newest_first_with_metadata(built_site):
    soup = _soup(built_site / "index.html")
    entries = soup.select("main .entry")
    assert len(entries) == 20
    times = [e.find("time")["datetime"] for e in entries]
    assert times == sorted(times, reverse=True)
    first = entries[0]
    assert first.select_one(".entry-source").get_text() == "BBC 中文"
    assert first.select_one(".entry-summary").get_text(strip=True)
    assert first.select(".tag-list a")
    # The next 80 one line each (the sample has 51 articles: all of them), no pages, no "more".
    rows = soup.select("main .row-list li")
    assert len(rows) == 31
    assert rows[0].a["href"] != entries[-1].select_one(".entry-title a")["href"]
    assert not soup.select("nav.pagination") and not soup.select(".home-more")


def test_archives_timeline_counts_every_article(built_site):
    soup = _soup(built_site / "archives" / "index.html")
    years = soup.select(".timeline-year")
    assert [y.h2["id"] for y in years] == ["y2024", "y2023", "y2020"]
    months = soup.select(".timeline-months a")
    counts = [int(a.select_one(".count").get_text().split()[0]) for a in months]
    assert sum(counts) == 51
    month = _soup(built_site / "archives" / "2020" / "10.html")
    assert len(month.select("main .row-list li")) == counts[2]  # 2020-10
    assert month.h1.get_text() == "2020 年 10 月"


def test_listing_pages_list_one_line_per_article(built_site):
    """Tag, source, author and month pages and the home page after its first 20: title,
    publisher and day per line."""
    source = _soup(built_site / "sources" / "rfi.html")
    rows = source.select("main .row-list li")
    total = int(re.search(r"共 (\d+) 篇", source.select_one(".page-lede").get_text())[1])
    assert len(rows) == total > 1  # up to 100 a page
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", li.span.get_text()) for li in rows)
    for li in rows:
        article = _soup(built_site / "sources" / li.a["href"])
        assert article.h1.get_text() == li.a.get_text()
    tag = _soup(max((built_site / "tags").glob("*.html"), key=lambda p: p.stat().st_size))
    for li in tag.select("main .row-list li"):
        article = _soup(built_site / "tags" / li.a["href"])
        publisher = article.select_one(".article-source a").get_text()
        day = article.select_one(".article-facts time")["datetime"][:10]
        assert li.span.get_text() == f"{publisher} · {day}"
        assert li.a.get("lang") == (
            None if article.html["lang"] == "zh-Hans" else article.html["lang"]
        )
    home = _soup(built_site / "index.html")
    assert all(not li.select(".entry-summary") for li in home.select("main .row-list li"))


def test_tag_index_has_counts_and_weights(built_site):
    soup = _soup(built_site / "tags" / "index.html")
    items = soup.select("#tag-terms li")
    tag_pages = {
        p.name
        for p in (built_site / "tags").glob("*.html")
        if p.name != "index.html" and "." not in p.stem
    }  # not page 2, 3…
    assert {Path(li.a["href"]).name for li in items} == tag_pages
    counts = {li["data-name"]: int(li["data-count"]) for li in items}
    for li in items:
        page = _soup(built_site / "tags" / li.a["href"])
        assert page.h1.get_text() == li["data-name"]
        assert f"共 {counts[li['data-name']]} 篇" in page.select_one(".page-lede").get_text()
    top = max(counts.values())
    assert {li["class"][0] for li in items if int(li["data-count"]) == top} == {"w5"}


def test_every_page_has_the_search_form_and_landmarks(built_site):
    for page in sorted(built_site.rglob("*.html")):
        soup = _soup(page)
        form = soup.select_one("header form[role=search].site-search[method=get]")
        assert form and form["action"].endswith("search.html"), page
        field = form.select_one("input#site-search-q[type=search][name=q]")
        assert field and soup.select_one("label[for=site-search-q]").get_text() == "搜索"
        assert soup.select_one("a.skip-link[href='#main']") and soup.select_one("main#main")
        assert soup.find("header") and soup.find("footer") and soup.find("nav")


def test_article_page(built_site):
    page = next((built_site / "articles").glob("rfi-20230913-*.html"))
    soup = _soup(page)
    assert soup.html["lang"] == "zh-Hans"
    facts = {div.dt.get_text(): div.dd for div in soup.select(".article-facts div")}
    assert facts["存档时间"].time["datetime"] == "2023-09-13T19:45:02+08:00"
    assert facts["存档时间"].get_text(" ", strip=True) == "2023-09-13 19:45 UTC+8"
    assert facts["发布时间"].time["datetime"] == "2023-09-13T19:16:00+08:00"
    assert re.fullmatch(r"约 \d+ 分钟", facts["阅读时间"].get_text())
    links = {" ".join(a.get_text().split()): a["href"] for a in soup.select(".article-links a")}
    original = links["原文（法国国际广播电台网站） ↗"]
    # The original's Chinese path is written as characters, not %-escapes (see iri).
    assert original.startswith("https://www.rfi.fr/cn/专栏检索/要闻解说/20230913-金正恩与普京")
    assert links["网页快照（Wayback Machine） ↗"] == f"https://web.archive.org/web/*/{original}"
    assert soup.select_one(".article-source a")["href"] == "../sources/rfi.html"
    assert soup.select_one(".article-column").get_text() == "要闻解说"
    assert soup.select_one(".byline a[rel=author]").get_text() == "夏榕"
    nav = soup.select_one("nav.article-nav")
    assert nav.select_one("a[rel=prev]") and nav.select_one("a[rel=next]")
    print_source = soup.select_one(".print-source").get_text()
    assert "原文：https://www.rfi.fr/cn/专栏检索/要闻解说/20230913-金正恩与普京" in print_source
    assert print_source.endswith("新闻存档")


def test_page_chrome_stays_lean(built_site):
    """What every page repeats — 15,000 times at 15,000 articles — carries no dead weight."""
    article = next((built_site / "articles").glob("rfi-20230913-*.html"))
    for page in (article, built_site / "index.html", built_site / "tags" / "zhong-guo.html"):
        html = page.read_text("utf-8")
        header = html[html.index("<body>") : html.index("<main")]
        assert len(header.encode()) < 1200, page  # skip link, site name, menu, search
        assert "theme-toggle" not in header  # theme.js makes it: without JS it could do nothing
        assert "<svg" not in html and "print.css" not in html
    soup = _soup(article)
    assert soup.html["lang"] == "zh-Hans"  # the site's own words need no lang of their own
    chrome = (
        "header.site-header, footer.site-footer, .article-facts, .article-links, .article-footer"
    )
    assert [el for el in soup.select(chrome) if el.has_attr("lang")] == []
    assert not soup.article.has_attr("lang")


def test_prev_next_follow_archived_time(built_site):
    pages = {p.name: _soup(p) for p in (built_site / "articles").glob("*.html")}
    times = {name: s.select_one(".article-facts time")["datetime"] for name, s in pages.items()}
    ordered = sorted(times, key=lambda n: (times[n], n))
    for older, newer in itertools.pairwise(ordered):
        assert pages[older].select_one("a.article-nav-newer")["href"] == f"../articles/{newer}"
        assert pages[newer].select_one("a.article-nav-older")["href"] == f"../articles/{older}"
    assert not pages[ordered[0]].select_one("a.article-nav-older")
    assert not pages[ordered[-1]].select_one("a.article-nav-newer")


def test_reading_time_for_chinese_text():
    assert reading_minutes("<p>" + "字" * 400 + "</p>") == 1
    assert reading_minutes("<p>" + "字" * 401 + "</p>") == 2
    assert reading_minutes("<p>" + "word " * 440 + "</p>") == 2
    assert reading_minutes("<p>" + "中" * 200 + " and" * 110 + "</p>") == 1
    assert reading_minutes('<img alt="很多很多字' + "字" * 900 + '">') == 1  # markup is not text
    assert reading_minutes("") == 1


def test_weights_and_offsets():
    assert [weight(n, 24) for n in (1, 2, 5, 24)] == [1, 2, 3, 5]
    assert weight(3, 1) == 1
    from datetime import datetime, timedelta, timezone

    assert utc_offset(datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=8)))) == "UTC+8"
    assert (
        utc_offset(datetime(2020, 1, 1, tzinfo=timezone(-timedelta(hours=3, minutes=30))))
        == "UTC-3:30"
    )


IRI_CASES = {
    # Escaped non-ASCII characters are written as themselves, in path, query and fragment.
    "https://www.dw.com/zh/%E7%BE%8E%E5%AA%92%EF%BC%9A/a-55241792?q=%E4%B8%AD#%E6%96%87": (
        "https://www.dw.com/zh/美媒：/a-55241792?q=中#文"
    ),
    "https://cdt.example/2020/10/%e3%80%90%e5%bc%82-google": "https://cdt.example/2020/10/【异-google",
    "https://x.example/%D0%9F%F0%9F%98%80%C3%A9": "https://x.example/П😀é",
    # Escaped ASCII, bytes that are not UTF-8 (GBK, overlong, surrogates) and the host stay.
    "https://x.example/a%2Fb%20c%25d%3F?k=%26": "https://x.example/a%2Fb%20c%25d%3F?k=%26",
    "https://x.example/%D6%D0%CE%C4%C0%8A": "https://x.example/%D6%D0%CE%C4%C0%8A",
    "https://x.example/%E0%80%AF%ED%A0%80%E4%B8": "https://x.example/%E0%80%AF%ED%A0%80%E4%B8",
    "https://%E7%BE%8E.example/?": "https://%E7%BE%8E.example/?",
    "http://www.bbc.com/zhongwen/simp/business-54279369": (
        "http://www.bbc.com/zhongwen/simp/business-54279369"
    ),
}


def test_iri_writes_escaped_characters_as_themselves():
    assert {url: iri(url) for url in IRI_CASES} == IRI_CASES


def test_iri_leads_a_browser_to_the_same_address():
    """Node's URL is the WHATWG parser browsers follow links with: it escapes the IRI back."""
    urls = [url for url in IRI_CASES if url == url.replace("%e", "%E")]  # upper-case hex
    script = "for (const [a, b] of JSON.parse(process.argv[1])) console.log(new URL(a).href === new URL(b).href)"
    pairs = json.dumps([[url, iri(url)] for url in urls])
    result = subprocess.run(
        ["node", "-e", script, pairs], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["true"] * len(urls)


# A small site: two captures of one URL, a Traditional Chinese article, no tags plugin.

SECOND_CAPTURE_TIME = "1602622471000"  # a day after content/articles/rfa/1047480.md
TRADITIONAL = """<!--1602580000000-->
[香港立法會民主派議員總辭 - 自由亞洲電台](https://www.rfa.org/cantonese/news/resign-10132020.html)
------

<p>香港立法會十五名民主派議員週三宣佈總辭，抗議北京撤銷四名議員的資格。這是香港回歸以來立法會首次出現集體辭職。</p>
<p>民主派召集人胡志偉說，這是一國兩制的終結，我們會繼續與市民站在一起。</p>
"""


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("small") / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copytree(ROOT / "content" / "articles" / "rfa", content / "articles" / "rfa")
    first = (content / "articles" / "rfa" / "1047480.md").read_text("utf-8")
    second = re.sub(r"^<!--\d+-->", f"<!--{SECOND_CAPTURE_TIME}-->", first)
    (content / "articles" / "rfa" / "1047480-later.md").write_text(second, "utf-8")
    (content / "articles" / "rfa" / "hant.md").write_text(TRADITIONAL, "utf-8")
    output = content.parent / "output"
    result = build_site(content, output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_other_captures_of_the_same_url_are_listed(small_site):
    pages = [_soup(p) for p in (small_site / "articles").glob("rfa-*hj-10122020140616*.html")]
    assert len(pages) == 2
    for soup in pages:
        captures = soup.select(".captures li")
        assert len(captures) == 2
        assert soup.select_one(".captures h2").get_text() == "同一网址的 2 份存档"
        current = soup.select_one(".captures [aria-current=page] time")["datetime"]
        assert current == soup.select_one(".article-facts time")["datetime"]
        other = soup.select_one(".captures li a")
        assert (small_site / "articles" / other["href"]).is_file()
    single = next(
        p for p in (small_site / "articles").glob("*.html") if "hj-10122020140616" not in p.name
    )
    assert not _soup(single).select(".captures")


def test_lang_is_set_per_article(small_site):
    page = next((small_site / "articles").glob("*resign*.html"))
    soup = _soup(page)
    assert soup.html["lang"] == "zh-Hant"
    assert soup.select_one("header.site-header")["lang"].lower() == "zh-hans"  # site chrome


def test_small_site_links_resolve(small_site):
    checked, problems = broken_links(small_site)
    assert problems == [] and checked > 100


def test_indexes_work_without_tags(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (content / "articles").mkdir()
    result = build_site(content, tmp_path / "output")
    assert result.returncode == 0, result.stderr
    tags = _soup(tmp_path / "output" / "tags" / "index.html")
    assert tags.select_one("main .empty").get_text() == "还没有标签。"
    assert _soup(tmp_path / "output" / "archives" / "index.html").select_one("main .empty")
    assert broken_links(tmp_path / "output")[1] == []


# Publishing: feeds and sitemap with absolute URLs, links still relative.


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("published") / "output"
    result = build_site(
        ROOT / "content",
        output,
        *WITH_SAMPLE_TAGS,
        "NEWSARCHIVE_HOME_ARTICLES=30",  # fewer than the sample's 51: the home page ends early
        config="publishconf.py",
        env={"SITEURL": SITEURL + "/"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_feeds_are_valid_atom_with_absolute_urls(published):
    feeds = sorted(published.glob("feeds/**/*.atom.xml"))
    names = {str(f.relative_to(published)) for f in feeds}
    assert "feeds/all.atom.xml" in names and "feeds/sources/rfi.atom.xml" in names
    assert any(n.startswith("feeds/tags/") for n in names)
    for feed in feeds:
        root = ET.parse(feed).getroot()
        assert root.tag == f"{ATOM}feed"
        entries = root.findall(f"{ATOM}entry")
        assert entries, feed
        for link in root.iter(f"{ATOM}link"):
            assert link.get("href").startswith(SITEURL + "/"), (feed, link.get("href"))
        for entry in entries:
            href = entry.find(f"{ATOM}link").get("href")
            path = urlsplit(href).path.removeprefix(urlsplit(SITEURL).path + "/")
            assert (published / unquote(path)).is_file(), href
    everything = ET.parse(published / "feeds" / "all.atom.xml").getroot()
    assert len(everything.findall(f"{ATOM}entry")) == 50  # FEED_MAX_ITEMS


def test_all_articles_feed_has_full_text_term_feeds_summaries(published):
    def entries(path: Path) -> list[ET.Element]:
        return ET.parse(path).getroot().findall(f"{ATOM}entry")

    for entry in entries(published / "feeds" / "all.atom.xml"):
        assert len(entry.find(f"{ATOM}content").text) > len(entry.find(f"{ATOM}summary").text)
    term_feeds = [published / "feeds" / "sources" / "rfi.atom.xml"]
    term_feeds += sorted((published / "feeds" / "tags").glob("*.atom.xml"))
    assert len(term_feeds) > 10
    for feed in term_feeds:
        assert 0 < len(entries(feed)) <= 20, feed  # NEWSARCHIVE_TERM_FEED_ITEMS
        for entry in entries(feed):
            assert entry.find(f"{ATOM}content") is None, feed
            assert entry.find(f"{ATOM}summary").text.strip(), feed
            assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}link") is not None


def test_home_page_stops_and_points_to_the_month_of_the_next_article(published):
    home = _soup(published / "index.html")
    shown = [a["href"] for a in home.select("main .entry-title a, main .row-list a")]
    assert len(home.select("main .entry")) == 20 and len(shown) == 30
    assert not list(published.glob("index.*.html"))
    archived = {
        f"./articles/{p.name}": _soup(p).select_one(".article-facts time")["datetime"]
        for p in (published / "articles").glob("*.html")
    }
    assert [archived[h] for h in shown] == sorted((archived[h] for h in shown), reverse=True)
    rest = [h for h in archived if h not in shown]
    newest_left = max(rest, key=lambda h: (archived[h], h))
    assert max(archived[h] for h in rest) <= min(archived[h] for h in shown)
    more = home.select_one("nav.home-more")
    assert f"更早的 {len(rest)} 篇" in more.get_text()
    month_link, archives_link = more.select("a")
    year, month = archived[newest_left][:7].split("-")
    assert month_link["href"] == f"./archives/{year}/{month}.html"
    assert month_link.get_text() == f"{year} 年 {int(month)} 月"
    assert archives_link["href"] == "./archives/index.html"
    month_page = _soup(published / month_link["href"])
    listed = [a["href"] for a in month_page.select("main .row-list a")]
    assert "../../" + newest_left.removeprefix("./") in listed


def test_sitemap_lists_every_page_with_absolute_urls(published):
    root = ET.parse(published / "sitemap.xml").getroot()
    locations = [url.find(f"{SITEMAP}loc").text for url in root.findall(f"{SITEMAP}url")]
    assert len(locations) == len(set(locations))
    prefix = SITEURL + "/"
    assert all(loc.startswith(prefix) for loc in locations)
    paths = {unquote(loc.removeprefix(prefix)) for loc in locations}
    assert all((published / p).is_file() for p in paths)
    articles = {f"articles/{p.name}" for p in (published / "articles").glob("*.html")}
    assert articles <= paths and "index.html" in paths and "tags/index.html" in paths


def test_published_pages_link_relatively_and_know_their_address(published):
    checked, problems = broken_links(published)
    assert problems == [] and checked > 2000
    index = _soup(published / "index.html")
    assert index.select_one("link[rel=canonical]")["href"] == f"{SITEURL}/index.html"
    feed = index.select_one("link[rel=alternate][type='application/atom+xml']")
    assert feed["href"] == "./feeds/all.atom.xml"
    assert _soup(published / "404.html").base["href"] == f"{SITEURL}/"
    tag_page = next(p for p in (published / "tags").glob("*.html") if p.name != "index.html")
    assert _soup(tag_page).select_one("a.feed-link")["href"].startswith("../feeds/tags/")


def test_term_lists_answer_membership_by_identity():
    class Item:
        def __eq__(self, other: object) -> bool:  # Pelican's list test would call this
            raise AssertionError("compared by value")

        __hash__ = object.__hash__

    a, b, c = Item(), Item(), Item()
    listed = ArticleList([a, b])
    assert a in listed and b in listed and c not in listed
    assert list(listed) == [a, b] and len(listed[:1]) == 1


def test_period_archives_pick_the_same_articles_as_pelican_by_identity():
    from datetime import datetime, timedelta

    from pelican.generators import ArticlesGenerator
    from pelican.settings import DEFAULT_CONFIG

    class Item:
        def __init__(self, when: datetime) -> None:
            self.date = when

    start = datetime(2023, 1, 30)
    articles = [Item(start + timedelta(days=9 * i, hours=i)) for i in range(60)]
    articles.append(Item(articles[5].date))  # two archived at the same time
    articles.reverse()
    dates = sorted(articles, key=lambda a: a.date, reverse=True)
    settings = {
        **DEFAULT_CONFIG,
        "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}.html",
        "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}.html",
        "DAY_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}.html",
    }
    generator = object.__new__(ArticlesGenerator)
    pelican = generator._build_period_archives(dates, articles, settings)
    ours = period_archives(generator._build_period_archives, dates, articles, settings)
    assert set(ours) == {"year", "month", "day"} and len(ours["month"]) > 12
    for granularity, periods in pelican.items():
        assert len(ours[granularity]) == len(periods)
        for mine, theirs in zip(ours[granularity], periods, strict=True):
            assert [id(a) for a in mine["articles"]] == [id(a) for a in theirs["articles"]]
            assert {k: v for k, v in mine.items() if k != "articles"} == {
                k: v for k, v in theirs.items() if k != "articles"
            }
    assert sum(len(p["articles"]) for p in ours["month"]) == len(articles)


def test_each_article_generator_picks_its_periods_with_ours():
    from functools import partial

    from newsarchive import site
    from pelican import signals
    from pelican.generators import ArticlesGenerator

    site.register()
    generator = object.__new__(ArticlesGenerator)
    receivers = list(signals.article_generator_pretaxonomy.receivers_for(generator))
    assert site.index_periods in receivers
    site.index_periods(generator)
    picked = generator._build_period_archives
    assert isinstance(picked, partial) and picked.func is site.period_archives


def test_tag_pages_are_written_as_pelican_writes_them_one_tag_at_a_time():
    from newsarchive import site
    from newsarchive.site import ArticleList
    from pelican import signals
    from pelican.generators import ArticlesGenerator

    class Item:
        def __init__(self, n: int) -> None:
            self.n = n

    class Tag(str):
        save_as = url = property(lambda self: f"tags/{self}.html")
        page_name = property(lambda self: f"tags/{self}")

    articles = [Item(n) for n in range(40)]
    dates = sorted(articles, key=lambda a: (a.n * 7) % 40)  # not the articles' order
    tags: dict = {}
    for a in articles:
        for tag in (f"t{a.n % 3}", f"t{a.n % 5}-x") if a.n % 4 else ("t0",):
            tags.setdefault(Tag(tag), []).append(a)
    tags = {tag: ArticleList(listed) for tag, listed in tags.items()}
    tags[Tag("t1")].append(Item(99))  # not among the dates: left out, as Pelican does

    def written(ours: bool) -> list:
        generator = object.__new__(ArticlesGenerator)
        generator.tags, generator.dates, generator.articles = dict(tags), dates, articles
        generator.context, generator.get_template = {}, lambda name: name
        if ours:
            site.index_tag_pages(generator)
        calls = []

        def write(name, template, context, **kwargs):
            ids = [[id(a) for a in kwargs[key]] for key in ("dates", "articles")]
            calls.append((name, template, kwargs["tag"], kwargs["page_name"], *ids))

        generator.generate_tags(write)
        assert generator.tags == tags and generator.dates is dates  # as they were
        return calls

    pelicans = written(ours=False)
    assert written(ours=True) == pelicans and len(pelicans) == len(tags)
    site.register()
    generator = object.__new__(ArticlesGenerator)
    assert site.index_tag_pages in signals.article_generator_pretaxonomy.receivers_for(generator)
