"""Count every error of a build, so that a build whose parts fail exits non-zero.

Two kinds are counted: records of level ERROR or above that any logger emits (the plugin's and
Pelican's own, e.g. a page it could not process), and the lines the plugin prints whole with
:func:`error`. :func:`one_line` turns an unexpected exception of a build step into one
``newsarchive: error:`` line that stops the build (the traceback only with ``--debug``).
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


class ErrorCounter(logging.Handler):
    """A logging handler that counts the records of level ERROR and above."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_counter: ErrorCounter | None = None
_printed = 0


def start_counting() -> None:
    """Count from now on (again from zero: one Python process may run several builds)."""
    global _counter, _printed
    root = logging.getLogger()
    if _counter is not None:
        root.removeHandler(_counter)
    _counter = ErrorCounter()
    _printed = 0
    root.addHandler(_counter)


def error_count() -> int:
    """How many errors were logged or printed since :func:`start_counting`."""
    return (_counter.count if _counter else 0) + _printed


def error(line: str) -> None:
    """Print one error line whole (logs and editors read it as is) and count it."""
    global _printed
    _printed += 1
    print(line, file=sys.stderr)


def one_line(what: str) -> Callable[[F], F]:
    """Decorate a Pelican signal handler: an unexpected exception stops the build with
    ``newsarchive: error: <what> failed: <exception>`` instead of a traceback."""

    def decorate(handler: F) -> F:
        @functools.wraps(handler)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*args, **kwargs)
            except Exception as exc:
                log.debug("%s failed", what, exc_info=True)  # shown with pelican --debug
                raise SystemExit(
                    f"newsarchive: error: {what} failed: {type(exc).__name__}: {exc} (run "
                    "pelican with --debug to see where; please report it if the cause is not "
                    "in your files)"
                ) from None

        return run  # type: ignore[return-value]

    return decorate
