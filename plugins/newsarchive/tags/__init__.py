"""Tags for archived articles: curated rules, automatic keywords and per-article overrides.

The core works on plain :class:`~newsarchive.tags.records.TagRecord` values (title, text, URL) and
needs no Pelican; :mod:`newsarchive.tags.glue` puts the result on Pelican articles.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assign import TagResult, assign_tags, measure
    from .config import TagConfig, load_config
    from .overrides import Override, load_overrides
    from .records import TagRecord, record_from_article

# name → the module defining it, imported on first use (``newsarchive --help`` needs none).
_EXPORTS = {
    "TagResult": "assign",
    "assign_tags": "assign",
    "measure": "assign",
    "TagConfig": "config",
    "load_config": "config",
    "Override": "overrides",
    "load_overrides": "overrides",
    "TagRecord": "records",
    "record_from_article": "records",
}

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


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
