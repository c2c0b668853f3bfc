"""Per-article corrections in ``content/overrides.yml``, keyed by source URL: tags to add or
remove, and a corrected title, without touching the archived file."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..convert.urls import url_key
from .folding import fold


@dataclass(frozen=True)
class Override:
    """What to change for one article."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    title: str | None = None


def _words(value: Any, url: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"{url}: '{key}' must be a list of tags")
    return tuple(fold(str(v)).strip() for v in value if str(v).strip())


def parse_overrides(data: Any) -> dict[str, Override]:
    """Overrides by :func:`~newsarchive.convert.urls.url_key` of their source URL (so ``http``/``https``,
    ``www.`` and a trailing slash do not matter)."""
    data = data or {}
    if not isinstance(data, Mapping):
        raise ValueError("overrides.yml must map source URLs to {add, remove, title}")
    overrides: dict[str, Override] = {}
    for url, spec in data.items():
        spec = spec or {}
        if not isinstance(spec, Mapping) or set(spec) - {"add", "remove", "title"}:
            raise ValueError(f"{url}: expected only 'add', 'remove' and 'title'")
        title = spec.get("title")
        overrides[url_key(str(url))] = Override(
            _words(spec.get("add"), url, "add"),
            _words(spec.get("remove"), url, "remove"),
            str(title).strip() if title else None,
        )
    return overrides


def load_overrides(path: str | Path | None) -> dict[str, Override]:
    """Read ``overrides.yml``; a missing file means no overrides."""
    if path is None or not Path(path).exists():
        return {}
    try:
        return parse_overrides(yaml.safe_load(Path(path).read_text("utf-8")))
    except (yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc


def override_for(overrides: Mapping[str, Override], url: str) -> Override | None:
    """The override of the article at ``url``, if any."""
    return overrides.get(url_key(url)) if url else None


def _last_segment(key: str) -> str:
    """The last segment of a key's path: in the URL as written, for any URL with that key."""
    return key.split("?", 1)[0].rsplit("/", 1)[-1]


def overrides_for(overrides: Mapping[str, Override], urls: Sequence[str]) -> list[Override | None]:
    """:func:`override_for` of each URL; only the URLs that could have an override are parsed."""
    if not overrides:
        return [None] * len(urls)
    segments = {_last_segment(key) for key in overrides}
    if "" in segments:  # an override of a site's home page: every URL could be it
        return [override_for(overrides, url) for url in urls]
    could = re.compile("|".join(map(re.escape, sorted(segments))) + r"|[\t\r\n]")
    return [override_for(overrides, url) if could.search(url) else None for url in urls]
