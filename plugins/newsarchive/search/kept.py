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
from ..forked import beside
from .lunr_index import Model
from .term_cache import TermCache
from .writer import TAG_URL, Documents, IndexStats, Resume, SearchDoc, documents, write_index


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


def line_digests(docs: Documents) -> list[bytes]:
    """Each document's digest: its line as given (the job's has the HTML its text is made from,
    by this code, which stands for the text), hashed."""
    return [hashlib.sha256(line.encode("utf-8")).digest()[:16] for line in docs.lines()]


def _key(digests: list[bytes], tag_url: str) -> str:
    digest = hashlib.sha256((code_version() + tag_url).encode())
    digest.update(b"".join(digests))
    return digest.hexdigest()[:32]


def index_key(docs: Documents | Iterable[SearchDoc], tag_url: str = TAG_URL) -> str:
    """A key for the index of ``docs``: the same documents, settings and code give the same
    index (:func:`line_digests`)."""
    return _key(line_digests(documents(docs)), tag_url)


def write_index_cached(
    docs: Documents | Iterable[SearchDoc], out: Path, cache: Path | None, tag_url: str = TAG_URL
) -> IndexStats:
    """:func:`.writer.write_index`, reusing what it can of the last build's index.

    The last index is kept under ``cache/<key>/`` (one at a time) and hard-linked (or copied)
    into ``out``; a rebuild with no changes writes no index at all. ``cache/<key>.json``, written
    last, lists every file's size and SHA-256: a kept index is used only when it is whole.
    ``cache/<key>.model`` keeps its finished model (postings sorted), ``<key>.docs`` each document's
    digest: when the documents begin with the same ones (an article added, the newest), their
    terms and files come from there (:class:`.writer.Resume`), the others' terms from
    ``<cache>-terms/`` (:mod:`.term_cache`). A forked child deletes the last index once this
    one is written.
    """
    docs = documents(docs)
    if cache is None:
        return write_index(docs, out, tag_url=tag_url)
    digests = line_digests(docs)
    key = _key(digests, tag_url)
    kept = cache / key
    manifest = kept.with_suffix(".json")
    stats = _whole_index(kept, manifest)
    if stats is not None:
        shutil.copytree(kept, out, copy_function=_link_or_copy)
        return stats
    resume = _resume(cache, key, digests)
    _remove(kept)  # damaged, or left by a killed build
    manifest.unlink(missing_ok=True)
    terms = TermCache(cache.with_name(cache.name + "-terms"), code_version(), digests)
    files: dict[str, list[Any]] = {}
    stats = write_index(
        docs,
        out,
        tag_url=tag_url,
        counts=terms,
        digests=files,
        resume=resume,
        keep_model=partial(_keep_model, cache, key, digests),
    )
    with beside(partial(_clear, cache, key)) as clearing:  # the last index goes meanwhile
        if resume is not None:
            terms.keep(range(resume.docs))  # their terms came from the model: not stale
        terms.prune()
        shutil.copytree(out, kept, copy_function=_link_or_copy)
        listing = {"stats": dataclasses.asdict(stats), "files": files}
        cachefile.write(manifest, json.dumps(listing, sort_keys=True).encode("utf-8"))
        clearing.result()
    return stats


MODEL, DOCS = ".model", ".docs"


def _keep_model(cache: Path, key: str, digests: list[bytes], model: Model) -> None:
    """Keep ``model`` (finished) as ``<key>.model`` and its documents' digests as
    ``<key>.docs``, written last (the next index reads them first; the key, which hashes the
    code's version, names the model it goes with)."""
    cachefile.write_parts(cache / f"{key}{MODEL}", model.state())
    head = json.dumps({"made": code_version()}).encode("utf-8")
    cachefile.write(cache / f"{key}{DOCS}", head + b"\n" + b"".join(digests))


def _read_docs(data: bytes) -> list[bytes] | None:
    """The digests of a ``.docs`` file; None when other code made them."""
    head, _, digests = data.partition(b"\n")
    if json.loads(head)["made"] != code_version():
        return None
    return [digests[i : i + 16] for i in range(0, len(digests), 16)]


def _load_model(path: Path, docs: int) -> Model | None:
    """The model of the first ``docs`` documents kept at ``path``, or None (damaged: said)."""
    redo = "adding every document's terms again"
    return cachefile.load_parts(path, partial(Model.restored, docs=docs), redo)


def _resume(cache: Path, key: str, digests: list[bytes]) -> Resume | None:
    """What the last index (the newest ``*.docs`` in ``cache``) gives the index ``key``: the
    documents both lists begin with, their model (read when asked) and their files."""
    states = sorted(cache.glob(f"*{DOCS}"), key=lambda p: p.stat().st_mtime_ns)
    if not states:
        return None
    last = states[-1].name.removesuffix(DOCS)
    kept = cachefile.load(states[-1], _read_docs, "adding every document's terms again")
    if not kept:
        return None
    same = next(
        (i for i, (a, b) in enumerate(zip(kept, digests, strict=False)) if a != b),
        min(len(kept), len(digests)),
    )
    if not same:
        return None
    model = partial(_load_model, cache / f"{last}{MODEL}", same)
    if last == key:  # the same documents: their files were found damaged
        return Resume(same, model)
    return Resume(same, model, cache / last, partial(_kept_files, cache / f"{last}.json"))


def _kept_files(manifest: Path) -> dict[str, list[Any]]:
    """The files of a kept index, from its list (none when that is damaged: said)."""
    listing = cachefile.load(manifest, json.loads, "writing every document's files anew")
    files = listing.get("files") if isinstance(listing, dict) else None
    return files if isinstance(files, dict) else {}


def _clear(cache: Path, key: str) -> None:
    """Delete everything in ``cache`` but the index ``key`` (its folder, list, model, and the
    temporary files they are written through)."""
    mine = {key, f"{key}.json", f"{key}{MODEL}", f"{key}{DOCS}"}
    for path in cache.iterdir():
        if path.name not in mine and not path.name.startswith(f".{key}"):
            _remove(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _files(folder: Path) -> dict[str, Path]:
    """Each file under ``folder``, by its relative POSIX path."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


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
    found = _files(kept)
    for name in sorted(expected.keys() | found.keys()):
        if name not in expected:
            reason = "not part of the index"
        else:
            data = found[name].read_bytes() if name in found else None
            reason = cachefile.damage(data, *expected[name])
        if reason is not None:
            cachefile.warn(kept / name, reason, redo)
            return None
    return stats


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
