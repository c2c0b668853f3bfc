"""A local HTTP server for tests that fetch: canned replies per path, every request recorded.

Each route is a :class:`Reply` or a list of them (successive requests get successive replies,
the last repeats); ``default(key)`` may answer anything else; ``hits`` counts requests per key
and ``requests`` keeps (method, key, headers) of each. GET and HEAD are answered (HEAD without
the body). Subclasses choose the reply by overriding :meth:`LocalServer.pick`.
"""

from __future__ import annotations

import http.server
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

ALLOW_PRIVATE = "NEWSARCHIVE_ALLOW_PRIVATE"  # newsarchive.web.ALLOW_PRIVATE_ENV


@dataclass
class Reply:
    """One canned response."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    drip: float = 0.0  # between 1 KB chunks of the body
    length: bool = True  # send Content-Length (else close the connection after the body)


Route = Reply | list[Reply]


@dataclass
class Seen:
    """One request the server received."""

    method: str
    key: str  # the path without its leading slash
    headers: dict[str, str]  # lower-cased names


class _QuietServer(http.server.ThreadingHTTPServer):
    """A client that hangs up early (a size cap, a timeout) is normal here, not a traceback on
    stderr, where it would land in whichever test captures stderr next."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class LocalServer:
    """The server and its routes; ``url`` is its base URL (no trailing slash)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.default: Callable[[str], Reply | None] | None = None
        self.hits: Counter[str] = Counter()
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes

            def do_GET(self) -> None:
                owner._answer(self, body=True)

            def do_HEAD(self) -> None:
                owner._answer(self, body=False)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def reset(self) -> None:
        """Forget every route, count and request."""
        self.routes.clear()
        self.default = None
        self.hits.clear()
        self.requests.clear()

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reply(self, key: str, table: dict[str, Route], count: int) -> Reply | None:
        """The reply ``table`` holds for the ``count``-th request to ``key``, if any."""
        route = table.get(key)
        if isinstance(route, list):
            return route[min(count, len(route) - 1)]
        return route

    def pick(self, key: str, count: int) -> Reply:
        """The reply to the ``count``-th request to ``key`` (routes, then default, then 404)."""
        reply = self.reply(key, self.routes, count)
        if reply is None and self.default:
            reply = self.default(key)
        return reply or Reply(404, b"not found", "text/html")

    def _answer(self, handler: http.server.BaseHTTPRequestHandler, body: bool) -> None:
        key = handler.path.lstrip("/")
        with self._lock:
            count = self.hits[key]
            self.hits[key] += 1
            headers = {name.lower(): value for name, value in handler.headers.items()}
            self.requests.append(Seen(handler.command, key, headers))
        reply = self.pick(key, count)
        try:
            if reply.delay:
                time.sleep(reply.delay)
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if reply.length:
                handler.send_header("Content-Length", str(len(reply.body)))
            else:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            if not body:
                return
            if not reply.drip:
                handler.wfile.write(reply.body)
                return
            for start in range(0, len(reply.body), 1024):
                handler.wfile.write(reply.body[start : start + 1024])
                handler.wfile.flush()
                time.sleep(reply.drip)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True


def self_signed(directory: str, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A certificate for ``name`` made with openssl: (server context, client context trusting it)."""
    cert, key = f"{directory}/{name}.pem", f"{directory}/{name}.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"),
            *("-keyout", key, "-out", cert),
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return server, ssl.create_default_context(cafile=cert)


@pytest.fixture(scope="module")
def local_server() -> Iterator[LocalServer]:
    """One local server for a test module (tests take it through ``site``)."""
    with LocalServer() as running:
        yield running


@pytest.fixture
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let fetches reach loopback and private addresses (the local server) for one test."""
    monkeypatch.setenv(ALLOW_PRIVATE, "1")


@pytest.fixture
def site(local_server: LocalServer, allow_private: None) -> LocalServer:
    """The module's local server with no routes, and local addresses allowed to be fetched."""
    local_server.reset()
    return local_server
