"""Decode fetched HTML: the HTTP charset, then <meta charset>, then detection."""

from __future__ import annotations

import codecs
import re

from ..convert.decode import decode
from ..convert.errors import ArchiveError
from .errors import FetchError
from .headers import charset_of

_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Declared names whose bytes are really a wider encoding (as browsers read them).
_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_DETECTED = re.compile(r"decoded as (\S+)")  # decode()'s warning names the encoding it found
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag within its first 4 KB, lower-cased."""
    match = _META.search(body[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = _WIDER.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(
    body: bytes, content_type: str | None = None, url: str = "<page>"
) -> tuple[str, str]:
    """``(text, encoding)`` of an HTML page: a BOM; bytes that are valid UTF-8 beyond ASCII
    (servers often declare ISO-8859-1 by default; such bytes are UTF-8 in practice); the
    Content-Type charset, then the page's ``<meta charset>`` (each used only if the bytes decode
    with it); else a detected encoding (GB18030, Big5…). Raises :class:`FetchError`
    (``undecodable``) otherwise."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name), name.removesuffix("-sig")
    if not body.isascii():
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    for declared in (charset_of(content_type), meta_charset(body)):
        name = _codec(declared)
        if name:
            try:
                return body.decode(name), name
            except UnicodeDecodeError:
                continue
    try:
        text, warning = decode(body, url)
    except ArchiveError as exc:
        raise FetchError("undecodable", f"{url}: {exc}", url=url) from exc
    detected = _DETECTED.search(warning or "")
    return text, detected.group(1) if detected else "utf-8"
