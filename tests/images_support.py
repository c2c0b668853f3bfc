"""A local HTTP server standing in for the publishers' image hosts and the weserv proxy.

Requests are laid out by host, as :func:`newsarchive.images.fetch.route_via` sends them:
``https://img.example/a.jpg`` arrives as ``GET /img.example/a.jpg``. ``/images.weserv.nl/?url=X``
is answered as a proxy would: from ``proxy_routes[X]``, else from ``routes[X]``. Each route is a
:class:`Reply` or a list of them (successive requests get successive replies, the last repeats);
``default(key)`` may answer anything else. ``hits`` counts requests per key.
"""

from __future__ import annotations

import http.server
import io
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from PIL import Image

PROXY_HOST = "images.weserv.nl"


def make_image(seed: int, fmt: str = "JPEG", size: tuple[int, int] = (48, 32)) -> bytes:
    """A small real image whose bytes differ for each ``seed``."""
    colour = (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256)
    image = Image.new("RGB", size, colour)
    image.putpixel((seed % size[0], (seed // size[0]) % size[1]), (255 - colour[0], 0, 0))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


@dataclass
class Reply:
    """One canned response."""

    status: int = 200
    body: bytes = b""
    content_type: str = "image/jpeg"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    drip: float = 0.0  # between 1 KB chunks of the body
    length: bool = True  # send Content-Length (else close the connection after the body)


Route = Reply | list[Reply]


class ImageServer:
    """The server and its routes; ``url`` is its base URL (no trailing slash)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.proxy_routes: dict[str, Route] = {}
        self.default: Callable[[str], Reply | None] | None = None
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes

            def do_GET(self) -> None:
                owner._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def reset(self) -> None:
        """Forget every route and count."""
        self.routes.clear()
        self.proxy_routes.clear()
        self.default = None
        self.hits.clear()

    def __enter__(self) -> ImageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _reply(self, key: str, table: dict[str, Route], count: int) -> Reply | None:
        route = table.get(key)
        if isinstance(route, list):
            return route[min(count, len(route) - 1)]
        return route

    def _pick(self, key: str) -> Reply:
        with self._lock:
            count = self.hits[key]
            self.hits[key] += 1
        parts = urlsplit("/" + key)
        if parts.path.strip("/") == PROXY_HOST:
            target = (parse_qs(parts.query).get("url") or [""])[0]
            target = target.split("://", 1)[-1]
            reply = self._reply(target, self.proxy_routes, count) or self._reply(
                target, self.routes, count
            )
            if reply is None and self.default:
                reply = self.default(target)
            return reply or Reply(404, b"proxy: no such image", "text/plain")
        reply = self._reply(key, self.routes, count)
        if reply is None and self.default:
            reply = self.default(key)
        return reply or Reply(404, b"not found", "text/html")

    def _answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        reply = self._pick(handler.path.lstrip("/"))
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
            if not reply.drip:
                handler.wfile.write(reply.body)
                return
            for start in range(0, len(reply.body), 1024):
                handler.wfile.write(reply.body[start : start + 1024])
                handler.wfile.flush()
                time.sleep(reply.drip)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
