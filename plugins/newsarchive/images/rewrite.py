"""Point article images at local copies: sanitised article HTML in, HTML out (pure).

Modes (the ``ARCHIVE_IMAGES`` setting):

- ``None`` (default): an image with a local copy shows the copy, any other keeps its remote URL;
- ``"local"``: only local copies are shown; an image without one is left out (so the page loads
  nothing from other hosts);
- ``"remote"``: every image keeps its remote URL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .references import is_remote

MODES = (None, "local", "remote")

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'(\ssrc=")([^"]*)(")', re.IGNORECASE)


@dataclass
class Rewritten:
    """What :func:`rewrite_images` did to one article."""

    html: str
    local: int = 0
    remote: int = 0
    dropped: int = 0
    files: set[str] = field(default_factory=set)


def check_mode(mode: object) -> str | None:
    """``mode`` if it is a valid ``ARCHIVE_IMAGES`` value, else :class:`ValueError`."""
    if mode not in MODES:
        raise ValueError(f'ARCHIVE_IMAGES must be "local", "remote" or unset, not {mode!r}')
    return mode  # type: ignore[return-value]


def rewrite_images(
    article_html: str, local: Mapping[str, str], mode: str | None = None, prefix: str = ""
) -> Rewritten:
    """Rewrite each ``<img src>`` whose URL has a local file in ``local`` (URL → file name) to
    ``prefix + file``, as ``mode`` says. Images with relative or non-http URLs are left alone."""
    check_mode(mode)
    result = Rewritten(article_html)

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if src is None or not is_remote(url := html.unescape(src.group(2))):
            return tag
        file = local.get(url) if mode != "remote" else None
        if file is not None:
            result.local += 1
            result.files.add(file)
            new_src = html.escape(prefix + file, quote=True)
            return tag[: src.start(2)] + new_src + tag[src.end(2) :]
        if mode == "local":
            result.dropped += 1
            return ""
        result.remote += 1
        return tag

    result.html = _IMG.sub(replace, article_html)
    return result
