"""Download article images into a content-addressed store (``<sha256>.<ext>``).

One image is fetched at most once per run however many URLs point at it (the original and its
proxy form are one image), by a bounded pool of threads sharing one httpx client. That client is
``web``'s guarded one: every hop of every download obeys the SSRF rule (private, loopback and
metadata addresses refused, before DNS and at the connection; ``NEWSARCHIVE_ALLOW_PRIVATE=1``
lets tests reach their local server), and a refusal is recorded as a failure. Each attempt
follows at most ``max_redirects`` redirects (a loop is an error), has connect/read timeouts and an
overall deadline, and stops reading past ``max_bytes``. Transient failures (connection errors,
timeouts, 408/429/5xx) are retried with exponential back-off and jitter; when the original URL
fails, the proxy form is tried. What arrives is stored only if Pillow recognises it as a JPEG,
PNG, GIF, WebP or AVIF image; SVG is refused (it can carry script).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from PIL import Image, UnidentifiedImageError

from .. import atomic
from ..web import FetchConfig as WebConfig
from ..web import FetchError
from ..web import make_client as guarded_client
from ..web.guard import guard_url
from .config import FetchConfig
from .manifest import Entry, Manifest, error_entry, is_stored, ok_entry
from .references import PROXY_HOSTS, original_of, proxied

#: Pillow format → (file extension, content type) of the images that are kept.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
    "AVIF": ("avif", "image/avif"),
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_SVG = re.compile(rb"<svg[\s>]", re.IGNORECASE)
_STORE_LOCK = threading.Lock()
_WRITING: set[str] = set()


class FetchFailure(Exception):
    """An image could not be fetched: ``reason`` is a short key (``http-404``, ``timeout``…)."""

    def __init__(self, reason: str, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.reason = reason
        self.transient = transient


# -- checking what arrived -------------------------------------------------------------------


def looks_like_svg(data: bytes) -> bool:
    """Whether ``data`` starts like an SVG document (possibly after an XML prolog)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(_SVG.search(head)) and head[:1] == b"<" and b"<html" not in head[:512].lower()


def identify(data: bytes, content_type: str = "") -> tuple[str, str]:
    """(extension, content type) of image bytes; :class:`FetchFailure` if they are not an image.

    The bytes decide, not the declared type: Pillow must recognise the format and verify the file.
    """
    if "svg" in content_type.lower() or looks_like_svg(data):
        raise FetchFailure("svg-refused", "SVG refused (it can carry script)")
    try:
        with Image.open(io.BytesIO(data), formats=list(_pillow_formats())) as image:
            kind = image.format or ""
            image.verify()
    except Image.DecompressionBombError as exc:
        raise FetchFailure("too-large", f"too many pixels: {exc}") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        declared = f" (served as {content_type})" if content_type else ""
        raise FetchFailure("not-an-image", f"not a JPEG/PNG/GIF/WebP/AVIF image{declared}") from exc
    return FORMATS[kind]


def _pillow_formats() -> list[str]:
    Image.init()
    return [name for name in FORMATS if name in Image.OPEN]


# -- one HTTP download ------------------------------------------------------------------------


@dataclass
class Download:
    data: bytes
    url: str  # after redirects
    content_type: str


def get(
    client: httpx.Client, url: str, config: FetchConfig, stop: threading.Event | None = None
) -> Download:
    """One attempt at ``url``: redirects followed (bounded) and each hop checked by the SSRF
    rule, body read up to the size cap. ``client`` must come from :func:`make_client`."""
    started = time.monotonic()
    seen = {url}
    target = config.route(url)
    check = WebConfig().address_check()
    for _ in range(config.max_redirects + 1):
        try:
            guard_url(target, check=check)
            with client.stream("GET", target) as response:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    location = urljoin(target, response.headers["location"])
                    if urlsplit(location).scheme not in ("http", "https"):
                        raise FetchFailure("bad-redirect", f"redirect to {location!r}")
                    if location in seen:
                        raise FetchFailure("redirect-loop", f"redirect loop at {location}")
                    seen.add(location)
                    target = location
                    continue
                _check_status(response)
                body = _read(response, config, started, stop)
                return Download(body, target, _type(response))
        except httpx.TimeoutException as exc:
            raise FetchFailure("timeout", f"timed out ({type(exc).__name__})", True) from exc
        except httpx.TransportError as exc:
            raise FetchFailure("connection", f"{type(exc).__name__}: {exc}", True) from exc
        except FetchError as exc:  # refused by the address rule (before DNS, or connecting)
            raise FetchFailure(exc.reason, str(exc), exc.transient) from exc
    raise FetchFailure("too-many-redirects", f"more than {config.max_redirects} redirects")


def _type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status == 200:
        return
    error = FetchFailure(
        f"http-{status}", f"HTTP {status} {response.reason_phrase}", status in _TRANSIENT_STATUS
    )
    retry_after = response.headers.get("retry-after", "")
    error.retry_after = float(retry_after) if retry_after.isdigit() else None  # type: ignore[attr-defined]
    raise error


def _read(
    response: httpx.Response, config: FetchConfig, started: float, stop: threading.Event | None
) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > config.max_bytes:
        raise FetchFailure("too-large", f"{int(length)} bytes (limit {config.max_bytes})")
    body = bytearray()
    for chunk in response.iter_bytes():  # as it arrives, so the deadline is checked
        body += chunk
        if len(body) > config.max_bytes:
            raise FetchFailure("too-large", f"more than {config.max_bytes} bytes")
        if time.monotonic() - started > config.deadline:
            raise FetchFailure("timeout", f"download took more than {config.deadline:g} s", True)
        if stop is not None and stop.is_set():
            raise FetchFailure("interrupted", "the run was interrupted")
    return bytes(body)


def download(
    client: httpx.Client,
    url: str,
    config: FetchConfig,
    stop: threading.Event | None = None,
) -> tuple[Download, str, str]:
    """Fetch and identify ``url``, retrying transient failures; returns (download, ext, type)."""
    for attempt in range(config.retries + 1):
        try:
            fetched = get(client, url, config, stop)
            return (fetched, *identify(fetched.data, fetched.content_type))
        except FetchFailure as failure:
            if not failure.transient or attempt == config.retries:
                raise
            delay = min(config.backoff_max, config.backoff * 2**attempt)
            delay *= 0.5 + random.random() / 2
            retry_after = getattr(failure, "retry_after", None)
            if retry_after is not None:
                delay = max(delay, min(retry_after, config.backoff_max))
            if (stop or threading.Event()).wait(delay):  # sleeps, unless the run is stopped
                raise FetchFailure("interrupted", "the run was interrupted") from failure
    raise AssertionError("unreachable")


# -- storing ----------------------------------------------------------------------------------


def store(data: bytes, ext: str, directory: Path) -> tuple[str, bool]:
    """Store ``data`` as ``<sha256>.<ext>`` (atomically); returns (file name, newly written)."""
    name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
    path = directory / name
    with _STORE_LOCK:  # two threads may bring the same image: one writes it
        if name in _WRITING or (path.is_file() and path.stat().st_size == len(data)):
            return name, False
        _WRITING.add(name)
    try:
        # Not fsynced (a few ms each): a file cut short by a power failure has the wrong size,
        # so Manifest.has_file rejects it and the next run fetches it again.
        atomic.write(path, data, durable=False)
    finally:
        with _STORE_LOCK:
            _WRITING.discard(name)
    return name, True


def candidates_for(urls: list[str], config: FetchConfig) -> list[str]:
    """What to try for a group of URLs of one image: the original, its proxy forms, then the
    configured proxy (when the group has no proxy form of its own)."""
    original = original_of(urls[0])
    tried = [original, *(u for u in urls if u != original)]
    has_proxy = any((urlsplit(u).hostname or "") in PROXY_HOSTS for u in tried[1:])
    if config.proxy and not has_proxy and (urlsplit(original).hostname or "") not in PROXY_HOSTS:
        tried.append(proxied(original, config.proxy))
    return list(dict.fromkeys(tried))


@dataclass
class Outcome:
    """The result of fetching one image (a group of URLs)."""

    urls: list[str]
    entry: Entry
    written: bool = False


def fetch_image(
    client: httpx.Client,
    urls: list[str],
    config: FetchConfig,
    directory: Path,
    stop: threading.Event | None = None,
) -> Outcome:
    """Fetch one image known under ``urls``: each candidate in turn until one works
    (``stop`` set: give up at the next chunk or back-off)."""
    tried: list[dict[str, str]] = []
    first: FetchFailure | None = None
    for url in candidates_for(urls, config):
        try:
            fetched, ext, content_type = download(client, url, config, stop)
        except FetchFailure as failure:
            first = first or failure
            tried.append({"url": url, "reason": failure.reason, "error": str(failure)})
            if failure.reason == "interrupted":
                break
            continue
        name, written = store(fetched.data, ext, directory)
        return Outcome(urls, ok_entry(name, len(fetched.data), content_type, url), written)
    assert first is not None
    return Outcome(urls, error_entry(first.reason, str(first), tried))


# -- a whole run ------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run did."""

    fetched: int = 0  # URLs newly stored this run
    already: int = 0  # URLs that had a stored file before
    files_written: int = 0  # new files (fewer than fetched when URLs share an image)
    bytes_written: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # reason → URLs
    interrupted: bool = False

    @property
    def total(self) -> int:
        return self.fetched + self.already + sum(self.failed.values())

    def lines(self) -> list[str]:
        lines = [
            f"{self.total} images: {self.fetched} fetched ({self.files_written} new files, "
            f"{self.bytes_written / 1e6:.1f} MB), {self.already} already had, "
            f"{sum(self.failed.values())} failed"
        ]
        lines += [f"  failed: {n} {reason}" for reason, n in self.failed.most_common()]
        if self.interrupted:
            lines.append("interrupted: run again to fetch the rest (nothing fetched is lost)")
        return lines


def group_by_image(urls: Iterable[str]) -> list[list[str]]:
    """URLs grouped by the image they show (an original and its proxy forms are one image)."""
    groups: dict[str, list[str]] = {}
    for url in urls:
        groups.setdefault(original_of(url), []).append(url)
    return list(groups.values())


def fetch_all(
    urls: Iterable[str],
    directory: str | Path,
    config: FetchConfig | None = None,
    manifest: Manifest | None = None,
    progress: Callable[[int, int], None] | None = None,
    client: httpx.Client | None = None,
) -> Summary:
    """Fetch every image in ``urls`` that has no stored file yet; record each in the manifest.

    ``progress(done, total)`` is called after each image. Already stored URLs are not fetched
    again; failed ones are. An interrupted run (``KeyboardInterrupt``) keeps what it fetched and
    returns with ``summary.interrupted`` set. A ``client`` passed in must come from
    :func:`make_client` (a plain httpx client would skip the address check made when connecting).
    """
    config = config or FetchConfig()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(directory)
    manifest = manifest or Manifest.load(directory)
    summary = Summary()
    todo: list[list[str]] = []
    for group in group_by_image(dict.fromkeys(urls)):
        missing = [u for u in group if not manifest.has_file(u)]
        summary.already += len(group) - len(missing)
        stored = next((manifest.get(u) for u in group if manifest.has_file(u)), None)
        if missing and stored is not None:  # another URL of this image has it already
            for url in missing:
                manifest.record(url, dict(stored))  # type: ignore[arg-type]
            summary.already += len(missing)
        elif missing:
            todo.append(missing)
    own_client = client is None
    client = client or make_client(config)
    stop = threading.Event()
    done = 0

    def work(group: list[str]) -> Outcome | None:
        return None if stop.is_set() else fetch_image(client, group, config, directory, stop)

    pool = ThreadPoolExecutor(max(1, config.workers), thread_name_prefix="image")
    try:
        pending: set[Future[Outcome | None]] = set()
        queue = iter(todo)
        # Submit a bounded window so that an interruption leaves little queued work behind.
        for group in queue:
            pending.add(pool.submit(work, group))
            if len(pending) >= 4 * config.workers:
                break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                outcome = future.result()
                if outcome is None:
                    continue
                _tally(summary, outcome, manifest)
                done += 1
                if progress:
                    progress(done, len(todo))
                following = next(queue, None)
                if following is not None:
                    pending.add(pool.submit(work, following))
    except KeyboardInterrupt:
        stop.set()
        summary.interrupted = True
    finally:
        pool.shutdown(wait=not summary.interrupted, cancel_futures=True)
        manifest.close()
        if own_client:
            client.close()
    return summary


def _remove_stale_temporaries(directory: Path, age: float = 600.0) -> None:
    """Delete half-written files that a killed run left behind (``.*.tmp``, older than ``age``)."""
    now = time.time()
    for path in directory.glob(atomic.TEMPORARY_GLOB):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > age:
                path.unlink()


def _tally(summary: Summary, outcome: Outcome, manifest: Manifest) -> None:
    for url in outcome.urls:
        manifest.record(url, outcome.entry)
    if is_stored(outcome.entry):
        summary.fetched += len(outcome.urls)
        if outcome.written:
            summary.files_written += 1
            summary.bytes_written += outcome.entry["size"]
    else:
        summary.failed[outcome.entry["reason"]] += len(outcome.urls)


def make_client(config: FetchConfig) -> httpx.Client:
    """The shared HTTP client: ``web``'s guarded client (each connection goes only to an address
    the SSRF rule allows), pooled for ``workers`` threads, no auto-redirects."""
    client = guarded_client(WebConfig(max_connections=config.workers * 2))
    client.headers.update({"user-agent": config.user_agent, "accept": "image/*,*/*;q=0.5"})
    client.timeout = httpx.Timeout(config.timeout)
    return client
