"""Who published an article: the publisher table, and title clean-up per publisher."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Publisher:
    """A news publisher, how its archived titles are written and where its pages hold the article."""

    key: str
    name: str
    hosts: tuple[str, ...] = ()
    tz: str = "UTC"
    title_suffixes: tuple[str, ...] = ()
    column_suffix: bool = False
    column_prefix: bool = False
    # CSS selectors of the element holding the article on the publisher's own pages, tried in
    # order: `capture` and `import` keep that element's HTML, as the archived files do.
    article: tuple[str, ...] = ()
    _suffix_res: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = tuple(re.compile(rf"\s*(?:{s})\s*$", re.IGNORECASE) for s in self.title_suffixes)
        object.__setattr__(self, "_suffix_res", patterns)

    def clean_title(self, raw: str) -> tuple[str, str | None]:
        """Return ``(title, column)``: site-name suffixes removed, a column suffix or prefix split off."""
        title = re.sub(r"\s+", " ", raw).strip()
        changed = True
        while changed:
            changed = False
            for pattern in self._suffix_res:
                stripped = pattern.sub("", title)
                if stripped != title and stripped:
                    title, changed = stripped, True
        column = None
        if self.column_suffix:
            match = re.match(r"^(?P<title>.+?)\s+[-–—|]\s+(?P<column>[^\s\-–—|]{2,12})$", title)
            if match:
                title, column = match.group("title"), match.group("column")
        if self.column_prefix:
            match = re.match(r"^【(?P<column>[^】]{1,12})】\s*(?P<title>.+)$", title)
            if match:
                title, column = match.group("title"), match.group("column")
        return title, column


# The publishers of the sample archive. Users add or override entries with the
# NEWSARCHIVE_PUBLISHERS setting (same fields, keyed by `key`).
DEFAULT_PUBLISHERS: tuple[Publisher, ...] = (
    Publisher(
        "bbc",
        "BBC 中文",
        ("bbc.com", "bbc.co.uk"),
        "Europe/London",
        (r"-\s*BBC\s*News\s*,?\s*中文", r"-\s*BBC\s*中文网?", r"\|\s*BBC\s*中文网?"),
        article=("main[role=main]",),
    ),
    Publisher(
        "cdt",
        "中国数字时代",
        ("chinadigitaltimes.net",),
        "America/Los_Angeles",
        (r"[|｜-]\s*中国数字时代", r"[|｜-]\s*China Digital Times(?: \(CDT\))?"),
        column_prefix=True,
        article=(".post-content", ".entry-content"),
    ),
    Publisher(
        "dw",
        "德国之声",
        ("dw.com", "dw.de"),
        "Europe/Berlin",
        (r"[|–-]\s*DW\b.*", r"[|–-]\s*德国之声(?:\s*来自德国.*)?"),
        article=(".longText", ".rich-text"),
    ),
    Publisher(
        "nytimes",
        "纽约时报中文网",
        ("cn.nytimes.com", "nytimes.com", "cn.nytstyle.com"),
        "Asia/Shanghai",
        (r"-\s*纽约时报中文网", r"[|-]\s*The New York Times"),
        article=("section.article-body", ".article-body"),
    ),
    Publisher(
        "rfa",
        "自由亚洲电台",
        ("rfa.org",),
        "America/New_York",
        (r"[—–-]+\s*(?:普通话主页|自由亚洲电台)(?:\s*[—–-]+\s*(?:普通话主页|自由亚洲电台))*",),
        article=("#storytext", ".article-body"),
    ),
    Publisher(
        "rfi",
        "法国国际广播电台",
        ("rfi.fr",),
        "Europe/Paris",
        (r"[–-]\s*法国国际广播电台(?:\s*[–-]\s*RFI)?", r"[–-]\s*RFI"),
        column_suffix=True,
        article=("article.t-content", ".t-content__body"),
    ),
    Publisher(
        "voa",
        "美国之音",
        ("voachinese.com", "voanews.com", "voacantonese.com"),
        "America/New_York",
        (r"[|-]\s*美国之音中文网", r"[|-]\s*美国之音", r"[|-]\s*VOA\b.*"),
        article=("#article-content .wsw", ".wsw"),
    ),
)


class PublisherTable:
    """Find the publisher of a host; unknown hosts become a publisher named after the host."""

    def __init__(self, publishers: Iterable[Publisher] = DEFAULT_PUBLISHERS) -> None:
        self.publishers = tuple(publishers)
        self._by_host = {host: p for p in self.publishers for host in p.hosts}

    @classmethod
    def from_settings(cls, overrides: Mapping[str, Mapping[str, Any]] | None) -> PublisherTable:
        """The default table with ``NEWSARCHIVE_PUBLISHERS`` entries merged in (key → fields)."""
        by_key = {p.key: p for p in DEFAULT_PUBLISHERS}
        for key, fields in (overrides or {}).items():
            values = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
            if key in by_key:
                by_key[key] = replace(by_key[key], **values)
            else:
                values.setdefault("name", key)
                by_key[key] = Publisher(key=key, **values)
        return cls(by_key.values())

    def for_host(self, host: str) -> Publisher:
        """The publisher serving ``host`` (or one of its parent domains)."""
        host = host.lower().rstrip(".")
        labels = host.split(".")
        for i in range(len(labels) - 1):
            found = self._by_host.get(".".join(labels[i:]))
            if found:
                return found
        bare = host.removeprefix("www.")
        return Publisher(key=re.sub(r"[^a-z0-9]+", "-", bare).strip("-") or "unknown", name=bare)
