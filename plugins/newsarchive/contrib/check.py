"""Validate archived files: the same checks the build runs, for ``newsarchive check``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..batch import Converter, is_archived_file, read_head
from ..convert.errors import Problem
from ..convert.pipeline import Article

EXTENSIONS = (".md", ".markdown", ".html", ".htm")
_PELICAN_MARKDOWN = re.compile(r"^\ufeff?title\s*:", re.IGNORECASE | re.MULTILINE)
_PELICAN_HTML = re.compile(r"<title[\s>]", re.IGNORECASE)


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every Markdown/HTML file under ``paths`` (files are taken as given), sorted."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found.update(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS
            )
        else:
            found.add(path)
    return sorted(found)


def is_pelican_document(path: Path) -> bool:
    """Whether the file is an ordinary Pelican page (has a title in its metadata)."""
    head = read_head(path)
    pattern = _PELICAN_HTML if path.suffix.lower() in (".html", ".htm") else _PELICAN_MARKDOWN
    return bool(pattern.search(head))


def unrecognised(path: Path) -> Problem:
    """The problem of a Markdown/HTML file that is neither archived article nor Pelican page."""
    return Problem(
        str(path),
        1,
        "not an archived article: the <!--EPOCH--> / [TITLE](URL) / ------ header is missing",
        "start the file with the three header lines",
    )


def check_files(
    paths: Iterable[str | Path], converter: Converter | None = None
) -> tuple[list[Article], list[Problem]]:
    """Convert every archived file under ``paths``; return the articles and all problems found.

    A Markdown/HTML file that is neither an archived article nor an ordinary Pelican page is
    a problem too (it would otherwise be dropped from the site without a word).
    """
    converter = converter or Converter()
    problems: list[Problem] = []
    archived: list[Path] = []
    for path in find_files(paths):
        if not path.exists():
            problems.append(Problem(str(path), 0, "no such file", "check the path"))
        elif is_archived_file(path):
            archived.append(path)
        elif not is_pelican_document(path):
            problems.append(unrecognised(path))
    articles: list[Article] = []
    for result in converter.convert_many(archived).values():
        if isinstance(result, Problem):
            problems.append(result)
        else:
            articles.append(result)
            problems.extend(result.warnings)
    problems.sort(key=lambda p: (p.path, p.line))
    return articles, problems
