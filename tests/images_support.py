"""A local HTTP server standing in for the publishers' image hosts and the weserv proxy.

Requests are laid out by host, as :func:`newsarchive.images.fetch.route_via` sends them:
``https://img.example/a.jpg`` arrives as ``GET /img.example/a.jpg``. ``/images.weserv.nl/?url=X``
is answered as a proxy would: from ``proxy_routes[X]``, else from ``routes[X]``. Each route is a
:class:`Reply` or a list of them (successive requests get successive replies, the last repeats);
``default(key)`` may answer anything else. ``hits`` counts requests per key.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import http_support
from http_support import LocalServer, Route
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
class Reply(http_support.Reply):
    """One canned response (an image by default)."""

    content_type: str = "image/jpeg"


class ImageServer(LocalServer):
    """The server, its routes and the proxy's routes; ``url`` is its base URL."""

    def __init__(self) -> None:
        super().__init__()
        self.proxy_routes: dict[str, Route] = {}

    def reset(self) -> None:
        """Forget every route and count."""
        super().reset()
        self.proxy_routes.clear()

    def __enter__(self) -> ImageServer:
        super().__enter__()
        return self

    def pick(self, key: str, count: int) -> Reply:
        parts = urlsplit("/" + key)
        if parts.path.strip("/") != PROXY_HOST:
            return super().pick(key, count)
        target = (parse_qs(parts.query).get("url") or [""])[0]
        target = target.split("://", 1)[-1]
        reply = self.reply(target, self.proxy_routes, count) or self.reply(
            target, self.routes, count
        )
        if reply is None and self.default:
            reply = self.default(target)
        return reply or Reply(404, b"proxy: no such image", "text/plain")
