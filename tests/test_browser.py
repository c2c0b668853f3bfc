"""The built site in Debian's Chromium: navigation from file:// and HTTP, axe-core, screenshots,
the dark-mode toggle, print, small screens, keyboard and missing images."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from browser_support import ARTIFACTS, open_page, run_axe, screenshot

PAGES = {"home": "index.html", "archives": "archives/index.html", "tags": "tags/index.html"}


def _first_tagged_article(site: Path) -> str:
    """The home page's first article (it is also on page 1 of each of its tags)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    entry = next(e for e in soup.select(".entry") if e.select(".tag-list a"))
    return entry.select_one(".entry-title a")["href"]


def _first_tag_page(site: Path) -> str:
    from bs4 import BeautifulSoup

    page = site / _first_tagged_article(site)
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    return str(
        (page.parent / soup.select_one(".article-footer .tag-list a")["href"])
        .resolve()
        .relative_to(site.resolve())
    )


@pytest.fixture(params=["file", "http"])
def base_url(request, built_site, site_server) -> str:
    return built_site.as_uri() + "/" if request.param == "file" else site_server


def _h1(page) -> str:
    return page.locator("main h1").first.inner_text().strip()


def test_navigation_home_article_tag_archives_and_back(chromium, base_url):
    blocked: list[str] = []
    page = open_page(chromium, base_url + "index.html", blocked=blocked)
    assert _h1(page) == "最新存档"
    assert page.locator("main .entry").count() == 20

    entry = page.locator(".entry").filter(has=page.locator(".tag-list a")).first
    title = entry.locator(".entry-title a").inner_text()
    source = entry.locator(".entry-source").inner_text()
    entry.locator(".entry-title a").click()
    page.wait_for_url("**/articles/*.html")
    assert _h1(page) == title
    assert page.locator(".article-source a").inner_text() == source
    assert page.locator(".article-facts dt").first.inner_text() == "存档时间"
    assert (
        page.locator(".article-links a", has_text="网页快照")
        .get_attribute("href")
        .startswith("https://web.archive.org/web/*/http")
    )
    article_url = page.url

    tag = page.locator(".article-footer .tag-list a").first
    tag_name = tag.inner_text()
    tag.click()
    page.wait_for_url("**/tags/*.html")
    assert _h1(page) == tag_name
    assert page.locator(".row-list a", has_text=title).count() == 1  # one line per article
    tag_url = page.url

    page.locator(".site-nav a", has_text="归档").click()
    page.wait_for_url("**/archives/index.html")
    assert _h1(page) == "归档"
    month = page.locator(".timeline-months a").first
    count = int(month.locator(".count").inner_text().split()[0])
    month.click()
    page.wait_for_url("**/archives/*/*.html")
    assert page.locator("main .row-list li").count() == count
    assert page.locator(".site-nav a[aria-current=page]").inner_text() == "归档"

    for url, heading in (
        (base_url + "archives/index.html", "归档"),
        (tag_url, tag_name),
        (article_url, title),
        (base_url + "index.html", "最新存档"),
    ):
        page.go_back()
        page.wait_for_load_state()
        assert page.url == url and _h1(page) == heading
    assert blocked and all(b.startswith("image https://") for b in blocked)  # article images
    page.context.close()


def test_no_serious_accessibility_violations(chromium, built_site, site_server):
    pages = {
        **PAGES,
        "article": _first_tagged_article(built_site),
        "tag": _first_tag_page(built_site),
        "month": "archives/2020/10.html",
    }
    runs = [(name, path, "light") for name, path in pages.items()]
    runs += [(name, pages[name], "dark") for name in ("home", "article")]  # dark colours too
    report = {}
    for name, path, scheme in runs:
        page = open_page(chromium, site_server + path, color_scheme=scheme)
        violations = run_axe(page)
        if violations:
            report[f"{name} ({scheme})"] = violations
        page.context.close()
    assert report == {}


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots(chromium, built_site, site_server, width):
    """Writes tests/artifacts/<page>-<width>.png (look at them) and checks nothing overflows."""
    pages = {
        **PAGES,
        "article": _first_tagged_article(built_site),
        "tag": _first_tag_page(built_site),
    }
    for name, path in pages.items():
        for scheme in ("light", "dark") if name in ("home", "article") else ("light",):
            page = open_page(chromium, site_server + path, width=width, color_scheme=scheme)
            page.evaluate("""async () => {  // let lazy images load before the full-page shot
                for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
                    scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); }
                scrollTo(0, 0); }""")
            suffix = "" if scheme == "light" else "-dark"
            assert screenshot(page, f"{name}-{width}{suffix}").stat().st_size > 10_000
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.context.close()


def test_readable_at_320px_with_missing_images(chromium, built_site, site_server):
    """At 320 px nothing scrolls sideways; images that fail to load shrink to a short note and
    their captions stay."""
    article = next(
        p
        for p in sorted((built_site / "articles").glob("bbc-*.html"))
        if "<em>" in p.read_text("utf-8") and "<img" in p.read_text("utf-8")
    )
    page = open_page(chromium, site_server + f"articles/{article.name}", width=320, images="broken")
    page.evaluate("""async () => {
        for (const img of document.querySelectorAll('.prose img')) img.loading = 'eager';
        await Promise.all([...document.images].map(i => i.complete ? 0 :
            new Promise(r => { i.onload = i.onerror = r; })));
    }""")
    sizes = page.evaluate("""[...document.querySelectorAll('.prose img')].map(i => {
        const r = i.getBoundingClientRect(); return [r.width, r.height, i.naturalWidth]; })""")
    assert sizes and all(natural == 0 for _, _, natural in sizes)  # all failed to load
    assert all(height <= 60 and width <= 320 for width, height, _ in sizes), sizes
    caption = page.locator(".prose p:has(> img) + p > em").first
    assert caption.is_visible() and caption.inner_text()
    screenshot(page, "article-320-missing-images")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for path in PAGES.values():
        page.goto(site_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.context.close()


def _background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("system", ["light", "dark"])
def test_dark_mode_toggle_is_remembered(chromium, base_url, system):
    page = open_page(chromium, base_url + "index.html", color_scheme=system)
    toggle = page.locator("button.theme-toggle")
    assert toggle.is_visible()
    start = _background(page)
    assert toggle.get_attribute("aria-pressed") == ("true" if system == "dark" else "false")
    toggle.click()
    flipped = _background(page)
    assert flipped != start
    assert toggle.get_attribute("aria-pressed") == ("false" if system == "dark" else "true")
    page.locator(".site-nav a", has_text="标签").click()
    page.wait_for_url("**/tags/index.html")
    assert _background(page) == flipped  # remembered across pages
    page.reload()
    assert _background(page) == flipped
    page.context.close()


def test_print_shows_the_article_with_its_source(chromium, built_site, site_server):
    path = _first_tagged_article(built_site)
    page = open_page(chromium, site_server + path, color_scheme="dark")
    source_url = page.locator(".article-links a").first.get_attribute("href")
    assert not page.locator(".print-source").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".article-nav").is_visible()
    assert not page.locator(".site-search").is_visible()
    printed = page.locator(".print-source")
    assert printed.is_visible()
    assert unquote(source_url) in printed.inner_text()
    facts = page.locator(".article-facts")  # the times, printed once
    assert facts.is_visible() and "存档时间" in facts.inner_text()
    assert _background(page) == "rgb(255, 255, 255)"  # dark mode does not print dark
    label = page.locator(".article-facts dt").first
    assert label.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    assert page.locator(".article-title").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "article-print.pdf"))
    page.context.close()


def test_keyboard_skip_link_and_focus(chromium, site_server):
    page = open_page(chromium, site_server + "index.html")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box and box["y"] >= 0  # visible when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")  # the first link inside main, not the header again
    assert page.evaluate("document.activeElement.closest('main') !== null")
    page.context.close()


def test_tag_index_sorts_by_count(chromium, site_server):
    page = open_page(chromium, site_server + "tags/index.html")

    def counts() -> list[int]:
        return [
            int(c)
            for c in page.locator("#tag-terms li").evaluate_all(
                "els => els.map(e => e.dataset.count)"
            )
        ]

    by_name = counts()
    page.get_by_role("button", name="按篇数").click()
    assert counts() == sorted(by_name, reverse=True)
    assert page.get_by_role("button", name="按篇数").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="按名称").click()
    assert counts() == by_name
    page.context.close()
