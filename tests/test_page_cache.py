"""Article pages are copied from the page cache when nothing they show changed (real Pelican
builds of one publisher's sample articles); a rebuild gives exactly a cold build's site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from browser_support import build_site
from test_build_truth import same_tree, small_content


def pages_line(result) -> tuple[int, int]:
    """(rendered, copied) from the build's article pages line."""
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    found = re.search(r"article pages: (\d+) rendered, (\d+) unchanged ones copied", log)
    assert found, log
    return int(found[1]), int(found[2])


def add_capture(content: Path, epoch_ms: int) -> Path:
    """A new capture of the first sample article, archived at ``epoch_ms``."""
    first = sorted((content / "articles" / "rfi").iterdir())[0]
    text = first.read_text("utf-8").split("\n", 1)[1]
    new = first.with_name(f"zz-{epoch_ms}{first.suffix}")
    new.write_text(f"<!--{epoch_ms}-->\n{text}", "utf-8")
    return new


def test_adding_an_article_renders_it_and_its_neighbours_only(tmp_path):
    content = small_content(tmp_path / "content")
    cache = tmp_path / "cache"
    rendered, copied = pages_line(build_site(content, tmp_path / "one", cache=cache))
    articles = len(list((tmp_path / "one" / "articles").glob("*.html")))
    assert (rendered, copied) == (articles, 0)

    add_capture(content, 1_700_000_000_000)  # the newest: its older neighbour and captures change
    rendered, copied = pages_line(build_site(content, tmp_path / "two", cache=cache))
    assert 2 <= rendered <= 6 and rendered + copied == articles + 1
    cold = build_site(content, tmp_path / "cold", cache=tmp_path / "fresh")
    assert pages_line(cold) == (articles + 1, 0)
    assert same_tree(tmp_path / "cold", tmp_path / "two") == []

    # Nothing changed: every page is copied.
    assert pages_line(build_site(content, tmp_path / "three", cache=cache)) == (0, articles + 1)
    assert same_tree(tmp_path / "cold", tmp_path / "three") == []


def test_a_changed_tag_or_setting_renders_the_pages_it_shows_on(tmp_path):
    content = small_content(tmp_path / "content")
    cache = tmp_path / "cache"
    rendered, _ = pages_line(build_site(content, tmp_path / "one", cache=cache))

    # A correction gives one article a tag: that page (and only that page) is rendered.
    url = re.search(r"\]\((.*)\)", (content / "articles/rfi/1042083.md").read_text("utf-8"))[1]
    overrides = content / "overrides.yml"
    overrides.write_text(f'{overrides.read_text("utf-8")}\n"{url}":\n  add: [法国]\n', "utf-8")
    assert pages_line(build_site(content, tmp_path / "two", cache=cache)) == (1, rendered - 1)
    cold = build_site(content, tmp_path / "cold", cache=tmp_path / "fresh")
    assert pages_line(cold) == (rendered, 0)
    assert same_tree(tmp_path / "cold", tmp_path / "two") == []

    # A setting every page shows: all of them.
    renamed = build_site(content, tmp_path / "three", 'SITENAME="另一个存档"', cache=cache)
    assert pages_line(renamed) == (rendered, 0)


def test_a_damaged_page_is_rendered_again(tmp_path):
    content = small_content(tmp_path / "content")
    cache = tmp_path / "cache"
    pages_line(build_site(content, tmp_path / "one", cache=cache))
    entry = sorted((cache / "newsarchive-pages").glob("*/*"))[0]
    entry.write_bytes(entry.read_bytes()[:-10])
    result = build_site(content, tmp_path / "two", cache=cache)
    assert pages_line(result)[0] == 1
    assert f"damaged cache entry {entry} (truncated" in result.stderr
    assert same_tree(tmp_path / "one", tmp_path / "two") == []
    shutil.rmtree(tmp_path / "two")
