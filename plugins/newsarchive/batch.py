"""Convert many archived files: a content-hash cache and a process pool over both cores."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import cachefile
from .convert.errors import ArchiveError, Problem
from .convert.header import looks_archived
from .convert.pipeline import Article, Settings, convert_bytes

Result = Article | Problem
_SNIFF_BYTES = 4096
# Below this many files a pool costs more than it saves.
_MIN_PARALLEL = 8


def read_head(path: str | Path) -> str:
    """The first 4 KB of a file as text: enough to tell what kind of file it is."""
    with open(path, "rb") as handle:
        return handle.read(_SNIFF_BYTES).decode("utf-8", errors="replace")


def is_archived_file(path: str | Path) -> bool:
    """Whether the file starts with the archive header's ``<!--EPOCH-->`` line."""
    return looks_archived(read_head(path))


def content_key(fingerprint: bytes, data: bytes) -> str:
    """A file's cache key: its bytes under the converter's ``fingerprint``."""
    return hashlib.sha256(fingerprint + b"\0" + data).hexdigest()


def _convert(item: tuple[str, Settings, Path | None, bytes, str]) -> Result:
    """Convert one file; store the article at ``cache_file`` (when given) on success, if the file
    still has the ``key`` the build took (under the converter's ``fingerprint``)."""
    path, settings, cache_file, fingerprint, key = item
    try:
        data = Path(path).read_bytes()  # read here, not held by the build while the pool works
    except OSError as exc:
        return Problem(path, 1, f"cannot read this file: {exc}", "check the file and build again")
    try:
        article = convert_bytes(data, path, settings)
    except ArchiveError as exc:
        return exc.problem
    except Exception as exc:  # a converter bug must still name the file, not stop the build
        return Problem(
            path,
            1,
            f"the converter failed on this file: {type(exc).__name__}: {exc}",
            "please report this file to the newsarchive maintainers",
        )
    if cache_file is not None and content_key(fingerprint, data) == key:
        _store(cache_file, article)  # here, in the worker, to spread the work over the cores
    return article


def _store(cached: Path, article: Article) -> None:
    cachefile.write(cached, article.to_cache().encode("utf-8"))


class Converter:
    """Converts archived files, reusing results cached under ``cache_dir`` by content hash."""

    def __init__(
        self,
        settings: Settings | None = None,
        cache_dir: str | Path | None = None,
        workers: int | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.cache = cachefile.Entries(Path(cache_dir), ".json") if cache_dir else None
        self.workers = workers or os.cpu_count() or 1
        self._fingerprint = f"{cachefile.FORMAT}\0{self.settings.fingerprint()}".encode()

    def _key(self, data: bytes) -> str:
        return content_key(self._fingerprint, data)

    def _load(self, key: str, path: str) -> Article | None:
        """The cached conversion, or None: missing, or damaged (reported, then redone)."""
        if self.cache is None:
            return None
        redo = f"converting {os.path.relpath(path)} again"
        article = self.cache.load(key, lambda data: Article.from_cache(data.decode()), redo)
        if article is not None:
            article.path = path
        return article

    def convert_many(self, paths: Iterable[str | Path]) -> dict[str, Result]:
        """Convert every file, from the cache when possible, the rest in parallel."""
        results: dict[str, Result] = {}
        todo: list[tuple[str, Settings, Path | None, bytes, str]] = []
        for path in map(str, paths):
            key = self._key(Path(path).read_bytes())
            cached = self._load(key, path)
            if cached is not None:
                results[path] = cached
            else:
                cache_file = self.cache.path(key) if self.cache else None
                todo.append((path, self.settings, cache_file, self._fingerprint, key))
        if len(todo) >= _MIN_PARALLEL and self.workers > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
                converted = list(pool.map(_convert, todo, chunksize=8))
        else:
            converted = [_convert(item) for item in todo]
        for (path, *_), result in zip(todo, converted, strict=True):
            results[path] = result
        return results

    def prune(self) -> int:
        """Delete the cache entries this converter has not used; return how many went.

        Called after a whole build: what is left behind by edited files, an older converter or
        cache format, other settings or a killed build's temporary files would otherwise grow
        the cache (and CI's copy of it) forever.
        """
        return self.cache.prune() if self.cache else 0

    def convert(self, path: str | Path) -> Result:
        """Convert one file (through the cache)."""
        return self.convert_many([path])[str(path)]
