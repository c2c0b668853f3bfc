"""Plain text of an article's sanitised HTML, for indexing."""

from __future__ import annotations

import re
from html import unescape

from ..convert.credits import without_credits

_BLOCK = re.compile(
    r"<(?:/?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|tr|td|th|table|blockquote|figure|figcaption|"
    r"section|article|header|footer|pre|hr|br|img)\b)[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")


def html_to_text(html: str) -> str:
    """Text of ``html``: block elements become line breaks, inline tags vanish, entities decode;
    image credits (the attribution under a figure, not the article's words) are left out."""
    text = _COMMENT.sub("", html)
    text = _TAG.sub("", _BLOCK.sub("\n", text))
    text = _SPACES.sub(" ", unescape(text))
    return _LINES.sub("\n", without_credits(text)).strip()
