"""Guess an article's language: zh-Hans, zh-Hant or en (or another Latin-script language as ``und``)."""

from __future__ import annotations

import re
from functools import cache

import opencc

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Enough Han characters to tell the scripts apart.
_SAMPLE = 2000
_EN_STOP = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "with",
        "as",
        "was",
        "by",
        "it",
    ]
)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC ``t2s``)."""
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese (OpenCC ``s2t``)."""
    return _converter("s2t").convert(text)


def detect_language(text: str) -> str:
    """``zh-Hant`` when the Han text is mostly Traditional, ``zh-Hans`` when Simplified, else ``en``/``und``."""
    han = "".join(_HAN.findall(text))[:_SAMPLE]
    words = _LATIN_WORD.findall(text)
    if len(han) >= max(10, len(words)):
        simplified = to_simplified(han)
        if simplified == han:  # nothing Traditional-only: no need to look further
            return "zh-Hans"
        traditional_only = sum(a != b for a, b in zip(han, simplified, strict=False))
        simplified_only = sum(a != b for a, b in zip(han, to_traditional(han), strict=False))
        return "zh-Hant" if traditional_only > simplified_only else "zh-Hans"
    if sum(w.lower() in _EN_STOP for w in words) >= max(3, len(words) // 20):
        return "en"
    return "zh-Hans" if han else "und"
