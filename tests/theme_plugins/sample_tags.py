"""Test-only Pelican plugin: give untagged articles a few tags by keyword, so the theme's tag
pages and feeds are built and checked even before automatic tagging exists."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.urlwrappers import Tag

KEYWORDS = {
    "普京": ("普京", "普丁"),
    "朝鲜": ("朝鲜", "金正恩"),
    "疫情": ("新冠", "疫情", "COVID"),
    "美国": ("美国", "特朗普", "拜登"),
    "中国": ("中国", "北京"),
    "香港": ("香港",),
    "台湾": ("台湾", "台灣"),
    "经济": ("经济", "关税", "市场"),
}


def tag_articles(generator: Any) -> None:
    for article in generator.articles:
        if getattr(article, "tags", None):
            continue
        text = article.title + (article._content or "")[:3000]
        names = [name for name, words in KEYWORDS.items() if any(w in text for w in words)]
        if names:
            article.tags = [Tag(name, generator.settings) for name in names]


def register() -> None:
    signals.article_generator_pretaxonomy.connect(tag_articles)
