"""Search end to end in Chromium, from file:// and over HTTP: type in the header box, see the
expected article, follow it; the results page with passages, filters, highlighting and keyboard;
its look at 375 and 1280 px, light and dark (axe, screenshots)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser_support import open_page, run_axe, screenshot

pytest_plugins = ["browser_support"]

QUERY = "马丘比丘"  # only in the RFI article about a Japanese tourist in Peru
TITLE = "秘鲁特准进入马丘比丘"


def _bases(built_site, site_server):
    return {"file": built_site.as_uri() + "/", "http": site_server}


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_header_box_finds_and_opens_an_article(chromium, built_site, site_server, scheme):
    base = _bases(built_site, site_server)[scheme]
    blocked: list[str] = []
    page = open_page(chromium, base + "tags/index.html", blocked=blocked)
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.wait_for_load_state("load")
    assert not [u for u in loaded if "/search/" in u], "nothing loads before the box is used"

    page.click("#site-search-q")
    page.keyboard.type(QUERY)
    option = page.locator("#site-search-list li[role=option]").first
    option.wait_for(timeout=15000)
    assert TITLE in option.inner_text()
    assert option.locator("mark").first.inner_text() == QUERY
    assert any("/search/meta.js" in u for u in loaded)
    assert page.locator("#site-search-list li[aria-selected=true]").count() == 0
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#site-search-q", "aria-activedescendant") == "site-search-opt-0"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/articles/rfi-" in page.url
    assert TITLE in page.locator("h1").first.inner_text()
    assert not errors and not [b for b in blocked if not b.startswith("image ")]
    page.context.close()


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_results_page(chromium, built_site, site_server, scheme):
    base = _bases(built_site, site_server)[scheme]
    page = open_page(chromium, base + "search.html?q=" + quote("香港國安法"))
    page.wait_for_selector("html[data-search-done]", timeout=15000)
    status = page.inner_text("#search-status")
    assert status.startswith("找到 "), status
    results = page.locator("#search-results li.search-result")
    first = results.first
    assert "香港" in first.inner_text()
    assert first.locator("mark").count() >= 1  # Traditional query, Simplified text highlighted
    assert page.input_value("#search-page-q") == "香港國安法"
    # filter by publisher: the count and every result follow
    options = page.locator("#search-source option")
    assert options.count() >= 2
    value = options.nth(1).get_attribute("value")
    page.select_option("#search-source", value)
    page.wait_for_function(
        "document.querySelectorAll('#search-results li.search-result').length > 0"
    )
    publisher = options.nth(1).inner_text().rsplit(" (", 1)[0]
    metas = page.locator("#search-results .search-result-meta").all_inner_texts()
    assert metas and all(m.startswith(publisher) for m in metas)
    page.select_option("#search-source", "")
    # the tag filter fills in once the tag lists arrive (the sample build has tags)
    page.wait_for_function("document.querySelectorAll('#search-tag option').length > 1")
    tag = page.locator("#search-tag option").nth(1)
    tag_count = int(tag.inner_text().rsplit("(", 1)[1].rstrip(")"))
    page.select_option("#search-tag", tag.get_attribute("value"))
    page.wait_for_function(
        f"document.getElementById('search-status').textContent.includes('找到 {tag_count} ')"
    )
    page.select_option("#search-tag", "")
    # order by date, newest first
    page.select_option("#search-order", "newest")
    page.wait_for_timeout(300)
    dates = page.locator("#search-results li.search-result:not(.search-result-partial) time")
    values = dates.evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert values == sorted(values, reverse=True)
    # keyboard: from the box to the results
    page.focus("#search-page-q")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.className") == "search-result-title"
    screenshot(page, f"search-results-{scheme}")
    page.context.close()


def test_results_page_filters_from_the_address(chromium, built_site):
    base = built_site.as_uri() + "/search.html?q=" + quote("香港")
    page = open_page(chromium, base)
    page.wait_for_selector("html[data-search-done]", timeout=15000)
    page.wait_for_function("document.querySelectorAll('#search-source option').length > 2")
    option = page.locator("#search-source option").nth(2)
    value, label = option.get_attribute("value"), option.inner_text()
    count = int(label.rsplit("(", 1)[1].rstrip(")"))
    page.goto(base + "&source=" + quote(value))
    page.wait_for_selector("html[data-search-done]", timeout=15000)
    assert page.inner_text("#search-status").startswith(f"找到 {count} ")
    metas = page.locator("#search-results .search-result-meta").all_inner_texts()
    assert metas and all(m.startswith(label.rsplit(" (", 1)[0]) for m in metas)
    page.wait_for_function(f"document.getElementById('search-source').value === {value!r}")
    page.context.close()


def test_results_page_empty_states(chromium, built_site):
    page = open_page(chromium, built_site.as_uri() + "/search.html")
    page.wait_for_selector("#search-empty:not([hidden]) .search-empty-start:not([hidden])")
    page.fill("#search-page-q", "qqzzxxj 犇猋")
    page.wait_for_selector("#search-empty:not([hidden]) .search-empty-none:not([hidden])")
    assert "没有找到" in page.inner_text("#search-status")
    page.context.close()


def test_results_page_without_javascript(chromium, built_site):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(built_site.as_uri() + "/search.html?q=x")
    assert "搜索需要 JavaScript" in page.inner_text("main")
    context.close()


def _first_result(page, query: str):
    page.wait_for_selector("html[data-search-done]", timeout=15000)
    return page.locator("#search-results li.search-result").first


def _marks(result) -> list[str]:
    return result.locator(".search-result-excerpt mark").all_inner_texts()


def test_passages(chromium, built_site):
    base = built_site.as_uri() + "/search.html?q="
    # a Traditional query marks the Simplified text of the passage
    page = open_page(chromium, base + quote("臺灣"))
    first = _first_result(page, "臺灣")
    assert _marks(first) and set(_marks(first)) == {"台湾"}
    assert first.locator(".search-result-excerpt.search-result-lead").count() == 0
    # a multi-word query's passage holds both words
    page.goto(base + quote("特朗普 拜登"))
    first = _first_result(page, "特朗普 拜登")
    assert {"特朗普", "拜登"} <= set(_marks(first)), first.inner_text()
    assert 80 <= len(first.locator(".search-result-excerpt").inner_text().strip("…")) <= 140
    # the only match is past the text's head: the rest of the text is loaded for the passage
    tails: list[str] = []
    page.on("request", lambda r: tails.append(r.url) if "/search/t/" in r.url else None)
    page.goto(base + quote("西方朋友"))
    first = _first_result(page, "西方朋友")
    assert "白切鸡" in first.locator(".search-result-title").inner_text()
    assert _marks(first) == ["西方朋友"] and tails
    # only the title matched: the lead paragraph, nothing marked in it
    page.goto(base + quote("奇客资讯"))
    first = _first_result(page, "奇客资讯")
    assert first.locator(".search-result-title mark").inner_text() == "奇客资讯"
    lead = first.locator(".search-result-excerpt.search-result-lead")
    assert lead.inner_text().startswith("Google 在十年前已退出中国市场"), lead.inner_text()
    assert _marks(first) == []
    # publisher, date and tags, as in the article lists
    assert first.locator(".entry-meta a.entry-source").get_attribute("href") == "./sources/cdt.html"
    tag = first.locator(".tag-list a[rel=tag]").first
    with page.expect_navigation():
        tag.click()
    assert "/tags/" in page.url and page.locator("main h1").first.is_visible()
    page.context.close()


def test_header_box_fills_as_documents_arrive(chromium, site_server):
    """The box lists the first result while the others' documents are still loading."""
    page = open_page(chromium, site_server + "index.html")
    held: list = []
    page.route("**/search/d/*.js", lambda route: held.append(route))
    page.click("#site-search-q")
    page.keyboard.type("香港")
    options = page.locator("#site-search-list li[role=option]")
    for _ in range(100):
        if len(held) >= 8:
            break
        page.wait_for_timeout(50)
    assert len(held) == 8, "the box asks for its 8 results' documents at once"
    assert not page.locator("#site-search-list").is_visible()
    held.sort(key=lambda r: int(r.request.url.rsplit("/", 1)[1][:-3]), reverse=True)
    ranks = page.evaluate("""() => naSearchUI.engineFor(document.querySelector(
        'script[src*="search-box.js"]').dataset.root).search('香港').then(
        f => f.results.slice(0, 8).map(r => +r.ref))""")
    by_ref = {int(r.request.url.rsplit("/", 1)[1][:-3]): r for r in held}
    by_ref[ranks[0]].continue_()
    options.first.wait_for()
    assert options.count() == 2  # the first result and the link to the results page
    assert options.first.locator(".search-result-excerpt mark").first.inner_text() == "香港"
    for ref in ranks[1:]:
        by_ref[ref].continue_()
    page.wait_for_function(
        "document.querySelectorAll('#site-search-list li[role=option]').length === 9"
    )
    with page.expect_navigation():  # an option opens its article when clicked
        options.nth(1).click()
    assert "/articles/" in page.url
    page.context.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_page_look(chromium, site_server, width, scheme):
    """Screenshots (tests/artifacts/search-<width>[-dark].png, look at them), axe, no overflow,
    and on a phone the first result starts above the fold."""
    page = open_page(
        chromium,
        site_server + "search.html?q=" + quote("特朗普 拜登"),
        width=width,
        height=667 if width == 375 else 800,
        color_scheme=scheme,
    )
    first = _first_result(page, "特朗普 拜登")
    page.wait_for_function("document.querySelectorAll('#search-source option').length > 1")
    box = first.locator(".search-result-title").bounding_box()
    assert box and box["y"] + box["height"] < 667, box
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert run_axe(page) == []
    suffix = "" if scheme == "light" else "-dark"
    screenshot(page, f"search-{width}{suffix}")
    # the header box's list, with passages
    page.click("#site-search-q")
    page.keyboard.type("疫苗")
    page.locator("#site-search-list .search-result-excerpt mark").first.wait_for()
    assert run_axe(page) == []
    page.screenshot(path=str(screenshot(page, f"search-box-{width}{suffix}")), full_page=False)
    page.context.close()
