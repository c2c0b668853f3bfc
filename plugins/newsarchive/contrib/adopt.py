"""Bring an existing archive into the conventional layout (``newsarchive adopt``).

:func:`plan` is pure: archived files (URL, archive time, publisher, text digest) and the paths
already taken → moves, duplicates and files left alone. :func:`execute` carries a plan out with
``git mv`` inside a git work tree (history follows), a plain move elsewhere, or copies, and
appends every move to a CSV mapping (old path → new path) so old links can be redirected.
Running it again changes nothing: a file already at its conventional path stays there.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..batch import Converter
from ..convert.pipeline import Article
from ..convert.publishers import PublisherTable
from ..convert.urls import host_of, repair_url, url_key
from ..inputs import is_archived
from .conventions import body_digest, read_capture
from .importer import conventional_name

MAP_FIELDS = ("old_path", "new_path", "source_url", "archived")


@dataclass(frozen=True)
class Archived:
    """One archived file found under the source: what its conventional path depends on."""

    path: Path
    url: str
    archived: datetime
    publisher: str
    digest: str = ""  # of the converted text; "" when not needed (its URL is archived once)


@dataclass(frozen=True)
class Move:
    """One file to move (or copy) to its conventional path."""

    source: Path
    target: Path
    url: str
    archived: datetime


@dataclass
class Plan:
    """What adopting a source archive does."""

    moves: list[Move] = field(default_factory=list)
    in_place: list[Path] = field(default_factory=list)  # already where the convention puts them
    duplicates: list[tuple[Path, Path]] = field(default_factory=list)  # (file, same as this one)
    not_articles: list[Path] = field(default_factory=list)


def _candidates(into: Path, item: Archived) -> list[Path]:
    """The conventional path, then ones with the archive time for a second capture of a day."""
    name = conventional_name(item.url, item.archived)
    stem, suffix = name.rsplit(".", 1)
    clock = item.archived.astimezone(UTC).strftime("%H%M%S")
    folder = into / item.publisher
    return [
        folder / name,
        folder / f"{stem}-{clock}.{suffix}",
        *(folder / f"{stem}-{clock}-{n}.{suffix}" for n in range(2, 100)),
    ]


def plan(
    found: list[Archived], into: Path, taken: set[Path], not_articles: list[Path] | None = None
) -> Plan:
    """Where every archived file goes under ``into`` (pure).

    ``taken`` are the files that exist under ``into`` now; no move ever lands on one of them (a
    second capture of a URL on the same day gets the archive time in its name). Of two files
    with the same URL and the same text, the later is a duplicate: reported, never moved, never
    deleted.
    """
    result = Plan(not_articles=sorted(not_articles or []))
    occupied = set(taken)
    ordered = sorted(found, key=lambda i: (i.archived, str(i.path)))
    kept: dict[str, list[Archived]] = defaultdict(list)
    for item in ordered:
        key = url_key(item.url)
        same = next(
            (k for k in kept[key] if item.digest and k.digest == item.digest),
            None,
        )
        if same is not None:
            result.duplicates.append((item.path, same.path))
            continue
        kept[key].append(item)
        for target in _candidates(into, item):
            if target == item.path:
                result.in_place.append(item.path)
                occupied.add(target)
                break
            if target not in occupied:
                result.moves.append(Move(item.path, target, item.url, item.archived))
                occupied.add(target)
                break
    return result


def survey(
    source: Path,
    into: Path,
    publishers: PublisherTable | None = None,
    converter: Converter | None = None,
) -> tuple[list[Archived], list[Path], set[Path]]:
    """Read the source archive: its archived files, the other files, and the paths taken in ``into``.

    Only files whose URL is archived more than once are converted (for the duplicate test).
    """
    publishers = publishers or PublisherTable()
    headers = []
    others: list[Path] = []
    for path in sorted(p for p in source.rglob("*") if p.is_file() and ".git" not in p.parts):
        capture = read_capture(path) if is_archived(path) else None
        if capture is None:
            others.append(path)
            continue
        headers.append((path, repair_url(capture.url), capture.archived))
    counts: dict[str, int] = defaultdict(int)
    for _, url, _ in headers:
        counts[url_key(url)] += 1
    twice = [path for path, url, _ in headers if counts[url_key(url)] > 1]
    digests: dict[str, str] = {}
    if twice:
        results = (converter or Converter()).convert_many(twice)
        digests = {p: body_digest(r) for p, r in results.items() if isinstance(r, Article)}
    found = [
        Archived(
            path, url, archived, publishers.for_host(host_of(url)).key, digests.get(str(path), "")
        )
        for path, url, archived in headers
    ]
    taken = {p for p in into.rglob("*") if p.is_file()} if into.is_dir() else set()
    return found, others, taken


def _git_root(path: Path) -> Path | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(out.stdout.strip()).resolve()


def _tracked(root: Path, path: Path) -> bool:
    result = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--error-unmatch", "--", str(path.resolve())],
        capture_output=True,
    )
    return result.returncode == 0


def execute(adoption: Plan, copy: bool = False) -> None:
    """Move (``git mv`` for tracked files in one work tree) or copy every planned file."""
    roots: dict[Path, Path | None] = {}
    for move in adoption.moves:
        move.target.parent.mkdir(parents=True, exist_ok=True)
        if move.target.exists():  # never overwrite, even if the archive changed since planning
            raise FileExistsError(f"{move.target} exists; nothing was written over it")
        if copy:
            shutil.copy2(move.source, move.target)
            continue
        folder = move.source.parent
        if folder not in roots:
            roots[folder] = _git_root(folder)
        root = roots[folder]
        if (
            root is not None
            and _git_root(move.target.parent) == root
            and _tracked(root, move.source)
        ):
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(root),
                    "mv",
                    "--",
                    str(move.source.resolve()),
                    str(move.target.resolve()),
                ],
                check=True,
                capture_output=True,
            )
        else:
            shutil.move(move.source, move.target)


def _relative(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def write_map(adoption: Plan, path: Path, base: Path | None = None) -> None:
    """Append the moves to the CSV mapping at ``path`` (created with a header line).

    Paths are written relative to ``base`` (the project) when they are inside it.
    """
    if not adoption.moves:
        return
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(MAP_FIELDS)
        for move in adoption.moves:
            writer.writerow(
                (
                    _relative(move.source, base),
                    _relative(move.target, base),
                    move.url,
                    move.archived.astimezone(UTC).isoformat(),
                )
            )
