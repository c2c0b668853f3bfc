"""Local image copies in a real Pelican build: fetched by the CLI from a local server, then built
with each ``ARCHIVE_IMAGES`` mode, and shown offline in Chromium."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import build_site, open_page
from bs4 import BeautifulSoup
from http_support import ALLOW_PRIVATE
from images_support import ImageServer, Reply, make_image
from newsarchive.cli import main
from newsarchive.images.references import image_sources, unproxy
from test_build import ROOT

ARTICLES = ["rfi/1042083.md", "bbc/1047452.md"]
# This one is gone from its host and from the proxy: it keeps its remote URL.
GONE = "ichef.bbci.co.uk/news/640/cpsprodpb/E987/production/_114838795_whatsubject.jpg"


def serve_any_image(key: str) -> Reply | None:
    """A distinct real JPEG for every path, except the one that is gone."""
    if key == GONE:
        return None
    return Reply(body=make_image(int(hashlib.sha256(key.encode()).hexdigest()[:6], 16)))


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Two real archived articles with their images fetched through the CLI."""
    content = tmp_path_factory.mktemp("images-content") / "content"
    for name in ARTICLES:
        target = content / "articles" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "content" / "articles" / name, target)
    with ImageServer() as server, pytest.MonkeyPatch.context() as patch:
        patch.setenv(ALLOW_PRIVATE, "1")
        server.default = serve_any_image
        argv = ["images", "fetch", str(content), "--images", str(content / "images")]
        assert main([*argv, "--route", server.url, "--no-progress", "--retries", "0"]) == 0
    yield content


def build(content: Path, tmp: Path, *settings: str) -> tuple[Path, str]:
    output = tmp / "output"
    # One conversion cache for the module's builds (the content is the same).
    result = build_site(content, output, *settings, cache=content.parent / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    return output, result.stdout + result.stderr


def page_images(output: Path, slug_start: str) -> list[str]:
    page = next((output / "articles").glob(f"{slug_start}-*.html"))
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    return [img["src"] for img in soup.find("article").find_all("img")]


def manifest(content: Path) -> dict[str, dict]:
    return json.loads((content / "images" / "manifest.json").read_text("utf-8"))["images"]


@pytest.fixture(scope="module")
def default_site(content: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build(content, tmp_path_factory.mktemp("images-default"))


def test_fetch_stored_every_image_but_the_gone_one(content):
    images = manifest(content)
    assert len(images) == 4
    gone = [u for u, e in images.items() if "error" in e]
    assert [unproxy(u) for u in gone] == [f"https://{GONE}"]
    assert images[gone[0]]["reason"] == "http-404"


def test_article_page_uses_the_local_copy(content, default_site):
    output, log = default_site
    images = manifest(content)
    for slug in ("rfi", "bbc"):
        srcs = page_images(output, slug)
        assert srcs
        for src in srcs:
            if src.startswith("https://"):
                assert unproxy(src) == f"https://{GONE}"  # no copy: stays remote
                continue
            assert src.startswith("../images/")  # relative: works offline and under a sub-path
            name = src.removeprefix("../images/")
            assert any(e.get("file") == name for e in images.values())
            copied = output / "images" / name
            assert copied.read_bytes() == (content / "images" / name).read_bytes()
    assert sum(src.startswith("../") for s in ("rfi", "bbc") for src in page_images(output, s)) == 3
    # Only the linked copies are published: not the manifest.
    published = sorted(p.name for p in (output / "images").iterdir())
    assert published == sorted(e["file"] for e in images.values() if "file" in e)
    assert "newsarchive images: 3 local (3 files), 1 remote, 0 left out" in log


def test_local_mode_leaves_out_images_without_a_copy(content, tmp_path):
    output, log = build(content, tmp_path, 'ARCHIVE_IMAGES="local"')
    srcs = page_images(output, "bbc")
    assert len(srcs) == 2
    assert all(src.startswith("../images/") for src in srcs)
    assert "left out 1 images that have no local copy" in log


def test_remote_mode_keeps_remote_urls(content, tmp_path):
    output, _ = build(content, tmp_path, 'ARCHIVE_IMAGES="remote"')
    original = (ROOT / "content" / "articles" / "bbc" / "1047452.md").read_text("utf-8")
    srcs = page_images(output, "bbc")
    assert len(srcs) == 3 and all(src.startswith("https://images.weserv.nl/") for src in srcs)
    assert all(src in image_sources(original) or src in original for src in srcs)
    assert not (output / "images").exists()


def test_a_bad_mode_fails_the_build(content, tmp_path):
    result = build_site(
        content, tmp_path / "output", 'ARCHIVE_IMAGES="everything"', cache=content.parent / "cache"
    )
    assert result.returncode != 0
    assert "ARCHIVE_IMAGES must be" in result.stdout + result.stderr


def test_offline_browser_shows_the_local_copies(default_site, chromium):
    output, _ = default_site
    page_path = next((output / "articles").glob("bbc-*.html"))
    blocked: list[str] = []
    page = open_page(chromium, page_path.as_uri(), blocked=blocked, images="broken")
    try:
        page.wait_for_function(
            """() => Array.from(document.querySelectorAll('article img[src^="../images/"]'))
                .every(img => (img.loading = 'eager') && img.complete && img.naturalWidth > 0)""",
            timeout=10_000,
        )
        local = page.eval_on_selector_all(
            'article img[src^="../images/"]', "imgs => imgs.map(img => img.naturalWidth)"
        )
    finally:
        page.context.close()
    assert local == [48, 48]  # the served 48x32 JPEGs, decoded from output/images/
    # Nothing but the image that has no copy is asked of another host.
    assert all(GONE in request for request in blocked), blocked


def test_published_feed_points_at_the_copy_absolutely(content, tmp_path):
    output = tmp_path / "output"
    result = build_site(
        content,
        output,
        config="publishconf.py",
        cache=content.parent / "cache",
        env={"SITEURL": "https://user.github.io/repo"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    feed = (output / "feeds" / "all.atom.xml").read_text("utf-8")
    copies = [e["file"] for e in manifest(content).values() if "file" in e]
    assert all(f"https://user.github.io/repo/images/{name}" in feed for name in copies)
    assert all(src.startswith("../images/") for src in page_images(output, "rfi"))
