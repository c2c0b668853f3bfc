"""The source classifier and the status journal, on real archived texts (no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest
from newsarchive.convert.language import to_traditional
from newsarchive.sources.classify import (
    CHANGED,
    GONE,
    LIVE,
    LIVE_SHARE,
    UNKNOWN,
    Observation,
    Verdict,
    classify,
    is_front,
    probe_url,
    recheck_with_probe,
)
from newsarchive.sources.status import Journal, Record, advance, due, journal_path, load, write
from newsarchive.sources.text import archived_paragraphs, page_text, text_match
from sources_support import ARTICLES, NOT_FOUND_PAGE, article, article_page, page

URL = "https://www.example.com/news/world/2024/06/some-article-12345.html"


def paragraphs(path):
    return archived_paragraphs(article(path).markdown)


def get(html, status=200, url=URL, final=None, redirects=()):
    return Observation(url, status, final or url, list(redirects), html)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_archived_page_is_live(path):
    verdict = classify(get(article_page(path)), paragraphs(path))
    assert verdict.result == LIVE
    assert verdict.share == 1.0


def test_paragraphs_leave_out_markup_links_and_the_related_list():
    text = (
        "# 标题行\n\n这是第一段，[有一个链接](https://x.example/)在这里。\n\n"
        "![图片说明文字不会显示在页面上](https://i.example/a.jpg)\n\n短\n\n"
        "## 相关链接\n\n* [另一篇文章的标题在这里](https://x.example/2)"
    )
    assert archived_paragraphs(text) == ["这是第一段，有一个链接在这里。"]


def test_another_article_of_the_same_publisher_shares_almost_nothing():
    """Every ordered pair of different real articles of one publisher: the share stays far
    below the live threshold (the measured maximum over the golden set is under 0.1)."""
    worst = 0.0
    by_publisher = {}
    for path in ARTICLES:
        by_publisher.setdefault(path.parent.name, []).append(path)
    for paths in by_publisher.values():
        for a, b in permutations(paths, 2):
            worst = max(worst, text_match(paragraphs(a), page_text(article_page(b))).share)
    assert worst < 0.15 < LIVE_SHARE


@pytest.mark.parametrize("path", ARTICLES[::3], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_replaced_text_under_the_same_title_is_changed(path):
    others = [p for p in ARTICLES if p.parent == path.parent and p != path]
    replaced = page(article(others[0]).html, article(path).metadata["title"])
    verdict = classify(get(replaced), paragraphs(path))
    assert verdict.result == CHANGED, verdict


def _with_paragraphs(path, keep):
    """The article's page with only the first ``keep`` share of its paragraphs, the rest replaced
    by another article's."""
    own = paragraphs(path)
    other = next(p for p in ARTICLES if p.parent == path.parent and p != path)
    n = round(len(own) * keep)
    body = "".join(f"<p>{t}</p>" for t in own[:n] + paragraphs(other))
    return page(body, article(path).metadata["title"])


def test_an_edit_to_a_few_paragraphs_keeps_it_live_a_rewrite_makes_it_changed():
    path = GOLD_LONG
    assert classify(get(_with_paragraphs(path, 0.8)), paragraphs(path)).result == LIVE
    assert classify(get(_with_paragraphs(path, 0.2)), paragraphs(path)).result == CHANGED


GOLD_LONG = max(ARTICLES, key=lambda p: len(paragraphs(p)))


def test_a_correction_inside_a_paragraph_and_an_added_update_keep_it_live():
    path = GOLD_LONG
    own = paragraphs(path)
    edited = [t.replace(t[5:9], "更正内容") if i % 3 == 0 else t for i, t in enumerate(own)]
    body = "<p>更新：本文发表后，有关方面作出了回应，我们补充了这一段内容。</p>" + "".join(
        f"<p>{t}</p>" for t in edited
    )
    verdict = classify(get(page(body)), own)
    assert verdict.result == LIVE and verdict.share > 0.9


def test_the_same_text_in_traditional_characters_is_live():
    path = GOLD_LONG
    traditional = to_traditional(article(path).html)
    assert traditional != article(path).html
    assert classify(get(page(traditional)), paragraphs(path)).result == LIVE


def test_a_not_found_page_served_with_200_is_gone():
    verdict = classify(get(NOT_FOUND_PAGE), paragraphs(GOLD_LONG))
    assert verdict.result == GONE and "soft 404" in verdict.reason
    english = page("<p>Sorry, we could not find that.</p>", "Page not found | Example News")
    assert classify(get(english), paragraphs(GOLD_LONG)).result == GONE


def test_a_page_with_no_article_text_is_unknown_not_changed():
    shell = page("<div id='app'></div>", "新闻网站")
    assert classify(get(shell), paragraphs(GOLD_LONG)).result == UNKNOWN


def test_the_article_carried_on_a_not_found_looking_page_is_still_live():
    path = GOLD_LONG
    html = page(article(path).html, "404 文库：" + article(path).metadata["title"])
    assert classify(get(html), paragraphs(path)).result == LIVE


@pytest.mark.parametrize(
    ("final", "front"),
    [
        ("https://www.example.com/", True),
        ("https://example.com/", True),
        ("https://m.example.com/index.html", True),
        ("https://www.example.com/news/", True),
        ("https://www.example.com/news/world", True),
        ("https://www.example.com/news/world/2024/06/some-article-12345-v2.html", False),
        ("https://www.example.com/zh-hant/section", True),
        ("https://www.example.com/a/12345", False),
        ("https://www.example.com/news/world/2024/06/other-article-67890.html", False),
        ("https://login.other.example/", False),
        (URL, False),
    ],
)
def test_home_and_section_fronts(final, front):
    assert is_front(URL, final) is front


def test_http_answers():
    text = paragraphs(GOLD_LONG)
    assert classify(Observation(URL, 404, URL, [], ""), text).result == GONE
    assert classify(Observation(URL, 410, URL, [], None), text) == Verdict(GONE, "HTTP 410", 410)
    home = Observation(URL, 200, "https://www.example.com/", [URL], "<p>首页</p>")
    assert classify(home, text).result == GONE
    for code in (403, 429, 500, 503):
        assert classify(Observation(URL, code, URL, [], ""), text).result == UNKNOWN
    assert classify(Observation(URL, error="timeout"), text).result == UNKNOWN
    assert classify(Observation(URL, error="redirect-loop"), text).result == UNKNOWN
    # a HEAD: 2xx and refusals need a GET; 429/5xx settle it for this run
    assert classify(Observation(URL, 200, URL, [], None), text).needs_body
    assert classify(Observation(URL, 405, URL, [], None), text).needs_body
    assert not classify(Observation(URL, 503, URL, [], None), text).needs_body


def test_a_page_any_unknown_address_gets_is_a_soft_404():
    """A site that answers every unknown address with its home page (200): the archived URL's
    page and the probe's are the same page, so the original is gone, not changed."""
    other_article = next(p for p in ARTICLES if p != GOLD_LONG)
    home = page("".join(f"<p>{t}</p>" for t in paragraphs(other_article)), "新闻网站首页")
    changed = classify(get(home), paragraphs(GOLD_LONG))
    assert changed.result == CHANGED
    probe = probe_url(URL)
    assert probe == probe_url(URL) != URL and probe.startswith(URL.rsplit("/", 1)[0] + "/")
    same = recheck_with_probe(changed, home, Observation(probe, 200, probe, [], home))
    assert same.result == GONE and "soft 404" in same.reason
    missing = Observation(probe, 404, probe, [], "")
    assert recheck_with_probe(changed, home, missing) == changed
    other = Observation(probe, 200, probe, [], article_page(GOLD_LONG))
    assert recheck_with_probe(changed, home, other) == changed


T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
GONE_404 = Verdict(GONE, "HTTP 404", 404)
LIVE_200 = Verdict(LIVE, "9/9 paragraphs", 200, 1.0)
FAIL_503 = Verdict(UNKNOWN, "HTTP 503", 503)


def test_gone_needs_two_gone_checks_at_least_confirm_after_apart():
    three = timedelta(days=3)
    first = advance(None, URL, GONE_404, T0, three)
    assert (first.status, first.first_gone, first.confirmed) == (
        UNKNOWN,
        "2026-11-01T12:00:00Z",
        None,
    )
    early = advance(first, URL, GONE_404, T0 + timedelta(days=1), three)
    assert early.status == UNKNOWN and early.first_gone == first.first_gone
    late = advance(early, URL, GONE_404, T0 + timedelta(days=3), three)
    assert late.status == GONE and late.confirmed == "2026-11-04T12:00:00Z"
    assert late.confirmed_day == "2026-11-04" and late.checks == 3
    again = advance(late, URL, GONE_404, T0 + timedelta(days=9), three)
    assert again.confirmed == late.confirmed


def test_with_confirm_after_zero_the_second_check_confirms():
    first = advance(None, URL, GONE_404, T0, timedelta(0))
    assert first.status == UNKNOWN
    assert advance(first, URL, GONE_404, T0, timedelta(0)).status == GONE


def test_an_unknown_answer_overturns_no_conclusion_and_a_live_one_clears_gone():
    live = advance(None, URL, LIVE_200, T0, timedelta(0))
    flaky = advance(live, URL, FAIL_503, T0 + timedelta(days=1), timedelta(0))
    assert (flaky.status, flaky.result, flaky.code) == (LIVE, UNKNOWN, 503)
    gone = advance(advance(None, URL, GONE_404, T0, timedelta(0)), URL, GONE_404, T0, timedelta(0))
    assert advance(gone, URL, FAIL_503, T0, timedelta(0)).status == GONE
    back = advance(gone, URL, LIVE_200, T0, timedelta(0))
    assert (back.status, back.first_gone, back.confirmed) == (LIVE, None, None)
    # a failure between two gone answers does not restart the count
    first = advance(None, URL, GONE_404, T0, timedelta(days=3))
    between = advance(first, URL, FAIL_503, T0 + timedelta(days=2), timedelta(days=3))
    assert advance(between, URL, GONE_404, T0 + timedelta(days=4), timedelta(days=3)).status == GONE


def test_the_journal_is_read_with_the_file_and_folded_into_it(tmp_path):
    path = tmp_path / "source-status.jsonl"
    a = advance(None, "https://a.example/1", LIVE_200, T0, timedelta(0))
    b = advance(None, "https://b.example/2", GONE_404, T0, timedelta(0))
    write(path, [b])
    journal = Journal(path)
    journal.append(a)
    journal.append(advance(b, b.url, GONE_404, T0, timedelta(0)))
    journal.close()
    with journal_path(path).open("a") as handle:  # a kill in the middle of a line
        handle.write('{"url": "https://c.exa')
    records, problems = load(path)
    assert records[a.url] == a and records[b.url].status == GONE
    assert [p.level for p in problems] == ["warning"] and ":3:" in str(problems[0])
    write(path, records.values())
    assert not journal_path(path).exists()
    lines = path.read_text().splitlines()
    assert [json.loads(line)["url"] for line in lines] == [a.url, b.url]
    assert load(path) == (records, [])


def test_a_bad_line_is_an_error_naming_file_and_line(tmp_path):
    path = tmp_path / "source-status.jsonl"
    path.write_text('{"url": "https://a.example/", "status": "vanished"}\n')
    records, problems = load(path)
    assert records == {} and problems[0].level == "error"
    assert str(problems[0]).startswith(f"{path}:1: error: not a status record")


def test_a_line_that_is_not_utf8_is_an_error_too(tmp_path):
    path = tmp_path / "source-status.jsonl"
    path.write_bytes(b'{"url": "https://a.example/\xff"}\n')
    assert [p.line for p in load(path)[1] if p.level == "error"] == [1]


def test_due_takes_the_least_recently_checked_never_checked_first():
    old = Record("https://a/", LIVE, LIVE, 200, "", "2026-01-01T00:00:00Z")
    new = Record("https://b/", LIVE, LIVE, 200, "", "2026-06-01T00:00:00Z")
    urls = ["https://b/", "https://c/", "https://a/"]
    assert due(urls, {old.url: old, new.url: new}, 2) == ["https://c/", "https://a/"]
