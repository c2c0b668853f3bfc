"""newsarchive capture: live pages from a local server become archived files; gone pages come
from a local stand-in for the Wayback Machine; what is not an article is refused."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from http_support import LocalServer, Reply
from newsarchive.cli import main
from newsarchive.contrib import conventions
from newsarchive.contrib.capture import (
    capture,
    cdx_url,
    gone_reason,
    moved_up,
    parse_cdx,
    snapshot_url,
)
from newsarchive.contrib.conventions import ArchiveIndex
from newsarchive.contrib.importer import write_new
from newsarchive.convert.errors import ArchiveError
from newsarchive.convert.pipeline import convert_file, convert_text
from newsarchive.convert.provenance import parse_copied_from, wayback_copy
from newsarchive.web import FetchConfig, Fetched, FetchError
from saved_pages import saved_pages

PAGES = saved_pages()
CHROME = ("站务", "chrome-marker", "Cookie", "读者评论", "热门阅读")
STAMP = "20201012140200"  # the Wayback copy's time in these tests
SECTION_FRONT = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>中国 - 新闻</title>
<meta property="og:type" content="website"></head><body><nav><a href="/">首页</a></nav>
<main><h1>中国</h1><ul>{items}</ul></main></body></html>"""
HEADLINES = "".join(
    f'<li><a href="/cn/2020/{i}">第{i}条新闻：多国领导人讨论气候变化与能源转型的最新进展</a>'
    f"<p>摘要{i}</p></li>"
    for i in range(30)
)


@pytest.fixture(autouse=True)
def allow_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSARCHIVE_ALLOW_PRIVATE", "1")


def local(config_host: str, server: LocalServer, path: str) -> str:
    """``path`` on ``server`` under the name ``config_host`` (resolved to the server)."""
    return f"http://{config_host}:{server.port}{path}"


def to_server(server: LocalServer) -> FetchConfig:
    """Every name resolves to the local server (publishers' hosts included)."""
    return FetchConfig(
        resolve=lambda host, port: ["127.0.0.1"], allow_private=True, read_timeout=5, deadline=20
    )


def wayback(server: LocalServer, copies: dict[str, bytes]) -> None:
    """Make ``server`` answer like the Wayback Machine under /wb: the CDX API and raw copies."""

    def answer(key: str) -> Reply | None:
        if key.startswith("wb/cdx/search/cdx?"):
            url = parse_qs(urlsplit(key).query)["url"][0]
            rows = [["timestamp", "original"]]
            rows += [[STAMP, url]] if url in copies else []
            return Reply(body=json.dumps(rows).encode(), content_type="application/json")
        match = re.match(r"wb/web/(\d{14})id_/(.+)$", key)
        if match and match.group(2) in copies:
            return Reply(body=copies[match.group(2)])
        return None

    server.default = answer


def archived_body(path: Path) -> str:
    return path.read_text("utf-8").split("------\n", 1)[1]


# --- publishers' pages -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def captured(
    local_server: LocalServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every publisher's page captured from the local server under the publisher's own host."""
    local_server.reset()
    content = tmp_path_factory.mktemp("project") / "content"
    written = {}
    for name, page in PAGES.items():
        parts = urlsplit(page.url)
        local_server.routes[parts.path.lstrip("/")] = Reply(body=page.html.encode("utf-8"))
        url = local(parts.hostname or "", local_server, parts.path)
        result = capture(url, content, config=to_server(local_server))
        assert result.outcome == "new" and result.copied_from is None
        result.path.parent.mkdir(parents=True, exist_ok=True)
        result.path.write_text(result.imported.text, "utf-8")
        written[name] = result.path
    local_server.reset()
    return written


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_publishers_page_keeps_the_articles_own_html(name, captured):
    """The publisher's article element is kept as it is: the file converts to exactly the
    Markdown of the archived original, and none of the page's chrome comes along."""
    path, original = captured[name], PAGES[name].original
    assert path.parent.name == name  # content/articles/<publisher>/
    article, reference = convert_file(path), convert_file(original)
    assert article.markdown == reference.markdown
    assert article.metadata["title"] == reference.metadata["title"]
    raw = archived_body(path)
    assert not [m for m in CHROME if m in raw and m not in original.read_text("utf-8")]
    assert "<script" not in raw and "<nav" not in raw and "<form" not in raw


def test_captured_files_pass_check_and_build(captured, local_server, tmp_path, capsys):
    """The publishers' captures and a Wayback copy pass `check` and build with Pelican."""
    from test_build import build

    content = tmp_path / "content"
    shutil.copytree(next(iter(captured.values())).parents[2], content)
    local_server.reset()
    url = f"{local_server.url}/cn/gone"
    wayback(local_server, {url: PAGES["cdt"].html.encode("utf-8")})
    copy = capture(url, content, wayback=f"{local_server.url}/wb")
    write_new(copy.imported)
    count = len(captured) + 1
    assert main(["check", "--content", str(content), str(content)]) == 0
    assert f"{count} archived files checked: {count} OK" in capsys.readouterr().out
    result = build(content, tmp_path / "output")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert f"newsarchive: {count} archived files read, {count} articles written" in log
    page = tmp_path / "output" / "articles" / f"{copy.imported.article.metadata['slug']}.html"
    assert PAGES["cdt"].title in page.read_text("utf-8")


# --- the command, duplicates and new captures ------------------------------------------------


def test_the_command_prints_the_path_and_never_overwrites(site, tmp_path, capsys):
    page = PAGES["voa"].html
    site.routes["a/5617184.html"] = Reply(body=page.encode("utf-8"))
    content = tmp_path / "content"
    url = f"{site.url}/a/5617184.html"
    assert main(["capture", url, "--content", str(content)]) == 0
    first = Path(capsys.readouterr().out.strip())
    assert first.is_file() and first.parent == content / "articles" / "127-0-0-1"
    before = first.read_bytes()

    assert main(["capture", url, "--content", str(content)]) == 0  # the same text again
    out, err = capsys.readouterr()
    assert out == "" and f"duplicate: {first} archived this URL with the same text" in err
    assert first.read_bytes() == before and len(list(first.parent.iterdir())) == 1

    site.routes["a/5617184.html"] = Reply(body=page.replace("港版国安法", "港区国安法").encode())
    later = ["--archived-at", "2021-01-01T00:00:00Z"]  # never in the same second as the first
    assert main(["capture", url, "--content", str(content), *later]) == 0  # the article was edited
    out, err = capsys.readouterr()
    second = Path(out.strip())
    assert second != first and second.is_file() and first.read_bytes() == before
    assert f"new capture: {first} archived this URL with a different text; both are kept" in err
    assert main(["check", "--content", str(content), str(content)]) == 0


def test_captures_of_one_run_read_the_archive_once(site, tmp_path, monkeypatch):
    """A run of captures (as ``feeds fetch`` makes) passes one index: the archive's files are read
    once, and a page captured earlier in the run is a duplicate the second time."""
    from test_build import archived_files

    content = tmp_path / "content"
    for path in archived_files()[:3]:
        (content / "articles" / "old").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, content / "articles" / "old" / path.name)
    reads: list[Path] = []
    real = conventions.read_capture
    monkeypatch.setattr(conventions, "read_capture", lambda p: reads.append(p) or real(p))
    site.routes["a/1.html"] = Reply(body=PAGES["voa"].html.encode("utf-8"))
    site.routes["a/2.html"] = Reply(body=PAGES["dw"].html.encode("utf-8"))
    index = ArchiveIndex.read(content)
    assert len(reads) == 3
    first = capture(f"{site.url}/a/1.html", content, index=index)
    assert first.outcome == "new"
    write_new(first.imported)
    index.add(first.path, first.imported.article)
    assert capture(f"{site.url}/a/2.html", content, index=index).outcome == "new"
    again = capture(f"{site.url}/a/1.html", content, index=index)
    assert (again.outcome, again.existing) == ("duplicate", first.path.resolve())
    assert len(reads) == 3  # no capture read the archive again
    alone = capture(f"{site.url}/a/1.html", content)  # without an index: one read of its own
    assert (alone.outcome, len(reads)) == ("duplicate", 3 + 4)


def test_output_directory_and_archive_time(site, tmp_path, capsys):
    site.routes["story"] = Reply(body=PAGES["dw"].html.encode("utf-8"))
    args = ["capture", f"{site.url}/story", "-o", str(tmp_path / "out")]
    assert main([*args, "--archived-at", "2020-10-16T08:30:00+08:00"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parent == tmp_path / "out" and path.name.startswith("20201016-story-")
    assert path.read_text("utf-8").startswith("<!--1602808200000-->\n[")


# --- gone pages and the Wayback Machine --------------------------------------------------------


def test_a_404_page_is_taken_from_the_wayback_machines_latest_copy(
    site, tmp_path, capsys, monkeypatch
):
    url = f"{site.url}/cn/20201012-palais-garnier"
    site.routes["cn/20201012-palais-garnier"] = Reply(404, b"<h1>Not found</h1>")
    wayback(site, {url: PAGES["rfi"].html.encode("utf-8")})
    monkeypatch.setenv("NEWSARCHIVE_WAYBACK_URL", f"{site.url}/wb")
    assert main(["capture", url, "--content", str(tmp_path / "content")]) == 0
    out, err = capsys.readouterr()
    path = Path(out.strip())
    snapshot = f"{site.url}/wb/web/{STAMP}id_/{url}"
    assert (
        f"the page is gone (HTTP 404): archived the Wayback Machine's copy of 2020-10-12 14:02 UTC, {snapshot}"
        in err
    )
    text = path.read_text("utf-8")
    header, body = text.split("------\n", 1)
    assert header == f"<!--1602511320000-->\n[{PAGES['rfi'].title}]({url})\n"  # the copy's time
    assert body.startswith(f"\n<!--copied-from: {snapshot}-->\n")
    article = convert_file(path)
    assert article.metadata["copied_from"] == snapshot
    assert article.metadata["copied_at"] == datetime(2020, 10, 12, 14, 2, tzinfo=UTC)
    assert article.metadata["source_url"] == url
    assert article.markdown == convert_file(PAGES["rfi"].original).markdown
    assert "Copied_from: " in article.document()
    assert [r.key.split("?")[0] for r in site.requests] == [
        "cn/20201012-palais-garnier",
        "wb/cdx/search/cdx",
        f"wb/web/{STAMP}id_/{url}",
    ]
    assert main(["check", "--content", str(tmp_path / "content"), str(path)]) == 0


@pytest.mark.parametrize("target", ["/", "/cn/"])
def test_a_redirect_to_the_home_page_or_a_section_front_means_gone(site, tmp_path, target):
    url = f"{site.url}/cn/china/20201012-article"
    site.routes["cn/china/20201012-article"] = Reply(301, headers={"Location": target})
    site.routes[target.lstrip("/")] = Reply(body=b"<html><title>Front</title><p>front</p></html>")
    wayback(site, {url: PAGES["bbc"].html.encode("utf-8")})
    result = capture(url, tmp_path / "content", wayback=f"{site.url}/wb")
    assert (
        result.gone == f"redirected to {site.url}{target}, the site's home page or a section front"
    )
    assert result.copied_from == f"{site.url}/wb/web/{STAMP}id_/{url}"
    assert "<!--copied-from: " in result.imported.text


def test_a_redirect_to_a_page_that_is_not_an_article_means_gone(site, tmp_path):
    url = f"{site.url}/a/5617184.html"
    site.routes["a/5617184.html"] = Reply(302, headers={"Location": "/z/1739"})
    site.routes["z/1739"] = Reply(body=SECTION_FRONT.format(items=HEADLINES).encode("utf-8"))
    wayback(site, {url: PAGES["voa"].html.encode("utf-8")})
    result = capture(url, tmp_path / "content", wayback=f"{site.url}/wb")
    assert result.gone == (
        f"redirected to {site.url}/z/1739, which is not an article: most of its text links to "
        "other pages: it is a section front or a list"
    )
    assert result.copied_from == f"{site.url}/wb/web/{STAMP}id_/{url}"


def test_a_gone_page_without_a_copy_is_an_error(site, tmp_path, capsys, monkeypatch):
    site.routes["gone"] = Reply(410)
    wayback(site, {})
    monkeypatch.setenv("NEWSARCHIVE_WAYBACK_URL", f"{site.url}/wb")
    assert main(["capture", f"{site.url}/gone", "--content", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"newsarchive: error: {site.url}/gone: the page is gone (HTTP 410) and the Wayback Machine "
        "has no copy of it (attach a saved copy of the page to the request, or use newsarchive import)\n"
    )


def test_gone_and_moved_up_are_pure_decisions():
    assert moved_up("https://www.rfi.fr/cn/中国/20201012-x", "https://www.rfi.fr/")
    assert moved_up("https://www.rfi.fr/cn/中国/20201012-x", "https://rfi.fr/cn/")
    assert moved_up("https://a.example/x/y", "https://other.example/")
    assert not moved_up("http://a.example/x/y", "https://a.example/x/y/")  # https, a slash
    assert not moved_up("https://a.example/old/1", "https://a.example/new/1")  # moved, not gone
    assert not moved_up("https://a.example/x/y", "https://b.example/x")

    def fetched(status: int, final: str, redirects: list[str]) -> Fetched:
        return Fetched("https://a.example/x/y", final, status, httpx.Headers(), b"", 0.1, redirects)

    assert (
        gone_reason("https://a.example/x/y", fetched(410, "https://a.example/x/y", []))
        == "HTTP 410"
    )
    home = fetched(200, "https://a.example/", ["https://a.example/x/y"])
    assert gone_reason("https://a.example/x/y", home) == (
        "redirected to https://a.example/, the site's home page or a section front"
    )
    assert gone_reason("https://a.example/x/y", fetched(200, "https://a.example/x/y", [])) is None
    assert gone_reason("https://a.example/x/y", fetched(500, "https://a.example/x/y", [])) is None


def test_wayback_addresses():
    url = "https://www.rfi.fr/cn/a?b=1"
    assert cdx_url("https://web.archive.org", url) == (
        "https://web.archive.org/cdx/search/cdx?url=https%3A%2F%2Fwww.rfi.fr%2Fcn%2Fa%3Fb%3D1"
        "&output=json&limit=-1&filter=statuscode%3A200&filter=mimetype%3Atext%2Fhtml"
        "&fl=timestamp%2Coriginal"
    )
    assert parse_cdx(
        b'[["timestamp","original"],["20200101000000","http://x.org/a"],'
        b'["20201012140200","https://x.org/a"]]'
    ) == ("20201012140200", "https://x.org/a")
    assert parse_cdx(b'[["timestamp","original"]]') is None
    assert parse_cdx(b"<html>busy</html>") is None
    snap = snapshot_url("https://web.archive.org", STAMP, url)
    assert snap == f"https://web.archive.org/web/{STAMP}id_/{url}"
    copy = wayback_copy(snap)
    assert copy and copy.made == datetime(2020, 10, 12, 14, 2, tzinfo=UTC) and copy.original == url


def test_copied_from_lines_are_validated():
    url = "https://www.rfi.fr/cn/a"
    snap = f"https://web.archive.org/web/{STAMP}id_/{url}"
    assert parse_copied_from(f"<!--copied-from: {snap}-->\n<p>x</p>", url).made.year == 2020
    assert parse_copied_from("<p>x</p><!--copied-from: nothing-->", url) is None  # not first
    for bad, message in (
        ("<!--copied-from: two words-->", "does not name one http"),
        ("<!--copied-from https://x.org/-->", "does not name one http"),
        (
            f"<!--copied-from: https://web.archive.org/web/2020id_/{url}-->",
            "no valid 14-digit time",
        ),
        (f"<!--copied-from: https://web.archive.org/web/20209999999999id_/{url}-->", "no valid"),
        (
            f"<!--copied-from: https://web.archive.org/web/{STAMP}id_/https://x.org/b-->",
            "the copy is of",
        ),
    ):
        with pytest.raises(ArchiveError, match=message):
            parse_copied_from(bad + "\n<p>text</p>", url, "f.md", 5)
    text = f"<!--1602511320000-->\n[T]({url})\n------\n\n<!--copied-from: {snap}-->\n<p>text</p>\n"
    article = convert_text(text)
    assert article.metadata["copied_from"] == snap and "copied-from" not in article.html


# --- what is refused ---------------------------------------------------------------------------


def test_a_timeout(site, tmp_path):
    site.routes["slow"] = Reply(body=b"<p>late</p>", delay=2)
    config = FetchConfig(read_timeout=0.3, deadline=5)
    with pytest.raises(FetchError) as caught:
        capture(f"{site.url}/slow", tmp_path, config=config)
    assert caught.value.reason == "timeout" and "timed out" in str(caught.value)


def test_an_oversized_page(site, tmp_path):
    site.routes["big"] = Reply(body=b"<p>" + b"x" * 200_000 + b"</p>")
    with pytest.raises(FetchError) as caught:
        capture(f"{site.url}/big", tmp_path, config=FetchConfig(max_bytes=100_000))
    assert caught.value.reason == "too-large"


def test_a_response_that_is_not_html(site, tmp_path, capsys):
    site.routes["report.pdf"] = Reply(body=b"%PDF-1.4 ...", content_type="application/pdf")
    assert main(["capture", f"{site.url}/report.pdf", "--content", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"newsarchive: error: {site.url}/report.pdf: not a web page: the server sent application/pdf "
        "(give the address of the article's page)\n"
    )


def test_a_section_front_is_refused(site, tmp_path, capsys):
    site.routes["cn/china"] = Reply(body=SECTION_FRONT.format(items=HEADLINES).encode("utf-8"))
    assert main(["capture", f"{site.url}/cn/china", "--content", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"newsarchive: error: {site.url}/cn/china: not an article: most of its text links to other pages: it is a "
        "section front or a list (give the address of the article itself)\n"
    )


def test_a_search_page_and_a_home_page_are_refused(site, tmp_path):
    site.routes["search?q=%E9%A6%99%E6%B8%AF"] = Reply(body=PAGES["rfa"].html.encode("utf-8"))
    site.routes[""] = Reply(body=PAGES["rfa"].html.encode("utf-8"))
    with pytest.raises(ArchiveError, match="not an article: it is a search page"):
        capture(f"{site.url}/search?q=%E9%A6%99%E6%B8%AF", tmp_path)
    with pytest.raises(ArchiveError, match="not an article: it is the site's home page"):
        capture(f"{site.url}/", tmp_path)


def test_private_addresses_are_refused_unless_allowed(site, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NEWSARCHIVE_ALLOW_PRIVATE")
    site.routes["story"] = Reply(body=PAGES["dw"].html.encode("utf-8"))
    assert main(["capture", f"{site.url}/story", "--content", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"newsarchive: error: {site.url}/story: refused, 127.0.0.1 is a loopback")
    assert "NEWSARCHIVE_ALLOW_PRIVATE=1" in err and err.count("\n") == 1
    assert site.hits["story"] == 0


def test_a_gb18030_page(site, tmp_path):
    """A GB18030 page declared as gb2312 (as such sites do), on an unknown site: trafilatura."""
    source = BeautifulSoup(PAGES["rfa"].html, "html.parser")
    story = source.select_one("#storytext")
    assert story is not None
    story.name, story.attrs = "div", {"class": "story-body"}  # not RFA's markup any more
    page = str(source).replace('<meta charset="utf-8"/>', '<meta charset="gb2312"/>')
    page = page.replace("教育局", "教育局㐀")  # a character GB2312 lacks and GB18030 has
    site.routes["news/1"] = Reply(body=page.encode("gb18030"), content_type="text/html")
    result = capture(f"{site.url}/news/1", tmp_path)
    text = BeautifulSoup(result.imported.article.html, "html.parser").get_text()
    assert "教育局㐀" in text and "黑箱作业" in text
    assert result.title == PAGES["rfa"].title
    assert not [m for m in CHROME if m in result.imported.text]
