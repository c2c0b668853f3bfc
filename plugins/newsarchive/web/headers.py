"""HTTP header helpers: the User-Agent, Retry-After, conditional GET, redirect targets (pure)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

#: Where a site owner reads who is fetching: a placeholder until the project has its address;
#: an archive names its own with ``NEWSARCHIVE_PROJECT_URL`` (a workflow: its repository's URL).
PROJECT_URL = "https://github.com/newsarchive/newsarchive"
PROJECT_URL_ENV = "NEWSARCHIVE_PROJECT_URL"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


@cache
def package_version() -> str:
    """newsarchive's installed version (``0+unknown`` when it is not installed)."""
    try:
        return version("newsarchive")
    except PackageNotFoundError:
        return "0+unknown"


def user_agent(project_url: str = PROJECT_URL) -> str:
    """An honest User-Agent: ``newsarchive/0.1.0 (+URL; news archiver)``."""
    return f"newsarchive/{package_version()} (+{project_url}; news archiver)"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date), None if absent
    or unreadable; a date in the past gives 0."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def conditional_headers(
    etag: str | None = None, last_modified: str | None = None
) -> dict[str, str]:
    """Request headers for a conditional GET from a previous response's ETag / Last-Modified."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def redirect_target(url: str, location: str) -> str:
    """The absolute URL a ``Location`` header points to from ``url`` (fragment dropped)."""
    target = urljoin(url, location.strip())
    return target.split("#", 1)[0] if urlsplit(target).fragment else target


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type value, lower-cased, or None."""
    match = _CHARSET.search(content_type or "")
    return match.group(1).lower() if match else None
