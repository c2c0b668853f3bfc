"""The search index job: ``output/search/`` written by a process of its own.

The build forks (:mod:`.glue`); the child writes what the index needs of each article to a file
(:func:`write_docs`) and replaces itself with ``python -m newsarchive.search.job``, which opens
it, deletes its name (:func:`take`) and reads the documents back one at a time
(:class:`DocsFile`) while the build writes the pages. So the job's
memory is the index's own: a forked child that lived on would also keep every page of the
build's memory that the build changes meanwhile (a quarter of a 15,000-article build).

The job answers on a pipe inherited from the build: ``("ok", stats, seconds)`` or
``("error", (message, traceback), 0.0)`` (:func:`answer`).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NoReturn, TextIO

from .kept import write_index_cached
from .text import html_to_text
from .writer import IndexStats, SearchDoc, doc_line, line_facts


@dataclasses.dataclass
class Options:
    """Where the job writes and what with."""

    out: str  # the site's search folder, written anew
    lunr: str  # lunr.min.js, copied into it
    cache: str | None  # the kept index's folder (:mod:`.kept`); None: no cache
    tag_url: str


def write_docs(path: Path, options: Options, docs: Iterable[SearchDoc]) -> None:
    """Write ``options`` (first line), then each document as a JSON line whose text is the
    article's HTML: the job makes the text (:class:`DocsFile`)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(dataclasses.asdict(options)) + "\n")
        for doc in docs:
            handle.write(doc_line(doc) + "\n")


class DocsFile:
    """The documents of an open :func:`write_docs` file, read one at a time, as often as
    needed (:func:`take` opens one): :class:`.writer.Documents` whose text is HTML."""

    def __init__(self, handle: TextIO, second: TextIO | None = None) -> None:
        self._handle = handle
        self._second = second
        self.options = Options(**json.loads(handle.readline()))

    def __enter__(self) -> DocsFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()
        if self._second is not None:
            self._second.close()

    def again(self) -> DocsFile:
        """The same documents through a second handle, opened with the first: a forked process
        reads them there (the first handle's position is shared with it)."""
        if self._second is None:
            raise ValueError("this documents' file was opened once")
        return DocsFile(self._second)

    def lines(self) -> Iterator[str]:
        """Each document's line (:func:`.writer.doc_line`, with its HTML in place of its text)."""
        self._handle.seek(0)
        self._handle.readline()
        for line in self._handle:
            yield line.removesuffix("\n")

    def facts(self) -> Iterator[SearchDoc]:
        """Each document, its text the JSON string of its HTML (:meth:`html`), not read: the
        index needs only new articles' text."""
        return map(line_facts, self.lines())

    @staticmethod
    def html(text: str) -> str:
        """A document's HTML, from its text as :meth:`facts` gives it."""
        return json.loads(text)

    @classmethod
    def plain(cls, text: str) -> str:
        """A document's plain text, from its text as :meth:`facts` gives it."""
        return html_to_text(cls.html(text))


def take(path: Path) -> DocsFile:
    """The documents of the file at ``path``, opened and its name deleted at once: it is gone
    when the job ends, however it ends."""
    handle = path.open(encoding="utf-8")
    try:
        second = path.open(encoding="utf-8")
    finally:
        path.unlink()
    return DocsFile(handle, second)


def run_file(path: Path) -> IndexStats:
    """:func:`run` on the documents' file at ``path`` (:func:`take`)."""
    with take(path) as docs:
        return run(docs)


def run(docs: DocsFile) -> IndexStats:
    """Write the search folder of ``docs``: the index and lunr.min.js."""
    options = docs.options
    out = Path(options.out)
    if out.exists():
        shutil.rmtree(out)
    cache = Path(options.cache) if options.cache else None
    stats = write_index_cached(docs, out, cache, options.tag_url)
    shutil.copyfile(options.lunr, out / "lunr.min.js")
    return stats


def answer(send: Connection, work: Callable[[], IndexStats], start: float) -> None:
    """Send ``work``'s figures and the seconds since ``start`` (``time.time()``), or its error."""
    try:
        stats = dataclasses.asdict(work())
        send.send(("ok", stats, time.time() - start))
    except BaseException as exc:  # reported by the build's own process
        send.send(("error", (f"{type(exc).__name__}: {exc}", traceback.format_exc()), 0.0))


def _stopped(signum: int, frame: object) -> NoReturn:
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: list[str]) -> None:
    """``python -m newsarchive.search.job DOCS_FILE PIPE_FD START``: run the job on the
    documents' file (deleting it), answer on the pipe. Stopped (SIGTERM: a build that failed
    first), it ends its own forked children on the way out."""
    signal.signal(signal.SIGTERM, _stopped)
    path, fd, start = Path(argv[0]), int(argv[1]), float(argv[2])
    answer(Connection(fd), lambda: run_file(path), start)


if __name__ == "__main__":
    main(sys.argv[1:])
