"""Which images the archived articles use, and where else each can be fetched from.

Articles often show images through a resizing proxy (``https://images.weserv.nl/?url=host/path``);
the image itself is at the original URL (``https://host/path``). :func:`candidates` gives the
original first and the proxy form second, whichever of the two an article uses.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit

from ..convert.errors import Problem

if TYPE_CHECKING:
    from ..batch import Converter

#: The proxy a failed original is tried through (``None``: no proxy).
DEFAULT_PROXY = "https://images.weserv.nl/"
#: Hosts whose ``?url=`` form is a proxied image.
PROXY_HOSTS = frozenset({"images.weserv.nl", "wsrv.nl"})

# The sanitiser writes every attribute double-quoted, with ``"`` escaped inside.
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r'\ssrc="([^"]*)"', re.IGNORECASE)


def image_sources(article_html: str) -> list[str]:
    """The ``src`` of every ``<img>`` in sanitised article HTML, unescaped, in order."""
    found = []
    for tag in _IMG.finditer(article_html):
        src = _SRC.search(tag.group(0))
        if src:
            found.append(html.unescape(src.group(1)))
    return found


def is_remote(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL."""
    return urlsplit(url).scheme in ("http", "https") and bool(urlsplit(url).netloc)


def unproxy(url: str) -> str | None:
    """The original URL of a proxied image URL, or ``None`` if ``url`` is not a proxy URL.

    ``https://images.weserv.nl/?url=host/p.jpg`` → ``https://host/p.jpg`` (an ``ssl:`` prefix or a
    full ``http(s)://`` URL in the parameter are understood too).
    """
    parts = urlsplit(url)
    if (parts.hostname or "") not in PROXY_HOSTS or parts.path not in ("", "/"):
        return None
    target = (parse_qs(parts.query).get("url") or [""])[0].strip()
    if not target:
        return None
    target = re.sub(r"^ssl:", "", target, flags=re.IGNORECASE).lstrip("/")
    if not re.match(r"^https?://", target, re.IGNORECASE):
        target = "https://" + target
    return target if is_remote(target) else None


def proxied(original: str, proxy: str = DEFAULT_PROXY) -> str:
    """``original`` seen through ``proxy`` (a weserv-style ``?url=`` proxy)."""
    target = re.sub(r"^https://", "", original, flags=re.IGNORECASE)
    return f"{proxy}?url={quote(target, safe='/:')}"


def original_of(url: str) -> str:
    """The image's own URL: the original of a proxy URL, else ``url``."""
    return unproxy(url) or url


def candidates(url: str, proxy: str | None = DEFAULT_PROXY) -> list[str]:
    """URLs to try for one referenced image, in order: the original, then the proxy form."""
    original = original_of(url)
    found = [original]
    if url != original:
        found.append(url)
    elif proxy and (urlsplit(original).hostname or "") not in PROXY_HOSTS:
        found.append(proxied(original, proxy))
    return found


def collect(
    paths: Iterable[str | Path], converter: Converter | None = None
) -> tuple[dict[str, list[str]], list[Problem]]:
    """Every remote image URL the archived files under ``paths`` use → the files using it.

    Files that do not convert are returned as problems (their images are not collected).
    """
    from ..batch import Converter, is_archived_file  # here: `images --help` needs no converter
    from ..contrib.check import find_files

    files = [p for p in find_files(paths) if p.exists() and is_archived_file(p)]
    results = (converter or Converter()).convert_many(files)
    used: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for path in map(str, files):
        result = results[path]
        if isinstance(result, Problem):
            problems.append(result)
            continue
        for src in image_sources(result.html):
            if is_remote(src):
                users = used.setdefault(src, [])
                if path not in users:
                    users.append(path)
    return used, problems
