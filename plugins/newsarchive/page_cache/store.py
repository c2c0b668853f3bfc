"""Rendered article pages, kept by key: sealed :mod:`..cachefile` entries, compressed."""

from __future__ import annotations

import zlib
from pathlib import Path

from .. import cachefile

FOLDER = "newsarchive-pages"  # under CACHE_PATH


class PageCache:
    """Rendered pages under ``folder``, by key."""

    def __init__(self, folder: Path) -> None:
        self.entries = cachefile.Entries(folder)
        self.copied = 0
        self.rendered = 0
        self.left = 0  # left in the output as the last build wrote them (:mod:`.in_place`)

    def has(self, key: str) -> bool:
        """Whether there is an entry for ``key`` (it counts as used: not pruned)."""
        return self.entries.path(key).is_file()

    def keep(self, key: str) -> None:
        """Count the entry of ``key`` as used (its page was left in the output)."""
        self.entries.use(key)

    def get(self, key: str) -> bytes | None:
        """The page of ``key`` as UTF-8, or None."""
        return self.entries.load(key, zlib.decompress, "rendering the page again")

    def put(self, key: str, page: str) -> None:
        """Keep ``page`` under ``key``."""
        self.entries.write(key, zlib.compress(page.encode("utf-8"), 1))

    def prune(self) -> int:
        """Delete the pages this build did not use; how many."""
        return self.entries.prune()
