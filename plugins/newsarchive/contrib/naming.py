"""The file-naming convention an archive holds contributions to: ``NEWSARCHIVE_NAMING``.

``"conventional"`` (the default): ``content/articles/<publisher key>/<lowercase ASCII name>``, as
``newsarchive import`` and ``adopt`` write it. ``"free"``: any name in any folder under
``content/articles/``. Or a pattern for an archive that keeps its own names, relative to
``content/articles/`` and without the extension (``.md`` or ``.html``), e.g.
``"{any}/{number}[_{title}]"``: ``{publisher}`` (the publisher key), ``{date}`` (archive day,
YYYYMMDD, UTC), ``{words}`` and ``{hash}`` (as in the conventional name) must agree with the
article; ``{number}`` is digits; ``{title}`` and ``{any}`` are any text without ``/``; a part in
``[ ]`` may be left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from ..convert.slugs import readable_part
from ..convert.urls import url_hash
from ..settings_file import SETTINGS_FILE, read_literal

if TYPE_CHECKING:
    from ..convert.pipeline import Article

CONVENTIONAL = "conventional"
FREE = "free"
SETTING = "NEWSARCHIVE_NAMING"
_FIELDS = ("publisher", "date", "words", "hash", "number", "title", "any")
_FIELD = re.compile(r"\{(\w+)\}")


class NamingError(ValueError):
    """A ``NEWSARCHIVE_NAMING`` value that is not a naming rule."""


@dataclass(frozen=True)
class Naming:
    """A naming rule: ``conventional``, ``free`` or a pattern (see the module docstring)."""

    rule: str = CONVENTIONAL

    def __post_init__(self) -> None:
        if self.rule in (CONVENTIONAL, FREE):
            return
        unknown = sorted(set(_FIELD.findall(self.rule)) - set(_FIELDS))
        if unknown or not self.rule.strip("/") or self.rule.count("[") != self.rule.count("]"):
            fields = ", ".join("{" + f + "}" for f in _FIELDS)
            raise NamingError(
                f"{SETTING} = {self.rule!r} is not a naming rule: "
                + (f"unknown field {{{unknown[0]}}}; " if unknown else "")
                + f"use 'conventional', 'free' or a pattern of {fields} and [optional] parts"
            )

    @property
    def is_pattern(self) -> bool:
        return self.rule not in (CONVENTIONAL, FREE)

    def regex(self, article: Article | None) -> re.Pattern[str]:
        """The pattern as a regular expression over ``<folders>/<name>`` (no extension)."""
        known = article_fields(article) if article else {}
        out = []
        for piece in re.split(r"(\{\w+\}|\[|\])", self.rule):
            if piece == "[":
                out.append("(?:")
            elif piece == "]":
                out.append(")?")
            elif (field := _FIELD.fullmatch(piece)) is not None:
                name = field.group(1)
                if name in known:
                    out.append(re.escape(known[name]))
                else:
                    out.append(r"\d+" if name == "number" else r"[^/]+")
            else:
                out.append(re.escape(piece))
        return re.compile("".join(out))

    def matches(self, relative: str, article: Article | None) -> bool:
        """Whether ``relative`` (under ``content/articles/``, extension removed) follows the rule."""
        if self.rule == FREE:
            return True
        return bool(self.regex(article).fullmatch(relative))


def article_fields(article: Article) -> dict[str, str]:
    """The pattern fields an article determines."""
    url, archived = article.metadata["source_url"], article.metadata["archived"]
    day = archived.astimezone(UTC).strftime("%Y%m%d")
    return {
        "publisher": article.metadata["source_key"],
        "date": day,
        "words": readable_part(url).removeprefix(day).strip("-"),
        "hash": url_hash(url),
    }


def read_setting(project: str | Path) -> Naming:
    """``NEWSARCHIVE_NAMING`` from ``project/pelicanconf.py`` (a literal string), else conventional.

    The file is read, never run: ``check`` must not execute code from a pull request.
    """
    try:
        value = read_literal(Path(project) / SETTINGS_FILE, SETTING)
    except (OSError, ValueError):  # unreadable, not Python, or not a literal
        return Naming()
    return Naming(value) if isinstance(value, str) else Naming()
