"""Test-only Pelican plugin: write every article's tags, title and text to ``tags.json`` in the
output folder, so that tests can check the tagging the real build did."""

from __future__ import annotations

import json
import os
from typing import Any

from bs4 import BeautifulSoup
from pelican import signals


def dump(generator: Any) -> None:
    articles = [
        {
            "source_url": a.metadata.get("source_url"),
            "title": a.title,
            "text": BeautifulSoup(a.content, "html.parser").get_text(" "),
            "tags": [
                {"name": t.name, "slug": t.slug, "url": t.url} for t in getattr(a, "tags", [])
            ],
        }
        for a in generator.articles
        if "archived_path" in a.metadata
    ]
    path = os.path.join(generator.output_path, "tags.json")
    os.makedirs(generator.output_path, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(articles, handle, ensure_ascii=False)


def register() -> None:
    signals.article_generator_finalized.connect(dump)
