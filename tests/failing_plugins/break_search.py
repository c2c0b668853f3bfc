"""Test-only Pelican plugin: writing the search index fails (as on a full disk)."""

from __future__ import annotations

from typing import Any

import newsarchive.search.glue as search


def _write_index(*args: Any, **kwargs: Any) -> Any:
    raise OSError(28, "No space left on device (simulated by break_search)")


def register() -> None:
    search.write_index = _write_index
