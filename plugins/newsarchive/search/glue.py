"""Pelican glue for search: render ``search.html``, write ``output/search/`` after the build.

- ``initialized``: add the ``search`` direct template when the theme has ``search.html``;
- ``article_generator_finalized``: remember the articles;
- ``all_generators_finalized``: start writing the index (:func:`.writer.write_index`) and
  copying lunr.min.js from ``node_modules`` (npm) into ``output/search/`` — in a forked
  process, so that it runs on another core while Pelican writes the pages;
- ``finalized`` (called by :mod:`..report.glue`, before the report): wait for it, log its
  figures, or print its error in one line (which fails the build).

Where ``fork`` is not available the index is written in the build's own process at ``finalized``.

Settings: ``NEWSARCHIVE_SEARCH = False`` turns search off; ``NEWSARCHIVE_LUNR_JS`` is the path of
lunr.min.js when ``node_modules`` is not next to the project.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import importlib.metadata
import json
import logging
import multiprocessing
import os
import shutil
import time
import traceback
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pelican import signals

from .. import cachefile
from ..memory import give_back
from ..report import errors
from .term_cache import TermCache
from .text import html_to_text
from .writer import TAG_URL, IndexStats, SearchDoc, write_index

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[3]

_articles: dict[int, list[Any]] = {}


def _enabled(settings: dict[str, Any]) -> bool:
    return bool(settings.get("NEWSARCHIVE_SEARCH", True))


def add_search_page(pelican: Any) -> None:
    """Render ``search.html`` as a direct template when the theme provides it; stop the build
    at once when lunr.min.js is missing (the search page could not work)."""
    settings = pelican.settings
    if not _enabled(settings):
        return
    if lunr_js(settings) is None:
        raise SystemExit(f"newsarchive search: error: {lunr_missing(settings)}")
    if (Path(settings["THEME"]) / "templates" / "search.html").is_file():
        templates = list(settings.get("DIRECT_TEMPLATES", []))
        if "search" not in templates:
            settings["DIRECT_TEMPLATES"] = [*templates, "search"]


def remember_articles(generator: Any) -> None:
    """Keep the article generator's articles for :func:`write_search_index`."""
    _articles[id(generator.settings)] = list(generator.articles)


def search_doc(article: Any) -> SearchDoc:
    """What the index needs from one Pelican article."""
    source = getattr(article, "source", "") or ""
    authors = [str(a) for a in getattr(article, "authors", None) or []]
    column = getattr(article, "column", "") or ""
    tags = list(getattr(article, "tags", None) or [])
    category = getattr(article, "category", None)
    return SearchDoc(
        title=html.unescape(str(article.title)),
        text=html_to_text(article.content or ""),
        url=article.url,
        date=article.date.strftime("%Y-%m-%d"),
        publisher=source,
        publisher_key=getattr(article, "source_key", "") or source,
        publisher_url=getattr(category, "url", "") or "",
        tags=[str(t) for t in tags],
        tag_slugs=[getattr(t, "slug", "") or "" for t in tags],
        extra=" ".join([source, column, *authors]),
        gone=getattr(getattr(article, "source_mark", None), "status", "") == "gone",
    )


class SearchDocs:
    """The articles' :func:`search_doc`, each made when it is read: the index is written one
    document at a time, so their texts are never all held at once. Can be read more than once."""

    def __init__(self, articles: Sequence[Any]) -> None:
        self._articles = articles

    def __len__(self) -> int:
        return len(self._articles)

    def __iter__(self) -> Iterator[SearchDoc]:
        return map(search_doc, self._articles)


def lunr_js(settings: dict[str, Any]) -> Path | None:
    """Where lunr.min.js (npm package lunr) is: ``NEWSARCHIVE_LUNR_JS`` when set, else in
    ``node_modules``."""
    configured = settings.get("NEWSARCHIVE_LUNR_JS")
    candidates = [Path(configured)] if configured else []
    if not configured:
        candidates += [
            ROOT / "node_modules/lunr/lunr.min.js",
            Path("node_modules/lunr/lunr.min.js"),
        ]
    return next((p for p in candidates if p.is_file()), None)


def lunr_missing(settings: dict[str, Any]) -> str:
    """What to say when :func:`lunr_js` finds nothing."""
    configured = settings.get("NEWSARCHIVE_LUNR_JS")
    where = f"NEWSARCHIVE_LUNR_JS {configured}" if configured else "node_modules/lunr/lunr.min.js"
    return (
        f"{where} not found (run npm ci, set NEWSARCHIVE_LUNR_JS to lunr.min.js, or "
        "NEWSARCHIVE_SEARCH = False to build without search)"
    )


def _versions() -> str:
    """A hash of what the index is made with: this package's source and the Traditional →
    Simplified conversion it folds with (``convert/language.py``, the OpenCC package's version,
    Python's Unicode tables). Taken once, at import: under ``pelican --autoreload`` the code
    that runs is the code imported, whatever is on disk later."""
    here = Path(__file__).parent
    code = cachefile.files_digest([*sorted(here.glob("*.py")), here.parent / "convert/language.py"])
    try:
        opencc = importlib.metadata.version("OpenCC")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        opencc = "?"
    return hashlib.sha256(f"{code} {opencc} {unicodedata.unidata_version}".encode()).hexdigest()


_VERSIONS = _versions()


def _code_version() -> str:
    """See :func:`_versions`: a change to how the index is made invalidates its caches."""
    return _VERSIONS


def index_key(docs: Iterable[SearchDoc], tag_url: str = TAG_URL) -> str:
    """A key for the index of ``docs``: the same documents, settings and code give the same
    index."""
    digest = hashlib.sha256((_code_version() + tag_url).encode())
    for doc in docs:
        digest.update(json.dumps(dataclasses.astuple(doc), ensure_ascii=False).encode())
    return digest.hexdigest()[:32]


def write_index_cached(
    docs: Collection[SearchDoc] | SearchDocs, out: Path, cache: Path | None, tag_url: str = TAG_URL
) -> IndexStats:
    """:func:`.writer.write_index`, reusing the index of the last build when nothing changed.

    The last index is kept under ``cache/<key>/`` (one at a time) and hard-linked (or copied)
    into ``out``; a rebuild with no changes writes no index at all. ``cache/<key>.json``, written
    last, lists every file's size and SHA-256: a kept index is used only when it is whole.
    When the index must be written, each unchanged document's terms come from
    ``<cache>-terms/`` (:mod:`.term_cache`). ``docs`` is read twice: for the key, then to write.
    """
    if cache is None:
        return write_index(docs, out, tag_url=tag_url)
    key = index_key(docs, tag_url)
    kept = cache / key
    manifest = kept.with_suffix(".json")
    stats = _whole_index(kept, manifest)
    if stats is not None:
        shutil.copytree(kept, out, copy_function=_link_or_copy)
        return stats
    terms = TermCache(cache.with_name(cache.name + "-terms"), _code_version())
    stats = write_index(docs, out, tag_url=tag_url, counts=terms.counts)
    terms.prune()
    if cache.exists():
        shutil.rmtree(cache)
    cache.mkdir(parents=True)
    shutil.copytree(out, kept, copy_function=_link_or_copy)
    listing = {"stats": dataclasses.asdict(stats), "files": _file_digests(kept)}
    cachefile.write(manifest, json.dumps(listing, sort_keys=True).encode("utf-8"))
    return stats


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


def write_search_files(
    articles: list[Any], settings: dict[str, Any], output_path: str
) -> IndexStats:
    """Write ``output/search/``: the index of ``articles`` and lunr.min.js."""
    out = Path(output_path) / "search"
    if out.exists():
        shutil.rmtree(out)
    docs = SearchDocs(sorted(articles, key=lambda a: (a.date, a.url)))
    cache = Path(settings.get("CACHE_PATH", "cache")) / "newsarchive-search"
    stats = write_index_cached(
        docs,
        out,
        cache if settings.get("NEWSARCHIVE_CACHE", True) else None,
        str(settings.get("TAG_URL") or TAG_URL),
    )
    lunr = lunr_js(settings)
    if lunr is None:
        raise FileNotFoundError(lunr_missing(settings))
    shutil.copyfile(lunr, out / "lunr.min.js")
    return stats


class _Job:
    """The index being written in a forked process; :meth:`result` waits for it."""

    def __init__(self, articles: list[Any], settings: dict[str, Any], output_path: str) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_run_job, args=(send, articles, settings, output_path), daemon=True
        )
        self._process.start()
        send.close()

    def result(self) -> tuple[IndexStats, float]:
        """The index's figures and the seconds it took (raises if it failed)."""
        try:
            status, value, seconds = self._receive.recv()
        except EOFError:  # it died without a word
            self._process.join()
            status, seconds = "error", 0.0
            value = (f"the process writing it died (exit code {self._process.exitcode})", "")
        self._process.join()
        if status != "ok":
            message, where = value
            log.debug("the search index job failed:\n%s", where)  # shown with pelican --debug
            raise RuntimeError(f"the index could not be written: {message}")
        return IndexStats(**value), seconds


def _run_job(send: Any, articles: list[Any], settings: dict[str, Any], output_path: str) -> None:
    start = time.perf_counter()
    try:
        stats = dataclasses.asdict(write_search_files(articles, settings, output_path))
        send.send(("ok", stats, time.perf_counter() - start))
    except BaseException as exc:  # reported by the build's own process
        send.send(("error", (f"{type(exc).__name__}: {exc}", traceback.format_exc()), 0.0))


_jobs: dict[int, _Job] = {}


def start_search_index(generators: list[Any]) -> None:
    """Start writing the index in a forked process, once every article's content is final."""
    if "fork" not in multiprocessing.get_all_start_methods() or not generators:
        return
    settings = generators[0].settings
    articles = _articles.pop(id(settings), None)
    if not _enabled(settings) or articles is None:
        return
    give_back()  # what the build freed since tagging, before the fork shares its memory
    _jobs[id(settings)] = _Job(articles, settings, generators[0].output_path)


def write_search_index(pelican: Any) -> None:
    """Finish ``output/search/``: wait for the forked job, or write the index here."""
    settings = pelican.settings
    job = _jobs.pop(id(settings), None)
    if job is not None:
        try:
            stats, seconds = job.result()
        except RuntimeError as exc:
            errors.error(f"newsarchive search: error: {exc}")
            return
    else:
        articles = _articles.pop(id(settings), None)
        if not _enabled(settings) or articles is None:
            return
        start = time.perf_counter()
        try:
            stats = write_search_files(articles, settings, pelican.output_path)
        except Exception as exc:
            log.debug("the search index failed", exc_info=True)
            message = f"the index could not be written: {type(exc).__name__}: {exc}"
            errors.error(f"newsarchive search: error: {message}")
            return
        seconds = time.perf_counter() - start
    log.info(
        "newsarchive search: %d articles, %d terms in %d shards, %d files, %.1f MB in %.1f s",
        stats.docs, stats.terms, stats.shards, stats.files, stats.bytes / 1e6, seconds,
    )  # fmt: skip


def register() -> None:
    """Connect the search glue to Pelican's signals."""
    signals.initialized.connect(add_search_page)
    signals.article_generator_finalized.connect(remember_articles)
    signals.all_generators_finalized.connect(start_search_index)
