"""newsarchive import: saved pages (real articles in full site chrome) become archived files."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from newsarchive.cli import main
from newsarchive.contrib.importer import conventional_name, import_page, parse_time
from newsarchive.convert.errors import ArchiveError
from newsarchive.convert.pipeline import convert_file
from saved_pages import saved_pages, write_saved_pages

PAGES = saved_pages()
ARCHIVED_AT = "2020-10-16T08:30:00+08:00"
# Every block of chrome carries 站务 / chrome-marker; the rest are words only chrome has here.
CHROME = ("站务", "chrome-marker", "Cookie", "订阅", "读者评论", "热门阅读", "广告", "版权所有")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def paragraphs(html: str) -> list[str]:
    """The article's paragraph text: not image captions, not the generated related-links list."""
    soup = BeautifulSoup(html.split("<h2>相关链接</h2>")[0], "html.parser")
    found = []
    for block in soup.find_all(["p", "li", "h2", "h3", "blockquote", "td"]):
        before = block.find_previous_sibling()
        if block.name == "p" and before is not None and before.find("img"):
            continue  # a caption: the italic paragraph right after an image
        if text := squash(block.get_text()):
            found.append(text)
    return found


def images(html: str) -> list[str]:
    return [img["src"] for img in BeautifulSoup(html, "html.parser").find_all("img")]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every saved page as a file, as a browser writes it."""
    return write_saved_pages(tmp_path_factory.mktemp("saved"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, saved: dict[str, Path]) -> dict[str, Path]:
    """Every saved page imported with the command, into a fresh project's content/."""
    project = tmp_path_factory.mktemp("project")
    written = {}
    for name, page in PAGES.items():
        args = ["import", str(saved[name]), "--url", page.url]
        args += ["--archived-at", ARCHIVED_AT, "--content", str(project / "content")]
        assert main(args) == 0
        written[name] = next(
            (project / "content" / "articles").glob(
                f"*/{conventional_name(page.url, parse_time(ARCHIVED_AT))}"
            )
        )
    return written


@pytest.mark.parametrize("name", sorted(PAGES))
def test_import_keeps_the_article_and_none_of_the_chrome(name, imported):
    path = imported[name]
    article = convert_file(path)  # the real pipeline, as the build reads it
    original = convert_file(PAGES[name].original)
    reference = paragraphs(original.html)
    text = squash(BeautifulSoup(article.html, "html.parser").get_text())
    kept = sum(len(p) for p in reference if p in text) / sum(map(len, reference))
    assert kept >= 0.98, [p[:40] for p in reference if p not in text]
    raw, source = path.read_text("utf-8"), PAGES[name].original.read_text("utf-8")
    assert not [marker for marker in CHROME if marker in raw and marker not in source]
    assert "<script" not in raw and "<nav" not in raw and "<form" not in raw
    assert images(article.html) == images(original.html)  # the article's images, in order
    assert article.metadata["title"] == original.metadata["title"] == PAGES[name].title
    assert article.metadata["source_url"] == original.metadata["source_url"]
    assert article.metadata["archived"] == datetime(2020, 10, 16, 0, 30, tzinfo=UTC)


def test_imported_files_are_where_the_convention_puts_them_and_pass_check(imported, capsys):
    for name, path in imported.items():
        assert path.parent.name == name  # content/articles/<publisher key>/
        assert re.fullmatch(r"20201016-[a-z0-9-]*[0-9a-f]{8}\.html", path.name), path.name
    content = next(iter(imported.values())).parents[2]
    assert main(["check", "--content", str(content), str(content)]) == 0
    out = capsys.readouterr().out
    assert f"{len(imported)} archived files checked: {len(imported)} OK, 0 with errors" in out


def test_import_refuses_to_overwrite(imported, saved, capsys):
    path = imported["rfi"]
    before = path.read_bytes()
    content = path.parents[2]
    args = ["import", str(saved["rfi"]), "--url", PAGES["rfi"].url]
    assert main([*args, "--archived-at", ARCHIVED_AT, "--content", str(content)]) == 1
    assert "already exists; nothing was written" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_import_reads_standard_input_and_the_page_address(tmp_path):
    """From stdin, with no --url: the page's canonical link names the article."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("newsarchive")), "import", "-", "--content", "c"],
        input=PAGES["voa"].html.encode("utf-8"),
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    path = tmp_path / result.stdout.decode().strip()
    assert path.parent == tmp_path / "c" / "articles" / "voa"
    article = convert_file(path)
    assert article.metadata["source_url"] == PAGES["voa"].url
    archived = article.metadata["archived"]
    assert abs((datetime.now(UTC) - archived).total_seconds()) < 120  # archived now


def test_a_second_capture_later_is_a_new_capture(tmp_path, saved, capsys):
    content = tmp_path / "content"
    page = str(saved["dw"])
    url = PAGES["dw"].url
    common = ["--url", url, "--content", str(content)]
    assert main(["import", page, *common, "--archived-at", "2020-10-16T08:00:00Z"]) == 0
    assert main(["import", page, *common, "--archived-at", "2020-10-17T08:00:00Z"]) == 0
    capsys.readouterr()
    assert main(["check", "--content", str(content), str(content)]) == 1
    out = capsys.readouterr().out
    assert "20201017-" in out and "error: duplicate: " in out and "the same text" in out


def test_images_saved_beside_the_page_are_left_out_with_a_warning():
    url, page = PAGES["rfa"].url, PAGES["rfa"].html
    first = images(convert_file(PAGES["rfa"].original).html)[0]
    page = page.replace(first, "./港府清洗教育界_files/Untitled-2.jpg")
    result = import_page(page.encode("utf-8"), url, datetime(2020, 10, 16, tzinfo=UTC))
    assert "_files/" not in result.text
    assert not [src for src in images(result.text) if "Untitled-2.jpg" in src]
    assert result.warnings == [
        "1 image(s) pointed at files saved beside the page or inline data and were left out "
        "(save the page as 'Webpage, HTML only' to keep the publisher's image addresses)"
    ]


def test_lazy_images_and_relative_addresses():
    page = (
        "<html><head><title>标题</title></head><body><nav>站务</nav><article><h1>标题</h1>"
        + "<p>第一段文字，足够长，才像是一篇真正的新闻文章的开头部分，内容充实。</p>" * 4
        + '<img src="data:image/gif;base64,R0lGOD" data-src="/img/photo.jpg" alt="照片">'
        + "<p>第二段文字，也足够长，讲述了新闻事件的更多细节和背景，内容充实。</p>" * 4
        + "</article></body></html>"
    )
    result = import_page(
        page.encode("utf-8"), "https://www.dw.com/zh/a-1", datetime(2020, 1, 1, tzinfo=UTC)
    )
    assert 'src="https://www.dw.com/img/photo.jpg"' in result.text
    assert "站务" not in result.text and "<h1>" not in result.text


@pytest.mark.parametrize(
    ("page", "url", "message"),
    [
        (
            b"<title>t</title><body><nav>menu</nav></body>",
            "https://x.org/a",
            "no article text found",
        ),
        (
            b"<html><head><title>t</title></head><body><p>x</p></body></html>",
            None,
            "does not say its address",
        ),
        (b"<html><body><p>x</p></body></html>", "javascript:alert(1)", "is not an http(s) address"),
    ],
)
def test_pages_that_cannot_be_imported(page, url, message):
    with pytest.raises(ArchiveError, match=re.escape(message)):
        import_page(page, url, datetime(2020, 1, 1, tzinfo=UTC))


def test_archive_times():
    assert parse_time("1602564890000") == datetime(2020, 10, 13, 4, 54, 50, tzinfo=UTC)
    assert parse_time("2020-10-13T12:54:50+08:00") == datetime(2020, 10, 13, 4, 54, 50, tzinfo=UTC)
    assert parse_time("2020-10-13T04:54:50Z").tzinfo == UTC
    with pytest.raises(ArchiveError, match="is not a time"):
        parse_time("yesterday")
    with pytest.raises(ArchiveError, match="in the future"):
        parse_time("2100-01-01T00:00:00Z")


def test_imported_files_build_with_pelican(imported, tmp_path):
    """A real Pelican build of the imported files: every one becomes an article page."""
    from test_build import build

    content = next(iter(imported.values())).parents[2]
    result = build(content, tmp_path / "output")
    assert result.returncode == 0, result.stdout + result.stderr
    count = len(imported)
    log = result.stdout + result.stderr
    assert f"newsarchive: {count} archived files read, {count} articles written" in log
    pages = sorted((tmp_path / "output" / "articles").glob("*.html"))
    assert len(pages) == count
    bbc = next(p for p in pages if p.name.startswith("bbc-"))
    text = BeautifulSoup(bbc.read_text("utf-8"), "html.parser").get_text()
    assert "乐施会" in text and "站务" not in text
