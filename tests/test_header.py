from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from newsarchive.convert.errors import ArchiveError
from newsarchive.convert.header import looks_archived, parse_header

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def parse(text: str):
    return parse_header(text, "a.md", now=NOW)


def test_parses_the_three_lines(archived_text):
    header = parse(archived_text)
    assert header.archived == datetime(2023, 9, 13, 11, 45, 2, tzinfo=UTC)
    assert header.title == "金正恩与普京会晤 - 要闻解说"
    assert header.url == "http://https://www.rfi.fr//cn/a/20230913-x"
    assert header.body.startswith("<div>13/09/2023")
    assert header.body_line == 5


def test_seconds_crlf_and_bom():
    header = parse("\ufeff<!--1694605502-->\r\n[T](https://x.org/a)\r\n------\r\n<p>b</p>\r\n")
    assert header.archived == datetime(2023, 9, 13, 11, 45, 2, tzinfo=UTC)
    assert header.body == "<p>b</p>"
    assert header.body_line == 4


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("[T](https://x.org)\n------\n<p>b</p>", 1, "archive time"),
        ("<!--1694605502000-->\n------\n<p>b</p>", 2, "title and URL"),
        ("<!--1694605502000-->\n[T](https://x.org)\n<p>b</p>", 3, "header rule"),
        ("<!--1694605502000-->\n[T](https://x.org)\n------\n\n", 4, "body is empty"),
        ("<!--1694605502000-->\n[](https://x.org)\n------\n<p>b</p>", 2, "title"),
        ("<!--1694605502000-->\n[T](javascript:alert(1))\n------\n<p>b</p>", 2, "not an http"),
        ("<!--1694605502000-->\n[T](ftp://x.org/a)\n------\n<p>b</p>", 2, "not an http"),
        ("<!--16946055020-->\n[T](https://x.org)\n------\n<p>b</p>", 1, "11 digits"),
        ("<!--169460550200-->\n[T](https://x.org)\n------\n<p>b</p>", 1, "before 1995"),
        ("<!--69460550-->\n[T](https://x.org)\n------\n<p>b</p>", 1, "8 digits"),
        ("<!--0700000000-->\n[T](https://x.org)\n------\n<p>b</p>", 1, "before 1995"),
        ("<!--1994605502000-->\n[T](https://x.org)\n------\n<p>b</p>", 1, "in the future"),
        (
            "<!--1694605502-->\n[T](https://x.org)\n------\n<p>b</p>".replace(
                "1694605502", "9999999999"
            ),
            1,
            "in the future",
        ),
    ],
)
def test_errors_name_the_line(text, line, words):
    with pytest.raises(ArchiveError) as caught:
        parse(text)
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("a.md", line)
    assert words in problem.message
    assert problem.hint
    assert str(problem).startswith(f"a.md:{line}: error: ")


def test_a_day_of_clock_skew_is_accepted():
    epoch = int(NOW.timestamp()) + 3600
    assert parse(f"<!--{epoch}-->\n[T](https://x.org)\n------\n<p>b</p>").archived.year == 2026


def test_looks_archived():
    assert looks_archived("<!--1694605502000-->\n[T](u)\n------\n")
    assert looks_archived("<!-- oops -->\nno link\n")
    assert looks_archived("no epoch\n[T](https://x.org)\n------\n")
    assert not looks_archived("Title: About\nSlug: about\n\nText")


epochs = st.integers(
    min_value=int(datetime(1995, 1, 1, tzinfo=UTC).timestamp()), max_value=int(NOW.timestamp())
)
titles = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="]\r\n"),
    min_size=1,
).filter(lambda s: s.strip())
paths = st.text(st.sampled_from("abcxyz0123-_/%E4"), max_size=30)


@given(epochs, st.booleans(), titles, paths, st.sampled_from(["\n", "\r\n"]))
def test_any_valid_header_round_trips(epoch, millis, title, path, newline):
    stamp = str(epoch * 1000 if millis else epoch)
    url = f"https://example.org/{path}"
    text = newline.join([f"<!--{stamp}-->", f"[{title}]({url})", "------", "", "<p>body</p>"])
    header = parse(text)
    assert int(header.archived.timestamp()) == epoch
    assert header.title == title.strip()
    assert header.url == url
    assert header.body == "<p>body</p>"


@given(st.text(max_size=300))
def test_random_text_parses_or_fails_cleanly(text):
    try:
        header = parse(text)
    except ArchiveError as exc:
        assert 1 <= exc.problem.line <= 4
        assert exc.problem.message
    else:
        assert header.body
