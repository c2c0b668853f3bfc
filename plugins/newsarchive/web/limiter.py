"""Per-host politeness: at most N requests at once to one host, and a delay between starts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class _Host:
    active: int = 0
    next_start: float = 0.0


class HostLimiter:
    """Thread-safe per-host gate: ``with limiter.slot(url): fetch(url)``.

    At most ``per_host`` requests run at once against one host, and two requests to one host
    start at least ``delay`` seconds apart. :meth:`defer` pushes a host's next start back (for a
    429/503 with Retry-After). ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        per_host: int = 2,
        delay: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_host < 1 or delay < 0:
            raise ValueError("per_host must be at least 1 and delay at least 0")
        self.per_host = per_host
        self.delay = delay
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._changed = threading.Condition()

    @staticmethod
    def host_of(url: str) -> str:
        """The key requests are limited by: the URL's host name, lower-cased."""
        return (urlsplit(url).hostname or "").lower()

    def acquire(self, url: str) -> None:
        """Wait for a free slot on the URL's host and for its delay; then the request may start."""
        with self._changed:
            host = self._hosts.setdefault(self.host_of(url), _Host())
            while host.active >= self.per_host:
                self._changed.wait()
            host.active += 1
            start = max(self._clock(), host.next_start)
            host.next_start = start + self.delay
        wait = start - self._clock()
        if wait > 0:
            self._sleep(wait)

    def release(self, url: str) -> None:
        """Give the slot back."""
        with self._changed:
            self._hosts[self.host_of(url)].active -= 1
            self._changed.notify_all()

    def defer(self, url: str, seconds: float) -> None:
        """Start nothing more on the URL's host for ``seconds`` (e.g. its Retry-After)."""
        with self._changed:
            host = self._hosts.setdefault(self.host_of(url), _Host())
            host.next_start = max(host.next_start, self._clock() + seconds)

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold a slot on the URL's host for the duration of the block."""
        self.acquire(url)
        try:
            yield
        finally:
            self.release(url)
