"""Test-only Pelican plugin: deleting the last build's output fails (a file that cannot go)."""

from __future__ import annotations

from pathlib import Path

import newsarchive.clear_output as clear_output


def _delete(folders: list[Path]) -> None:
    raise PermissionError(13, "Permission denied (simulated by break_deletion)")


def register() -> None:
    clear_output._delete = _delete
