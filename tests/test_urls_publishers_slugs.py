from datetime import UTC, datetime

import pytest
from newsarchive.convert.publishers import PublisherTable
from newsarchive.convert.slugs import make_slug
from newsarchive.convert.urls import repair_url, url_hash, url_key


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("http://https://www.rfi.fr/cn/a", "https://www.rfi.fr/cn/a"),
        ("http://www.rfi.fr//cn/contenu/x", "http://www.rfi.fr/cn/contenu/x"),
        ("https://x.org/a//b///c?u=http://y//z#f", "https://x.org/a/b/c?u=http://y//z#f"),
        ("//ichef.bbci.co.uk/a.jpg", "https://ichef.bbci.co.uk/a.jpg"),
        ("HTTPS://WWW.DW.COM/zh/%E7%BE%8E", "https://www.dw.com/zh/%E7%BE%8E"),
        ("  https://x.org/a  ", "https://x.org/a"),
    ],
)
def test_repair_url(raw, repaired):
    assert repair_url(raw) == repaired


def test_relative_urls_resolve_against_the_base():
    assert repair_url("/zhongwen/simp/world-1", "http://www.bbc.com/zhongwen/simp/x") == (
        "http://www.bbc.com/zhongwen/simp/world-1"
    )
    assert repair_url("javascript:alert(1)", "https://x.org/") == "javascript:alert(1)"


def test_url_key_ignores_scheme_www_and_trailing_slash():
    assert url_key("http://www.bbc.com/a/") == url_key("https://bbc.com/a") == "bbc.com/a"
    assert url_hash("http://www.bbc.com/a/") == url_hash("https://bbc.com/a")
    assert url_hash("https://bbc.com/a") != url_hash("https://bbc.com/b")


@pytest.mark.parametrize(
    ("url", "raw", "key", "title", "column"),
    [
        (
            "https://www.rfi.fr/cn/x",
            "秘鲁特准进入马丘比丘 日本游客喜PO文 – 法国国际广播电台 - RFI",
            "rfi",
            "秘鲁特准进入马丘比丘 日本游客喜PO文",
            None,
        ),
        (
            "https://www.rfi.fr/cn/x",
            "金正恩与普京会晤 中国如何看 - 要闻解说",
            "rfi",
            "金正恩与普京会晤 中国如何看",
            "要闻解说",
        ),
        (
            "https://www.rfi.fr/cn/x",
            "巴黎加尼尔埃宫（Palais Garnier）的双人舞 - 法国文艺欣赏",
            "rfi",
            "巴黎加尼尔埃宫（Palais Garnier）的双人舞",
            "法国文艺欣赏",
        ),
        (
            "https://www.bbc.com/zhongwen/simp/x",
            "普京会晤金正恩 - BBC News 中文",
            "bbc",
            "普京会晤金正恩",
            None,
        ),
        (
            "https://chinadigitaltimes.net/chinese/x",
            "【立此存照】向冲塔者致敬",
            "cdt",
            "向冲塔者致敬",
            "立此存照",
        ),
        (
            "https://www.rfa.org/mandarin/x",
            "美政府致函高校    敦促审查孔子学院",
            "rfa",
            "美政府致函高校 敦促审查孔子学院",
            None,
        ),
        (
            "https://www.voachinese.com/a/x",
            "白宫要义: 特朗普疫后首次到外州选举造势",
            "voa",
            "白宫要义: 特朗普疫后首次到外州选举造势",
            None,
        ),
        (
            "https://news.example.com/x",
            "Some title - Section",
            "news-example-com",
            "Some title - Section",
            None,
        ),
    ],
)
def test_publisher_and_title(url, raw, key, title, column):
    publisher = PublisherTable().for_host(url.split("/")[2])
    assert publisher.key == key
    assert publisher.clean_title(raw) == (title, column)


def test_publishers_extend_from_settings():
    table = PublisherTable.from_settings(
        {
            "example": {
                "name": "Example 新闻",
                "hosts": ["example.com"],
                "title_suffixes": [r"-\s*Example"],
            },
            "rfi": {"name": "法广"},
        }
    )
    example = table.for_host("www.example.com")
    assert (example.key, example.name) == ("example", "Example 新闻")
    assert example.clean_title("标题 - Example") == ("标题", None)
    assert table.for_host("www.rfi.fr").name == "法广"
    assert table.for_host("www.rfi.fr").column_suffix


def test_slug_is_ascii_stable_and_unique_per_capture():
    url = "https://www.bbc.com/zhongwen/simp/world-69127415"
    first = make_slug("bbc", url, datetime(2024, 6, 18, 6, 43, 2, tzinfo=UTC))
    again = make_slug(
        "bbc",
        "http://bbc.com/zhongwen/simp/world-69127415/",
        datetime(2024, 6, 18, 6, 43, 2, tzinfo=UTC),
    )
    second = make_slug("bbc", url, datetime(2024, 6, 19, tzinfo=UTC))
    assert first == again
    assert first.startswith("bbc-world-69127415-")
    assert first != second
    assert first.isascii() and " " not in first
    chinese = make_slug(
        "rfi",
        "https://www.rfi.fr/cn/%E4%B8%AD%E5%9B%BD/20201011-%E4%BA%94",
        datetime(2020, 1, 1, tzinfo=UTC),
    )
    assert chinese.isascii() and chinese.startswith("rfi-20201011-")
