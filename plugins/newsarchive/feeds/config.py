"""Read and validate ``content/feeds.yml``: the feeds to follow, with ``file:line`` errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..convert.errors import ArchiveError, fail
from ..convert.publishers import PublisherTable

#: Keys a feed entry may have; anything else is a typo worth an error.
KEYS = ("url", "name", "publisher", "full_text", "limit", "recapture_updated")
_HINTS = {
    "url": "write the feed's address, e.g. `url: https://www.rfi.fr/cn/rss`",
    "name": "write a short label, e.g. `name: RFI 中文`",
    "publisher": "write a publisher key, e.g. `publisher: rfi`",
    "full_text": "write `full_text: true` or `full_text: false`, or leave it out",
    "recapture_updated": "write `recapture_updated: true` or `false`",
    "limit": "write e.g. `limit: 20`, or leave it out",
}
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Feed:
    """One feed to follow."""

    url: str
    name: str = ""  # shown in progress lines (the URL when empty)
    publisher: str | None = None  # items must link to this publisher's site
    full_text: bool | None = None  # True: archive the item's content; False: capture the page;
    #                                None: the content when it holds the article, else capture
    limit: int | None = None  # new files per run, at most
    recapture_updated: bool = True  # a known URL whose item says it was updated gets a new capture
    line: int = 0  # where the entry starts in feeds.yml

    @property
    def label(self) -> str:
        return self.name or self.url


def _where(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(path: str, node: yaml.Node, key: str, kind: str) -> object:
    """The value of a scalar node as ``kind`` (str, bool, int); ``ArchiveError`` otherwise."""
    if not isinstance(node, yaml.ScalarNode):
        raise fail(
            path, _where(node), f"{key}: expected one value, found a list or mapping", _HINTS[key]
        )
    value = yaml.safe_load(yaml.serialize(node))
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if kind == "str" and value is not None and not isinstance(value, bool | list | dict):
        return str(value).strip()
    examples = {"bool": "true or false", "int": "a whole number ≥ 1", "str": "text"}
    raise fail(path, _where(node), f"{key}: {value!r} is not {examples[kind]}", _HINTS[key])


def parse_feeds(
    text: str, path: str = "content/feeds.yml", publishers: PublisherTable | None = None
) -> list[Feed]:
    """The feeds a ``feeds.yml`` text lists; :class:`ArchiveError` names the line at fault
    (``publishers`` only names the known keys in the hint)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise fail(
            path, line, f"not valid YAML: {problem}", "check the indentation and colons"
        ) from None
    hint = "write `feeds:` then one `- url: https://…` line per feed"
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise fail(path, _where(root), "expected a mapping with a `feeds:` list", hint)
    feeds_node = None
    for key_node, value_node in root.value:
        if key_node.value != "feeds":
            raise fail(path, _where(key_node), f"unknown key {key_node.value!r}", hint)
        feeds_node = value_node
    if feeds_node is None or (isinstance(feeds_node, yaml.ScalarNode) and not feeds_node.value):
        return []
    if not isinstance(feeds_node, yaml.SequenceNode):
        raise fail(path, _where(feeds_node), "`feeds:` should be a list", hint)
    feeds: list[Feed] = []
    seen: dict[str, int] = {}
    for entry in feeds_node.value:
        feed = _entry(path, entry, publishers)
        if feed.url in seen:
            raise fail(
                path,
                feed.line,
                f"{feed.url} is listed twice (first on line {seen[feed.url]})",
                "remove one of them",
            )
        seen[feed.url] = feed.line
        feeds.append(feed)
    return feeds


def _entry(path: str, entry: yaml.Node, publishers: PublisherTable | None) -> Feed:
    line = _where(entry)
    if isinstance(entry, yaml.ScalarNode):  # `- https://…` is allowed as a short form
        entry = yaml.MappingNode("tag:yaml.org,2002:map", [(yaml.ScalarNode("", "url"), entry)])
        entry.start_mark = entry.value[0][1].start_mark
    if not isinstance(entry, yaml.MappingNode):
        raise fail(
            path, line, "a feed entry should be a mapping with `url:`", "write `- url: https://…`"
        )
    values: dict[str, object] = {}
    for key_node, value_node in entry.value:
        key = str(key_node.value)
        if key not in KEYS:
            raise fail(
                path,
                _where(key_node),
                f"unknown key {key!r} in a feed entry",
                f"use one of {', '.join(KEYS)}",
            )
        kind = {"full_text": "bool", "recapture_updated": "bool", "limit": "int"}.get(key, "str")
        values[key] = _scalar(path, value_node, key, kind)
    url = str(values.get("url") or "")
    if not url:
        raise fail(path, line, "a feed entry has no `url:`", "add `url: https://…` to it")
    if not re.match(r"^https?://[^/\s]+", url, re.IGNORECASE) or re.search(r"\s", url):
        raise fail(
            path,
            line,
            f"url: {url!r} is not an http(s) address",
            "write the feed's https:// address",
        )
    publisher = values.get("publisher")
    if publisher is not None:
        publisher = str(publisher)
        if not _KEY.match(publisher):
            known = ", ".join(p.key for p in (publishers or PublisherTable()).publishers)
            raise fail(
                path,
                line,
                f"publisher: {publisher!r} is not a publisher key",
                f"use one of {known}, or a site's domain with '-' for '.' (example-com)",
            )
    return Feed(
        url=url,
        name=str(values.get("name") or ""),
        publisher=publisher,
        full_text=values.get("full_text"),  # type: ignore[arg-type]
        limit=values.get("limit"),  # type: ignore[arg-type]
        recapture_updated=bool(values.get("recapture_updated", True)),
        line=line,
    )


def load_feeds(path: str | Path, publishers: PublisherTable | None = None) -> list[Feed]:
    """The feeds listed in the file at ``path``; :class:`ArchiveError` when it is missing or wrong."""
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise fail(
            str(path), 0, "no such file", "create it with a `feeds:` list (see README)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(str(path), 0, f"cannot be read ({exc})", "save it as UTF-8 text") from None
    return parse_feeds(text, str(path), publishers)


__all__ = ["KEYS", "ArchiveError", "Feed", "load_feeds", "parse_feeds"]
