"""Turn a cleaned article tree into Markdown (Python-Markdown flavour, as Pelican reads it).

Conventions: ATX headings, ``*`` bullets, one line per paragraph (whitespace runs,
newlines between CJK characters included, become one space; leading ideographic and
indent spaces are stripped). A single ``<br>`` between two pieces of text is a hard
break (two trailing spaces, which Python-Markdown understands); two or more in a row
end the paragraph; any other ``<br>`` disappears. A ``<figure>`` is the image on its
own line followed by its caption as an italic paragraph::

    ![alt](src)

    *研究结果凸显勤洗手、清洁手机屏幕的重要性 图像来源：Getty Images*

Only characters that would change the meaning are escaped: ``*``, a ``_`` that is not
inside a word, backticks, ``<`` before a tag-like name, ``](`` and a ``#``, ``>``,
``-``, ``+`` or ``1.`` that would start a block.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import ATX, MarkdownConverter

_ODD_SPACE = re.compile(r"[\u3000\xa0\u2002\u2003\u2009\u202f]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_LINE_SPACE = re.compile(r"[ \t]+")
_HARD_BREAK = "  \n"
_PARA_BREAK = "\n\n"


def _escape_text(text: str) -> str:
    text = re.sub(r"\\(?=[!-/:-@\[-`{-~])", r"\\\\", text)
    text = text.replace("*", r"\*").replace("`", r"\`")
    text = re.sub(r"(?<!\w)_|_(?!\w)", r"\_", text)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    text = re.sub(r"\](?=[(\[])", r"\]", text)
    # Block starters: only matter at the start of a line, which a text node may be.
    text = re.sub(r"^(\s*)(#|>|[-+](?=\s)|=+\s*$)", r"\1\\\2", text)
    text = re.sub(r"^(\s*\d+)([.)])(?=\s)", r"\1\\\2", text)
    return text


def _url(url: str) -> str:
    return url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")


# The alt text of an image that has neither alt text nor a caption.
IMAGE_WITHOUT_ALT = "配图"


def _alt(text: str) -> str:
    text = _LINE_SPACE.sub(" ", _ODD_SPACE.sub(" ", text.replace("\n", " "))).strip()
    return text.replace("[", "［").replace("]", "］").replace("\\", "")


def _tidy_block(text: str) -> str:
    """Normalise the text of one paragraph-like block: its own paragraph breaks kept,
    each line trimmed, hard breaks only between two non-empty lines."""
    paragraphs = []
    for para in text.split(_PARA_BREAK):
        lines = [_LINE_SPACE.sub(" ", line).strip() for line in para.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(_HARD_BREAK.join(lines))
    return _PARA_BREAK.join(paragraphs)


def _meaningful(node: Tag | NavigableString | None) -> bool:
    if node is None:
        return False
    if isinstance(node, NavigableString):
        return bool(_ODD_SPACE.sub("", str(node)).strip())
    return node.name != "br"


def _sibling_br(br: Tag, forward: bool) -> bool:
    """Whether the nearest non-blank sibling of ``br`` in one direction is another ``<br>``."""
    node = br.next_sibling if forward else br.previous_sibling
    while node is not None:
        if isinstance(node, Tag):
            return node.name == "br"
        if str(node).strip() and _ODD_SPACE.sub("", str(node)).strip():
            return False
        node = node.next_sibling if forward else node.previous_sibling
    return False


def _has_text(br: Tag, forward: bool) -> bool:
    node = br.next_sibling if forward else br.previous_sibling
    while node is not None:
        if isinstance(node, Tag) and node.name != "br":
            if node.get_text().strip() or node.find("img") is not None or node.name == "img":
                return True
        elif isinstance(node, NavigableString) and _meaningful(node):
            return True
        node = node.next_sibling if forward else node.previous_sibling
    return False


class ArticleConverter(MarkdownConverter):
    """markdownify converter tuned for archived Chinese news articles."""

    class Options(MarkdownConverter.DefaultOptions):
        heading_style = ATX
        bullets = "*"
        escape_asterisks = False
        escape_underscores = False
        escape_misc = False
        wrap = True
        wrap_width = None
        autolinks = True

    def escape(self, text: str, parent_tags: set[str]) -> str:
        """Escape only what Markdown would misread (see the module docstring)."""
        return _escape_text(text) if text else ""

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A hard break between two texts; a paragraph break for a run of two or more."""
        if "_inline" in parent_tags:
            return " "
        if _sibling_br(el, forward=False):
            return ""
        if _sibling_br(el, forward=True):
            return _PARA_BREAK if _has_text(el, False) and _has_text(el, True) else ""
        return _HARD_BREAK if _has_text(el, False) and _has_text(el, True) else " "

    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """One line per paragraph (hard breaks apart)."""
        if "_inline" in parent_tags:
            return " " + text.strip() + " "
        text = _tidy_block(text)
        return f"\n\n{text}\n\n" if text else ""

    def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """Like a paragraph, for the text that sits directly in a ``<div>``."""
        return self.convert_p(el, text, parent_tags)

    convert_section = convert_div
    convert_article = convert_div
    convert_main = convert_div

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """``[text](url)`` without titles; ``<url>`` when the text is the address."""
        href = el.get("href")
        if not href or not text.strip():
            return text
        prefix = " " if text[:1].isspace() else ""
        suffix = " " if text[-1:].isspace() else ""
        label = text.strip()
        if label.replace("\\_", "_") == href:
            return f"{prefix}<{href}>{suffix}"
        return f"{prefix}[{label}]({_url(href)}){suffix}"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """``![alt](src)`` on its own line (inline only inside headings and table cells)."""
        src = el.get("src") or ""
        if not src:
            return ""
        image = f"![{_alt(el.get('alt') or '') or IMAGE_WITHOUT_ALT}]({_url(src)})"
        if "_inline" in parent_tags:
            return image
        return f"\n\n{image}\n\n"

    def convert_video(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A link to the video file, showing the poster image when there is one."""
        src = el.get("src") or ""
        if not src:
            source = el.find("source", src=True)
            src = source["src"] if source else ""
        poster = el.get("poster") or ""
        if src and poster:
            out = f"[![视频]({_url(poster)})]({_url(src)})"
        elif src:
            out = f"[视频]({_url(src)})"
        elif poster:
            out = f"![视频]({_url(poster)})"
        else:
            return ""
        return out if "_inline" in parent_tags else f"\n\n{out}\n\n"

    def convert_audio(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A link to the audio file."""
        src = el.get("src") or ""
        if not src:
            source = el.find("source", src=True)
            src = source["src"] if source else ""
        return f"\n\n[音频]({_url(src)})\n\n" if src else ""

    def convert_figure(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """The image, then the caption paragraph."""
        text = text.strip()
        return f"\n\n{text}\n\n" if text else ""

    def convert_figcaption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """The caption (and credit) as one italic paragraph."""
        text = _LINE_SPACE.sub(" ", text.replace("\n", " ")).strip()
        return f"\n\n*{text}*\n\n" if text else ""


_CONVERTER = ArticleConverter()
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)


def to_markdown(soup: BeautifulSoup | Tag) -> str:
    """Convert a cleaned tree to Markdown text (no trailing newline)."""
    texts = [node for node in soup.descendants if isinstance(node, NavigableString)]
    for node in texts:
        if node.parent is not None and node.parent.name != "pre":
            cleaned = _ZERO_WIDTH.sub("", _ODD_SPACE.sub(" ", str(node)))
            if cleaned != str(node):
                node.replace_with(NavigableString(cleaned))
    text = _CONVERTER.convert_soup(soup)
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        hard = line.endswith(_HARD_BREAK[:2]) and i + 1 < len(lines) and lines[i + 1].strip()
        line = line.rstrip()
        out.append(line + "  " if hard and line else line)
    text = "\n".join(out)
    return _BLANK_LINES.sub("\n\n", text).strip()
