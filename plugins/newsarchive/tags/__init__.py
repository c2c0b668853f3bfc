"""Tags for archived articles: curated rules, automatic keywords and per-article overrides.

The core works on plain :class:`~newsarchive.tags.records.TagRecord` values (title, text, URL) and
needs no Pelican; :mod:`newsarchive.tags.glue` puts the result on Pelican articles.
"""

from __future__ import annotations

from .assign import TagResult, assign_tags, measure
from .config import TagConfig, load_config
from .overrides import Override, load_overrides
from .records import TagRecord, record_from_article

__all__ = [
    "Override",
    "TagConfig",
    "TagRecord",
    "TagResult",
    "assign_tags",
    "load_config",
    "load_overrides",
    "measure",
    "record_from_article",
]
