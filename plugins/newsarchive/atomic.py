"""Replace a file all at once: write a temporary file beside it, then rename it into place.

Readers see the old file or the new one, never a part. ``durable=True`` also puts the bytes on
disk before the rename (``fsync``), so a power cut cannot leave an empty or cut file in place of
the old one; it costs milliseconds per file, so hot paths (the build's cache entries) pass False.
A write that fails removes its temporary file; one killed outright leaves a hidden
``.<name>.<random>.tmp`` beside the target (see :data:`TEMPORARY_GLOB`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

#: The names of the temporary files, for sweeping those a killed run left behind.
TEMPORARY_GLOB = ".*.tmp"


def _temporary(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path`` (a fresh name, created with the umask's mode)."""
    while True:
        tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


@contextlib.contextmanager
def replacing(path: str | Path, *, durable: bool) -> Iterator[BinaryIO]:
    """A binary handle whose bytes replace ``path`` when the block ends without an error
    (and are discarded, with the temporary file, when it raises)."""
    path = Path(path)
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write(path: str | Path, data: bytes | str, *, durable: bool) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) all at once."""
    with replacing(path, durable=durable) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
