"""Where an archived text was copied from: the ``<!--copied-from: URL-->`` line opening a body.

An archived file is normally a capture of the live page. When the page was gone and its text was
taken from a web archive's copy instead, the body's first line says so::

    <!--1602507384000-->
    [TITLE](https://www.rfi.fr/cn/…)
    ------

    <!--copied-from: https://web.archive.org/web/20201012140200id_/https://www.rfi.fr/cn/…-->
    <div>…the article's HTML…</div>

It is an HTML comment in the body, so the three-line header is unchanged and readers that do not
know it simply drop it. A Wayback Machine address also gives the time of the copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import fail
from .urls import url_key

MARKER = "copied-from:"
_LINE = re.compile(r"^<!--\s*copied-from\b(?P<rest>.*?)-->", re.IGNORECASE | re.DOTALL)
_VALID = re.compile(r"^:\s*(?P<url>https?://[^\s<>\"]+)\s*$", re.IGNORECASE)
# https://web.archive.org/web/20201012140200id_/https://… (any flag such as id_, or none)
_WAYBACK = re.compile(
    r"^https?://[^/\s]+(?:/[^\s]*?)?/web/(?P<stamp>\d{14})(?:[a-z]{2}_)?/(?P<original>https?://.+)$",
    re.IGNORECASE,
)
_EARLIEST = datetime(1996, 1, 1, tzinfo=UTC)  # the Wayback Machine's first year


@dataclass(frozen=True)
class Copy:
    """The copy an archived text was taken from: its address, and when it was made if known."""

    url: str
    made: datetime | None = None
    original: str | None = None  # the address the copy is of, when the copy's URL says it


def copied_from_line(url: str) -> str:
    """The body's first line recording that the text came from the copy at ``url``."""
    return f"<!--{MARKER} {url}-->"


def wayback_copy(url: str) -> Copy | None:
    """The time and original address in a Wayback Machine snapshot address, or None."""
    match = _WAYBACK.match(url)
    if not match:
        return None
    try:
        made = datetime.strptime(match.group("stamp"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return Copy(url, made, match.group("original"))


def parse_copied_from(
    body: str, source_url: str, path: str = "<input>", line: int = 4, now: datetime | None = None
) -> Copy | None:
    """The :class:`Copy` a body's first line names, or None when it names none.

    Raises :class:`ArchiveError` when the line is there but wrong: not one http(s) address, a
    Wayback address with an impossible time, or a copy of another article than ``source_url``.
    """
    match = _LINE.match(body.lstrip())
    if not match:
        return None
    how = "write it as <!--copied-from: https://web.archive.org/web/TIMESTAMPid_/URL-->"
    valid = _VALID.match(match.group("rest"))
    if not valid:
        found = match.group(0)[:80]
        raise fail(
            path, line, f"the copied-from line {found!r} does not name one http(s) address", how
        )
    url = valid.group("url")
    copy = wayback_copy(url) or Copy(url)
    if re.search(r"/web/\d", url) and copy.made is None:
        raise fail(path, line, f"the Wayback address {url[:80]!r} has no valid 14-digit time", how)
    if copy.made is not None and not (_EARLIEST <= copy.made <= (now or datetime.now(UTC))):
        raise fail(path, line, f"the copy's time {copy.made:%Y-%m-%d %H:%M} is impossible", how)
    if copy.original is not None and url_key(copy.original) != url_key(source_url):
        raise fail(
            path,
            line,
            f"the copy is of {copy.original[:80]!r}, not of this article's address",
            "the copied-from address must be a copy of the URL on line 2",
        )
    return copy
