"""Compare an archived article's text with a fetched page's: paragraphs, n-grams, containment."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bs4 import BeautifulSoup

from ..convert.language import to_simplified
from ..convert.pipeline import RELATED_HEADING

#: Characters per n-gram: four Han characters are about two words, so two different articles
#: share few of them, while an edit to one word spoils only the few n-grams around it.
GRAM = 4
#: A paragraph is still on the page when this share of its n-grams is.
PARAGRAPH_PRESENT = 0.8
#: Paragraphs shorter than this (normalised characters) are captions and credits: not compared.
MIN_PARAGRAPH = 12

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"^\s{0,3}(?:#{1,6}\s|[*+-]\s|\d+[.)]\s|>\s?)+|[*_`]+")
_NOT_TEXT = re.compile(r"[\W_]+")
_HIDDEN = ("script", "style", "noscript", "template", "svg", "head")


def normalise(text: str) -> str:
    """Letters and digits only: NFKC, lower case, Traditional folded to Simplified."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _NOT_TEXT.sub("", to_simplified(text))


def archived_paragraphs(markdown: str) -> list[str]:
    """The paragraphs of an archived article's Markdown, as plain text: images (their alt text is
    not shown on a page), links and
    markup removed, the related-links list at the end left out, short captions dropped."""
    body = markdown.split(f"\n## {RELATED_HEADING}", 1)[0]
    paragraphs = []
    for block in re.split(r"\n\s*\n", body):
        text = _LINK.sub(r"\1", _IMAGE.sub("", block))
        text = " ".join(_MARKUP.sub("", line).strip() for line in text.splitlines())
        if len(normalise(text)) >= MIN_PARAGRAPH:
            paragraphs.append(text.strip())
    return paragraphs


def page_text(html: str) -> str:
    """The visible text of an HTML page (scripts, styles and the head left out)."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(_HIDDEN):
        tag.decompose()
    return soup.get_text(" ")


def grams(text: str, n: int = GRAM) -> set[str]:
    """The n-grams of a normalised text (the text itself when it is shorter)."""
    if len(text) <= n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


@dataclass(frozen=True)
class Match:
    """How much of the archived text a page carries."""

    share: float  # of the archived characters, in paragraphs found on the page
    found: int  # paragraphs found
    paragraphs: int  # paragraphs compared


def text_match(paragraphs: Sequence[str], page: str | Iterable[str]) -> Match:
    """Which share of the archived text (weighted by length) is on the page: a paragraph counts
    when at least :data:`PARAGRAPH_PRESENT` of its n-grams occur in the page's text."""
    on_page = grams(normalise(page)) if isinstance(page, str) else set(page)
    total = found_chars = found = 0
    for paragraph in paragraphs:
        own = grams(normalise(paragraph))
        if not own:
            continue
        size = len(normalise(paragraph))
        total += size
        if len(own & on_page) >= PARAGRAPH_PRESENT * len(own):
            found += 1
            found_chars += size
    return Match(found_chars / total if total else 0.0, found, len(paragraphs))
