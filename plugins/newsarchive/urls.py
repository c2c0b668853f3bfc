"""Repair and identify source URLs."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

_DOUBLE_SCHEME = re.compile(r"^(?:https?:/*)+(?=https?://)", re.IGNORECASE)
_SCHEME_SLASHES = re.compile(r"^(https?):/*", re.IGNORECASE)


def repair_url(url: str, base: str | None = None) -> str:
    """Repair a URL as archived: ``http://https://x`` → ``https://x``, ``//`` runs in the path collapsed.

    Protocol-relative URLs get ``https:``; relative ones are resolved against ``base``.
    Query, fragment and percent-encoding are left alone.
    """
    url = url.strip()
    if not url:
        return url
    url = _DOUBLE_SCHEME.sub("", url)
    if url.startswith("//"):
        url = "https:" + url
    elif not _SCHEME_SLASHES.match(url):
        if base is None or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
            return url
        url = urljoin(repair_url(base), url)
    url = _SCHEME_SLASHES.sub(lambda m: m.group(1).lower() + "://", url, count=1)
    parts = urlsplit(url)
    path = re.sub(r"/{2,}", "/", parts.path)
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, parts.fragment))


def url_key(url: str) -> str:
    """A key that is the same for every capture of one article: no scheme, no ``www.``, no trailing /."""
    parts = urlsplit(repair_url(url))
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def url_hash(url: str, length: int = 8) -> str:
    """A short stable hash of :func:`url_key`."""
    return hashlib.sha256(url_key(url).encode("utf-8")).hexdigest()[:length]


def host_of(url: str) -> str:
    """The lower-cased host of ``url``."""
    return urlsplit(url).hostname or ""
