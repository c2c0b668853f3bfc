"""How images are fetched: the settings of a run (no HTTP here, so the CLI starts fast)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .references import DEFAULT_PROXY

Route = Callable[[str], str]


def direct(url: str) -> str:
    """The default route: fetch each URL from where it says."""
    return url


def route_via(base: str) -> Route:
    """Fetch every URL from a mirror laid out by host: ``https://h/p?q`` → ``BASE/h/p?q``.

    For a local mirror of the publishers' image hosts, and for tests against a local server.
    """
    base = base.rstrip("/")

    def route(url: str) -> str:
        parts = urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        return f"{base}/{parts.netloc}{parts.path or '/'}{query}"

    return route


@dataclass(frozen=True)
class FetchConfig:
    """How images are fetched."""

    workers: int = 8
    timeout: float = 20.0  # seconds to connect, and between two reads
    deadline: float = 120.0  # seconds for one whole download
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3  # extra attempts after a transient failure
    backoff: float = 1.0  # first back-off in seconds; doubles each retry
    backoff_max: float = 30.0
    proxy: str | None = DEFAULT_PROXY
    route: Route = direct
    user_agent: str = "newsarchive-images/0.1 (archiving article images)"
