"""Unit tests for tagging: folding, curated rules, automatic keywords, overrides, assignment,
slugs and measures. Pure functions over (url, title, text) records; jieba and OpenCC are real."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from newsarchive.tags import TagRecord, assign_tags, measure
from newsarchive.tags.config import Options, TagConfig, parse_config
from newsarchive.tags.folding import display, fold, fold_key
from newsarchive.tags.keywords import extract, is_candidate
from newsarchive.tags.overrides import parse_overrides
from newsarchive.tags.records import plain_text
from newsarchive.tags.rules import RuleMatcher, make_rule, match_rules, merge_rules
from newsarchive.tags.slugs import cached_slugs, unique_slugs
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
    import marshal

    from newsarchive.tags import keywords

    records = corpus()
    fresh = tags_by_url(records)
    assert {r.url: r.tags for r in assign_tags(records, CONFIG, cache_dir=tmp_path)} == fresh
    (stored,) = tmp_path.glob("analyses-*.marshal")
    assert len(marshal.loads(stored.read_bytes())) == len(records)

    def fail(*args):
        raise AssertionError("analysed again")

    monkeypatch.setattr(keywords, "analyse", fail)
    assert {r.url: r.tags for r in assign_tags(records, CONFIG, cache_dir=tmp_path)} == fresh
    other = parse_config({"stopwords": ["金正恩"], "tags": {"台湾": []}})
    with pytest.raises(AssertionError, match="analysed again"):  # other settings, other analyses
        assign_tags(records, other, cache_dir=tmp_path)
    edited = [TagRecord(records[0].url, records[0].title, records[0].text + "变"), *records[1:]]
    with pytest.raises(AssertionError, match="analysed again"):  # other text, other analysis
        assign_tags(edited, CONFIG, cache_dir=tmp_path)


def test_records_from_markdown_are_tagged_as_their_plain_text(tmp_path):
    markdown = [
        "**普京**与[金正恩](https://x/1)会晤。平壤说经济合作。平壤。\n\n## 相关链接\n\n* [香港](https://x/2)",
        "金正恩抵达俄罗斯。普丁欢迎他。![北韩](https://x/a.jpg)北韩说，普丁与北韩。",
        "> 臺灣立法院通過決議，國民黨支持。國民黨立委說台海緊張。",
    ]
    titles = ["普京会晤金正恩", "金正恩访问俄罗斯", "臺灣立法院通過決議"]
    from_text = [
        TagRecord(f"https://m/{i}", t, plain_text(m))
        for i, (t, m) in enumerate(zip(titles, markdown, strict=True))
    ]
    from_markdown = [
        TagRecord(r.url, r.title, markdown=m) for r, m in zip(from_text, markdown, strict=True)
    ]
    assert from_markdown == from_text
    expected = assign_tags(from_text, CONFIG)
    assert assign_tags(from_markdown, CONFIG, cache_dir=tmp_path) == expected
    assert assign_tags(from_markdown, CONFIG, cache_dir=tmp_path) == expected  # from the cache


# --- speed without changing a tag ------------------------------------------------------------


def _reference_counts(rules, text: str) -> list[int]:
    """Each rule matched on its own, as tagging first did (the one-pass matcher must agree)."""
    return [rule.count(text) for rule in rules]


def test_one_pass_rule_matching_counts_as_each_rule_alone():
    import random

    rules = [
        *CONFIG.rules,
        make_rule("世卫", ["WHO", "Who Cares", "ıd"]),
        make_rule("马里", {"aliases": ["Mali"], "exclude": ["马里兰", "Malibu"]}),
        make_rule("中共", ["中国共产党", "中国", "国共", "共产党员"]),
        make_rule("X", {"aliases": ["x-1", "1x", "ǅz"], "exclude": ["马里兰"]}),
        make_rule("st", ["ſt", "KM", "µm"]),
    ]
    matcher = RuleMatcher(rules)
    words = sorted({a for r in rules for a in (*r.aliases, *r.exclude)})
    words += [
        "a",
        "1",
        " ",
        "，",
        "中",
        "国",
        "党",
        "马",
        "里",
        "兰",
        "x",
        "-",
        "ı",
        "ſ",
        "K",
        "µ",
        "_",
    ]
    generator = random.Random(7)
    for _ in range(3000):
        parts = [generator.choice(words) for _ in range(generator.randint(0, 10))]
        text = "".join(p.swapcase() if generator.random() < 0.2 else p for p in parts)
        assert matcher.counts(text) == _reference_counts(rules, text), text
    text = "中国共产党员说，中国共产党和WHO（who）在WHOLE马里兰与马里、Mali、Malibu"
    assert matcher.counts(text) == _reference_counts(rules, text)


def test_segmentation_is_jiebas_without_hmm():
    import random

    from newsarchive.tags import keywords

    words = frozenset(a for rule in CONFIG.rules for a in rule.aliases)
    jieba = keywords._tokenizer(words)
    segmenter = keywords.Segmenter(keywords.jieba_dictionary(words))
    texts = [r.title + "\n" + r.text for r in corpus()]
    texts.append("Trump与COVID-19：iPhone12售价3.14万，5G+AI_x#y&z。\r\n\t北韩　平壤 a1b2")
    chars = "中国共产党美国总统特朗普北韩平壤香港的了是在abcXYZ0123.+#&_ -，。\n\t\r“”"
    generator = random.Random(3)
    texts += ["".join(generator.choices(chars, k=generator.randint(0, 25))) for _ in range(2000)]
    for text in texts:
        expected = [(pair.word, pair.flag) for pair in jieba.cut(text, HMM=False)]
        assert segmenter.cut(text) == expected, text


def test_articles_are_analysed_alike_on_one_or_more_processes(tmp_path):
    records = [
        TagRecord(f"{r.url}/{i}", r.title, f"{r.text}{i}") for i in range(3) for r in corpus()
    ]
    one = assign_tags(records, CONFIG, workers=1)
    assert assign_tags(records, CONFIG, cache_dir=tmp_path, workers=2) == one
    assert assign_tags(records, CONFIG, cache_dir=tmp_path, workers=2) == one


def test_overrides_are_found_without_parsing_every_url():
    from newsarchive.tags.overrides import override_for, overrides_for

    overrides = parse_overrides(
        {
            "https://www.rfi.fr/cn/a/1/": {"add": ["北韩"]},
            "http://x.org/news?id=7": {"remove": ["经济"]},
        }
    )
    urls = [
        "http://rfi.fr/cn/a/1",
        "https://www.rfi.fr//cn/a/1/",
        "http://https://www.rfi.fr/cn/a/1",
        "https://rfi.fr/cn/a/12",
        "https://rfi.fr/cn/a/\t1",
        "https://x.org/news/?id=7",
        "https://x.org/news?id=8",
        "",
    ]
    assert overrides_for(overrides, urls) == [override_for(overrides, u) for u in urls]
    assert [o is not None for o in overrides_for(overrides, urls)] == [1, 1, 1, 0, 1, 1, 0, 0]
    home = parse_overrides({"https://x.org/": {"add": ["a"]}})
    assert overrides_for(home, ["https://www.x.org"]) == [home["x.org/"]]


def test_slugs_are_remembered(tmp_path):
    calls: list[str] = []

    def slugify(name: str) -> str:
        calls.append(name)
        return f"s-{len(name)}"

    first = cached_slugs(["美国", "香港特区"], slugify, tmp_path, "setup")
    assert first == {"美国": "s-2", "香港特区": "s-4"} and len(calls) == 2
    assert cached_slugs(["香港特区"], slugify, tmp_path, "setup") == {"香港特区": "s-4"}
    assert len(calls) == 2
    cached_slugs(["香港特区"], slugify, tmp_path, "other settings")
    assert len(calls) == 3


def test_plugin_and_commands_do_not_load_jieba(tmp_path):
    """jieba (seconds to import and load) only when an article's analysis is not cached."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    expected = [r.tags for r in assign_tags(corpus(), CONFIG, cache_dir=tmp_path)]
    script = f"""
import sys
import newsarchive, newsarchive.reader, newsarchive.cli
newsarchive.register()
assert newsarchive.cli.main(["check", {str(root / "content" / "articles")!r}]) == 0
from test_tags import CONFIG, Options, TagConfig, assign_tags, corpus
assert "jieba" not in sys.modules, "jieba was imported"
tags = [r.tags for r in assign_tags(corpus(), CONFIG, cache_dir={str(tmp_path)!r})]
assert tags == {expected!r}, tags
# Other options: the tags are assigned again, from the cached analyses.
config = TagConfig(CONFIG.rules, Options(max_tags=3), CONFIG.ignore, CONFIG.stopwords)
cached = assign_tags(corpus(), config, cache_dir={str(tmp_path)!r})
assert "jieba" not in sys.modules, "jieba was imported"
assert cached == assign_tags(corpus(), config)  # analysed afresh
assert "jieba" in sys.modules
"""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_changed_article_is_analysed_without_importing_jieba_again(tmp_path):
    """The segmentation dictionary is kept in the cache: the next analysis needs no jieba."""
    import subprocess
    import sys

    def run(text: str, jieba: bool) -> None:
        script = f"""
import sys
from test_tags import CONFIG, TagRecord, assign_tags, corpus
records = corpus()
records[0] = TagRecord(records[0].url, records[0].title, records[0].text + {text!r})
tags = assign_tags(records, CONFIG, cache_dir={str(tmp_path)!r})
assert ("jieba" in sys.modules) is {jieba!r}, sys.modules.get("jieba")
assert tags == assign_tags(records, CONFIG), tags
"""
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr

    run("金正恩说。", jieba=True)
    assert len(list(tmp_path.glob("dictionary-*.marshal"))) == 1
    run("普京说。", jieba=False)


# The sample's tags (content/articles, tags.yml, overrides.yml): speed-ups must not change them.
# After a deliberate change of tagging (or of the sample), update with the dump in the message.
SAMPLE_TAGS = {
    "91c13c22": "澳大利亚|新冠疫情",
    "1ffa19a8": "动物|新冠疫情",
    "1b8ec40b": "动物|艺术|德国",
    "846f43c2": "疫苗|香港|台湾|特朗普|美国大选|新冠疫情|美国|中国",
    "1e05624e": "疫苗|巴西|中国|新冠疫情",
    "b3e498c1": "贸易战|中美关系|特朗普|美国|中国|经济|TikTok|新冠疫情",
    "d14a5e55": "气候变化|新冠疫情",
    "70f31ff1": "普京|俄罗斯|朝鲜|经济|金正恩|韩国|间谍|联合国",
    "14b4a812": "言论审查|习近平",
    "55a0cef5": "百度|谷歌|中国|经济|韩国",
    "9c31bf49": "宗教|中国",
    "8cc63a2d": "宣传|爱国",
    "45057774": "谷歌|反垄断|中国|华为",
    "35301b15": "华为|谷歌|言论审查",
    "6510c07f": "任志强|言论审查|宣传|经济|中国|习近平",
    "c0a48a7b": "印度|美国|蓬佩奥|日本|中国|澳大利亚",
    "90e93771": "塔利班|阿富汗|德国|特朗普|美国大选|美国|联合国|新冠疫情",
    "0fd08696": "俄罗斯|气候变化",
    "f79dfac2": "美国大选|特朗普|白宫|共和党|巴雷特|新冠疫情|拜登|美国",
    "6a481462": "艺术|贝多芬",
    "2ed0da9b": "印度|美国大选|特朗普|贸易战",
    "911a34a7": "移民|中国共产党|美国|中国",
    "4f5a543e": "特朗普|白宫|美国大选|拜登|新冠疫情",
    "7cfa9f0b": "特朗普|台湾|美国大选|美国|间谍|中国|新冠疫情|朝鲜",
    "51cb851e": "经济|中国|新冠疫情|巴西",
    "60598056": "经济|欧洲|艺术|新冠疫情",
    "c0d545de": "移民|美国|中国|宗教",
    "b00ea0d4": "TikTok|美国|特朗普|中国|共和党|白宫|经济|美国大选",
    "58828e66": "香港|新冠疫情|英国|动物|中国",
    "a26bbf2c": "制裁|香港|美国|中国",
    "dea15a19": "孔子学院|教育|美国|中国|蓬佩奥|宣传|言论审查|中国共产党",
    "b044be1d": "加拿大|孟晚舟|中国|人质",
    "70403da5": "教育|香港|林郑月娥|言论审查",
    "f2e07fba": "台湾|国民党|美国|经济|中美关系|蔡英文|中国|中国共产党",
    "bd46854e": "谷歌|华为|反垄断|中国|美国|制裁",
    "792e43fa": "台湾|国民党|蔡英文|中国|美国|日本|中国共产党",
    "fc14a303": "秘鲁|日本|新冠疫情",
    "1c971ebd": "民主党|最高法院|共和党|巴雷特|特朗普|美国|美国大选|宗教",
    "6f49e98e": "艺术|法国|新冠疫情",
    "16eaa958": "习近平|任志强|王岐山|中国共产党|中国|宣传|香港",
    "08bb1c3f": "墨西哥|移民",
    "aa11e743": "印度|美国|新冠疫情",
    "bc215014": "人质|马里|法国|宗教|诺贝尔奖|联合国",
    "95de616c": "普京|金正恩|俄罗斯|朝鲜|中国|联合国",
    "73b39297": "印度|中国|间谍",
    "5ffd9199": "特朗普|巴雷特|美国大选|白宫|拜登|宗教|美国|民主党",
    "b2391e33": "新冠疫情|巴西|印度|美国",
    "06afe667": "诺贝尔奖|联合国|新冠疫情|英国",
    "49bfe750": "台湾|香港|移民|黄之锋",
    "9d49c4a3": "诺贝尔奖|艺术|美国",
    "be846e35": "国安法|香港|教育|中国|中国共产党|新冠疫情",
}


def test_the_samples_tags_are_unchanged():
    from newsarchive.convert.urls import url_hash
    from newsarchive.tags import load_config, load_overrides
    from newsarchive.tags.report import read_records

    content = Path(__file__).resolve().parent.parent / "content"
    records, problems = read_records([content / "articles"])
    assert problems == []
    results = assign_tags(
        records, load_config(content / "tags.yml"), load_overrides(content / "overrides.yml")
    )
    found = {url_hash(r.url): "|".join(r.tags) for r in results}
    dump = "".join(f'    "{k}": "{v}",\n' for k, v in found.items())
    assert found == SAMPLE_TAGS, "tags of the sample changed; now:\n" + dump
