"""Archived file → clean Markdown + metadata + sanitised HTML, as pure functions.

The steps, top to bottom: decode the bytes, parse the header, identify the publisher and clean
the title, convert the body, gather the metadata, render and sanitise the HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import markdown

from .body import convert_body
from .decode import decode
from .errors import Problem
from .header import parse_header
from .language import detect_language
from .provenance import parse_copied_from
from .publishers import PublisherTable
from .sanitize import sanitize_html
from .slugs import make_slug
from .urls import host_of, repair_url, url_key

# Bump when a change to the conversion should invalidate cached results.
CONVERTER_VERSION = "7"
RELATED_HEADING = "相关链接"
MARKDOWN_EXTENSIONS = ("markdown.extensions.extra", "markdown.extensions.sane_lists")


@dataclass(frozen=True)
class Settings:
    """What conversion depends on besides the file itself."""

    publishers: PublisherTable = field(default_factory=PublisherTable)

    def fingerprint(self) -> str:
        """A string that changes whenever conversion results would."""
        return CONVERTER_VERSION + repr(self.publishers.publishers)


@dataclass
class Article:
    """A converted archived file."""

    path: str
    metadata: dict[str, Any]
    markdown: str
    html: str
    warnings: list[Problem] = field(default_factory=list)

    def document(self) -> str:
        """Pelican Markdown: a ``Key: value`` metadata header, a blank line, the body."""
        lines = [
            f"{_header_key(k)}: {_header_value(v)}"
            for k, v in self.metadata.items()
            if k in HEADER_FIELDS and v not in (None, "", [])
        ]
        return "\n".join(lines) + "\n\n" + self.markdown + "\n"

    def to_json(self) -> dict[str, Any]:
        """The metadata as JSON-ready values (ISO 8601 times)."""
        return {"path": self.path, **{k: _json_value(v) for k, v in self.metadata.items()}}

    def to_cache(self) -> str:
        return json.dumps(
            {
                "path": self.path,
                "metadata": self.to_json(),
                "markdown": self.markdown,
                "html": self.html,
                "warnings": [vars(w) for w in self.warnings],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_cache(cls, text: str) -> Article:
        data = json.loads(text)
        metadata = data["metadata"]
        metadata.pop("path", None)
        for key in ("archived", "date"):
            metadata[key] = datetime.fromisoformat(metadata[key])
        if metadata.get("copied_at"):
            metadata["copied_at"] = datetime.fromisoformat(metadata["copied_at"])
        if metadata.get("published"):
            value = metadata["published"]
            metadata["published"] = (
                datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
            )
        return cls(
            data["path"],
            metadata,
            data["markdown"],
            data["html"],
            [Problem(**w) for w in data["warnings"]],
        )


# Metadata written into the Pelican header by `newsarchive convert`, in this order.
HEADER_FIELDS = (
    "title",
    "date",
    "archived",
    "published",
    "source_url",
    "original_url",
    "copied_from",
    "copied_at",
    "original_title",
    "source",
    "category",
    "column",
    "authors",
    "lang",
    "summary",
    "slug",
)


def _header_key(key: str) -> str:
    return key.capitalize()


def _header_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\n", " ")


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# Article images load lazily and send no referrer (publishers block hot-linking by referrer).
IMAGE_ATTRIBUTES = 'loading="lazy" decoding="async" referrerpolicy="no-referrer"'
# Table alignment as the `align` attribute: the sanitiser drops `style`.
MARKDOWN_CONFIG = {"markdown.extensions.extra": {"tables": {"use_align_attribute": True}}}


@cache
def _markdown() -> markdown.Markdown:
    """One Markdown converter per process, reset before each use (building one costs ~10 %)."""
    return markdown.Markdown(
        extensions=list(MARKDOWN_EXTENSIONS), extension_configs=MARKDOWN_CONFIG
    )


def render_html(text: str) -> str:
    """Markdown → sanitised HTML."""
    rendered = _markdown().reset().convert(text)
    return sanitize_html(rendered.replace("<img ", f"<img {IMAGE_ATTRIBUTES} "))


def convert_text(
    text: str,
    path: str = "<input>",
    settings: Settings | None = None,
    warnings: list[Problem] | None = None,
) -> Article:
    """Convert an archived file's text; raises :class:`ArchiveError` when it cannot."""
    settings = settings or Settings()
    header = parse_header(text, path)
    source_url = repair_url(header.url)
    copy = parse_copied_from(header.body, source_url, path, header.body_line)
    publisher = settings.publishers.for_host(host_of(source_url))
    title, column = publisher.clean_title(header.title)
    body = convert_body(
        header.body, base_url=source_url, archived=header.archived, tz=publisher.tz, title=title
    )
    body_markdown = body.markdown.strip()
    if body.related:
        links = "\n".join(f"* [{text}]({url})" for text, url in body.related)
        body_markdown += f"\n\n## {RELATED_HEADING}\n\n{links}"
    metadata: dict[str, Any] = {
        "title": title,
        "date": header.archived,
        "archived": header.archived,
        "published": body.published,
        "source_url": source_url,
        "original_url": header.url if header.url != source_url else None,
        "original_title": header.title if header.title != title else None,
        "url_key": url_key(source_url),
        "source": publisher.name,
        "source_key": publisher.key,
        "category": publisher.name,
        "column": column,
        "authors": body.authors,
        "lang": detect_language(title + "\n" + body_markdown),
        "summary": body.summary,
        "slug": make_slug(publisher.key, source_url, header.archived),
    }
    if copy:  # only then: files without one keep their metadata as it was
        metadata |= {"copied_from": copy.url, "copied_at": copy.made}
    return Article(path, metadata, body_markdown, render_html(body_markdown), list(warnings or []))


def convert_bytes(data: bytes, path: str = "<input>", settings: Settings | None = None) -> Article:
    """Decode and convert an archived file's bytes."""
    text, warning = decode(data, path)
    warnings = [Problem(path, 1, warning, level="warning")] if warning else []
    return convert_text(text, path, settings, warnings)


def convert_file(path: str | Path, settings: Settings | None = None) -> Article:
    """Read and convert one archived file."""
    return convert_bytes(Path(path).read_bytes(), str(path), settings)
