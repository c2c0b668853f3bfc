"""newsarchive feeds fetch: real feeds made from corpus articles, served by a local server."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import build_site
from feeds_support import FeedItem, atom, corpus_items, kept_share, rss
from http_support import Reply
from newsarchive.cli import main
from newsarchive.contrib import conventions
from newsarchive.convert.errors import ArchiveError
from newsarchive.convert.pipeline import convert_file
from newsarchive.feeds.config import Feed, parse_feeds
from newsarchive.feeds.items import FeedError, Item, parse_feed, updated_since, without_footer
from newsarchive.feeds.runner import FEED_MAX_BYTES, follow, summary
from newsarchive.feeds.state import load_state
from newsarchive.web import FetchConfig
from saved_pages import saved_pages

ROOT = Path(__file__).resolve().parent.parent
RSS_TYPE = "application/rss+xml; charset=utf-8"
FOOTER = "获取更多RSS"


@pytest.fixture(autouse=True)
def allow_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSARCHIVE_ALLOW_PRIVATE", "1")


def to_server() -> FetchConfig:
    """Every name resolves to the local server (publishers' hosts included); short timeouts."""
    return FetchConfig(
        resolve=lambda host, port: ["127.0.0.1"], allow_private=True, read_timeout=2, deadline=10
    )


def run(feeds: list[Feed], content: Path, **kwargs) -> tuple[list, str]:
    progress = io.StringIO()
    kwargs.setdefault("config", to_server())
    kwargs.setdefault("page_delay", 0.0)
    results = follow(feeds, content, progress=progress, **kwargs)
    return results, progress.getvalue()


def archived(content: Path) -> list[Path]:
    return sorted((content / "articles").rglob("*.html"))


# --- feeds.yml ---------------------------------------------------------------------------------


def test_feeds_yml_entries():
    text = (
        "feeds:\n"
        "  - url: https://feedx.net/rss/bbc.xml\n"
        "    name: BBC 中文\n"
        "    publisher: bbc\n"
        "    full_text: true\n"
        "    limit: 20\n"
        "  - https://www.rfi.fr/cn/rss\n"
        "  - url: https://example.org/atom.xml\n"
        "    recapture_updated: false\n"
    )
    bbc, rfi, other = parse_feeds(text)
    assert (bbc.url, bbc.name, bbc.publisher, bbc.full_text, bbc.limit, bbc.line) == (
        "https://feedx.net/rss/bbc.xml",
        "BBC 中文",
        "bbc",
        True,
        20,
        2,
    )
    assert (rfi.url, rfi.full_text, rfi.limit, rfi.recapture_updated, rfi.line) == (
        "https://www.rfi.fr/cn/rss",
        None,
        None,
        True,
        7,
    )
    assert other.recapture_updated is False and other.label == "https://example.org/atom.xml"
    assert parse_feeds("") == [] and parse_feeds("feeds:\n") == []


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "feeds:\n  - url: https://a.example/rss\n    ful_text: true\n",
            3,
            "unknown key 'ful_text'",
        ),
        ("feeds:\n  - name: no address\n", 2, "has no `url:`"),
        ("feeds:\n  - url: ftp://a.example/rss\n", 2, "is not an http(s) address"),
        (
            "feeds:\n  - url: https://a.example/rss\n    full_text: maybe\n",
            3,
            "is not true or false",
        ),
        ("feeds:\n  - url: https://a.example/rss\n    limit: 0\n", 3, "whole number"),
        ("feeds:\n  - url: https://a.example/rss\n    publisher: BBC News\n", 2, "publisher key"),
        ("feeds:\n  - url: https://a.example/rss\n  - url: https://a.example/rss\n", 3, "twice"),
        ("feeds:\n  - url: https://a.example/rss\n   name: x\n", 3, "not valid YAML"),
        ("feed:\n  - url: https://a.example/rss\n", 1, "unknown key 'feed'"),
        ("feeds: https://a.example/rss\n", 1, "should be a list"),
    ],
)
def test_a_bad_feeds_yml_names_the_line(text, line, message):
    with pytest.raises(ArchiveError) as caught:
        parse_feeds(text, "content/feeds.yml")
    problem = caught.value.problem
    assert (problem.path, problem.line) == ("content/feeds.yml", line)
    assert message in problem.message and problem.hint


def test_a_bad_feeds_yml_is_one_line_from_the_command(tmp_path, capsys):
    feeds = tmp_path / "feeds.yml"
    feeds.write_text("feeds:\n  - url: https://a.example/rss\n    limt: 3\n", "utf-8")
    assert main(["feeds", "fetch", "--feeds", str(feeds), "--content", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"newsarchive: error: {feeds}:3: unknown key 'limt'")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_the_readme_examples_parse():
    """README's feeds.yml examples are real: the block under "Following feeds" parses."""
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```yaml\n(feeds:\n.*?)```", readme, re.S)
    assert blocks
    for block in blocks:
        assert parse_feeds(block, "README.md")
    assert parse_feeds((ROOT / "content" / "feeds.yml").read_text("utf-8")) is not None


# --- pure parts --------------------------------------------------------------------------------


def test_the_feed_services_footer_is_removed_and_nothing_else():
    body = '<p>正文</p><br><hr><div>获取更多RSS：<br><a href="https://feedx.net">https://feedx.net</a></div>'
    assert without_footer(body) == "<p>正文</p>"
    assert without_footer("<p>RSS 是一种格式</p>") == "<p>RSS 是一种格式</p>"


def test_updated_means_changed_after_the_capture():
    capture = datetime(2020, 10, 12, 12, tzinfo=UTC)
    item = Item("https://a.example/x", "t", "", capture - timedelta(hours=2), None)
    assert not updated_since(item, capture)  # no update stated
    assert updated_since(replace(item, updated=capture + timedelta(hours=1)), capture)
    assert not updated_since(replace(item, updated=capture - timedelta(hours=1)), capture)
    assert not updated_since(replace(item, updated=item.published), capture)


# --- full text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_full_text_feeds_become_archived_files(kind, site, tmp_path):
    """Each item is one file under its conventional name; the text keeps ≥ 98% of the article's
    paragraphs (converted like the corpus original), the feed's footer is gone, and the published
    time and title are the original's."""
    items = corpus_items()
    assert sum(FOOTER in i.content for i in items) == 7
    body = rss(items) if kind == "rss" else atom(items)
    site.routes["feed"] = Reply(body=body, content_type=f"application/{kind}+xml")
    content = tmp_path / "content"
    before = datetime.now(UTC).replace(microsecond=0)
    results, progress = run([Feed(f"{site.url}/feed", name="Test")], content)
    (result,) = results
    assert (len(result.new), result.known, result.failures) == (len(items), 0, [])
    assert "[1/1] Test: 7 new, 0 known, 0 failed" in progress
    for path, item in zip(result.new, items, strict=True):
        text = path.read_text("utf-8")
        assert FOOTER not in text and "feedx" not in text
        article, original = convert_file(path), convert_file(item.source)
        assert path.parent.name == original.metadata["source_key"]
        assert re.fullmatch(rf"{before:%Y%m%d}-[a-z0-9-]*[0-9a-f]{{8}}\.html", path.name)
        assert kept_share(original.markdown, article.markdown) >= 0.98
        assert article.metadata["published"] == original.metadata["published"]
        assert article.metadata["title"] == original.metadata["title"]
        assert article.metadata["url_key"] == original.metadata["url_key"]
        assert before <= article.metadata["archived"] <= datetime.now(UTC)


def test_an_item_without_a_stated_time_gets_the_items(site, tmp_path):
    """The item's published time and author are written as archived bodies state them, so the
    converter reads them back; a body with a time of its own is left alone."""
    published = datetime(2024, 6, 18, 6, 43, 2, tzinfo=UTC)
    paragraphs = "".join(
        f"<p>第{n}段：这是一篇没有写明发表时间的文章，它的正文足够长。</p>" for n in range(5)
    )
    item = FeedItem(
        "https://www.voanews.com/a/x-1.html", "无时间", paragraphs, "", published, None, "张三"
    )
    site.routes["feed"] = Reply(body=rss([item]), content_type=RSS_TYPE)
    (result,), _ = run([Feed(f"{site.url}/feed")], tmp_path / "content")
    article = convert_file(result.new[0])
    assert article.metadata["published"] == published
    assert article.metadata["authors"] == ["张三"]
    assert "2024-06-18T06:43:02Z" not in article.markdown  # read, then dropped from the text


# --- summary only → capture of the page ----------------------------------------------------------


def test_a_summary_only_feed_captures_the_linked_pages(site, tmp_path, monkeypatch):
    """Items with only a summary: the linked page is captured (the publisher's article element);
    the result converts to the same Markdown as the archived original. The archive is read once
    for the run, not once per captured page."""
    scans = []
    real = conventions.archive_captures
    monkeypatch.setattr(conventions, "archive_captures", lambda c: scans.append(c) or real(c))
    pages = saved_pages()
    items = []
    for name in ("rfi", "dw"):
        page = pages[name]
        path = urlsplit(page.url).path
        site.routes[path.lstrip("/")] = Reply(body=page.html.encode("utf-8"))
        url = f"http://{urlsplit(page.url).hostname}:{site.port}{path}"
        items.append(
            FeedItem(url, page.title, "", "一句摘要。", datetime(2020, 10, 12, tzinfo=UTC))
        )
    site.routes["feed"] = Reply(body=rss(items), content_type=RSS_TYPE)
    (result,), _ = run([Feed(f"{site.url}/feed")], tmp_path / "content")
    assert len(result.new) == 2 and not result.failures
    for path, name in zip(result.new, ("rfi", "dw"), strict=True):
        assert path.parent.name == name
        original = convert_file(pages[name].original)
        assert kept_share(original.markdown, convert_file(path).markdown) >= 0.98
    assert site.hits[urlsplit(pages["rfi"].url).path.lstrip("/")] == 1
    assert len(scans) == 1


# --- known, updated, 304 -------------------------------------------------------------------------


def test_known_items_are_skipped_and_an_unchanged_feed_costs_one_304(site, tmp_path):
    items = corpus_items()[:3]
    site.routes["feed"] = [
        Reply(
            body=rss(items),
            content_type=RSS_TYPE,
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 12 Oct 2020 10:00:00 GMT"},
        ),
        Reply(304, b""),
    ]
    content = tmp_path / "content"
    feed = Feed(f"{site.url}/feed")
    (first,), _ = run([feed], content)
    assert len(first.new) == 3
    state = load_state(content / "feeds-state.json")[feed.url]
    assert (state.etag, state.last_modified) == ('"v1"', "Mon, 12 Oct 2020 10:00:00 GMT")
    saved = (content / "feeds-state.json").read_bytes()
    (second,), progress = run([feed], content)
    assert second.status == "not-modified" and not second.new and "not modified" in progress
    asked = site.requests[-1].headers
    assert asked["if-none-match"] == '"v1"'
    assert asked["if-modified-since"] == "Mon, 12 Oct 2020 10:00:00 GMT"
    assert site.hits["feed"] == 2 and len(archived(content)) == 3
    assert (content / "feeds-state.json").read_bytes() == saved
    # Without the state, the feed is read in full and every item is known.
    (content / "feeds-state.json").unlink()
    site.routes["feed"] = Reply(body=rss(items), content_type=RSS_TYPE)
    (third,), _ = run([feed], content)
    assert (len(third.new), third.known) == (0, 3) and len(archived(content)) == 3


def test_an_updated_item_gets_a_new_capture_only_when_it_says_so(site, tmp_path):
    item = corpus_items()[1]
    content = tmp_path / "content"
    site.routes["feed"] = Reply(body=atom([item]), content_type="application/atom+xml")
    feed = Feed(f"{site.url}/feed")
    (first,), _ = run([feed], content)
    assert len(first.new) == 1
    changed = replace(item, content=item.content.replace("</p>", "（更正）</p>", 1))
    # A different text without an update stated: known.
    site.routes["feed"] = Reply(body=atom([changed]), content_type="application/atom+xml")
    (same,), _ = run([feed], content)
    assert (same.new, same.known) == ([], 1)
    # Updated after the capture, same text: known.
    later = datetime.now(UTC) + timedelta(minutes=5)
    site.routes["feed"] = Reply(
        body=atom([replace(item, updated=later)]), content_type="application/atom+xml"
    )
    (unchanged,), _ = run([feed], content)
    assert (unchanged.new, unchanged.known) == ([], 1)
    # Updated, but the feed says not to recapture: known.
    site.routes["feed"] = Reply(
        body=atom([replace(changed, updated=later)]), content_type="application/atom+xml"
    )
    (off,), _ = run([replace(feed, recapture_updated=False)], content)
    assert (off.new, off.known) == ([], 1)
    # Updated after the capture with a new text: a new capture beside the first (a second
    # later: two captures of one URL at one second would share a page, so it waits).
    time.sleep(1.1)
    (updated,), _ = run([feed], content)
    assert len(updated.new) == 1 and updated.new[0] != first.new[0]
    assert "（更正）" in convert_file(updated.new[0]).markdown
    assert main(["check", "--content", str(content), str(content)]) == 0


# --- failing feeds ---------------------------------------------------------------------------------


GOOD = corpus_items()[:1]
FAILING = {
    "slow": (Reply(body=rss(GOOD), content_type=RSS_TYPE, delay=4), "timed out"),
    "error": (Reply(503, b"busy"), "HTTP 503"),
    "broken": (
        Reply(body=rss(GOOD)[:-200] + b"<item><title>x</titl></item>", content_type=RSS_TYPE),
        "malformed XML at line",
    ),
    "page": (
        Reply(
            body=b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" '
            b'href="/real.xml"></head><body>news</body></html>'
        ),
        "an HTML page, not a feed; the page names its feed: http://127.0.0.1",
    ),
    "huge": (Reply(body=b"<rss>" + b" " * (FEED_MAX_BYTES + 1), content_type=RSS_TYPE), "cap"),
}


def test_a_failing_feed_is_reported_and_the_others_go_on(site, tmp_path):
    site.routes["good"] = Reply(body=rss(GOOD), content_type=RSS_TYPE)
    for key, (reply, _) in FAILING.items():
        site.routes[key] = reply
    names = ["slow", "error", "good", "broken", "page", "huge"]
    feeds = [Feed(f"{site.url}/{n}", name=n) for n in names]
    content = tmp_path / "content"
    results, progress = run(feeds, content)
    by_name = {r.feed.name: r for r in results}
    assert len(by_name["good"].new) == 1
    for key, (_, message) in FAILING.items():
        assert by_name[key].status == "failed", key
        assert message in by_name[key].failures[0], (key, by_name[key].failures)
        assert re.search(rf"\] {key}: failed: .*{re.escape(message)}", progress)
    assert summary(results) == "1 new, 0 known, 0 failed items; 6 feeds: 0 not modified, 5 failed"
    assert list(load_state(content / "feeds-state.json")) == [f"{site.url}/good"]
    assert not list(content.rglob("*.tmp"))


def test_exit_status_only_when_every_feed_failed_or_strict(site, tmp_path, capsys):
    site.routes["good"] = Reply(body=rss(GOOD), content_type=RSS_TYPE)
    site.routes["error"] = Reply(500, b"")
    content = tmp_path / "content"

    def fetch(*urls: str, extra: tuple[str, ...] = ()) -> int:
        feeds = tmp_path / "feeds.yml"
        feeds.write_text("feeds:\n" + "".join(f"  - url: {site.url}/{u}\n" for u in urls), "utf-8")
        return main(["feeds", "fetch", "--feeds", str(feeds), "--content", str(content), *extra])

    assert fetch("good", "error", extra=("--dry-run",)) == 0
    out, err = capsys.readouterr()
    assert out.strip().endswith(".html") and not archived(content)
    assert (
        "1 new, 0 known, 0 failed items; 2 feeds: 0 not modified, 1 failed (files would be written)"
        in err
    )
    assert not (content / "feeds-state.json").exists()
    assert fetch("good", "error") == 0
    out, _ = capsys.readouterr()
    assert [Path(out.strip())] == archived(content)
    assert fetch("good", "error", extra=("--strict",)) == 1
    assert fetch("error") == 1
    err = capsys.readouterr().err
    assert "HTTP 500" in err and "Traceback" not in err


def test_limit_leaves_items_for_the_next_run(site, tmp_path):
    items = corpus_items()[:5]
    site.routes["feed"] = Reply(body=rss(items), content_type=RSS_TYPE, headers={"ETag": '"e"'})
    content = tmp_path / "content"
    feed = Feed(f"{site.url}/feed", limit=3)
    (first,), progress = run([feed], content, limit=2)
    assert (len(first.new), first.left) == (2, 3) and "3 left for the next run" in progress
    assert not (content / "feeds-state.json").exists()  # the feed was not read in full
    (second,), _ = run([feed], content)
    assert (len(second.new), second.known, second.left) == (3, 2, 0)
    assert load_state(content / "feeds-state.json")[feed.url].etag == '"e"'


def test_a_publisher_mismatch_is_an_item_failure(site, tmp_path):
    site.routes["feed"] = Reply(body=rss(corpus_items()[:1]), content_type=RSS_TYPE)
    (result,), progress = run([Feed(f"{site.url}/feed", publisher="rfi")], tmp_path / "content")
    assert not result.new and "links to the bbc site, not rfi's" in result.failures[0]
    assert "failed: http://www.bbc.com/zhongwen/simp/world-54385245: links to" in progress


# --- encodings -----------------------------------------------------------------------------------


def test_a_gb18030_feed(site, tmp_path):
    """A feed in GB18030 (declared in the XML, not in the HTTP header) reads as Chinese."""
    item = corpus_items()[5]
    body = rss([item], title="中文频道", encoding="gb18030")
    assert body.decode("gb18030") and not _utf8(body)
    site.routes["feed"] = Reply(body=body, content_type="application/rss+xml")
    (result,), _ = run([Feed(f"{site.url}/feed")], tmp_path / "content")
    article = convert_file(result.new[0])
    assert article.metadata["title"] == convert_file(item.source).metadata["title"]
    assert kept_share(convert_file(item.source).markdown, article.markdown) >= 0.98


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_feed_parse_errors_are_feed_errors():
    with pytest.raises(FeedError, match="malformed XML at line"):
        parse_feed(b"just text", "https://a.example/feed")
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(b"<?xml version='1.0'?><note>hi</note>", "https://a.example/feed")
    assert parse_feed(rss([]), "https://a.example/feed") == []


# --- a killed run, then check and build --------------------------------------------------------------


def test_a_killed_run_leaves_state_and_archive_consistent(site, tmp_path):
    """Killed while capturing a page of the second feed: the first feed's files and state are
    written, the second's finished file is whole and its state is not; the next run completes
    it, and every file passes check and builds."""
    items = corpus_items()
    pages = saved_pages()
    site.routes["one"] = [
        Reply(body=rss(items[:4]), content_type=RSS_TYPE, headers={"ETag": '"1"'}),
        Reply(304, b""),
    ]
    summary_items = []
    for number, name in enumerate(("rfi", "cdt")):
        key = f"two/{name}"
        site.routes[key] = [Reply(body=pages[name].html.encode(), delay=300.0 * number)]
        summary_items.append(FeedItem(f"{site.url}/{key}", pages[name].title, "", "摘要"))
    site.routes["two"] = Reply(
        body=rss(summary_items), content_type=RSS_TYPE, headers={"ETag": '"2"'}
    )
    content = tmp_path / "content"
    feeds = tmp_path / "feeds.yml"
    feeds.write_text(f"feeds:\n  - url: {site.url}/one\n  - url: {site.url}/two\n", "utf-8")
    command = [
        sys.executable,
        "-m",
        "newsarchive.cli",
        "feeds",
        "fetch",
        "--feeds",
        str(feeds),
        "--content",
        str(content),
    ]
    env = {**os.environ, "NEWSARCHIVE_ALLOW_PRIVATE": "1"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 150
    while site.hits["two/cdt"] == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert site.hits["two/cdt"] == 1, process.stderr.read() if process.poll() is not None else ""
    process.send_signal(signal.SIGKILL)
    process.wait()
    state = json.loads((content / "feeds-state.json").read_text("utf-8"))
    assert list(state["feeds"]) == [f"{site.url}/one"]
    files = archived(content)
    assert len(files) == 5  # four items of the first feed, the finished capture of the second
    assert not [p for p in content.rglob("*") if p.is_file() and p.suffix not in (".html", ".json")]
    assert main(["check", "--content", str(content), str(content)]) == 0
    site.routes["two/cdt"] = Reply(body=pages["cdt"].html.encode())
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "not modified" in done.stderr and "1 new, 1 known, 0 failed items" in done.stderr
    assert len(archived(content)) == 6
    assert list(load_state(content / "feeds-state.json")) == [f"{site.url}/one", f"{site.url}/two"]
    assert main(["check", "--content", str(content), str(content)]) == 0
    shutil.copytree(ROOT / "content" / "pages", content / "pages", dirs_exist_ok=True)
    built = build_site(content, tmp_path / "output")
    assert built.returncode == 0, built.stderr[-2000:]
    pages_built = list((tmp_path / "output").rglob("*.html"))
    for path in files:
        title = convert_file(path).metadata["title"]
        assert any(title in p.read_text("utf-8") for p in pages_built), title
