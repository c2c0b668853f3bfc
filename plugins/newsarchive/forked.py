"""Work done beside this process's own, in a forked child (where ``fork`` exists)."""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1  # Linux prctl(2): the signal a process gets when its parent dies


def _end_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this child if its parent dies first (killed, say)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before the request was made
            os._exit(1)


class Beside(Generic[T]):
    """The work started by :func:`beside`; :meth:`result` waits for it."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work: Callable[[], T] | None = work
        self._pid = 0
        self._pipe = -1
        if hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        parent = os.getpid()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: nothing it does may return into the parent's code
            try:
                os.close(read)
                _end_with_parent(parent)
                try:
                    answer = ("ok", self._work())  # type: ignore[misc]
                except BaseException as exc:
                    answer = ("error", (f"{type(exc).__name__}: {exc}", traceback.format_exc()))
                with os.fdopen(write, "wb") as pipe:
                    pickle.dump(answer, pipe)
            finally:
                for stream in (sys.stdout, sys.stderr):  # what it said (os._exit does not)
                    stream.flush()
                os._exit(0)
        os.close(write)
        self._pid, self._pipe, self._work = pid, read, None

    def result(self) -> T:
        """The work's result (done here if it could not be forked). An error in the child is
        raised here as a RuntimeError naming it, with the child's traceback as a note."""
        if self._work is not None:
            work, self._work = self._work, None
            return work()
        pipe, self._pipe = self._pipe, -1
        with os.fdopen(pipe, "rb") as handle:
            data = handle.read()
        os.waitpid(self._pid, 0)
        self._pid = 0
        if not data:
            raise RuntimeError("the forked process ended without an answer")
        status, value = pickle.loads(data)
        if status != "ok":
            message, where = value
            error = RuntimeError(message)
            error.add_note(f"in the forked process:\n{where}")
            raise error
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
