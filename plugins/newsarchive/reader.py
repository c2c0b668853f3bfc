"""Pelican glue: readers that recognise archived files by content; failing on bad files."""

from __future__ import annotations

import html
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.readers import HTMLReader, MarkdownReader
from pelican.urlwrappers import Category

from .batch import Converter, Result, is_archived_file
from .contrib.check import is_pelican_document, unrecognised
from .convert.errors import Problem
from .convert.pipeline import Article, Settings
from .convert.publishers import PublisherTable
from .report.errors import one_line


@dataclass
class Build:
    """What one Pelican run has converted, and what it found wrong."""

    converter: Converter
    skip_invalid: bool
    output_path: str
    timezone: ZoneInfo
    results: dict[str, Result] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)
    article_outputs: set[str] = field(default_factory=set)

    @property
    def problems(self) -> list[Problem]:
        return [r for r in self.results.values() if isinstance(r, Problem)]

    def forget_markdown(self) -> None:
        """Drop the converted articles' Markdown once tagging has read it: Pelican keeps only the
        HTML, and at 50,000 articles the Markdown alone is some 300 MB."""
        for result in self.results.values():
            if isinstance(result, Article):
                result.markdown = ""

    def result(self, path: str) -> Result:
        path = os.path.abspath(path)
        if path not in self.results:
            self.results.update(self.converter.convert_many([path]))
        return self.results[path]


_build: Build | None = None


def current_build() -> Build:
    """The build in progress (set up by the ``initialized`` signal)."""
    if _build is None:
        raise RuntimeError("the newsarchive plugin is not initialised")
    return _build


def start_build(pelican: Any) -> None:
    """Set up a :class:`Build` from the Pelican settings."""
    global _build
    settings = pelican.settings
    cache_dir = None
    if settings.get("NEWSARCHIVE_CACHE", True):
        cache_dir = Path(settings.get("CACHE_PATH", "cache")) / "newsarchive"
    converter = Converter(
        Settings(PublisherTable.from_settings(settings.get("NEWSARCHIVE_PUBLISHERS"))),
        cache_dir=cache_dir,
        workers=settings.get("NEWSARCHIVE_WORKERS"),
    )
    _build = Build(
        converter,
        skip_invalid=bool(settings.get("NEWSARCHIVE_SKIP_INVALID", False)),
        output_path=os.path.abspath(pelican.output_path),
        timezone=ZoneInfo(settings.get("TIMEZONE") or "UTC"),
    )


class _ArchivedFileMixin:
    """Read archived files through the pipeline, anything else through the base reader."""

    settings: dict[str, Any]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        build = current_build()
        if os.path.abspath(source_path) in build.results or is_archived_file(source_path):
            result = build.result(source_path)  # converted before (preconvert), or now
        elif is_pelican_document(Path(source_path)):
            return super().read(source_path)  # type: ignore[misc]
        else:
            result = build.results[os.path.abspath(source_path)] = unrecognised(Path(source_path))
        if isinstance(result, Problem):
            # Pelican skips the file quietly; check_problems reports it and fails the build.
            return "", {"status": "skip"}
        for warning in result.warnings:
            print(warning, file=sys.stderr)
        # Pelican keeps the article's HTML from here on: one copy, not two (~6 KB an article).
        content, result.html = result.html, ""
        return content, self._metadata(result)

    def _metadata(self, article: Article) -> dict[str, Any]:
        timezone = current_build().timezone
        metadata: dict[str, Any] = {}
        for key, value in article.metadata.items():
            if value in (None, "", []):
                continue
            if key == "category":
                value = Category(value, self.settings)
                value.slug = article.metadata["source_key"]  # ASCII: sources/rfi.html
            elif key == "authors":
                value = self.process_metadata(key, value)  # type: ignore[attr-defined]
            elif key in ("date", "archived") or isinstance(value, datetime):
                value = value.astimezone(timezone)
            elif key == "summary":
                value = html.escape(value, quote=False)
            metadata[key] = value
        metadata["archived_path"] = article.path
        return metadata


class ArchivedMarkdownReader(_ArchivedFileMixin, MarkdownReader):
    """``.md`` files: archived articles or ordinary Pelican Markdown."""


class ArchivedHTMLReader(_ArchivedFileMixin, HTMLReader):
    """``.html`` files: archived articles or ordinary Pelican HTML."""


def install_readers(readers: Any) -> None:
    for ext in ArchivedMarkdownReader.file_extensions:
        readers.reader_classes[ext] = ArchivedMarkdownReader
    for ext in ArchivedHTMLReader.file_extensions:
        readers.reader_classes[ext] = ArchivedHTMLReader


@one_line("converting the archived files")
def preconvert(generator: Any) -> None:
    """Convert every archived article file up front, in parallel, before Pelican reads them one by one."""
    build = current_build()
    extensions = (*ArchivedMarkdownReader.file_extensions, *ArchivedHTMLReader.file_extensions)
    paths = [
        os.path.abspath(os.path.join(generator.path, f))
        for f in generator.get_files(
            generator.settings["ARTICLE_PATHS"],
            exclude=generator.settings["ARTICLE_EXCLUDES"],
            extensions=extensions,
        )
    ]
    build.results.update(build.converter.convert_many(p for p in paths if is_archived_file(p)))


def check_problems(generator: Any) -> None:
    """Fail the build listing every file that could not be converted (unless told to skip them)."""
    build = current_build()
    problems = build.problems
    # Printed whole, one per line, so that editors and CI can parse ``path:line:``.
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems and not build.skip_invalid:
        raise SystemExit(
            f"newsarchive: {len(problems)} of {len(build.results)} archived files could not be "
            "converted (listed above). Fix them, or set NEWSARCHIVE_SKIP_INVALID = True to build "
            "without them."
        )
    build.article_outputs = {
        os.path.normpath(a.save_as)
        for a in [*generator.articles, *generator.translations]
        if "archived_path" in a.metadata
    }


def register() -> None:
    signals.initialized.connect(start_build)
    signals.readers_init.connect(install_readers)
    signals.article_generator_init.connect(preconvert)
