"""Pelican glue of the page cache: a writer that leaves or copies unchanged article pages.

Adding one article changes the keys (:mod:`.keys`) of its two neighbours and of the other
captures of its URL. Every other page is already in the output, as the last build wrote it: it
is left there (:mod:`.in_place`; the last output's deletion spares it, :func:`pages_in_place`).
A page that is not there, or not as it was written, is copied from
``CACHE_PATH/newsarchive-pages`` (:mod:`.store`) by a process of its own (:mod:`.copier`) while
Pelican goes on with the listings. The writer waits for it at ``article_writer_finalized``,
renders what it could not copy, deletes the pages left in place that this build did not write,
and records the pages for the next build. Entries this build did not use are removed at its end.
``NEWSARCHIVE_PAGE_CACHE = False`` (or ``NEWSARCHIVE_CACHE = False``) renders every page.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from .copier import Copier
from .in_place import InPlace, record, save, take
from .keys import Opaque, article_key, page_content, site_key
from .store import FOLDER, PageCache


class _Kept:
    """A template that keeps the page it renders (Pelican's writer only writes it out)."""

    def __init__(self, template: Any) -> None:
        self.template = template
        self.page = ""

    def render(self, *args: Any, **kwargs: Any) -> str:
        self.page = self.template.render(*args, **kwargs)
        return self.page


class CachingWriter(Writer):
    """Pelican's writer, leaving an article's page as it is when the last build wrote it with
    the same key (:attr:`in_place`), else having it copied from the :class:`.store.PageCache`
    when its key is there (and keeping what it renders)."""

    cache: PageCache | None = None
    site: str = ""
    in_place: InPlace | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._copier: Copier | None = None
        self._asked: list[tuple[str, Any, dict[str, Any], tuple, dict[str, Any], str, str]] = []
        self.pages: dict[str, str] = {}  # output-relative name → key, of each archived article

    def write_file(
        self, name: str, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ):  # type: ignore[override]
        article = kwargs.get("article")
        cache = self.cache
        if not name or cache is None or article is None or "archived_path" not in article.metadata:
            if self._copier is not None and article is None:
                self._copier.close()  # Pelican writes the listings after the articles
            return super().write_file(name, template, context, *args, **kwargs)
        if kwargs.get("relative_urls", args[0] if args else False):
            # as Pelican's own write does, so that the content keyed is the content rendered
            context["localsiteurl"] = path_to_url(get_relative_path(name))
        key = article_key(self.site, article, page_content(article))
        path = sanitised_join(self.output_path, name)
        relative = os.path.normpath(name)
        self.pages[relative] = key
        if self._claim(path, kwargs.get("override_output", False)):
            placed = self.in_place
            if placed is not None and placed.unchanged(relative, key, path):  # written, as it is
                cache.left += 1
                cache.keep(key)
                written = {**context, **kwargs, "output_file": name}
                signals.content_written.send(path, context=written)
                return None
            if cache.has(key):
                if self._copier is None:
                    self._copier = Copier(cache.entries.folder)
                if self._copier.copy(key, path):
                    self._asked.append((name, template, context, args, kwargs, key, path))
                    return None
            self._unclaim(path)
        self._render(name, template, context, args, kwargs, key)
        return None

    def _render(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        args: tuple,
        kwargs: dict[str, Any],
        key: str,
    ) -> None:
        assert self.cache is not None
        kept = _Kept(template)
        super().write_file(name, kept, context, *args, **kwargs)
        self.cache.put(key, kept.page)
        self.cache.rendered += 1

    def _claim(self, path: str, override: bool) -> bool:
        """Count ``path`` as written, as Pelican's ``_open_w`` does, when no page was written
        there before (else False: Pelican's own write deals with it)."""
        if path in self._written_files or path in self._overridden_files:
            return False
        self._written_files.add(path)
        if override:
            self._overridden_files.add(path)
        return True

    def _unclaim(self, path: str) -> None:
        self._written_files.discard(path)
        self._overridden_files.discard(path)

    def finish_copies(self) -> None:
        """Wait for the copies; render the pages that could not be copied, and tell Pelican
        the others are written (``content_written``)."""
        copier, asked = self._copier, self._asked
        self._copier, self._asked = None, []
        if copier is None or self.cache is None:
            return
        missed = set(copier.finish())
        for n, (name, template, context, args, kwargs, key, path) in enumerate(asked):
            if n in missed:
                self._unclaim(path)
                self._render(name, template, context, args, kwargs, key)
            else:
                self.cache.copied += 1
                written = {**context, **kwargs, "output_file": name}
                signals.content_written.send(path, context=written)


_state: dict[str, Any] = {}
_taken: dict[int, InPlace | None] = {}  # by id(settings): the last build's record, once read
_spared: dict[int, set[str]] = {}  # by id(settings): its pages the output's deletion left


def _enabled(settings: dict[str, Any]) -> bool:
    return bool(settings.get("NEWSARCHIVE_CACHE", True)) and bool(
        settings.get("NEWSARCHIVE_PAGE_CACHE", True)
    )


def _folder(settings: dict[str, Any]) -> Path:
    return Path(settings.get("CACHE_PATH", "cache")) / FOLDER


def _take(pelican: Any) -> InPlace | None:
    """The pages the last build left in this build's output (:func:`.in_place.take`, once)."""
    settings = pelican.settings
    if id(settings) not in _taken:  # taken (deleted) even when not used: it would go stale
        placed = take(_folder(settings), os.path.realpath(pelican.output_path))
        _taken[id(settings)] = placed if _enabled(settings) else None
    return _taken[id(settings)]


def pages_in_place(pelican: Any) -> set[str]:
    """The last build's article pages (output-relative names) that the deletion of its output
    should leave where they are (``initialized``): :func:`finish_copies` deletes those this
    build does not write."""
    placed = _take(pelican)
    names = set(placed.pages) if placed is not None else set()
    _spared[id(pelican.settings)] = names
    return names


def writer_class(pelican: Any) -> type[Writer]:
    """The writer for this build (``get_writer``)."""
    off = _state.pop("off", False)
    _state.clear()
    CachingWriter.cache = None
    settings = pelican.settings
    placed = _take(pelican)
    del _taken[id(settings)]
    if off or not _enabled(settings):
        return Writer
    CachingWriter.cache = _state["cache"] = PageCache(_folder(settings))
    CachingWriter.in_place = placed
    return CachingWriter


def key_site(generators: list[Any]) -> None:
    """Compute the site's key once every generator's context is final (before the writer);
    a setting that cannot be compared between builds turns the page cache off, saying so."""
    _state.pop("off", None)
    if generators and _enabled(generators[0].settings):
        context = generators[0].context
        try:
            CachingWriter.site = site_key(generators[0].settings, context.get("pages", []))
        except Opaque as exc:
            _state["off"] = True
            print(
                f"newsarchive: every article page is rendered: the setting {exc} cannot be "
                "compared between builds (give it a value without an address, or set "
                "NEWSARCHIVE_PAGE_CACHE = False)",
                file=sys.stderr,
            )


def finish(pelican: Any) -> None:
    """Say how many article pages were rendered, copied and left in place; prune the cache."""
    cache = _state.pop("cache", None)
    CachingWriter.cache = None
    CachingWriter.in_place = None
    _taken.pop(id(pelican.settings), None)  # left by a build that stopped before its writer
    _spared.pop(id(pelican.settings), None)
    if cache is None:
        return
    removed = cache.prune()
    print(
        f"newsarchive: article pages: {cache.rendered} rendered, {cache.copied} unchanged ones "
        f"copied from the cache, {cache.left} left in place"
        + (f"; {removed} unused cache entries removed" if removed else ""),
        file=sys.stderr,
    )


def _delete(path: str, output: str) -> None:
    """Delete the file at ``path`` and the folders it leaves empty, up to ``output``."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    folder, output = os.path.dirname(path), os.path.abspath(output)
    while folder.startswith(output + os.sep):
        try:
            os.rmdir(folder)
        except OSError:  # not empty
            break
        folder = os.path.dirname(folder)


def finish_copies(generator: Any, writer: Any) -> None:
    """Once the articles' pages and listings are written: have the writer wait for its
    copies; delete the pages the output's deletion spared that this build did not write (as the
    rest of the last output was); record the pages written for the next build."""
    if isinstance(writer, CachingWriter):
        writer.finish_copies()
    for name in _spared.pop(id(generator.settings), ()):
        path = sanitised_join(writer.output_path, name)
        if path not in writer._written_files:
            _delete(path, writer.output_path)
    if isinstance(writer, CachingWriter) and writer.cache is not None and writer.pages:
        output = os.path.realpath(writer.output_path)
        pages, overridden = writer.pages, writer._overridden_files
        if overridden:  # another page may have been written there: not recorded
            out = writer.output_path
            pages = {n: k for n, k in pages.items() if sanitised_join(out, n) not in overridden}
        save(writer.cache.entries.folder, record(output, pages))


def register() -> None:
    signals.get_writer.connect(writer_class)
    signals.article_writer_finalized.connect(finish_copies)
    signals.all_generators_finalized.connect(key_site)
