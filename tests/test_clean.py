"""Unit tests of the clean-up steps in newsarchive.convert.clean, each on a tiny HTML snippet."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from newsarchive.convert import clean
from newsarchive.convert.clean import Context
from newsarchive.convert.urls import repair_url

BASE = "https://www.bbc.com/zhongwen/simp/world-1"


def run(html: str, *steps: clean.Step, base: str = BASE) -> tuple[BeautifulSoup, Context]:
    soup = BeautifulSoup(html, "html.parser")
    ctx = Context(base_url=base)
    for step in steps:
        step(soup, ctx)
    return soup, ctx


def html_of(html: str, *steps: clean.Step, base: str = BASE) -> str:
    return str(run(html, *steps, base=base)[0])


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("http://https://x.com/a", None, "https://x.com/a"),
        ("http://http://x.com/a", None, "http://x.com/a"),
        ("http:////x.com/a", None, "http://x.com/a"),
        ("https://x.com//cn//a///b", None, "https://x.com/cn/a/b"),
        ("http://www.rfi.fr//cn/contenu/x", None, "http://www.rfi.fr/cn/contenu/x"),
        ("//ichef.bbci.co.uk/p.jpg", None, "https://ichef.bbci.co.uk/p.jpg"),
        ("/zhongwen/simp/world-2", BASE, "https://www.bbc.com/zhongwen/simp/world-2"),
        ("b.html", "https://x.com/a/index.html", "https://x.com/a/b.html"),
        ("https://x.com/a?u=http://y//z#f//g", None, "https://x.com/a?u=http://y//z#f//g"),
        ("https://x.com/%E4%B8%AD//%e6", None, "https://x.com/%E4%B8%AD/%e6"),
        ("HTTPS://X.COM/A", None, "https://x.com/A"),
        ("mailto:a@b.c", BASE, "mailto:a@b.c"),
    ],
)
def test_repair_url(url: str, base: str | None, expected: str) -> None:
    assert repair_url(url, base) == expected


def test_repair_url_keeps_weserv_proxy_query() -> None:
    url = "https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/a.jpg"
    assert repair_url(url) == url


def test_drop_scripts_styles_forms() -> None:
    out = html_of(
        "<p>a</p><script>x()</script><style>p{}</style><form><input></form><noscript>n</noscript>",
        clean.drop_scripts_styles_forms,
    )
    assert out == "<p>a</p>"


def test_iframe_player_becomes_link_and_embeds_go() -> None:
    out = html_of(
        '<iframe title="T" src="https://www.youtube.com/embed/ZEIZxHt9jyw?feature=oembed"></iframe>'
        '<iframe class="wp-embedded-content" src="https://x.com/embed/"></iframe><iframe></iframe>',
        clean.iframes_to_links,
    )
    assert out == '<p><a href="https://www.youtube.com/watch?v=ZEIZxHt9jyw">视频：T</a></p>'


def test_iframe_facebook_plugin_links_to_video() -> None:
    src = (
        "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fv%2F1%2F"
    )
    out = html_of(f'<iframe src="{src}"></iframe>', clean.iframes_to_links)
    assert 'href="https://www.facebook.com/v/1/"' in out


def test_drop_ads() -> None:
    out = html_of(
        '<p>a</p><section aria-label="广告 2" aria-hidden="true" data-e2e="advertisement">'
        '<div id="dotcom-mpu"></div></section><p>b</p>',
        clean.drop_ads,
    )
    assert out == "<p>a</p><p>b</p>"


def test_drop_promos() -> None:
    out = html_of(
        "<div><p>a</p><div data-selfpromo-newsletter></div><div data-selfpromo-app></div></div>",
        clean.drop_promos,
    )
    assert out == "<div><p>a</p></div>"


def test_drop_hidden() -> None:
    out = html_of(
        '<p role="text"><span class="VisuallyHiddenText-sc-1 x">图像来源，</span>'
        '<span>Getty</span></p><div aria-hidden="true">x</div><p style="display:none">y</p>',
        clean.drop_hidden,
    )
    assert out == '<p role="text"><span>Getty</span></p>'


def test_lazyload_placeholder_and_data_src() -> None:
    out = html_of(
        '<div class="lazyload-wrapper"><div class="lazyload-placeholder"></div></div>'
        '<img src="data:image/gif;base64,R0l" data-src="//x.com/a.jpg">',
        clean.drop_lazyload_placeholders,
    )
    assert out == '<img data-src="//x.com/a.jpg" src="https://x.com/a.jpg"/>'


def test_best_src_falls_back_to_largest_srcset() -> None:
    soup = BeautifulSoup('<img srcset="/a.jpg 240w, /b.jpg 800w, /c.jpg 480w">', "html.parser")
    assert clean.best_src(soup.img, "https://x.com/p") == "https://x.com/b.jpg"


def test_drop_presentational_images() -> None:
    out = html_of(
        '<img alt="Presentational grey line" src="https://x.com/grey_line.png">'
        '<img alt="line" src="https://x.com/line976-nc.png"><img src="">'
        '<div id="zoomattribute"><a><img src="/rfa_resources/graphics/icon-zoom.png"></a></div>'
        '<img alt="普京" src="https://x.com/p.jpg">',
        clean.drop_presentational_images,
    )
    assert out == '<img alt="普京" src="https://x.com/p.jpg"/>'


def test_drop_share_widgets() -> None:
    out = html_of(
        '<p>a</p><div class="addtoany_share_save_container"><div class="a2a_kit">'
        '<a class="a2a_button_facebook" href="https://www.addtoany.com/add_to/facebook"></a>'
        "</div></div>",
        clean.drop_share_widgets,
    )
    assert out == "<p>a</p>"


def test_drop_feed_footer() -> None:
    out = html_of(
        '<p>a</p><br><hr><div>获取更多RSS：<br><a href="https://feedx.net">https://feedx.net</a></div>',
        clean.drop_feed_footer,
    )
    assert out == "<p>a</p>"


def test_drop_dateline_and_byline_removes_marked_wrappers() -> None:
    soup = BeautifulSoup(
        "<div><i>A<br>2020-10-12 09:59:17</i></div><p>text</p><div><div><span>作者：</span>"
        "<a>夏榕</a></div></div>",
        "html.parser",
    )
    ctx = Context(base_url=BASE, dateline=[soup.i], byline=[soup.find_all("div")[-1]])
    clean.drop_dateline_and_byline(soup, ctx)
    assert str(soup) == "<p>text</p>"


def test_bad_links_keep_text_and_links_are_repaired() -> None:
    out = html_of(
        '<a href="javascript:void(0)">x</a><a href="data:text/html,1">y</a>'
        '<a href="http://https://a.com//b">z</a><a href="/c">w</a><a href="#n">n</a>',
        clean.drop_bad_links,
        clean.repair_links,
    )
    assert out == (
        'xy<a href="https://a.com/b">z</a><a href="https://www.bbc.com/c">w</a><a href="#n">n</a>'
    )


def test_unwrap_image_links() -> None:
    out = html_of(
        '<a href="https://x.com/p/"><img src="https://x.com/a.jpg"></a>', clean.unwrap_image_links
    )
    assert out == '<img src="https://x.com/a.jpg"/>'


def test_collect_figures_bbc_caption_and_credit() -> None:
    html = (
        '<main><div><div><div><img alt="手机" src="https://x.com/a.jpg"/>'
        '<p role="text"><span class="VisuallyHiddenText">图像来源，</span><span>Getty Images</span>'
        "</p></div><div><p>研究结果凸显勤洗手</p></div></div></div><div><p>正文</p></div></main>"
    )
    out = html_of(html, clean.collect_figures)
    assert out == (
        '<main><figure><img alt="手机" src="https://x.com/a.jpg"/>'
        "<figcaption>研究结果凸显勤洗手 图像来源：Getty Images</figcaption></figure>"
        "<div><p>正文</p></div></main>"
    )


def test_collect_figures_new_bbc_caption_paragraph() -> None:
    html = (
        '<main><div><div><img src="https://x.com/a.jpg"/><p role="text"><span>图像来源，</span>'
        "<span>Getty Images</span></p></div>"
        '<span data-testid="caption-paragraph">普京和金正日</span></div><p>正文</p></main>'
    )
    out = html_of(html, clean.collect_figures)
    assert "<figcaption>普京和金正日 图像来源：Getty Images</figcaption>" in out
    assert out.count("普京和金正日") == 2  # the caption, and the alt text it gave the image
    assert '<img alt="普京和金正日"' in out


def test_collect_figures_small_caption_after_image() -> None:
    out = html_of(
        '<img src="https://x.com/a.jpg" width="100%"><div><small style="color: #999;">说明</small>'
        "</div><p>正文</p>",
        clean.collect_figures,
    )
    assert out == (
        '<figure><img alt="说明" src="https://x.com/a.jpg" width="100%"/><figcaption>说明</figcaption>'
        "</figure><p>正文</p>"
    )


def test_collect_figures_rfa_caption_and_copyright() -> None:
    out = html_of(
        '<p><div class="image-inline captioned"><div><img alt="甲" src="https://x.com/a.jpg"/></div>'
        '<div class="image-caption"><span>甲</span><span class="copyright">Photo: RFA</span></div>'
        "</div></p>",
        clean.collect_figures,
    )
    assert "<figcaption>甲 图像来源：RFA</figcaption>" in out


def test_collect_figures_keeps_gallery_text_as_text() -> None:
    out = html_of(
        '<div><img src="https://x.com/a.jpg"><b>标题</b>：说明文字</div>', clean.collect_figures
    )
    assert (
        out == '<div><figure><img src="https://x.com/a.jpg"/></figure><b>标题</b>：说明文字</div>'
    )


def test_collect_figures_hoists_out_of_bold() -> None:
    out = html_of(
        '<p><b><div class="image-inline"><img src="https://x.com/a.jpg"/></div>小标题</b></p>',
        clean.collect_figures,
    )
    assert out.startswith('<p><figure><img src="https://x.com/a.jpg"/></figure><b>')


def test_drop_duplicate_captions() -> None:
    out = html_of(
        "<div><figure><img/><figcaption>同一句话。 图像来源：Getty</figcaption></figure></div>"
        "<div><p>同一句话。</p></div><p>下一段</p>",
        clean.drop_duplicate_captions,
    )
    assert out == (
        "<div><figure><img/><figcaption>同一句话。 图像来源：Getty</figcaption></figure></div>"
        "<p>下一段</p>"
    )


def test_take_related_lists_bbc() -> None:
    soup, ctx = run(
        '<p>a</p><div><ul role="list"><li><a href="https://www.bbc.com/zhongwen/simp/world-2">甲</a>'
        '</li><li><a href="https://www.bbc.com/ukchina/simp/3">乙</a></li></ul></div><p>b</p>',
        clean.take_related_lists,
    )
    assert str(soup) == "<p>a</p><div></div><p>b</p>"
    assert ctx.related == [
        ("甲", "https://www.bbc.com/zhongwen/simp/world-2"),
        ("乙", "https://www.bbc.com/ukchina/simp/3"),
    ]


def test_take_related_lists_rfa_bold_links() -> None:
    _soup, ctx = run(
        '<ul><li><b><a class="external-link" href="http://www.rfa.org/mandarin/a.html">甲</a></b>'
        "</li></ul>",
        clean.take_related_lists,
        base="https://www.rfa.org/mandarin/b.html",
    )
    assert ctx.related == [("甲", "http://www.rfa.org/mandarin/a.html")]


@pytest.mark.parametrize(
    "html",
    [
        '<ul><li><a href="https://other.com/a">外站</a></li></ul>',
        '<ul><li><a href="https://www.bbc.com/a">甲</a>和一些说明</li></ul>',
        "<ul><li>Juna Moon</li><li>BBC韩语</li></ul>",
        '<ul><li><a href="https://www.bbc.com/a">甲</a><a href="https://www.bbc.com/b">乙</a></li></ul>',
        f'<ul><li><a href="{BASE}">本文</a></li></ul>',
    ],
)
def test_take_related_lists_is_conservative(html: str) -> None:
    soup, ctx = run(html, clean.take_related_lists)
    assert ctx.related == []
    assert soup.ul is not None


def test_drop_empty_elements() -> None:
    out = html_of(
        '<div><p> </p><p>\u3000</p><a href="/a/1.html"></a><span><b></b></span>'
        '<p><img src="https://x.com/a.jpg"></p><p>字</p></div>',
        clean.drop_empty_elements,
    )
    assert out == '<div><p><img src="https://x.com/a.jpg"/></p><p>字</p></div>'


def test_merge_adjacent_formatting() -> None:
    out = html_of(
        "<p><b>新研究结果至少</b><b>凸显重要性</b></p><p><i>在Twitter(</i><a href='u'><i>@x</i></a>"
        "<i>)</i></p>",
        clean.merge_adjacent_formatting,
    )
    assert (
        out == '<p><b>新研究结果至少凸显重要性</b></p><p><i>在Twitter(<a href="u">@x</a>)</i></p>'
    )


def test_drop_orphan_headings() -> None:
    out = html_of(
        "<h2>正文标题</h2><p>x</p><div><h2>本周其他重要故事：</h2></div><div></div>",
        clean.drop_orphan_headings,
    )
    assert out == "<h2>正文标题</h2><p>x</p><div></div><div></div>"


def test_steps_are_named_and_ordered() -> None:
    names = [name for name, _ in clean.STEPS]
    assert len(names) == len(set(names))
    assert names.index("drop_dateline_and_byline") < names.index("drop_empty_elements")
    assert names.index("collect_figures") < names.index("drop_hidden")
    assert names.index("take_related_lists") < names.index("drop_orphan_headings")
    assert all(callable(step) for _, step in clean.STEPS)


# The head of a real BBC article (tests/golden/bbc/1047443.html) with the "last updated" line BBC
# adds after the date when a story changes: relative, so it meant nothing once archived.
BBC_HEAD = (
    '<main role="main"><div class="GridItemConstrainedMedium-sc-12lwanc-2 fVauYi '
    'StyledTimestamp-uounnc-1 ebSCEt"><time dateTime="2020-10-12" class="StyledTimestamp-um718p-0 '
    'iENDai">2020年10月12日</time><time dateTime="2020-10-12T21:44:00.000Z" '
    'class="StyledTimestamp-um718p-0 iENDai">最近更新： 2 分钟前</time></div>'
    "<p>澳大利亚的一项新研究发现，新冠病毒在钞票、手机屏幕和不锈钢等光滑表面上可以存活28天。</p></main>"
)


def test_a_relative_update_time_is_dropped() -> None:
    from newsarchive.convert.pipeline import convert_text

    text = f"<!--1602539203000-->\n[标题](http://www.bbc.com/zhongwen/simp/science-54509082)\n------\n\n{BBC_HEAD}"
    article = convert_text(text)
    assert "最近更新" not in article.markdown and "分钟前" not in article.markdown
    assert article.markdown.startswith("澳大利亚的一项新研究")
    assert str(article.metadata["published"]) == "2020-10-12"


@pytest.mark.parametrize(
    "line",
    ["最近更新： 2 分钟前", "19 分钟前", "最后更新：3小时前", "Updated 5 minutes ago", "刚刚"],
)
def test_relative_times(line: str) -> None:
    assert html_of(f"<div><span>{line}</span><p>正文</p></div>", clean.drop_relative_times) == (
        "<div><p>正文</p></div>"
    )


def test_a_sentence_that_ends_in_a_relative_time_stays() -> None:
    html = "<p>他说记者会在 20 分钟前结束了，没有人提问。</p>"
    assert html_of(html, clean.drop_relative_times) == html


# Real VOA markup (tests/golden/voa/1045787.html): the caption under the video is the headline
# with one word left out.
VOA_VIDEO = (
    '<video poster="https://images.weserv.nl?url=gdb.voanews.com/e2.jpg" '
    'src="https://av.voanews.com/Videoroot/x_240p.mp4" style="width:100%" controls></video>'
    '<div><small style="color: #999;">世界粮食计划署：获诺贝尔奖令全体员工振奋</small></div>'
    "<p>隶属于联合国的世界粮食计划署获2020年诺贝尔和平奖。</p>"
)


def test_a_video_caption_that_repeats_the_title_is_dropped() -> None:
    soup = BeautifulSoup(VOA_VIDEO, "html.parser")
    ctx = Context(
        base_url="https://www.voachinese.com/a/x/1.html",
        title="世界粮食计划署：获诺贝尔和平奖令全体员工振奋",
    )
    clean.collect_figures(soup, ctx)
    assert "振奋" not in str(soup.figure) and soup.find("small") is None
    other = BeautifulSoup(VOA_VIDEO, "html.parser")
    clean.collect_figures(other, Context(base_url=ctx.base_url, title="另一篇文章的标题"))
    assert "振奋" in other.figure.figcaption.get_text()


def test_repeats_title() -> None:
    assert clean.repeats_title(
        "白宫要义: 特朗普疫后首次到外州选举造势", "白宫要义：特朗普疫后首次到外州选举造势"
    )
    assert not clean.repeats_title("特朗普在佛罗里达州", "白宫要义: 特朗普疫后首次到外州选举造势")
    assert not clean.repeats_title("", "标题")
