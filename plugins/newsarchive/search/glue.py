"""Pelican glue for search: render ``search.html``, write ``output/search/`` after the build.

- ``initialized``: add the ``search`` direct template when the theme has ``search.html``;
- once the articles are final (:func:`start_search_index`, called by the plugin's one
  ``article_generator_finalized`` handler, after the sources' marks): start the index job
  (:mod:`.job`: the index, and lunr.min.js from ``node_modules``, npm): a forked child writes
  the documents to a file and becomes the job, which runs on another core while Pelican
  writes the pages;
- ``finalized`` (called by :mod:`..report.glue`, before the report): wait for it, log its
  figures, or print its error in one line (which fails the build).

Where ``fork`` is not available the job runs in the build's own process at ``finalized``.

Settings: ``NEWSARCHIVE_SEARCH = False`` turns search off; ``NEWSARCHIVE_LUNR_JS`` is the path of
lunr.min.js when ``node_modules`` is not next to the project.
"""

from __future__ import annotations

import html
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NoReturn

from pelican import signals

from ..memory import give_back
from ..report import errors
from .job import Options, answer, run_file, write_docs
from .writer import TAG_URL, IndexStats, SearchDoc

log = logging.getLogger(__name__)
PLUGINS = Path(__file__).resolve().parents[2]  # where the newsarchive package is
ROOT = PLUGINS.parent

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


def search_doc(article: Any) -> SearchDoc:
    """What the index needs from one Pelican article; its text is the article's HTML, which the
    job makes plain text (:class:`.job.DocsFile`). That is the HTML before Pelican's pass over
    intrasite links (``{static}…``), which changes attribute values only, never the text: the
    words are the same, and the pass would need the files of generators that run later."""
    source = getattr(article, "source", "") or ""
    authors = [str(a) for a in getattr(article, "authors", None) or []]
    column = getattr(article, "column", "") or ""
    tags = list(getattr(article, "tags", None) or [])
    category = getattr(article, "category", None)
    return SearchDoc(
        title=html.unescape(str(article.title)),
        text=_html(article),
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


def _html(article: Any) -> str:
    html = getattr(article, "_content", None)
    return html if isinstance(html, str) else article.content or ""


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


def _options(settings: dict[str, Any], output_path: str) -> Options:
    lunr = lunr_js(settings)
    if lunr is None:
        raise FileNotFoundError(lunr_missing(settings))
    cache = Path(settings.get("CACHE_PATH", "cache")).resolve() / "newsarchive-search"
    return Options(
        out=str(Path(output_path).resolve() / "search"),
        lunr=str(lunr.resolve()),
        cache=str(cache) if settings.get("NEWSARCHIVE_CACHE", True) else None,
        tag_url=str(settings.get("TAG_URL") or TAG_URL),
    )


def _temporary() -> Path:
    handle, name = tempfile.mkstemp(prefix="newsarchive-search-", suffix=".jsonl")
    os.close(handle)
    return Path(name)


def _write_docs(
    path: Path, articles: list[Any], settings: dict[str, Any], output_path: str
) -> Path:
    """Write the :func:`.job.write_docs` file of ``articles`` at ``path``, in date order (their
    ids); deleted if that fails."""
    try:
        ordered = sorted(articles, key=lambda a: (a.date, a.url))
        write_docs(path, _options(settings, output_path), map(search_doc, ordered))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def write_search_files(
    articles: list[Any], settings: dict[str, Any], output_path: str
) -> IndexStats:
    """Write ``output/search/`` (the index of ``articles`` and lunr.min.js) in this process."""
    return run_file(_write_docs(_temporary(), articles, settings, output_path))


class _Job:
    """The index job, started from a forked child that becomes it; :meth:`result` waits."""

    def __init__(self, articles: list[Any], settings: dict[str, Any], output_path: str) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._docs = _temporary()  # the job deletes it; and so does result(), if the job died first
        self._process = context.Process(
            target=_run_job, args=(send, self._docs, articles, settings, output_path), daemon=True
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
        self._docs.unlink(missing_ok=True)
        if status != "ok":
            message, where = value
            log.debug("the search index job failed:\n%s", where)  # shown with pelican --debug
            raise RuntimeError(f"the index could not be written: {message}")
        return IndexStats(**value), seconds


def _run_job(
    send: Any, docs: Path, articles: list[Any], settings: dict[str, Any], output_path: str
) -> None:
    """In the forked child: write the documents' file and become the job (:mod:`.job`)."""
    start = time.time()
    answer(
        send,
        lambda: _become_job(send, _write_docs(docs, articles, settings, output_path), start),
        start,
    )


def _become_job(send: Any, docs: Path, start: float) -> NoReturn:
    os.set_inheritable(send.fileno(), True)
    paths = [str(PLUGINS), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    argv = [
        sys.executable,
        "-m",
        "newsarchive.search.job",
        str(docs),
        str(send.fileno()),
        repr(start),
    ]
    try:
        os.execve(sys.executable, argv, env)
    except BaseException:
        docs.unlink(missing_ok=True)
        raise


_jobs: dict[int, _Job] = {}


def start_search_index(generator: Any) -> None:
    """Start writing the index of the article generator's articles in a forked process. What
    other plugins change later (at ``all_generators_finalized``, say) is not indexed. Where
    there is no ``fork``, the index is written at ``finalized``, in the build's process."""
    settings = generator.settings
    if not _enabled(settings):
        return
    articles = list(generator.articles)
    if "fork" not in multiprocessing.get_all_start_methods():
        _articles[id(settings)] = articles
        return
    give_back()  # what the build freed since tagging, before the fork shares its memory
    _jobs[id(settings)] = _Job(articles, settings, generator.output_path)


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
