"""Unit tests for tagging: folding, curated rules, automatic keywords, overrides, assignment,
slugs and measures. Pure functions over (url, title, text) records; jieba and OpenCC are real."""

from __future__ import annotations

import pytest
from newsarchive.tags import TagRecord, assign_tags, measure
from newsarchive.tags.config import Options, TagConfig, parse_config
from newsarchive.tags.folding import display, fold, fold_key
from newsarchive.tags.keywords import extract, is_candidate
from newsarchive.tags.overrides import parse_overrides
from newsarchive.tags.records import plain_text
from newsarchive.tags.rules import make_rule, match_rules, merge_rules
from newsarchive.tags.slugs import unique_slugs
from newsarchive.tags.stopwords import STOPWORDS

# --- folding ---------------------------------------------------------------------------------


def test_traditional_and_simplified_fold_to_one_form():
    assert fold("臺灣") == fold("台湾") == "台湾"
    assert fold("普京會晤金正恩") == "普京会晤金正恩"
    assert fold_key("Ｇｏｏｇｌｅ") == fold_key("google")  # full-width and case


def test_tags_are_shown_in_the_sites_language():
    assert display("台湾", "zh-Hans") == "台湾"
    assert display("台湾", "zh-Hant") == "臺灣"
    assert display("国安法", "zh-TW") == "國安法"
    assert display("TikTok", "zh-Hant") == "TikTok"


def test_plain_text_keeps_words_not_markup():
    text = plain_text(
        "![图](https://x/a.jpg)\n\n*说明文字*\n\n**据[路透社](https://r.com)报道** https://a.b/c\n\n"
        "## 相关链接\n\n* [另一篇关于朝鲜的文章](https://x/y)\n"
    )
    assert "说明文字" in text and "据路透社报道" in text
    assert "http" not in text and "*" not in text and "a.jpg" not in text
    assert "朝鲜" not in text  # related links are not the article's own words


# --- curated rules ---------------------------------------------------------------------------


def test_rule_matches_in_title_or_often_enough_in_body():
    rules = [make_rule("朝鲜", ["北韩", "平壤"])]
    assert match_rules(rules, "平壤今日", "无关", body_min=2)["朝鲜"].in_title
    assert match_rules(rules, "标题", "北韩一次", body_min=2) == {}
    hit = match_rules(rules, "标题", "北韩……朝鲜", body_min=2)["朝鲜"]
    assert (hit.in_title, hit.count) == (False, 2)


def test_rule_aliases_match_traditional_text_after_folding():
    rule = make_rule("普京", ["普丁"])
    assert rule.aliases == ("普京", "普丁")
    assert match_rules([rule], fold("普丁訪問北韓"), "", body_min=2)


def test_a_tag_can_ask_for_more_body_mentions_and_exclude_longer_words():
    rule = make_rule("马里", {"aliases": [], "body_min": 3, "exclude": ["马里兰"]})
    assert rule.count("马里兰大学，马里兰州，马里") == 1
    assert not match_rules([rule], "", "马里、马里", body_min=2)
    assert match_rules([rule], "", "马里、马里、马里", body_min=2)
    assert not match_rules([rule], "马里兰大学", "", body_min=2)


def test_latin_aliases_match_whole_words_in_any_case():
    rule = make_rule("世卫", ["WHO"])
    assert rule.count("who said; WHO; the WHOLE story; WHOM") == 2
    assert make_rule("谷歌", ["Google"]).count("google、GOOGLE、Googlem") == 2


def test_rules_whose_names_fold_together_are_one_tag():
    merged = merge_rules([make_rule("臺灣", ["台海"]), make_rule("台湾", ["两岸"])])
    assert [r.name for r in merged] == ["台湾"]
    assert set(merged[0].aliases) == {"台湾", "台海", "两岸"}


def test_bad_configuration_is_reported():
    with pytest.raises(ValueError, match="unknown sections"):
        parse_config({"tag": {}})
    with pytest.raises(ValueError, match="unknown keys"):
        make_rule("x", {"alias": ["y"]})
    with pytest.raises(ValueError, match="aliases"):
        make_rule("x", {"aliases": {"y": 1}})


# --- automatic keywords ----------------------------------------------------------------------


def test_keywords_are_words_not_numbers_single_characters_or_generic_words():
    assert is_candidate("马丘比丘", STOPWORDS)
    assert is_candidate("TikTok", STOPWORDS)
    for word in ("2020", "5G", "中", "表示", "记者", "今天", "PO", "3720万"):
        assert not is_candidate(word, STOPWORDS), word


def test_keyword_idf_comes_from_the_archive_itself():
    documents = [
        ("秘鲁马丘比丘重新开放", "秘鲁政府说，马丘比丘遗迹迎来游客。秘鲁很高兴。"),
        ("秘鲁经济", "秘鲁经济下滑。秘鲁政府说经济困难。"),
        ("秘鲁选举", "秘鲁选举在即。秘鲁总统候选人。"),
    ]
    first = extract(documents, STOPWORDS)[0]
    words = [k.word for k in first]
    # 秘鲁 is in every document, 马丘比丘 only in this one: the specific word ranks first.
    assert words[0] == "马丘比丘"
    assert words.index("马丘比丘") < words.index("秘鲁")
    assert all(k.in_title or k.count >= 2 for k in first)
    assert extract(documents, STOPWORDS) == extract(documents, STOPWORDS)


def test_latin_keywords_ignore_case_and_keep_the_usual_spelling():
    documents = [("TikTok交易", "TikTok与甲骨文。tiktok用户。TikTok。"), ("其他", "无关内容。")]
    words = [k.word for k in extract(documents, STOPWORDS)[0]]
    assert "TikTok" in words and "tiktok" not in words


# --- overrides -------------------------------------------------------------------------------


def test_overrides_are_found_by_url_whatever_the_scheme_or_slash():
    overrides = parse_overrides(
        {"https://www.rfi.fr/cn/a/1/": {"add": ["北韓"], "remove": "经济", "title": " 正确标题 "}}
    )
    ((key, override),) = overrides.items()
    assert key == "rfi.fr/cn/a/1"
    assert override.add == ("北韩",) and override.remove == ("经济",)
    assert override.title == "正确标题"
    with pytest.raises(ValueError, match="only 'add', 'remove' and 'title'"):
        parse_overrides({"https://x/1": {"tags": ["a"]}})


# --- assignment ------------------------------------------------------------------------------

CONFIG = parse_config(
    {
        "ignore": ["美国之音"],
        "tags": {
            "台湾": ["台海"],
            "朝鲜": ["北韩", "平壤"],
            "普京": ["普丁"],
            "香港": [],
            "经济": {"aliases": [], "body_min": 3},
            "美国": {"aliases": [], "body_min": 3},
        },
    }
)


def corpus() -> list[TagRecord]:
    return [
        TagRecord(
            "https://a/1",
            "普京会晤金正恩",
            "普京与金正恩在东方航天发射场会晤。平壤说经济合作。平壤。",
        ),
        TagRecord(
            "https://a/2", "金正恩访问俄罗斯", "金正恩抵达俄罗斯。普丁欢迎他。北韩说，普丁与北韩。"
        ),
        TagRecord(
            "https://a/3",
            "臺灣立法院通過決議",
            "臺灣立法院通過決議，國民黨支持。國民黨立委說台海緊張。",
        ),
        TagRecord(
            "https://a/4",
            "两岸紧张 国民党表态",
            "台湾国民党批评。台湾与大陆关系紧张。国民党主席发言。",
        ),
        TagRecord(
            "https://a/5",
            "香港金融机构面临制裁",
            "美国之音报道，美国之音说香港银行面临制裁。制裁或扩大。",
        ),
        TagRecord(
            "https://a/6",
            "香港教师被取消资格",
            "香港教育局取消教师资格。香港教协批评。美国之音获悉。",
        ),
    ]


def tags_by_url(records, config=CONFIG, overrides=None) -> dict[str, tuple[str, ...]]:
    return {r.url: r.tags for r in assign_tags(records, config, overrides)}


def test_every_article_gets_two_to_eight_supported_tags_mostly_shared():
    records = corpus()
    results = assign_tags(records, CONFIG)
    measures = measure(records, results, CONFIG)
    assert measures.out_of_range == [] and measures.unsupported == []
    assert measures.shared_share >= 0.7
    by_url = {r.url: r.tags for r in results}
    assert {"普京", "朝鲜"} <= set(by_url["https://a/1"]) & set(by_url["https://a/2"])
    assert "金正恩" in by_url["https://a/1"] and "金正恩" in by_url["https://a/2"]  # automatic


def test_traditional_and_simplified_articles_share_one_tag():
    by_url = tags_by_url(corpus())
    assert "台湾" in by_url["https://a/3"] and "台湾" in by_url["https://a/4"]
    assert (
        "国民党" in by_url["https://a/3"] and "国民党" in by_url["https://a/4"]
    )  # automatic, folded
    assert not any("臺" in t or "國" in t for tags in by_url.values() for t in tags)


def test_publisher_names_are_not_tags():
    by_url = tags_by_url(corpus())
    assert "美国" not in by_url["https://a/5"]  # only in 美国之音, which is ignored
    assert not any("美国之音" in t for tags in by_url.values() for t in tags)


def test_tags_only_one_article_has_are_a_last_resort():
    records = corpus()
    config = parse_config({"tags": {"普京": ["普丁"], "朝鲜": ["北韩", "平壤"]}})
    by_url = tags_by_url(records, config)
    # Article 1 shares 普京, 朝鲜 and 金正恩 with article 2; 东方航天发射场 is left out.
    counts = {}
    for tags in by_url.values():
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1
    assert all(counts[t] >= 2 for t in by_url["https://a/1"])


def test_the_maximum_is_kept_and_keywords_are_limited():
    config = TagConfig(CONFIG.rules, Options(max_tags=3, max_keywords=1), CONFIG.ignore)
    for tags in tags_by_url(corpus(), config).values():
        assert 2 <= len(tags) <= 3


def test_too_few_tags_are_filled_from_the_articles_own_keywords():
    records = [
        TagRecord("https://b/1", "马丘比丘重新开放", "秘鲁的马丘比丘遗迹开放。游客来到秘鲁。"),
        TagRecord("https://b/2", "贝多芬交响曲", "贝多芬的交响曲。维也纳首演贝多芬作品。"),
    ]
    by_url = tags_by_url(records, TagConfig())
    assert set(by_url["https://b/1"]) == {"马丘比丘", "秘鲁"}
    assert set(by_url["https://b/2"]) >= {"贝多芬"} and len(by_url["https://b/2"]) >= 2


def test_overrides_add_remove_and_retitle():
    overrides = parse_overrides(
        {
            "http://a/5": {
                "add": ["台海"],
                "remove": ["制裁"],
                "title": "香港金融机构或面临第二波制裁",
            },
        }
    )
    results = {r.url: r for r in assign_tags(corpus(), CONFIG, overrides)}
    fifth = results["https://a/5"]
    assert "台湾" in fifth.tags  # an alias gives its curated tag
    assert "制裁" not in fifth.tags
    assert fifth.title == "香港金融机构或面临第二波制裁"
    assert results["https://a/6"].title == "香港教师被取消资格"


def test_same_content_same_tags_in_any_order():
    records = corpus()
    first = tags_by_url(records)
    assert tags_by_url(records) == first
    assert tags_by_url(list(reversed(records))) == first


def test_measures_find_what_breaks_the_rules():
    records = corpus()[:2]
    results = assign_tags(records, CONFIG)
    broken = [results[0].__class__(results[0].url, results[0].title, ("香港",)), results[1]]
    measures = measure(records, broken, CONFIG)
    assert measures.out_of_range == [("https://a/1", 1)]
    assert measures.unsupported == [("https://a/1", "香港")]
    assert measures.shared_share < 1


# --- slugs -----------------------------------------------------------------------------------


def test_tags_whose_slugs_coincide_get_distinct_ones():
    slugify = {"美国": "mei-guo", "没过": "mei-guo", "香港": "xiang-gang", "！": ""}.__getitem__
    slugs = unique_slugs({"没过": 1, "美国": 9, "香港": 3, "！": 1}, slugify)
    assert slugs["美国"] == "mei-guo"  # the most used keeps the plain slug
    assert slugs["没过"].startswith("mei-guo-") and slugs["没过"] != "mei-guo"
    assert slugs["香港"] == "xiang-gang"
    assert slugs["！"] and len(set(slugs.values())) == 4
    assert unique_slugs({"没过": 1, "美国": 9}, slugify)["没过"] == slugs["没过"]  # stable


def test_word_analyses_are_cached_and_reused(tmp_path, monkeypatch):
    from newsarchive.tags import keywords

    records = corpus()
    fresh = tags_by_url(records)
    assert {r.url: r.tags for r in assign_tags(records, CONFIG, cache_dir=tmp_path)} == fresh
    assert len(list(tmp_path.rglob("*.json"))) == len(records)

    def fail(*args):
        raise AssertionError("analysed again")

    monkeypatch.setattr(keywords, "analyse", fail)
    assert {r.url: r.tags for r in assign_tags(records, CONFIG, cache_dir=tmp_path)} == fresh
    other = parse_config({"stopwords": ["金正恩"], "tags": {"台湾": []}})
    with pytest.raises(AssertionError, match="analysed again"):  # other settings, other analyses
        assign_tags(records, other, cache_dir=tmp_path)
