"""The last build's search index, kept in the cache and reused whole when nothing changed.

The key of an index (:func:`index_key`) hashes its documents, the site's tag URLs and the code
that makes it (:func:`code_version`); a kept index is used only when every file of it is whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import unicodedata
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from .. import cachefile
from .forked import beside
from .term_cache import TermCache
from .writer import TAG_URL, IndexStats, SearchDoc, doc_line, write_index


def _versions() -> str:
    """A hash of what the index is made with: this package's source, what makes a text of an
    article's HTML (``convert/credits.py``, Python's ``html.unescape``) and the Traditional →
    Simplified conversion it folds with (``convert/language.py``, the OpenCC package's version,
    Python's Unicode tables). Taken once, at import: under ``pelican --autoreload`` the code
    that runs is the code imported, whatever is on disk later."""
    here = Path(__file__).parent
    made_with = [here.parent / "convert/credits.py", here.parent / "convert/language.py"]
    code = cachefile.files_digest([*sorted(here.glob("*.py")), *made_with])
    try:
        opencc = importlib.metadata.version("OpenCC")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        opencc = "?"
    facts = f"{code} {opencc} {unicodedata.unidata_version} {sys.version}"
    return hashlib.sha256(facts.encode()).hexdigest()


_VERSIONS = _versions()


def code_version() -> str:
    """See :func:`_versions`: a change to how the index is made invalidates its caches."""
    return _VERSIONS


def index_key(docs: Iterable[SearchDoc], tag_url: str = TAG_URL) -> str:
    """A key for the index of ``docs``: the same documents, settings and code give the same
    index. Documents with ``lines()`` (:class:`.job.DocsFile`) are hashed as read, each with the
    HTML its text is made from (by this code), which stands for the text, unmade; others as
    :func:`.writer.doc_line` writes them."""
    digest = hashlib.sha256((code_version() + tag_url).encode())
    lines = getattr(docs, "lines", None)
    for line in lines() if lines else map(doc_line, docs):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()[:32]


def write_index_cached(
    docs: Iterable[SearchDoc], out: Path, cache: Path | None, tag_url: str = TAG_URL
) -> IndexStats:
    """:func:`.writer.write_index`, reusing the index of the last build when nothing changed.

    The last index is kept under ``cache/<key>/`` (one at a time) and hard-linked (or copied)
    into ``out``; a rebuild with no changes writes no index at all. ``cache/<key>.json``, written
    last, lists every file's size and SHA-256: a kept index is used only when it is whole.
    When the index must be written, each unchanged document's terms come from
    ``<cache>-terms/`` (:mod:`.term_cache`), and a forked child deletes the last index
    meanwhile. ``docs`` is read for the key, then to write (by two processes: see
    :func:`.writer.write_index`).
    """
    # a forked process writes the documents' files: give it a handle of its own (.job.DocsFile)
    again = docs.again() if hasattr(docs, "again") else None
    if cache is None:
        return write_index(docs, out, tag_url=tag_url, again=again)
    key = index_key(docs, tag_url)
    kept = cache / key
    manifest = kept.with_suffix(".json")
    stats = _whole_index(kept, manifest)
    if stats is not None:
        shutil.copytree(kept, out, copy_function=_link_or_copy)
        return stats
    terms = TermCache(cache.with_name(cache.name + "-terms"), code_version())
    files: dict[str, list[Any]] = {}
    with beside(partial(_remove, cache)) as removal:  # the last index goes meanwhile
        stats = write_index(
            docs, out, tag_url=tag_url, counts=terms.counts, digests=files, again=again
        )
        removal.result()
    terms.prune()
    cache.mkdir(parents=True)
    shutil.copytree(out, kept, copy_function=_link_or_copy)
    listing = {"stats": dataclasses.asdict(stats), "files": files}
    cachefile.write(manifest, json.dumps(listing, sort_keys=True).encode("utf-8"))
    return stats


def _remove(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)


def _file_digests(folder: Path) -> dict[str, list[Any]]:
    """Each file under ``folder`` (relative POSIX path) → [size, SHA-256]."""
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        files[path.relative_to(folder).as_posix()] = [len(data), hashlib.sha256(data).hexdigest()]
    return files


def _whole_index(kept: Path, manifest: Path) -> IndexStats | None:
    """The figures of the index kept in ``kept`` if every file of it is whole; else None (with
    one warning line naming what is damaged)."""
    redo = "writing the search index again"
    listing = cachefile.load(manifest, json.loads, redo)
    if listing is None:
        if kept.is_dir() and not manifest.exists():  # a build stopped while keeping it
            cachefile.warn(kept, "incomplete: no list of its files", redo)
        return None
    try:
        stats, expected = IndexStats(**listing["stats"]), listing["files"]
    except (KeyError, TypeError) as exc:
        cachefile.warn(manifest, f"unreadable: {type(exc).__name__}: {exc}", redo)
        return None
    found = _file_digests(kept) if kept.is_dir() else {}
    for name in sorted(expected.keys() | found.keys()):
        size, digest = expected.get(name, (None, None))
        if name not in found:
            reason = "missing"
        elif size is None:
            reason = "not part of the index"
        elif found[name][0] == 0 and size:
            reason = "empty"
        elif found[name][0] < size:
            reason = f"truncated: {found[name][0]} of {size} bytes"
        elif found[name] != [size, digest]:
            reason = "altered: its checksum does not match"
        else:
            continue
        cachefile.warn(kept / name, reason, redo)
        return None
    return stats


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
