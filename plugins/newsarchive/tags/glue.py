"""Pelican glue: before Pelican groups articles by tag, tag every archived article."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import version
from itertools import chain
from typing import Any

from pelican import signals
from pelican.urlwrappers import Tag

from ..convert.errors import Problem
from ..memory import give_back
from ..reader import current_build
from ..report.errors import one_line
from . import analysis
from .assign import TagResult, assign_tags
from .config import load_config
from .folding import display
from .overrides import load_overrides
from .records import TagRecord, record_from_article
from .slugs import cached_slugs, unique_slugs

# The settings Pelican's tag slugs depend on.
_SLUG_SETTINGS = (
    "TAG_REGEX_SUBSTITUTIONS",
    "SLUG_REGEX_SUBSTITUTIONS",
    "SLUGIFY_PRESERVE_CASE",
    "SLUGIFY_USE_UNICODE",
)


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


def page_tags(
    results: Sequence[TagResult], settings: dict[str, Any], cache_dir: str | None = None
) -> list[list[Tag]]:
    """Pelican tags for each result: named in the site's language, each with a slug of its own
    (slugs remembered under ``cache_dir``)."""
    lang = settings.get("DEFAULT_LANG", "zh-Hans")
    shown: dict[str, str] = {}
    for name in chain.from_iterable(r.tags for r in results):
        if name not in shown:
            shown[name] = display(name, lang)
    named = [[shown[name] for name in r.tags] for r in results]
    counts = Counter(chain.from_iterable(named))
    setup = repr(
        [sys.version, version("pelican"), version("unidecode")]
        + [settings.get(k) for k in _SLUG_SETTINGS]
    )
    plain = cached_slugs(counts, lambda name: Tag(name, settings).slug, cache_dir, setup)
    slugs = unique_slugs(counts, plain.__getitem__)
    tags = {}
    for name in counts:
        tags[name] = tag = Tag(name, settings)
        tag.slug = slugs[name]
    return [[tags[name] for name in names] for names in named]


@one_line("tagging the articles")
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
    give_back()  # what reading freed (each article's converted HTML), before forking workers
    results = assign_tags(records, config, overrides, cache_dir)
    for article, record, result, tags in zip(
        articles, records, results, page_tags(results, settings, cache_dir), strict=True
    ):
        article.tags = tags
        article.metadata["tags"] = tags
        if result.title != record.title:  # corrected in overrides.yml
            article.title = article.metadata["title"] = result.title
    build.forget_markdown()
    analysis.release()
    give_back()  # the dictionary and the Markdown, before the search index's fork


def register() -> None:
    signals.article_generator_pretaxonomy.connect(tag_articles)
