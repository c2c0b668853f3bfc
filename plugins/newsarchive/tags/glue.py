"""Pelican glue: before Pelican groups articles by tag, tag every archived article."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from pelican import signals
from pelican.urlwrappers import Tag

from ..errors import Problem
from ..reader import current_build
from .assign import assign_tags
from .config import load_config
from .folding import display
from .overrides import load_overrides
from .records import TagRecord, record_from_article
from .slugs import unique_slugs


def _archived(generator: Any) -> list[Any]:
    groups = (
        "articles",
        "translations",
        "hidden_articles",
        "hidden_translations",
        "drafts",
        "drafts_translations",
    )
    return [a for g in groups for a in getattr(generator, g, []) if "archived_path" in a.metadata]


def _setting_path(settings: dict[str, Any], key: str, default: str) -> str:
    return settings.get(key) or os.path.join(settings["PATH"], default)


def tag_articles(generator: Any) -> None:
    """Compute the tags of all archived articles together and set ``article.tags``."""
    settings = generator.settings
    articles = _archived(generator)
    if not articles:
        return
    config = load_config(_setting_path(settings, "NEWSARCHIVE_TAGS_FILE", "tags.yml"))
    overrides = load_overrides(
        _setting_path(settings, "NEWSARCHIVE_OVERRIDES_FILE", "overrides.yml")
    )
    build = current_build()
    records: list[TagRecord] = []
    for article in articles:
        converted = build.result(article.metadata["archived_path"])
        if isinstance(converted, Problem):  # cannot happen for an article Pelican read
            raise RuntimeError(str(converted))
        records.append(record_from_article(converted))
    cache_dir = None
    if settings.get("NEWSARCHIVE_CACHE", True):
        cache_dir = os.path.join(settings.get("CACHE_PATH", "cache"), "newsarchive-tags")
    results = assign_tags(records, config, overrides, cache_dir)
    lang = settings.get("DEFAULT_LANG", "zh-Hans")
    named = [[display(t, lang) for t in r.tags] for r in results]
    counts = Counter(name for names in named for name in names)
    slugs = unique_slugs(counts, lambda name: Tag(name, settings).slug)
    tags = {name: Tag(name, settings) for name in counts}
    for name, tag in tags.items():
        tag.slug = slugs[name]
    for article, record, result, names in zip(articles, records, results, named, strict=True):
        article.tags = [tags[name] for name in names]
        article.metadata["tags"] = article.tags
        if result.title != record.title:  # corrected in overrides.yml
            article.title = article.metadata["title"] = result.title


def register() -> None:
    signals.article_generator_pretaxonomy.connect(tag_articles)
