"""Article pages are copied from the page cache when nothing they show changed (real Pelican
builds of one publisher's sample articles); a rebuild gives exactly a cold build's site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from browser_support import build_site
from test_build_truth import same_tree, small_content


def placed(result) -> tuple[int, int, int]:
    """(rendered, copied, left in place) from the build's article pages line."""
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    found = re.search(
        r"article pages: (\d+) rendered, (\d+) unchanged ones copied from the cache, "
        r"(\d+) left in place",
        log,
    )
    assert found, log
    return int(found[1]), int(found[2]), int(found[3])


def pages_line(result) -> tuple[int, int]:
    """(rendered, copied) from the build's article pages line (none left in place)."""
    rendered, copied, left = placed(result)
    assert left == 0
    return rendered, copied


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


def times(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.html")}


def test_a_rebuild_leaves_the_unchanged_pages_where_they_are(tmp_path):
    content = small_content(tmp_path / "content")
    cache, out = tmp_path / "cache", tmp_path / "out"
    rendered, _, _ = placed(build_site(content, out, cache=cache))
    before = times(out / "articles")
    assert rendered == len(before)

    add_capture(content, 1_700_000_000_000)
    rendered, copied, left = placed(build_site(content, out, cache=cache))
    assert 2 <= rendered <= 6 and copied == 0 and rendered + left == len(before) + 1
    after = times(out / "articles")
    assert sum(after[name] == mtime for name, mtime in before.items()) == left  # not touched
    placed(build_site(content, tmp_path / "cold", cache=tmp_path / "fresh"))  # a cold build
    assert same_tree(tmp_path / "cold", out) == []

    # A page changed or deleted by hand is copied back; a stray file goes with the last output.
    edited, deleted = sorted(after)[:2]
    (out / "articles" / edited).write_text("changed by hand", "utf-8")
    (out / "articles" / deleted).unlink()
    (out / "articles" / "stray.html").write_text("not this build's", "utf-8")
    assert placed(build_site(content, out, cache=cache)) == (0, 2, len(after) - 2)
    assert same_tree(tmp_path / "cold", out) == []

    # A removed article's page goes; its neighbours are rendered anew.
    sorted((content / "articles" / "rfi").glob("*.md"))[0].unlink()
    rendered, copied, left = placed(build_site(content, out, cache=cache))
    assert 1 <= rendered <= 4 and copied == 0 and rendered + left == len(after) - 1
    placed(build_site(content, tmp_path / "cold2", cache=tmp_path / "fresh2"))  # a cold build
    assert same_tree(tmp_path / "cold2", out) == []


def test_a_damaged_record_of_the_pages_in_place_has_them_copied(tmp_path):
    content = small_content(tmp_path / "content")
    cache, out = tmp_path / "cache", tmp_path / "out"
    rendered, _, _ = placed(build_site(content, out, cache=cache))
    record = cache / "newsarchive-pages" / "in-place.json"
    record.write_bytes(record.read_bytes()[:-10])
    result = build_site(content, out, cache=cache)
    assert placed(result) == (0, rendered, 0)
    assert f"damaged cache entry {record} (truncated" in result.stderr
    assert placed(build_site(content, out, cache=cache)) == (0, 0, rendered)  # healed
    placed(build_site(content, tmp_path / "cold", cache=tmp_path / "fresh"))  # a cold build
    assert same_tree(tmp_path / "cold", out) == []


# --- the writer and the keys, without a whole build ---------------------------------------------


def static_link_build(root: Path, n: int, cache) -> tuple[int, int]:
    """Write three articles whose content links ``{static}`` into ``out<n>`` (relative URLs, the
    project's setting); (rendered, copied)."""
    from jinja2 import Template
    from newsarchive.page_cache import glue as page_cache
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    settings = {**DEFAULT_CONFIG, "RELATIVE_URLS": True, "SITEURL": "", "PATH": str(root)}
    context = {**settings, "localsiteurl": "", "generated_content": {}, "static_links": set()}
    context["static_content"] = {"images/x.jpg": SimpleNamespace(url="images/x.jpg")}
    page_cache.CachingWriter.cache = cache
    page_cache.CachingWriter.site = "site"
    writer = page_cache.CachingWriter(str(root / f"out{n}"), settings)
    for name in ("a1", "a2", "a3"):
        metadata = {"title": name, "archived_path": name, "save_as": f"articles/{name}.html"}
        article = Article('<img src="{static}/images/x.jpg">', metadata=metadata,
                          settings=settings, source_path=str(root / f"{name}.md"), context=context)  # fmt: skip
        writer.write_file(article.save_as, Template("{{ article.content }}"), context,
                          relative_urls=True, article=article)  # fmt: skip
    writer.finish_copies()
    return cache.rendered, cache.copied


def test_relative_links_are_keyed_as_they_are_rendered(tmp_path):
    from newsarchive.page_cache.store import PageCache

    first = PageCache(tmp_path / "cache")
    assert static_link_build(tmp_path, 1, first) == (3, 0)
    first.prune()
    again = PageCache(tmp_path / "cache")
    assert static_link_build(tmp_path, 2, again) == (0, 3)
    page = (tmp_path / "out2" / "articles" / "a2.html").read_text("utf-8")
    assert page == '<img src="../images/x.jpg">' == (tmp_path / "out1/articles/a2.html").read_text()


def test_site_keys_are_the_same_in_every_build_and_see_every_change(tmp_path):
    import re as regex

    from newsarchive.page_cache.keys import Opaque, site_key

    theme = tmp_path / "theme"
    (theme / "templates" / "partials").mkdir(parents=True)  # a subfolder is not a template
    (theme / "templates" / "article.html").write_text("{{ article.title }}", "utf-8")
    settings = {"THEME": str(theme), "JINJA_FILTERS": {"short": lambda s: [c for c in s][:3]}}
    key = site_key(settings)
    assert key == site_key({**settings, "OUTPUT_PATH": "elsewhere"})
    assert key != site_key({**settings, "JINJA_FILTERS": {"short": lambda s: s[:4]}})
    assert site_key({**settings, "X": regex.compile("a")}) != site_key(
        {**settings, "X": regex.compile("b")}
    )
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "article.html").write_text("{{ article.title }}!", "utf-8")
    assert key != site_key({**settings, "THEME_TEMPLATES_OVERRIDES": [str(overrides)]})
    with pytest.raises(Opaque, match=r"^X = <object object at 0x"):
        site_key({**settings, "X": object()})


def test_a_page_without_a_name_is_left_to_pelican(tmp_path):
    from newsarchive.page_cache.glue import CachingWriter
    from newsarchive.page_cache.store import PageCache

    CachingWriter.cache = PageCache(tmp_path / "cache")
    writer = CachingWriter(str(tmp_path / "out"), {})
    article = SimpleNamespace(metadata={"archived_path": "a.md"})
    assert writer.write_file("", None, {}, article=article) is None  # ARTICLE_SAVE_AS = ""
    assert not (tmp_path / "out").exists()


def test_the_copier_copies_what_it_can_and_names_the_rest(tmp_path, capfd):
    from newsarchive.page_cache.copier import Copier
    from newsarchive.page_cache.store import PageCache

    cache = PageCache(tmp_path / "cache")
    whole, damaged, missing = "a" * 64, "b" * 64, "c" * 64
    cache.put(whole, "<p>普京到访</p>\n")
    cache.put(damaged, "<p>会晤</p>\n")
    entry = cache.entries.path(damaged)
    entry.write_bytes(entry.read_bytes()[:-3])
    copier = Copier(tmp_path / "cache")
    for n, key in enumerate([whole, damaged, missing]):
        assert copier.copy(key, str(tmp_path / "out" / "articles" / f"{n}.html"))
    assert copier.finish() == [1, 2]
    assert (tmp_path / "out/articles/0.html").read_text("utf-8") == "<p>普京到访</p>\n"
    assert not (tmp_path / "out/articles/1.html").exists()
    err = capfd.readouterr().err
    assert f"damaged cache entry {entry} (truncated" in err and err.count("\n") == 1


def test_a_failed_copier_leaves_every_page_to_the_build(tmp_path, capfd):
    from newsarchive.page_cache.copier import Copier
    from newsarchive.page_cache.store import PageCache

    cache = PageCache(tmp_path / "cache")
    cache.put("a" * 64, "<p>一</p>\n")
    (tmp_path / "out").write_text("a file, not a folder", "utf-8")
    copier = Copier(tmp_path / "cache")
    assert copier.copy("a" * 64, str(tmp_path / "out" / "articles" / "0.html"))
    assert copier.finish() == [0]
    err = capfd.readouterr().err
    assert "newsarchive: warning: copying article pages from the cache failed (" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_the_content_keyed_is_the_content_rendered(tmp_path):
    """Without an intrasite link, the article's HTML is keyed as it is (no rewriting pass)."""
    from newsarchive.page_cache.keys import page_content
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    settings = {**DEFAULT_CONFIG, "SITEURL": "", "PATH": str(tmp_path)}
    context = {**settings, "localsiteurl": "", "generated_content": {}, "static_links": set()}
    context["static_content"] = {"images/x.jpg": SimpleNamespace(url="images/x.jpg")}
    for html in [
        "<p>普京到访朝鲜 | 要闻</p>",
        '<p><a href="https://www.rfi.fr/cn/">法广</a>，{不是链接}</p>',
        '<img src="{static}/images/x.jpg">',
        '<img src="|static|/images/x.jpg">',
        "<p>没有链接</p>",
    ]:
        article = Article(html, metadata={"title": "t"}, settings=settings,
                          source_path=str(tmp_path / "a.md"), context=context)  # fmt: skip
        assert page_content(article) == article.content
    assert page_content(article) is article._content  # the last one: no pass made
