"""Give freed memory back to the system between the build's phases.

CPython returns little of what a phase frees: glibc keeps freed blocks for reuse. When the next
phase forks workers, those pages are counted once per process that touches them, so the build
trims them first.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache


@cache
def _trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on other C libraries."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def give_back() -> None:
    """Collect garbage, then return the C heap's free pages to the system (glibc only)."""
    gc.collect()
    trim = _trim()
    if trim is not None:
        trim(0)
