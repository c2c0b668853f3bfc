"""rewrite_images on HTML as the real pipeline renders it."""

from __future__ import annotations

import pytest
from newsarchive.convert.pipeline import convert_text
from newsarchive.images.references import image_sources
from newsarchive.images.rewrite import rewrite_images

ARTICLE = """<!--1694605502000-->
[图片报道](https://www.rfi.fr/cn/a/20230913-photos)
------

<p>第一段。</p><img src="https://s.rfi.fr/media/a.jpg?w=640&amp;h=360" alt="甲 &quot;引号&quot;">
<p><em>图片说明</em></p><p>第二段。</p><img src="https://images.weserv.nl/?url=ichef.bbci.co.uk/b.jpg" alt="乙">
<p>第三段。</p><img src="/relative/c.jpg" alt="丙">
"""
A = "https://s.rfi.fr/media/a.jpg?w=640&h=360"
B = "https://images.weserv.nl/?url=ichef.bbci.co.uk/b.jpg"
C = "https://www.rfi.fr/relative/c.jpg"  # the pipeline resolves relative sources


@pytest.fixture(scope="module")
def html() -> str:
    return convert_text(ARTICLE).html


def test_sources_are_read_unescaped(html):
    sources = image_sources(html)
    assert sources == [A, B, C]


def test_default_uses_local_copies_where_there_are_some(html):
    result = rewrite_images(html, {A: "abc.jpg"}, None, "{static}/images/")
    assert image_sources(result.html) == ["{static}/images/abc.jpg", B, C]
    assert (result.local, result.remote, result.dropped, result.files) == (1, 2, 0, {"abc.jpg"})
    assert 'alt="甲 &quot;引号&quot;"' in result.html  # the rest of the tag is untouched
    assert (
        result.html.replace(
            "{static}/images/abc.jpg", "https://s.rfi.fr/media/a.jpg?w=640&amp;h=360"
        )
        == html
    )


def test_local_mode_leaves_out_images_without_a_copy(html):
    result = rewrite_images(html, {B: "b.png"}, "local", "../images/")
    assert [s for s in image_sources(result.html) if "://" in s] == []
    assert "../images/b.png" in image_sources(result.html)
    assert (result.local, result.dropped) == (1, 2)
    assert "图片说明" in result.html  # captions stay


def test_remote_mode_changes_nothing(html):
    result = rewrite_images(html, {A: "abc.jpg", B: "b.png"}, "remote", "../images/")
    assert result.html == html and result.remote == 3


def test_unknown_mode_is_refused(html):
    with pytest.raises(ValueError, match="ARCHIVE_IMAGES"):
        rewrite_images(html, {}, "offline")


def test_relative_and_non_http_sources_are_left_alone():
    html = '<p><img alt="x" src="../images/old.jpg"><img alt="y" src="data:,z"><img alt="z"></p>'
    result = rewrite_images(html, {"../images/old.jpg": "no.jpg"}, "local", "../images/")
    assert result.html == html
    assert (result.local, result.remote, result.dropped) == (0, 0, 0)
