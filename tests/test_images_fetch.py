"""The image downloader against a real local HTTP server (no outside network)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from http_support import ALLOW_PRIVATE
from images_support import ImageServer, Reply, make_image
from newsarchive.images.config import FetchConfig, route_via
from newsarchive.images.fetch import fetch_all, identify
from newsarchive.images.manifest import JOURNAL, MANIFEST, Manifest
from newsarchive.images.references import candidates, proxied, unproxy

JPEG = make_image(1)
PNG = make_image(2, "PNG")
GIF = make_image(3, "GIF")
WEBP = make_image(4, "WEBP")
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)
HTML = b"<!DOCTYPE html><html><head><title>Not Found</title></head><body>gone</body></html>"
CAP = 64 * 1024


@pytest.fixture(scope="module")
def running_server() -> Iterator[ImageServer]:
    with ImageServer() as running:
        yield running


@pytest.fixture
def server(running_server: ImageServer, allow_private: None) -> ImageServer:
    running_server.reset()
    return running_server


@pytest.fixture
def config(server: ImageServer) -> FetchConfig:
    return FetchConfig(
        workers=4,
        timeout=0.5,
        deadline=5.0,
        max_bytes=CAP,
        retries=2,
        backoff=0.01,
        backoff_max=0.05,
        route=route_via(server.url),
    )


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(urls: list[str], directory: Path, config: FetchConfig):
    summary = fetch_all(urls, directory, config)
    return summary, json.loads((directory / MANIFEST).read_text("utf-8"))["images"]


def test_normal_images_are_stored_by_content_hash(server, config, tmp_path):
    server.routes.update(
        {
            "img.example/a.jpg": Reply(body=JPEG),
            "img.example/b.png": Reply(body=PNG, content_type="image/png"),
            "img.example/c.gif": Reply(body=GIF, content_type="image/gif"),
            # A wrong declared type does not matter: the bytes decide.
            "img.example/d": Reply(body=WEBP, content_type="application/octet-stream"),
        }
    )
    urls = [f"https://img.example/{n}" for n in ("a.jpg", "b.png", "c.gif", "d")]
    summary, images = run(urls, tmp_path, config)
    assert (summary.fetched, summary.files_written, summary.failed) == (4, 4, {})
    expected = {
        urls[0]: (JPEG, "jpg", "image/jpeg"),
        urls[1]: (PNG, "png", "image/png"),
        urls[2]: (GIF, "gif", "image/gif"),
        urls[3]: (WEBP, "webp", "image/webp"),
    }
    for url, (data, ext, content_type) in expected.items():
        entry = images[url]
        assert entry["file"] == f"{sha(data)}.{ext}"
        assert (tmp_path / entry["file"]).read_bytes() == data
        assert (entry["size"], entry["content_type"], entry["source"]) == (
            len(data),
            content_type,
            url,
        )
        assert entry["fetched"].endswith("Z")
    assert not (tmp_path / JOURNAL).exists()  # folded into manifest.json at the end
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [MANIFEST, *(e["file"] for e in images.values())]
    )


def test_proxy_form_fetches_the_original_first(server, config, tmp_path):
    server.routes["ichef.bbci.co.uk/news/640/x.jpg"] = Reply(body=JPEG)
    url = "https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/x.jpg"
    summary, images = run([url], tmp_path, config)
    assert summary.fetched == 1
    assert images[url]["source"] == "https://ichef.bbci.co.uk/news/640/x.jpg"
    assert server.hits == {"ichef.bbci.co.uk/news/640/x.jpg": 1}


def test_proxy_is_tried_when_the_original_fails(server, config, tmp_path):
    # Both forms of reference: a proxied one whose original is gone, and an original that is gone
    # but still available through the proxy.
    server.proxy_routes["gone.example/a.jpg"] = Reply(body=JPEG)
    server.proxy_routes["gone.example/b.jpg"] = Reply(body=PNG, content_type="image/png")
    proxied_ref = "https://images.weserv.nl/?url=gone.example/a.jpg"
    original_ref = "https://gone.example/b.jpg"
    summary, images = run([proxied_ref, original_ref], tmp_path, config)
    assert summary.fetched == 2
    assert images[proxied_ref]["source"] == proxied_ref
    assert images[original_ref]["source"] == proxied(original_ref)
    assert (tmp_path / images[original_ref]["file"]).read_bytes() == PNG
    assert server.hits["gone.example/a.jpg"] == 1  # original tried once: 404 is not retried


def test_404_is_recorded_and_not_retried(server, config, tmp_path):
    url = "https://img.example/missing.jpg"
    summary, images = run([url], tmp_path, replace(config, proxy=None))
    assert summary.failed == {"http-404": 1}
    assert images[url]["reason"] == "http-404"
    assert "404" in images[url]["error"]
    assert server.hits == {"img.example/missing.jpg": 1}


@pytest.fixture
def images_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS where ``images.example`` resolves to 127.0.0.1, the local server's address."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        return real("127.0.0.1" if host == "images.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_an_image_at_a_private_address_is_refused_and_recorded(
    running_server, config, tmp_path, monkeypatch, images_example
):
    running_server.reset()
    running_server.routes["img.example/a.jpg"] = Reply(body=JPEG)
    monkeypatch.delenv(ALLOW_PRIVATE, raising=False)
    port = running_server.port
    literal = f"http://10.0.0.7:{port}/img.example/a.jpg"  # refused before DNS
    named = f"http://images.example:{port}/img.example/a.jpg"  # refused once resolved
    direct = replace(config, route=lambda url: url, proxy=None, retries=0)
    summary, images = run([literal, named], tmp_path, direct)
    assert summary.failed == {"private-address": 2}
    assert "a private address" in images[literal]["error"]
    assert "images.example (127.0.0.1)" in images[named]["error"]
    assert "a loopback address" in images[named]["error"]
    assert running_server.hits == {}  # nothing reached the server
    assert not list(tmp_path.glob("*.jpg"))
    # The same name is fetched once private addresses are allowed (as the local tests do).
    monkeypatch.setenv(ALLOW_PRIVATE, "1")
    summary, images = run([named], tmp_path, direct)
    assert summary.fetched == 1 and images[named]["file"] == f"{sha(JPEG)}.jpg"
    assert running_server.hits == {"img.example/a.jpg": 1}


def test_500_then_success_is_retried(server, config, tmp_path):
    server.routes["img.example/flaky.png"] = [
        Reply(500, b"oops", "text/plain"),
        Reply(503, b"busy", "text/plain", headers={"Retry-After": "0"}),
        Reply(body=PNG, content_type="image/png"),
    ]
    summary, images = run(["https://img.example/flaky.png"], tmp_path, config)
    assert summary.fetched == 1
    assert server.hits["img.example/flaky.png"] == 3
    assert (tmp_path / images["https://img.example/flaky.png"]["file"]).read_bytes() == PNG


def test_persistent_500_gives_up_after_the_retries(server, config, tmp_path):
    server.routes["img.example/down.jpg"] = Reply(500, b"oops", "text/plain")
    url = "https://img.example/down.jpg"
    summary, images = run([url], tmp_path, replace(config, proxy=None))
    assert summary.failed == {"http-500": 1}
    assert images[url]["tried"] == [
        {"url": url, "reason": "http-500", "error": "HTTP 500 Internal Server Error"}
    ]
    assert server.hits["img.example/down.jpg"] == 1 + config.retries


def test_slow_response_times_out(server, config, tmp_path):
    server.routes["img.example/slow.jpg"] = Reply(body=JPEG, delay=3.0)
    url = "https://img.example/slow.jpg"
    started = time.monotonic()
    summary, images = run([url], tmp_path, replace(config, proxy=None, retries=1))
    assert time.monotonic() - started < 2.5  # two attempts of 0.5 s, not the server's 3 s
    assert summary.failed == {"timeout": 1}
    assert images[url]["reason"] == "timeout"
    assert server.hits["img.example/slow.jpg"] == 2  # a timeout is transient: retried once


def test_a_dripping_body_hits_the_overall_deadline(server, config, tmp_path):
    # Each 1 KB chunk arrives well within the read timeout, but the whole takes ~4 s.
    server.routes["img.example/drip.jpg"] = Reply(body=JPEG + b"\0" * 20_000, drip=0.2)
    url = "https://img.example/drip.jpg"
    started = time.monotonic()
    summary, _ = run([url], tmp_path, replace(config, proxy=None, retries=0, deadline=1.0))
    assert summary.failed == {"timeout": 1}
    assert time.monotonic() - started < 2.5


def test_redirects_are_followed_and_bounded(server, config, tmp_path):
    server.routes.update(
        {
            "img.example/moved.jpg": Reply(301, headers={"Location": "/cdn.example/real.jpg"}),
            "cdn.example/real.jpg": Reply(body=JPEG),
            "img.example/loop-a.jpg": Reply(302, headers={"Location": "/img.example/loop-b.jpg"}),
            "img.example/loop-b.jpg": Reply(302, headers={"Location": "/img.example/loop-a.jpg"}),
            **{
                f"img.example/chain-{i}.jpg": Reply(
                    302, headers={"Location": f"/img.example/chain-{i + 1}.jpg"}
                )
                for i in range(10)
            },
            "img.example/to-file.jpg": Reply(302, headers={"Location": "file:///etc/passwd"}),
        }
    )
    urls = [
        "https://img.example/moved.jpg",
        "https://img.example/loop-a.jpg",
        "https://img.example/chain-0.jpg",
        "https://img.example/to-file.jpg",
    ]
    summary, images = run(urls, tmp_path, replace(config, proxy=None))
    assert summary.fetched == 1
    assert (tmp_path / images[urls[0]]["file"]).read_bytes() == JPEG
    assert images[urls[1]]["reason"] == "redirect-loop"
    assert images[urls[2]]["reason"] == "too-many-redirects"
    assert server.hits["img.example/chain-5.jpg"] == 1
    assert server.hits["img.example/chain-6.jpg"] == 0  # 5 redirects followed, no more
    assert images[urls[3]]["reason"] == "bad-redirect"


def test_oversized_images_are_refused(server, config, tmp_path):
    big = make_image(7, "PNG", (600, 600)) + b"\0" * CAP  # valid image start, too many bytes
    server.routes.update(
        {
            "img.example/big.png": Reply(body=big, content_type="image/png"),
            # No Content-Length: the cap is enforced while reading.
            "img.example/stream.png": Reply(body=big, content_type="image/png", length=False),
        }
    )
    urls = ["https://img.example/big.png", "https://img.example/stream.png"]
    summary, images = run(urls, tmp_path, replace(config, proxy=None))
    assert summary.failed == {"too-large": 2}
    assert "limit 65536" in images[urls[0]]["error"]  # refused on Content-Length, unread
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST]


def test_html_served_as_jpeg_is_not_an_image(server, config, tmp_path):
    server.routes["img.example/fake.jpg"] = Reply(body=HTML, content_type="image/jpeg")
    summary, images = run(["https://img.example/fake.jpg"], tmp_path, replace(config, proxy=None))
    assert summary.failed == {"not-an-image": 1}
    assert "image/jpeg" in images["https://img.example/fake.jpg"]["error"]
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST]


def test_svg_with_script_is_refused(server, config, tmp_path):
    server.routes.update(
        {
            "img.example/evil.svg": Reply(body=SVG, content_type="image/svg+xml"),
            "img.example/evil.png": Reply(body=SVG, content_type="image/png"),  # lies
        }
    )
    urls = ["https://img.example/evil.svg", "https://img.example/evil.png"]
    summary, images = run(urls, tmp_path, replace(config, proxy=None))
    assert summary.failed == {"svg-refused": 2}
    assert all("SVG refused" in images[url]["error"] for url in urls)
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST]


def test_same_image_under_two_urls_is_stored_once(server, config, tmp_path):
    server.routes["img.example/one.jpg"] = Reply(body=JPEG)
    server.routes["mirror.example/two.jpg"] = Reply(body=JPEG)
    server.routes["ichef.bbci.co.uk/p.jpg"] = Reply(body=PNG, content_type="image/png")
    urls = [
        "https://img.example/one.jpg",
        "https://mirror.example/two.jpg",
        # The original and its proxy form are one image: fetched once.
        "https://ichef.bbci.co.uk/p.jpg",
        "https://images.weserv.nl/?url=ichef.bbci.co.uk/p.jpg",
    ]
    summary, images = run(urls, tmp_path, config)
    assert (summary.fetched, summary.files_written) == (4, 2)
    assert images[urls[0]]["file"] == images[urls[1]]["file"] == f"{sha(JPEG)}.jpg"
    assert images[urls[2]]["file"] == images[urls[3]]["file"] == f"{sha(PNG)}.png"
    assert server.hits["ichef.bbci.co.uk/p.jpg"] == 1
    assert len(list(tmp_path.glob("*.jpg"))) == len(list(tmp_path.glob("*.png"))) == 1


def test_second_run_fetches_only_what_is_missing_or_failed(server, config, tmp_path):
    server.routes["img.example/ok.jpg"] = Reply(body=JPEG)
    server.routes["img.example/later.png"] = [
        Reply(404, b"", "text/plain"),
        Reply(body=PNG, content_type="image/png"),
    ]
    urls = ["https://img.example/ok.jpg", "https://img.example/later.png"]
    config = replace(config, proxy=None)
    first, _ = run(urls, tmp_path, config)
    assert (first.fetched, first.failed) == (1, {"http-404": 1})
    # A file deleted by hand is fetched again too.
    server.routes["img.example/new.gif"] = Reply(body=GIF, content_type="image/gif")
    second, images = run([*urls, "https://img.example/new.gif"], tmp_path, config)
    assert (second.already, second.fetched, second.failed) == (1, 2, {})
    assert server.hits == {
        "img.example/ok.jpg": 1,
        "img.example/later.png": 2,
        "img.example/new.gif": 1,
    }
    (tmp_path / images[urls[0]]["file"]).unlink()
    third, _ = run(urls, tmp_path, config)
    assert (third.already, third.fetched) == (1, 1)
    assert server.hits["img.example/ok.jpg"] == 2


def test_manifest_replays_the_journal_and_ignores_a_torn_line(tmp_path):
    manifest = Manifest(tmp_path, save_every=3600)
    manifest.record("https://a.example/1.jpg", {"file": "x.jpg", "size": 1})
    manifest.record("https://a.example/2.jpg", {"error": "HTTP 404", "reason": "http-404"})
    manifest._journal.write('{"url": "https://a.example/3.jpg", "ent')  # killed mid-write
    manifest._journal.flush()
    assert not (tmp_path / MANIFEST).exists()
    loaded = Manifest.load(tmp_path)
    assert set(loaded.entries) == {"https://a.example/1.jpg", "https://a.example/2.jpg"}
    loaded.close()
    assert not (tmp_path / JOURNAL).exists()
    assert set(json.loads((tmp_path / MANIFEST).read_text())["images"]) == set(loaded.entries)


def test_identify_checks_bytes():
    assert identify(JPEG, "text/html") == ("jpg", "image/jpeg")
    for data, reason in [
        (HTML, "not-an-image"),
        (JPEG[:20], "not-an-image"),
        (b"", "not-an-image"),
        (SVG, "svg-refused"),
        (b"\xef\xbb\xbf  <svg onload='alert(1)'/>", "svg-refused"),
        (make_image(5, "BMP"), "not-an-image"),  # a real image, but not one for the web
    ]:
        with pytest.raises(Exception) as caught:
            identify(data)
        assert caught.value.reason == reason


def test_proxy_urls():
    weserv = "https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/cpsprodpb/x.jpg"
    assert unproxy(weserv) == "https://ichef.bbci.co.uk/news/640/cpsprodpb/x.jpg"
    assert unproxy("https://images.weserv.nl?url=static01.nyt.com/a.jpg") == (
        "https://static01.nyt.com/a.jpg"
    )
    assert unproxy("https://images.weserv.nl/?url=ssl:s.rfi.fr/a.jpg&w=640") == (
        "https://s.rfi.fr/a.jpg"
    )
    assert unproxy("https://images.weserv.nl/?url=http%3A%2F%2Fold.example%2Fa.jpg") == (
        "http://old.example/a.jpg"
    )
    assert unproxy("https://s.rfi.fr/?url=x.example/a.jpg") is None
    assert unproxy("https://images.weserv.nl/docs/") is None
    assert candidates(weserv) == [unproxy(weserv), weserv]
    assert candidates("https://s.rfi.fr/a.jpg") == [
        "https://s.rfi.fr/a.jpg",
        "https://images.weserv.nl/?url=s.rfi.fr/a.jpg",
    ]
    assert candidates("https://s.rfi.fr/a.jpg", proxy=None) == ["https://s.rfi.fr/a.jpg"]


def test_half_written_files_of_a_killed_run_are_removed(server, config, tmp_path):
    stale, fresh = tmp_path / ".a.jpg.0badc0ffee00.tmp", tmp_path / ".b.jpg.c0ffee0badc0.tmp"
    stale.write_bytes(b"half an image")
    fresh.write_bytes(b"another run, writing now")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    server.routes["img.example/a.jpg"] = Reply(body=JPEG)
    run(["https://img.example/a.jpg"], tmp_path, config)
    assert not stale.exists() and fresh.exists()
