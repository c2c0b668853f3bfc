"""Test-only Pelican plugin: the search index job fails (as on a full disk) when it writes the
documents' file, its first step."""

from __future__ import annotations

from typing import Any

import newsarchive.search.glue as search


def _write_docs(*args: Any, **kwargs: Any) -> Any:
    raise OSError(28, "No space left on device (simulated by break_search)")


def register() -> None:
    search.write_docs = _write_docs
