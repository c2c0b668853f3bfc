"""Repair and identify source URLs."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

_DOUBLE_SCHEME = re.compile(r"^(?:https?:/*)+(?=https?:/)", re.IGNORECASE)
_SCHEME_SLASHES = re.compile(r"^(https?):/*", re.IGNORECASE)
_SLASH_RUN = re.compile(r"/{2,}")


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or ``None`` for a URL Python cannot parse.

    ``urlsplit`` raises ``ValueError`` on an unbalanced ``[`` (``Invalid IPv6 URL``) and on a host
    with characters that NFKC-normalise into ``/?#@:`` (full-width ``／``, ``＃``…).
    """
    try:
        return urlsplit(url)
    except ValueError:
        return None


def repair_url(url: str, base: str | None = None) -> str:
    """Repair a URL as archived and make it absolute.

    ``http://https://x`` becomes ``https://x``, ``http:////x`` becomes ``http://x``, runs of ``/``
    in the path are collapsed, protocol-relative ``//host/p`` becomes ``https://host/p`` and a
    relative URL is resolved against ``base``. Scheme and host are lower-cased; the query, the
    fragment and any percent-encoding are left as they are; other schemes are returned as given.
    A malformed URL (see :func:`split_url`) is returned as ``""``: it cannot be linked to.
    """
    url = url.strip()
    if not url:
        return base or ""
    url = _DOUBLE_SCHEME.sub("", url)
    url = _SCHEME_SLASHES.sub(lambda m: m.group(1).lower() + "://", url)
    if url.startswith("//"):
        url = "https:" + url
    elif not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) and base:
        root = repair_url(base)
        if split_url(root) is None or split_url(url) is None:
            return ""
        url = urljoin(root, url)
    parts = split_url(url)
    if parts is None:
        return ""
    if parts.scheme not in ("http", "https"):
        return url
    path = _SLASH_RUN.sub("/", parts.path)
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, parts.fragment))


def url_key(url: str) -> str:
    """A key that is the same for every capture of one article: no scheme, no ``www.``, no trailing /."""
    parts = split_url(repair_url(url)) or urlsplit("")
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def url_hash(url: str, length: int = 8) -> str:
    """A short stable hash of :func:`url_key`."""
    return hashlib.sha256(url_key(url).encode("utf-8")).hexdigest()[:length]


def host_of(url: str) -> str:
    """The lower-cased host of ``url``."""
    parts = split_url(url)
    return (parts.hostname or "") if parts else ""
