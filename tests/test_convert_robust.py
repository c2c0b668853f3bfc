"""The converter never raises on any article body: mutated real articles convert or get a Problem.

The articles are the real ones in ``tests/golden/`` (one per publisher), mutated at random the way
damaged archived files are: truncated, with stray or unbalanced tags, random Unicode, repeated
runs, and malformed ``href``/``src`` addresses that make ``urllib`` raise ``ValueError``. Every
output that converts is held to the sanitiser's policy (``tests/test_sanitize.py``).
``NEWSARCHIVE_FUZZ_EXAMPLES=3000`` runs a long session; the suite runs a few dozen cases.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsarchive.convert.errors import ArchiveError
from newsarchive.convert.pipeline import convert_text
from newsarchive.convert.urls import repair_url, split_url
from test_sanitize import assert_safe

GOLDEN = Path(__file__).parent / "golden"
ARTICLES = [
    (GOLDEN / key / name).read_text("utf-8")
    for key, name in (
        ("bbc", "1047504.html"),
        ("cdt", "392428.html"),
        ("dw", "1046215.html"),
        ("nytimes", "1047724.html"),
        ("rfa", "1047549.html"),
        ("rfi", "1042142.html"),
        ("voa", "1045742.html"),
    )
]
EXAMPLES = int(os.environ.get("NEWSARCHIVE_FUZZ_EXAMPLES", "40"))

# Addresses urllib refuses (ValueError) or that are hostile, as found in damaged archives.
BAD_URLS = [
    "http://[::1/x",
    "https://[2001:db8::1/a",
    "http://]bad[/",
    "//[",
    "https://www.bbc.com\uff0fzhongwen/x",  # full-width solidus in the host
    "https://a\u2100b.com/",  # ℀ normalises to a/c
    "https://ex\ufe5fample.com/",  # small number sign normalises to #
    "http://user@\uff20host/",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    " http://https://x.com//a",
    "",
]
STRAY = [
    "<div>",
    "</div>",
    "</p>",
    "<p",
    "<a",
    "<table><tr><td>",
    "</li></ul>",
    "<!--",
    "-->",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src='javascript:alert(1)'>",
    "<svg onload=alert(1)>",
    "&#",
    "<![CDATA[",
]


def _link(url: str) -> str:
    return f'<a href="{url}">链接文字</a>'


def _image(url: str) -> str:
    return f'<img src="{url}" alt="图">'


def _frame(url: str) -> str:
    return f'<iframe src="{url}" title="播放器"></iframe>'


mutation = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0.0, 1.0)),
    st.tuples(st.just("insert"), st.floats(0.0, 1.0), st.sampled_from(STRAY)),
    st.tuples(st.just("insert"), st.floats(0.0, 1.0), st.text(min_size=1, max_size=20)),
    st.tuples(
        st.just("insert"),
        st.floats(0.0, 1.0),
        st.builds(
            lambda f, u: f(u), st.sampled_from([_link, _image, _frame]), st.sampled_from(BAD_URLS)
        ),
    ),
    st.tuples(st.just("repeat"), st.floats(0.0, 1.0), st.integers(1, 400), st.integers(2, 5)),
    st.tuples(st.just("delete"), st.floats(0.0, 1.0), st.integers(1, 200)),
)


def mutate(text: str, mutations: list[tuple]) -> str:
    """Apply the mutations to the body (after the three header lines), or to all of it."""
    lines = text.split("\n", 3)
    head, body = ("\n".join(lines[:3]) + "\n", lines[3]) if len(lines) == 4 else ("", text)
    for kind, where, *args in mutations:
        at = int(where * len(body))
        if kind == "truncate":
            body = body[:at]
        elif kind == "insert":
            body = body[:at] + args[0] + body[at:]
        elif kind == "repeat":
            body = body[:at] + body[at : at + args[0]] * args[1] + body[at + args[0] :]
        elif kind == "delete":
            body = body[:at] + body[at + args[0] :]
    return head + body


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.sampled_from(ARTICLES), st.lists(mutation, min_size=1, max_size=6))
def test_mutated_articles_convert_or_report_a_problem(text: str, mutations: list[tuple]) -> None:
    try:
        article = convert_text(mutate(text, mutations), "mutated.html")
    except ArchiveError as exc:
        assert exc.problem.message
        return
    assert_safe(article.html, text_may_mention_javascript=True)


@pytest.mark.parametrize("url", [u for u in BAD_URLS[:8]])
def test_a_malformed_link_keeps_its_text_and_loses_the_link(url: str) -> None:
    text = ARTICLES[0].split("\n------\n")[0] + "\n------\n\n" + f"<p>前 {_link(url)} 后</p>"
    article = convert_text(text)
    assert "链接文字" in article.markdown
    assert "](" not in article.markdown  # no Markdown link left
    assert "<a " not in article.html


def test_a_malformed_image_or_player_is_left_out() -> None:
    head = ARTICLES[0].split("\n------\n")[0] + "\n------\n\n"
    article = convert_text(head + f"<p>正文{_image(BAD_URLS[0])}{_frame(BAD_URLS[4])}</p>")
    assert article.markdown.strip() == "正文"


def test_split_url_refuses_what_urllib_cannot_parse() -> None:
    assert split_url("https://x.com/a").netloc == "x.com"
    assert split_url("http://[::1/x") is None
    assert split_url("https://a\u2100b.com/") is None
    assert repair_url("http://[::1/x") == ""


def test_a_malformed_header_url_is_a_problem() -> None:
    text = "<!--1602542484000-->\n[标题](http://[::1/a)\n------\n\n<p>正文</p>\n"
    with pytest.raises(ArchiveError, match="malformed"):
        convert_text(text, "bad.md")


def test_an_image_inside_its_own_caption_does_not_crash() -> None:
    """Found by the mutation run: the caption taken out held the image itself."""
    head = ARTICLES[0].split("\n------\n")[0] + "\n------\n\n"
    article = convert_text(head + '<p>正文</p><div><div class="image-caption"><img src=/>')
    assert article.markdown.strip().startswith("正文")


def test_a_broken_marked_section_is_kept_as_text() -> None:
    # Found by the mutation test: html.parser refuses "<![" that starts no CDATA section.
    head = ARTICLES[0].split("\n------\n")[0] + "\n------\n\n"
    article = convert_text(head + "<![C<div>DATA[<p>正文</p>", "mutated.html")
    assert "正文" in article.markdown and "DATA[" in article.markdown
    assert_safe(article.html, text_may_mention_javascript=True)
