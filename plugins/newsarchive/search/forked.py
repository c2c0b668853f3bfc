"""Work done beside this process's own, in a forked child (where ``fork`` exists)."""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Beside(Generic[T]):
    """The work started by :func:`beside`; :meth:`result` waits for it."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work: Callable[[], T] | None = work
        self._pid = 0
        self._pipe = -1
        if hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the work, send its result or its error, and leave
            os.close(read)
            try:
                answer = ("ok", self._work())  # type: ignore[misc]
            except BaseException as exc:
                answer = ("error", f"{type(exc).__name__}: {exc}")
            try:
                with os.fdopen(write, "wb") as pipe:
                    pickle.dump(answer, pipe)
            finally:
                os._exit(0)
        os.close(write)
        self._pid, self._pipe, self._work = pid, read, None

    def result(self) -> T:
        """The work's result (done here if it could not be forked); its error is raised."""
        if self._work is not None:
            work, self._work = self._work, None
            return work()
        with os.fdopen(self._pipe, "rb") as pipe:
            data = pipe.read()
        self._pipe = -1
        os.waitpid(self._pid, 0)
        self._pid = 0
        if not data:
            raise RuntimeError("the forked process ended without an answer")
        status, value = pickle.loads(data)
        if status != "ok":
            raise RuntimeError(value)
        return value

    def stop(self) -> None:
        """End the child if it is still there (when this process failed first)."""
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
        if self._pipe >= 0:
            os.close(self._pipe)
            self._pipe = -1


@contextmanager
def beside(work: Callable[[], T]) -> Iterator[Beside[T]]:
    """Start ``work`` in a forked child for the ``with`` block, which waits for it with
    ``.result()``; leaving the block another way ends the child."""
    started = Beside(work)
    try:
        yield started
    finally:
        started.stop()
