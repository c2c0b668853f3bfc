"""Traditional → Simplified character folding for search, from OpenCC's ``t2s`` data.

Folding is per character (a search index has no phrase context): every CJK code point is run
through OpenCC once and kept when it maps to a single different character. The browser gets only
the pairs whose Simplified side occurs in the index (:func:`browser_map`); folding a character
whose target never occurs cannot change any result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from ..convert.language import to_simplified
from .tokenizer import CJK_RANGES


@cache
def fold_map() -> dict[str, str]:
    """Every CJK character OpenCC ``t2s`` changes into one other character, chains resolved."""
    chars = [chr(cp) for a, b in CJK_RANGES for cp in range(a, b + 1)]
    converted = to_simplified("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC never joins lines
        raise RuntimeError("OpenCC changed the number of lines")
    pairs = {t: s for t, s in zip(chars, converted, strict=True) if len(s) == 1 and s != t}
    for t, s in pairs.items():
        seen = {t}
        while s in pairs and s not in seen:
            seen.add(s)
            s = pairs[s]
        pairs[t] = s
    return pairs


class Folder:
    """Replace every character of a mapping's keys by its value (a fast ``str.translate``)."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        bmp = "".join(sorted(k for k in mapping if ord(k) < 0x10000))
        self._bmp = re.compile(f"[{re.escape(bmp)}]") if bmp else None
        self._astral = {ord(k): v for k, v in mapping.items() if ord(k) >= 0x10000}

    def __call__(self, text: str) -> str:
        if self._bmp is not None:
            get = self.mapping.__getitem__
            text = self._bmp.sub(lambda m: get(m.group()), text)
        if self._astral and _ASTRAL.search(text):
            text = text.translate(self._astral)
        return text


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@cache
def folder() -> Folder:
    """Folding by :func:`fold_map`, for :func:`~.tokenizer.tokenize`."""
    return Folder(fold_map())


def browser_map(index_chars: Iterable[str]) -> dict[str, str]:
    """The folding pairs whose Simplified character occurs in ``index_chars``."""
    present = set(index_chars)
    return {t: s for t, s in sorted(fold_map().items()) if s in present}
