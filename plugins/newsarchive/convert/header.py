"""Parse the three-line header of an archived article file.

::

    <!--1694605502000-->        when it was archived (epoch milliseconds or seconds)
    [TITLE](URL)                 the article's title and where it came from
    ------                       end of header; the raw HTML body follows
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import fail
from .urls import repair_url

_EPOCH = re.compile(r"^<!--\s*(\d+)\s*-->$")
_LINK = re.compile(r"^\[(?P<title>.*)\]\((?P<url>\S*)\)$")
_RULE = re.compile(r"^-{3,}$")
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Header:
    """What the header says: archive time, raw title and raw URL, and where the body starts."""

    archived: datetime
    title: str
    url: str
    body_line: int
    body: str


def looks_archived(text: str) -> bool:
    """Whether ``text`` is meant to be an archived article, even a broken one.

    True when any of the three header lines is recognisable: a ``<!--…-->`` comment on line 1,
    ``[…](…)`` on line 2, or a ``---`` rule on line 3.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n", 3)[:3]
    lines = [line.strip() for line in lines] + ["", "", ""]
    return bool(
        re.match(r"^<!--.*-->$", lines[0])
        or re.match(r"^\[.*\]\(.*\)$", lines[1])
        or _RULE.match(lines[2])
    )


def parse_epoch(digits: str, path: str, line: int = 1, now: datetime | None = None) -> datetime:
    """Turn epoch milliseconds (13 digits; 12 before 2001) or seconds (10; 9) into aware UTC."""
    if len(digits) in (12, 13):
        moment = datetime.fromtimestamp(int(digits) / 1000, tz=UTC)
    elif len(digits) in (9, 10):
        moment = datetime.fromtimestamp(int(digits), tz=UTC)
    else:
        raise fail(
            path,
            line,
            f"timestamp {digits} has {len(digits)} digits",
            "use epoch milliseconds (13 digits) or seconds (10 digits)",
        )
    now = now or datetime.now(UTC)
    if moment < _EARLIEST:
        raise fail(
            path,
            line,
            f"timestamp {digits} is {moment:%Y-%m-%d}, before 1995",
            "check the unit: milliseconds have 13 digits, seconds 10",
        )
    if moment > now + _FUTURE_SLACK:
        raise fail(
            path,
            line,
            f"timestamp {digits} is {moment:%Y-%m-%d %H:%M} UTC, in the future",
            "use the time the page was archived",
        )
    return moment


def parse_header(text: str, path: str = "<input>", now: datetime | None = None) -> Header:
    """Split an archived file's text into its :class:`Header` and raw HTML body.

    Accepts LF or CRLF line ends and a leading BOM; raises :class:`ArchiveError`
    naming the line of the first problem.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n", 3)
    while len(lines) < 4:
        lines.append("")
    first, second, third = (line.strip() for line in lines[:3])
    rest = lines[3]

    epoch = _EPOCH.match(first)
    if not epoch:
        raise fail(
            path,
            1,
            f"line 1 should be the archive time as <!--EPOCH-->, found {first[:60]!r}",
            "start the file with e.g. <!--1694605502000-->",
        )
    archived = parse_epoch(epoch.group(1), path, 1, now)

    link = _LINK.match(second)
    if not link:
        raise fail(
            path,
            2,
            f"line 2 should be the title and URL as [TITLE](URL), found {second[:60]!r}",
            "write e.g. [Article title](https://example.com/article)",
        )
    title, url = link.group("title").strip(), link.group("url").strip()
    if not title:
        raise fail(
            path, 2, "the title in [TITLE](URL) is empty", "put the article's headline between [ ]"
        )
    if not re.match(r"^https?://", url, re.IGNORECASE):
        raise fail(
            path,
            2,
            f"the URL {url[:80]!r} is not an http(s) address",
            "use the article's original https:// address",
        )
    if not repair_url(url):
        raise fail(
            path,
            2,
            f"the URL {url[:80]!r} is malformed (an unbalanced [ or a character not allowed in a host)",
            "copy the article's address again from the browser's address bar",
        )

    if not _RULE.match(third):
        raise fail(
            path,
            3,
            f"line 3 should be the header rule ------, found {third[:60]!r}",
            "put a line of six dashes between the header and the HTML body",
        )
    body = rest.strip()
    if not body:
        raise fail(
            path, 4, "the article body is empty", "paste the article's HTML below the ------ line"
        )
    body_line = 4 + (len(rest) - len(rest.lstrip("\n")))
    return Header(archived=archived, title=title, url=url, body_line=body_line, body=body)
