"""Read the published time and the byline that an article body states about itself.

Runs on the raw tree, before :mod:`newsarchive.convert.clean` removes those lines; it returns
the tags it read so that the clean-up can drop them. The forms handled:

* RFI ``<div>13/09/2023 - 13:16</div>`` (publisher local time)
* DW ``<div><i>AUTHOR<br>2020-10-13T04:22:08.683Z</i></div>`` (UTC)
* cn.nytimes.com ``<div><i>AUTHOR<br>2020-10-13 14:38:42</i></div>`` (publisher local time)
* VOA ``<div><i>Tue, 13 Oct 2020 01:13:37 GMT</i></div>``
* BBC ``<time dateTime="2020-10-12">19 分钟前</time>`` (a day; the text may be relative)
* BBC ``<ul role="list"><li>Juna Moon</li><li>BBC韩语</li></ul>`` byline before the time
* RFI ``<span>作者：</span><a>夏榕</a>``
* RFA sign-off ``（记者：韩洁 责编：申铧 网编：洪伟）`` (names only; the line stays)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bs4 import BeautifulSoup, NavigableString, Tag

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
_SLACK = timedelta(days=1)
# How far into the body the date line and the top byline may be.
_HEAD_TAGS = 40

_RFI = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s*-\s*(\d{1,2}):(\d{2})$")
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$"
)
_RFC2822 = re.compile(
    r"^(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC|[+-]\d{4})$"
)
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_RELATIVE = re.compile(r"(前|ago|刚刚|昨天|今天)\s*$")


@dataclass
class Stated:
    """What the body says about itself, and the tags that said it."""

    published: datetime | date | None = None
    authors: list[str] = field(default_factory=list)
    dateline: list[Tag] = field(default_factory=list)
    byline: list[Tag] = field(default_factory=list)


def _text(node: Tag | NavigableString) -> str:
    raw = node.get_text(" ") if isinstance(node, Tag) else str(node)
    return _SPACE.sub(" ", raw).strip()


def _lines(tag: Tag) -> list[str]:
    """The text of ``tag`` split at ``<br>`` and block boundaries, blank lines dropped."""
    parts: list[str] = [""]
    for node in tag.descendants:
        if isinstance(node, Tag) and node.name in ("br", "p", "div", "li"):
            parts.append("")
        elif isinstance(node, NavigableString):
            parts[-1] += str(node)
    return [line for line in (_SPACE.sub(" ", p).strip() for p in parts) if line]


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_stated_time(text: str, tz: str = "UTC") -> datetime | date | None:
    """Parse one stated date/time; naive times are in ``tz``. Relative times give ``None``."""
    text = _SPACE.sub(" ", text).strip()
    if not text or _RELATIVE.search(text):
        return None
    zone = _zone(tz)
    try:
        if m := _RFI.match(text):
            day, month, year, hour, minute = map(int, m.groups())
            return datetime(year, month, day, hour, minute, tzinfo=zone)
        if m := _ISO.match(text):
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            if m[4] is None:
                return date(year, month, day)
            moment = datetime(year, month, day, int(m[4]), int(m[5]), int(m[6] or 0))
            offset = m[7]
            if offset is None:
                return moment.replace(tzinfo=zone)
            if offset == "Z":
                return moment.replace(tzinfo=UTC)
            return datetime.fromisoformat(f"{moment.isoformat()}{offset[:3]}:{offset[-2:]}")
        if _RFC2822.match(text):
            moment = parsedate_to_datetime(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if m := _CN_DATE.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
    except (ValueError, OverflowError):
        return None
    return None


def plausible(value: datetime | date | None, archived: datetime) -> datetime | date | None:
    """``value`` unless it is later than ``archived`` + 1 day or before 1995."""
    if value is None:
        return None
    moment = (
        value
        if isinstance(value, datetime)
        else datetime(value.year, value.month, value.day, tzinfo=UTC)
    )
    if moment > archived + _SLACK or moment < _EARLIEST:
        return None
    return value


_AUTHOR_PREFIX = re.compile(r"^(?:(?:作者|记者|采访记者|撰稿|By)\s*[：:]?|文\s*[：:])\s*", re.I)
_AUTHOR_SUFFIX = re.compile(r"\s*(?:综合报导|综合报道|报导|报道)$")
_SPLIT_NAMES = re.compile(r"\s*(?:[,，、/;；]|\band\b|和)\s*")


def split_names(text: str) -> list[str]:
    """Names in a byline string: prefixes like ``作者：`` and suffixes like ``综合报导`` dropped,
    split at commas and ``、``, duplicates removed (order kept)."""
    text = _AUTHOR_SUFFIX.sub("", _AUTHOR_PREFIX.sub("", _SPACE.sub(" ", text).strip()))
    names: list[str] = []
    for name in _SPLIT_NAMES.split(text):
        name = name.strip(" .·:：")
        if name and name not in names and len(name) <= 40:
            names.append(name)
    return names


def _head(soup: BeautifulSoup) -> list[Tag]:
    """The first tags of the body, up to the first paragraph of real text."""
    head: list[Tag] = []
    for tag in soup.descendants:
        if not isinstance(tag, Tag):
            continue
        if len(head) >= _HEAD_TAGS:
            break
        if tag.name == "p" and len(_text(tag)) > 40:
            break
        head.append(tag)
    return head


def _find_dateline(head: list[Tag], tz: str, stated: Stated) -> None:
    for tag in head:
        if tag.name == "time":
            value = None
            for attr in ("datetime", "dateTime"):
                if tag.get(attr):
                    value = parse_stated_time(str(tag[attr]), tz)
                    break
            if value is None:
                value = parse_stated_time(_text(tag), tz)
            stated.published = value
            stated.dateline.append(tag)
            return
        if tag.name not in ("div", "p", "i", "em", "span", "small"):
            continue
        lines = _lines(tag)
        if not lines or len(lines) > 2 or len(_text(tag)) > 120:
            continue
        value = parse_stated_time(lines[-1], tz)
        if value is None:
            continue
        stated.published = value
        stated.dateline.append(tag)
        if len(lines) == 2:
            stated.authors = split_names(lines[0])
        return


def _find_bbc_byline(head: list[Tag], stated: Stated) -> None:
    for tag in head:
        if tag.name != "ul" or tag.get("role") != "list" or tag.find("a") is not None:
            continue
        items = [_text(li) for li in tag.find_all("li")]
        if not items or any(len(item) > 60 for item in items):
            continue
        stated.authors = split_names(re.sub(r"^作者\s*[，,：:]?\s*", "", items[0]))
        stated.byline.append(tag)
        return


_BYLINE_LABEL = re.compile(r"^\s*(?:作者|文|撰稿)\s*[：:]\s*$")


def _find_labelled_byline(soup: BeautifulSoup, stated: Stated) -> None:
    for label in soup.find_all(string=_BYLINE_LABEL):
        container = label.parent
        if container is not None and container.name in ("span", "b", "strong", "em", "i"):
            container = container.parent
        if container is None:
            continue
        text = _text(container)
        if len(text) > 80:
            continue
        names = split_names(text)
        if names:
            stated.authors = stated.authors or names
            stated.byline.append(container)
            return


_RFA_REPORTER = re.compile(r"记者\s*[：:]\s*(.+?)(?:\s{2,}|\s*责编|\s*[）)]|$)")
_RFA_STATION = re.compile(r"自由亚洲电台(?:记者|特约记者)\s*([\u4e00-\u9fff·]{2,4})(?=\s|$)")


def _find_signoff(soup: BeautifulSoup, stated: Stated) -> None:
    """RFA's last-line credits: reporter names only; the line itself stays in the article."""
    for p in reversed(soup.find_all("p")[-3:]):
        raw = p.get_text().replace("\xa0", " ")
        if "责编" not in raw and "网编" not in raw:
            continue
        m = _RFA_REPORTER.search(raw) or _RFA_STATION.search(raw)
        if m:
            stated.authors = split_names(m.group(1))
        return


def extract(soup: BeautifulSoup, *, tz: str = "UTC", archived: datetime | None = None) -> Stated:
    """Find the published time and byline the body states; see the module docstring."""
    stated = Stated()
    head = _head(soup)
    _find_bbc_byline(head, stated)
    byline_authors = list(stated.authors)
    _find_dateline(head, tz, stated)
    if byline_authors:
        stated.authors = byline_authors
    if not stated.authors:
        _find_labelled_byline(soup, stated)
    if not stated.authors:
        _find_signoff(soup, stated)
    if archived is not None:
        stated.published = plausible(stated.published, archived)
    return stated
