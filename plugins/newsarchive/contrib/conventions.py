"""What only a whole archive can tell about a contribution, for ``newsarchive check``.

Beyond converting each file (``check.py``): the same URL archived twice with the same text is a
duplicate; with a different text it is a new capture (a notice); archived files belong under
``content/articles/<publisher key>/`` with a lowercase ASCII name; binary files and web pages saved
from a browser are named for what they are. Nothing here raises on bad input: every file gets
problems, never a traceback.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..batch import Converter, is_archived_file
from ..convert.decode import decode
from ..convert.errors import ArchiveError, Problem
from ..convert.header import parse_header
from ..convert.pipeline import Article, Settings
from ..convert.urls import repair_url, url_key
from ..inputs import binary_kind
from .check import check_files, find_files
from .importer import conventional_name
from .naming import FREE, SETTING, Naming, read_setting

CONVENTIONAL_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.(?:html|md)$")
_SNIFF = 8192
_SAVED_PAGE = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)


@dataclass
class Capture:
    """One archived file as the archive knows it: its URL key, archive time and body digest."""

    path: Path
    key: str
    archived: datetime
    digest: str | None = None  # of the converted text; None until converted
    url: str = ""  # as the header gives it


def body_digest(article: Article) -> str:
    """A digest of the article's converted text, blind to whitespace."""
    text = re.sub(r"\s+", " ", article.markdown).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sniff(path: Path) -> Problem | None:
    """A problem for a file that is not text at all, or is a whole saved web page."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF)
    except OSError as exc:
        return Problem(
            str(path), 0, f"cannot be read: {exc.strerror}", "check the file's permissions"
        )
    kind = binary_kind(head)
    if kind:
        return Problem(
            str(path),
            1,
            f"file is {kind}, not an archived article"
            if kind != "binary"
            else "file is binary, not text",
            "an archived article is a text file: the header lines, then the article's HTML",
        )
    if not is_archived_file(path) and _SAVED_PAGE.match(head.lstrip(b"\xef\xbb\xbf")):
        return Problem(
            str(path),
            1,
            "a web page saved from a browser, not an archived article (the header is missing)",
            f"turn it into one with: newsarchive import {path} --url ADDRESS",
        )
    return None


def _safe_check(paths: list[Path], converter: Converter) -> tuple[list[Article], list[Problem]]:
    """``check_files``, falling back to one file at a time so one crash names its file."""
    try:
        return check_files(paths, converter)
    except Exception:  # any converter bug must become a problem, not a traceback
        articles: list[Article] = []
        problems: list[Problem] = []
        for path in paths:
            try:
                found, more = check_files([path], Converter(converter.settings, workers=1))
            except Exception as exc:
                problems.append(
                    Problem(
                        str(path),
                        1,
                        f"could not be checked: {type(exc).__name__}: {exc}"[:300],
                        "this is a bug in newsarchive: please report it with the file",
                    )
                )
                continue
            articles.extend(found)
            problems.extend(more)
        return articles, problems


def empty_body(article: Article) -> Problem | None:
    """An article whose body has neither text nor images once cleaned (e.g. only a <script>)."""
    if re.search(r"\w", re.sub(r"<[^>]*>", "", article.html)) or "<img" in article.html:
        return None
    return Problem(
        article.path,
        4,
        "the article body has no text once cleaned (it held only scripts, styles or empty tags)",
        "paste the article's own HTML below the ------ line",
    )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def placement(
    path: Path, article: Article | None, content: Path, naming: Naming | None = None
) -> list[Problem]:
    """Whether an archived file sits where the archive's naming rule puts it.

    Files outside the project (the parent of ``content``), or with no ``content`` folder at all,
    are not placed yet and are not judged.
    """
    naming = naming or Naming()
    resolved, content = path.resolve(), content.resolve()
    articles_dir = content / "articles"
    key = article.metadata["source_key"] if article else None
    target = (
        f"content/articles/{key}/"
        + conventional_name(article.metadata["source_url"], article.metadata["archived"])
        if article
        else "content/articles/<publisher>/"
    )
    problems: list[Problem] = []
    if not content.is_dir() or not _inside(resolved, content.parent):
        return problems
    if not _inside(resolved, articles_dir):
        where = "content/articles/" if _inside(resolved, content) else "content/"
        problems.append(
            Problem(
                str(path),
                1,
                f"archived file outside {where}: the site does not include it",
                f"move it to {target}",
            )
        )
        return problems
    if naming.is_pattern or naming.rule == FREE:
        relative = resolved.relative_to(articles_dir).with_suffix("").as_posix()
        if not naming.matches(relative, article):
            problems.append(
                Problem(
                    str(path),
                    1,
                    f"file {resolved.relative_to(articles_dir).as_posix()} does not follow this "
                    f"archive's naming {naming.rule!r} ({SETTING} in pelicanconf.py)",
                    "rename or move it to match the pattern",
                )
            )
        return problems
    folders = resolved.relative_to(articles_dir).parts[:-1]
    if article and (not folders or folders[0] != key):
        found = f"in content/articles/{folders[0]}/" if folders else "directly in content/articles/"
        problems.append(
            Problem(
                str(path),
                2,
                f"file is {found} but its URL is a {article.metadata['source']} ({key}) article",
                f"move it to content/articles/{key}/",
            )
        )
    if not CONVENTIONAL_NAME.match(path.name):
        problems.append(
            Problem(
                str(path),
                1,
                f"file name {path.name!r} should be lowercase ASCII letters, digits, '-', '_' and "
                "end in .html or .md",
                f"rename it, e.g. to {target.rsplit('/', 1)[-1]}" if article else "rename it",
            )
        )
    return problems


def read_capture(path: Path) -> Capture | None:
    """The URL key and archive time from a file's header, or None if it has no valid header."""
    try:
        data = path.read_bytes()
        text, _ = decode(data, str(path))
        header = parse_header(text, str(path))
    except (ArchiveError, OSError, ValueError, OverflowError):
        return None
    return Capture(path.resolve(), url_key(repair_url(header.url)), header.archived, url=header.url)


def archive_captures(content: Path) -> list[Capture]:
    """Every archived file under ``content/articles`` with a valid header."""
    folder = content / "articles"
    if not folder.is_dir():
        return []
    found = []
    for path in find_files([folder]):
        try:
            if not is_archived_file(path):
                continue
        except OSError:
            continue
        capture = read_capture(path)
        if capture is not None:
            found.append(capture)
    return found


@dataclass
class ArchiveIndex:
    """The archive's captures by URL key: read once per run (:meth:`read`), kept current with
    :meth:`add` as files are written; each capture's text digest is computed once, when needed."""

    content: Path
    converter: Converter
    by_key: dict[str, list[Capture]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def read(cls, content: str | Path, settings: Settings | None = None) -> ArchiveIndex:
        """Every capture under ``content/articles`` (one scan of the archive)."""
        index = cls(Path(content), Converter(settings, workers=1))
        for found in archive_captures(index.content):
            index.by_key[found.key].append(found)
        return index

    def latest(self, key: str) -> Capture | None:
        return max(self.by_key.get(key, []), key=lambda c: c.archived, default=None)

    def captures_of(self, key: str) -> list[Capture]:
        """The captures of a URL key, oldest first, each with its digest ("" if it did not convert)."""
        captures = self.by_key.get(key, [])
        todo = [c for c in captures if c.digest is None]
        if todo:
            results = self.converter.convert_many([c.path for c in todo])
            for c in todo:
                result = results.get(str(c.path))
                c.digest = body_digest(result) if isinstance(result, Article) else ""
        return sorted(captures, key=lambda c: (c.archived, str(c.path)))

    def compare(self, article: Article) -> tuple[str, Path | None]:
        """``("duplicate", earlier file)`` when a capture of the article's URL has the same text;
        ``("new-capture", latest earlier file)`` when only other texts; ``("new", None)``."""
        captures = self.captures_of(article.metadata["url_key"])
        if not captures:
            return "new", None
        digest = body_digest(article)
        same = next((c for c in captures if c.digest == digest), None)
        return ("duplicate", same.path) if same else ("new-capture", captures[-1].path)

    def holds_text(self, article: Article) -> bool:
        """Whether a capture of the article's URL has the same text."""
        return self.compare(article)[0] == "duplicate"

    def add(self, path: Path, article: Article) -> None:
        """Count a file just written."""
        key = article.metadata["url_key"]
        self.by_key[key].append(
            Capture(path.resolve(), key, article.metadata["archived"], body_digest(article))
        )


def _label(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def captures(articles: list[Article], content: Path, converter: Converter) -> list[Problem]:
    """Duplicates (same URL, same text: an error) and new captures (same URL, new text: a notice)."""
    project = content.resolve().parent
    checked = {
        path: a for a in articles if _inside(path := Path(a.path).resolve(), project)
    }  # a file elsewhere is not in the archive yet: it is checked on its own
    by_key: dict[str, dict[Path, Capture]] = defaultdict(dict)
    for capture in archive_captures(content):
        by_key[capture.key][capture.path] = capture
    for path, article in checked.items():
        key = article.metadata["url_key"]
        by_key[key][path] = Capture(path, key, article.metadata["archived"], body_digest(article))
    problems: list[Problem] = []
    for path, article in sorted(checked.items()):
        group = by_key[article.metadata["url_key"]]
        if len(group) < 2:
            continue
        mine = group[path]
        others = [c for p, c in sorted(group.items()) if p != path]
        _digest_all(others, converter)
        for other in others:
            if other.digest != mine.digest:
                continue
            if (other.archived, other.path) > (mine.archived, mine.path):
                continue  # the later of two equal captures is the duplicate
            problems.append(
                Problem(
                    article.path,
                    2,
                    f"duplicate: {_label(other.path, project)} archived the same URL with the same text "
                    f"at {other.archived:%Y-%m-%d %H:%M} UTC",
                    "delete this file: the article is already in the archive",
                )
            )
            break
        else:
            same_time = [c for c in others if c.archived == mine.archived]
            if same_time:
                problems.append(
                    Problem(
                        article.path,
                        1,
                        f"{_label(same_time[0].path, project)} archived the same URL at the same time "
                        "with a different text: both would get the same page address",
                        "keep one of them, or correct the <!--EPOCH--> line",
                    )
                )
                continue
            earlier = [c for c in others if c.archived < mine.archived]
            if not earlier:
                continue  # the first capture of its URL
            listed = ", ".join(
                f"{_label(c.path, project)} ({c.archived:%Y-%m-%d %H:%M} UTC)" for c in earlier
            )
            problems.append(
                Problem(
                    article.path,
                    2,
                    f"new capture of a URL already archived in {listed}; the text differs, "
                    "so both are kept",
                    level="notice",
                )
            )
    return problems


def _digest_all(todo: Iterable[Capture], converter: Converter) -> None:
    """Fill in the body digest of captures not converted yet ("" when they do not convert)."""
    todo = [c for c in todo if c.digest is None]
    if not todo:
        return
    try:
        results = converter.convert_many([c.path for c in todo])
    except Exception:  # an unconvertible capture simply has no digest
        results = {}
    for capture in todo:
        result = results.get(str(capture.path))
        capture.digest = body_digest(result) if isinstance(result, Article) else ""


def check_contribution(
    paths: Iterable[str | Path],
    content: str | Path = "content",
    converter: Converter | None = None,
    naming: Naming | None = None,
) -> tuple[list[Article], list[Problem]]:
    """Everything ``newsarchive check`` reports for ``paths``, judged against the archive in ``content``.

    ``naming`` defaults to ``NEWSARCHIVE_NAMING`` in the project's ``pelicanconf.py``. Returns the
    articles that converted and every problem (errors, warnings and notices), sorted.
    """
    content = Path(content)
    naming = naming or read_setting(content.resolve().parent)
    converter = converter or Converter()
    problems: list[Problem] = []
    candidates: list[Path] = []
    for path in find_files(paths):
        found = sniff(path) if path.is_file() else None
        if found:
            problems.append(found)
        else:
            candidates.append(path)
    articles, found = _safe_check(candidates, converter)
    problems.extend(found)
    converted = {Path(a.path).resolve(): a for a in articles}
    for path in candidates:
        try:
            archived = path.is_file() and is_archived_file(path)
        except OSError:
            archived = False
        if archived:
            problems.extend(placement(path, converted.get(path.resolve()), content, naming))
    problems.extend(p for a in articles if (p := empty_body(a)))
    try:
        problems.extend(captures(articles, content, converter))
    except Exception as exc:  # never a traceback from check
        problems.append(
            Problem(str(content), 0, f"could not compare captures: {type(exc).__name__}: {exc}")
        )
    problems.sort(key=lambda p: (p.path, p.line, p.level, p.message))
    return articles, problems
