"""``newsarchive images fetch|status`` on archived files, against a local server: an interrupted
run (killed, or stopped with Ctrl-C) is resumed without losing or refetching anything."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from images_support import ImageServer, Reply, make_image
from newsarchive.cli import main
from newsarchive.images.manifest import JOURNAL, MANIFEST, Manifest

NEWSARCHIVE = Path(sys.executable).with_name("newsarchive")
COUNT = 12
URLS = [f"https://img.example/photo-{n}.jpg" for n in range(COUNT)]
MISSING = "https://img.example/missing.jpg"


def archived(images: list[str]) -> str:
    body = "".join(
        f'<p>第{n}段文字。</p><img src="{url}" alt="图{n}">' for n, url in enumerate(images)
    )
    return f"<!--1694605502000-->\n[图片报道](https://www.rfi.fr/cn/a/20230913-photos)\n------\n\n{body}\n"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "a.md").write_text(archived([*URLS[:6], MISSING]), "utf-8")
    (articles / "b.md").write_text(archived([*URLS[6:], URLS[0]]), "utf-8")
    return tmp_path / "content"


@pytest.fixture
def server(allow_private: None) -> Iterator[ImageServer]:
    with ImageServer() as running:
        for n, url in enumerate(URLS):
            running.routes[url.removeprefix("https://")] = Reply(body=make_image(n), delay=0.3)
        yield running


def fetch_args(content: Path, server: ImageServer) -> list[str]:
    return [
        "images", "fetch", str(content), "--images", str(content / "images"),
        "--route", server.url, "--no-progress", "--workers", "2", "--retries", "0", "--no-proxy",
    ]  # fmt: skip


def status(content: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert (
        main(["images", "status", str(content), "--images", str(content / "images"), "--json"]) == 0
    )
    return json.loads(capsys.readouterr().out)


def stored_urls(directory: Path) -> set[str]:
    manifest = Manifest.load(directory)
    return {url for url in manifest.entries if manifest.has_file(url)}


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_interrupted_run_is_resumed(content, server, capsys, stop):
    images = content / "images"
    for n, url in enumerate(URLS[4:], 4):  # slow: the run is still going when it is stopped,
        server.routes[url.removeprefix("https://")] = Reply(body=make_image(n), delay=5.0)
    # The run gets Ctrl-C as from a terminal even when the tests were started in the background
    # (there SIGINT is ignored, which a child inherits; a handler is reset to the default).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(  # however slowly this test's own loop gets to run
            [str(NEWSARCHIVE), *fetch_args(content, server)], stdout=subprocess.PIPE, text=True
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    deadline = time.monotonic() + 30
    journal = images / JOURNAL
    while time.monotonic() < deadline and process.poll() is None:
        if journal.exists() and journal.read_text("utf-8").count('"file"') >= 3:
            break
        time.sleep(0.02)
    process.send_signal(stop)
    out, _ = process.communicate(timeout=30)
    for n, url in enumerate(URLS):  # the resumed run need not wait
        server.routes[url.removeprefix("https://")] = Reply(body=make_image(n))
    if stop == signal.SIGINT:
        assert process.returncode == 130
        assert "interrupted: run again" in out
        assert not journal.exists()  # folded into manifest.json on the way out
        assert (images / MANIFEST).exists()
    else:
        assert process.returncode == -signal.SIGKILL
    before = stored_urls(images)
    assert 3 <= len(before) < COUNT  # stopped part-way, with what it had recorded kept
    hits_before = dict(server.hits)

    capsys.readouterr()
    assert main(fetch_args(content, server)) == 0
    summary = capsys.readouterr().out
    assert f"{len(before)} already had" in summary
    assert stored_urls(images) == set(URLS)
    for url in before:  # nothing already fetched is fetched again
        assert (
            server.hits[url.removeprefix("https://")] == hits_before[url.removeprefix("https://")]
        )
    for url in set(URLS) - before:
        assert server.hits[url.removeprefix("https://")] >= 1
    assert not journal.exists()


def test_status_reports_coverage(content, server, capsys):
    assert status(content, capsys) == {
        "referenced": COUNT + 1,
        "articles": 2,
        "stored": 0,
        "failed": 0,
        "not_fetched": COUNT + 1,
        "files": 0,
        "bytes": 0,
        "failed_by_reason": {},
    }
    assert main(fetch_args(content, server)) == 0
    out = capsys.readouterr().out
    assert f"{COUNT + 1} images: {COUNT} fetched ({COUNT} new files" in out
    assert "failed: 1 http-404" in out
    result = status(content, capsys)
    files = sorted((content / "images").glob("*.jpg"))
    assert (result["stored"], result["failed"], result["not_fetched"]) == (COUNT, 1, 0)
    assert result["failed_by_reason"] == {"http-404": 1}
    assert (result["files"], result["bytes"]) == (COUNT, sum(f.stat().st_size for f in files))
    capsys.readouterr()
    assert main(["images", "status", str(content), "--images", str(content / "images")]) == 0
    text = capsys.readouterr().out
    assert f"images referenced: {COUNT + 1} (in 2 articles)" in text
    assert "failed:            1 (1 http-404)" in text
