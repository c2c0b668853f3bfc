"""The keys of article pages: a page's key hashes everything its template reads.

:func:`site_key`: what every page shows (templates, the plugin's code, settings, the menu's
pages); :func:`article_key`: the article (its HTML, metadata, tags, authors, publisher,
neighbours, other captures, reading time, source mark) in that site.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pelican import __version__ as pelican_version

from .. import cachefile

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


_CODE = cachefile.files_digest(sorted(Path(__file__).parents[1].rglob("*.py")))  # the plugin's


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


def _term(term: Any) -> list[str]:
    """A tag, author or publisher as its page shows it: name and slug (its URL is the site's
    ``*_URL`` setting, in :func:`site_key`, formatted with those two)."""
    return [str(term), term.slug]


_PELICANS_LINKS = "[{|](?P<what>.*?)[|}]"  # Pelican's default INTRASITE_LINK_REGEX


def page_content(article: Any) -> str:
    """The article's HTML as its page shows it: Pelican's ``content``, whose intrasite links
    (``{static}…``, ``{filename}…``) it rewrites with a regular expression at every read. HTML
    with no ``{`` and no ``|`` has none to rewrite (under Pelican's default link pattern): it is
    the HTML as it is, without that pass."""
    html = article._content
    settings = getattr(article, "settings", None) or {}
    if (
        isinstance(html, str)
        and settings.get("INTRASITE_LINK_REGEX") == _PELICANS_LINKS
        and not hasattr(article, "_get_content")
        and "{" not in html
        and "|" not in html
    ):
        return html
    return article.content


def article_key(site: str, article: Any, content: str) -> str:
    """The key of ``article``'s page in the site ``site`` (see :func:`site_key`)."""
    metadata = {k: _when(v) for k, v in sorted(article.metadata.items())}
    category = getattr(article, "category", None)
    facts = [
        site,
        article.save_as,
        article.url,
        metadata,
        [_term(t) for t in getattr(article, "tags", None) or []],
        [_term(a) for a in getattr(article, "authors", None) or []],
        _term(category) if category else None,
        _ref(getattr(article, "older", None)),
        _ref(getattr(article, "newer", None)),
        [[*_ref(c), _when(c.archived)] for c in getattr(article, "captures", None) or []],
        getattr(article, "reading_minutes", None),
        repr(getattr(article, "source_mark", None)),
    ]
    digest = hashlib.sha256(json.dumps(facts, ensure_ascii=False, default=str).encode("utf-8"))
    digest.update(b"\0" + content.encode("utf-8"))  # hashed as it is: no JSON escaping
    return digest.hexdigest()
