"""Stable, unique, ASCII slugs derived from the source URL and the capture time."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote, urlsplit

from .urls import url_hash

_WORD = re.compile(r"[a-z0-9]+")
_MAX_WORDS_CHARS = 48
# Path segments that name a site section rather than the article.
_SECTION_SEGMENTS = frozenset(
    {"cn", "zh", "zhongwen", "simp", "trad", "chinese", "mandarin", "a", "contenu"}
)


def readable_part(url: str) -> str:
    """The ASCII words of the URL's path, e.g. ``world-69127415``, at most 48 characters."""
    path = unquote(urlsplit(url).path).lower()
    path = re.sub(r"\.(s?html?|php|aspx?)$", "", path)
    segments = [s for s in path.split("/") if s not in _SECTION_SEGMENTS]
    words: list[str] = []
    for word in _WORD.findall(" ".join(segments)):
        if len("-".join([*words, word])) > _MAX_WORDS_CHARS:
            break
        words.append(word)
    return "-".join(words)


def make_slug(publisher_key: str, url: str, archived: datetime) -> str:
    """``<publisher>-<url words>-<url hash>-<capture time>``: stable across rebuilds and title edits.

    The URL hash keeps different articles apart, the capture time (UTC, to the second) keeps
    two captures of the same URL apart.
    """
    parts = [publisher_key, readable_part(url), url_hash(url), archived.strftime("%Y%m%d%H%M%S")]
    return "-".join(p for p in parts if p)
