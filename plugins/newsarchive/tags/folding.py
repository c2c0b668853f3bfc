"""繁简 folding: one form of each word for matching, and the form to show in the site's language."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..convert.language import to_simplified, to_traditional


def fold(text: str) -> str:
    """Text in one comparable form: compatibility forms unified (NFKC), Traditional → Simplified.

    Case is kept (Latin matching is case-insensitive where it matters).
    """
    return to_simplified(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """:func:`fold` for words and tag names, remembered (they recur across articles)."""
    return fold(word)


@lru_cache(maxsize=1 << 16)
def fold_key(word: str) -> str:
    """The identity of a tag: folded and case-insensitive (``臺灣`` = ``台湾``, ``Google`` = ``google``)."""
    return fold(word).casefold()


def display(name: str, lang: str = "zh-Hans") -> str:
    """A (folded, Simplified) tag name in the site's language: Traditional for ``zh-Hant``/TW/HK/MO."""
    lang = lang.lower()
    if lang.startswith("zh") and any(t in lang for t in ("hant", "tw", "hk", "mo")):
        return to_traditional(name)
    return name
