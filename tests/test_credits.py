"""Image credits stay under their image on the page but are not the article's words: the tags and
the search text read the article without them (a real BBC excerpt)."""

from __future__ import annotations

from newsarchive.convert.credits import without_credits
from newsarchive.convert.pipeline import convert_text
from newsarchive.search.text import html_to_text
from newsarchive.tags.records import record_from_article

# content/articles/bbc/1047443.md: its first image (credit, then caption) and the first paragraphs.
BBC_EXCERPT = (
    "<!--1602539203000-->\n"
    "[肺炎疫情：解答澳洲“新冠病毒存活28天”的五个问题](http://www.bbc.com/zhongwen/simp/science-54509082)\n"
    "------\n\n"
    '<main role="main"><div class="GridItemConstrainedLargeNoMargin-sc-12lwanc-5 tOkbK">'
    '<div class="Figure-sc-6a3dhy-0 gJUCFc"><div class="NestedGridParentLarge-sc-12lwanc-10 hfLVVX">'
    '<div class="NestedGridItemChildLarge-sc-12lwanc-9 fkKpIa">'
    '<div class="ImagePlaceholder-sc-11u25v2-0 _StyledImagePlaceholder-gu1fm2-0 kvTWeV">'
    '<img alt="手机" src="https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/cpsprodpb/15544/'
    'production/_114846378_wipephone.jpg" width="976" class="StyledImg-sc-7vx2mr-0 dQLeqZ"/>'
    '<p role="text" class="Copyright-sc-11lgtw-0 hDvIfz">'
    '<span class="VisuallyHiddenText-sc-1yjwwa5-0 ldFJPH">图像来源，</span>'
    '<span lang="en-GB">Getty Images</span></p></div></div>'
    '<div class="NestedGridItemChildLarge-sc-12lwanc-9 ichKJL">'
    "<p>研究结果凸显勤洗手、清洁手机屏幕的重要性</p></div></div></div></div>"
    '<div class="GridItemConstrainedMedium-sc-12lwanc-2 fVauYi"><p class="Paragraph-k859h4-0 bWtIRA">'
    "<b>疫情爆发以来，我们对身边东西的恐惧也在增加。</b></p></div>"
    '<div class="GridItemConstrainedMedium-sc-12lwanc-2 fVauYi"><p class="Paragraph-k859h4-0 bWtIRA">'
    "日前，澳大利亚研究人员说，在钞票、手机屏幕、不锈钢等光滑表面，新冠病毒的传染性可能保持长达28天。"
    "</p></div></main>"
)
CAPTION = "研究结果凸显勤洗手、清洁手机屏幕的重要性"


def test_the_credit_stays_under_its_image_on_the_page() -> None:
    article = convert_text(BBC_EXCERPT)
    assert f"*{CAPTION} 图像来源：Getty Images*" in article.markdown
    assert "Getty Images" in article.html


def test_the_tags_read_the_caption_without_the_credit() -> None:
    text = record_from_article(convert_text(BBC_EXCERPT)).text
    assert CAPTION in text and "澳大利亚研究人员" in text
    assert "Getty" not in text and "图像来源" not in text


def test_the_search_text_has_the_caption_without_the_credit() -> None:
    text = html_to_text(convert_text(BBC_EXCERPT).html)
    assert text.splitlines() == [
        CAPTION,
        "疫情爆发以来，我们对身边东西的恐惧也在增加。",
        "日前，澳大利亚研究人员说，在钞票、手机屏幕、不锈钢等光滑表面，新冠病毒的传染性可能保持长达28天。",
    ]


def test_a_caption_that_is_only_a_credit_leaves_nothing() -> None:
    assert without_credits("正文\n图像来源：Reuters\n下一段") == "正文\n\n下一段"
    assert without_credits("没有图片的正文") == "没有图片的正文"
