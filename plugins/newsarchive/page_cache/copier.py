"""Cached pages copied into the output by a process of its own, beside the build.

The build sends ``[key, path]`` lines as Pelican reaches each unchanged article page
(:class:`Copier`); ``python -m newsarchive.page_cache.copier FOLDER`` copies each page from the
cache in ``FOLDER`` to its path, and at the end of its input answers with the numbers of the
lines it could not copy (a damaged entry: it says so in one line), which the build renders.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .store import PageCache

PLUGINS = Path(__file__).resolve().parents[2]  # where the newsarchive package is


def write_page(path: str, page: bytes) -> None:
    """Write ``page`` (UTF-8) at ``path``, with the line ends Pelican writes there."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.linesep == "\n":
        with open(path, "wb") as handle:
            handle.write(page)
    else:  # as a text handle writes them (Windows)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(page.decode("utf-8"))


def copy_pages(cache: PageCache, lines: Iterator[bytes]) -> list[int]:
    """Copy the page of each ``[key, path]`` line; the numbers of the lines not copied."""
    missed = []
    for n, line in enumerate(lines):
        key, path = json.loads(line)
        page = cache.get(key)
        if page is None:
            missed.append(n)
        else:
            write_page(path, page)
    return missed


def _drained(stream: BinaryIO) -> Iterator[bytes]:
    """``stream``'s lines, read by a thread as fast as they come: the build never waits for a
    full pipe while this process copies."""
    lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return iter(lines.get, None)


class Copier:
    """The copying process, started by the build: :meth:`copy` each page, then :meth:`finish`."""

    def __init__(self, folder: Path) -> None:
        paths = [str(PLUGINS), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        command = [sys.executable, "-m", "newsarchive.page_cache.copier", str(folder)]
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.asked = 0

    def copy(self, key: str, path: str) -> bool:
        """Ask for the page of ``key`` at ``path`` (the ``asked``-th, counted from 0); False
        when the process is gone (it has said why): render the page."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps([key, path]).encode("utf-8") + b"\n")
        except (OSError, ValueError):  # gone, or no more pages asked (closed)
            return False
        self.asked += 1
        return True

    def close(self) -> None:
        """No more pages: the process ends once it has copied them."""
        assert self._process.stdin is not None
        with contextlib.suppress(OSError):  # it is gone: finish() says so
            self._process.stdin.close()

    def finish(self) -> list[int]:
        """Wait for the copies; the numbers of the pages not copied (all of them, when the
        process failed: it has said why)."""
        self.close()
        assert self._process.stdout is not None
        try:
            out = self._process.stdout.read()
            if self._process.wait() == 0:
                return json.loads(out)["missed"]
        except (OSError, ValueError, KeyError):
            pass
        return list(range(self.asked))

    def stop(self) -> None:
        """End the process (when the build failed first)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def main(argv: list[str]) -> None:
    """``python -m newsarchive.page_cache.copier FOLDER``: copy the pages asked on stdin; print
    ``{"missed": [...]}``."""
    cache = PageCache(Path(argv[0]))
    try:
        missed = copy_pages(cache, _drained(sys.stdin.buffer))
    except Exception as exc:  # the build renders every page asked
        print(
            f"newsarchive: warning: copying article pages from the cache failed "
            f"({type(exc).__name__}: {exc}); rendering them",
            file=sys.stderr,
        )
        raise SystemExit(1) from None
    sys.stdout.write(json.dumps({"missed": missed}))


if __name__ == "__main__":
    main(sys.argv[1:])
