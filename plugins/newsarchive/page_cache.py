"""Article pages rendered once: a rebuild copies each unchanged page instead of rendering it.

A page's key hashes everything its template reads: the site (templates, the plugin's code, the
settings, the menu's pages) and the article (its HTML, metadata, tags, authors, publisher,
neighbours, other captures, reading time, source mark). Adding one article changes the keys of
its two neighbours and of the other captures of its URL; every other page is copied from
``CACHE_PATH/newsarchive-pages`` (sealed :mod:`.cachefile` entries, compressed), which was
two thirds of a rebuild's rendering at 15,000 articles. Entries this build did not use are
removed at its end. ``NEWSARCHIVE_PAGE_CACHE = False`` (or ``NEWSARCHIVE_CACHE = False``)
renders every page.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import zlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pelican import __version__ as pelican_version
from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from . import cachefile

_PLAIN = (str, int, float, bool, type(None))
# Where the build reads and writes: not part of what a page shows.
_WHERE = {"OUTPUT_PATH", "CACHE_PATH"}


class Opaque(ValueError):
    """A setting whose value cannot be compared between builds (its text names an address)."""


def _code(code: Any) -> list[Any]:
    """A function's code as text, nested code (comprehensions, lambdas) included."""
    consts = [_code(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts]
    return [code.co_code.hex(), list(code.co_names), consts]


def _plain(value: Any) -> Any:
    """A setting as JSON that is the same in every build: functions by their code, other objects
    by their ``repr``; raises :class:`Opaque` when that names a memory address."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return items if isinstance(value, list | tuple) else sorted(items, key=repr)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    code = getattr(value, "__code__", None)
    if code is not None:
        return [value.__qualname__, _code(code), _plain(getattr(value, "__defaults__", None))]
    text = repr(value)
    if " at 0x" in text:
        raise Opaque(text)
    return [type(value).__qualname__, text]


_CODE = cachefile.files_digest(sorted(Path(__file__).parent.rglob("*.py")))


def site_key(settings: dict[str, Any], pages: Iterable[Any] = ()) -> str:
    """What every page depends on: templates (the theme's and its overrides), the plugin's code,
    settings, the menu's pages. Raises :class:`Opaque` for a setting that cannot be compared."""
    folders = [Path(p) for p in settings.get("THEME_TEMPLATES_OVERRIDES") or []]
    folders.append(Path(settings.get("THEME", "")) / "templates")
    theme = cachefile.files_digest(
        p for f in folders if f.is_dir() for p in sorted(f.rglob("*")) if p.is_file()
    )
    plain = {}
    for key, value in sorted(settings.items()):
        if key.isupper() and key not in _WHERE:
            try:
                plain[key] = _plain(value)
            except Opaque as exc:
                raise Opaque(f"{key} = {exc}") from None
    menu = [[p.url, str(p.title), str(getattr(p, "menu_label", "") or "")] for p in pages]
    facts = [pelican_version, _CODE, theme, plain, menu]
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _ref(article: Any) -> list[str] | None:
    if article is None:
        return None
    return [article.url, str(article.title), str(getattr(article, "lang", ""))]


def _when(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def article_key(site: str, article: Any, content: str) -> str:
    """The key of ``article``'s page in the site ``site`` (see :func:`site_key`)."""
    metadata = {k: _when(v) for k, v in sorted(article.metadata.items())}
    category = getattr(article, "category", None)
    facts = [
        site,
        article.save_as,
        article.url,
        content,
        metadata,
        [[str(t), t.url] for t in getattr(article, "tags", None) or []],
        [[str(a), a.url] for a in getattr(article, "authors", None) or []],
        [str(category), category.url] if category else None,
        _ref(getattr(article, "older", None)),
        _ref(getattr(article, "newer", None)),
        [[*_ref(c), _when(c.archived)] for c in getattr(article, "captures", None) or []],
        getattr(article, "reading_minutes", None),
        repr(getattr(article, "source_mark", None)),
    ]
    text = json.dumps(facts, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PageCache:
    """Rendered pages under ``folder``, by key."""

    def __init__(self, folder: Path) -> None:
        self.entries = cachefile.Entries(folder)
        self.copied = 0
        self.rendered = 0

    def get(self, key: str) -> bytes | None:
        """The page of ``key`` as UTF-8, or None."""
        return self.entries.load(key, zlib.decompress, "rendering the page again")

    def put(self, key: str, page: str) -> None:
        self.entries.write(key, zlib.compress(page.encode("utf-8"), 1))

    def prune(self) -> int:
        """Delete the pages this build did not use; how many."""
        return self.entries.prune()


class _Kept:
    """A template that keeps the page it renders (Pelican's writer only writes it out)."""

    def __init__(self, template: Any) -> None:
        self.template = template
        self.page = ""

    def render(self, *args: Any, **kwargs: Any) -> str:
        self.page = self.template.render(*args, **kwargs)
        return self.page


class CachingWriter(Writer):
    """Pelican's writer, copying an article's page from the :class:`PageCache` when its key is
    known (and keeping what it renders)."""

    cache: PageCache | None = None
    site: str = ""

    def write_file(
        self, name: str, template: Any, context: dict[str, Any], *args: Any, **kwargs: Any
    ):  # type: ignore[override]
        article = kwargs.get("article")
        cache = self.cache
        if not name or cache is None or article is None or "archived_path" not in article.metadata:
            return super().write_file(name, template, context, *args, **kwargs)
        if kwargs.get("relative_urls", args[0] if args else False):
            # as Pelican's own write does, so that the content keyed is the content rendered
            context["localsiteurl"] = path_to_url(get_relative_path(name))
        key = article_key(self.site, article, article.content)
        page = cache.get(key)
        path = sanitised_join(self.output_path, name)
        if page is None:
            kept = _Kept(template)
            super().write_file(name, kept, context, *args, **kwargs)
            cache.put(key, kept.page)
            cache.rendered += 1
            return None
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with self._open_w(path, "utf-8", override=kwargs.get("override_output", False)) as handle:
            if os.linesep == "\n":  # the page's UTF-8 as stored: not decoded to encode again
                handle.buffer.write(page)
            else:  # line ends as the text handle writes them (Windows)
                handle.write(page.decode("utf-8"))
        cache.copied += 1
        signals.content_written.send(path, context={**context, **kwargs, "output_file": name})
        return None


_state: dict[str, Any] = {}


def _enabled(settings: dict[str, Any]) -> bool:
    return bool(settings.get("NEWSARCHIVE_CACHE", True)) and bool(
        settings.get("NEWSARCHIVE_PAGE_CACHE", True)
    )


def writer_class(pelican: Any) -> type[Writer]:
    """The writer for this build (``get_writer``)."""
    off = _state.pop("off", False)
    _state.clear()
    CachingWriter.cache = None
    settings = pelican.settings
    if off or not _enabled(settings):
        return Writer
    folder = Path(settings.get("CACHE_PATH", "cache")) / "newsarchive-pages"
    CachingWriter.cache = _state["cache"] = PageCache(folder)
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
    """Say how many article pages were rendered and copied; prune the cache."""
    cache = _state.pop("cache", None)
    CachingWriter.cache = None
    if cache is None:
        return
    removed = cache.prune()
    print(
        f"newsarchive: article pages: {cache.rendered} rendered, {cache.copied} unchanged ones "
        "copied from the cache" + (f"; {removed} unused cache entries removed" if removed else ""),
        file=sys.stderr,
    )


def register() -> None:
    signals.get_writer.connect(writer_class)
    signals.all_generators_finalized.connect(key_site)
