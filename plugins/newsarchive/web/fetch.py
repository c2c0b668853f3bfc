"""One polite, guarded HTTP request: redirects checked hop by hop, timeouts, a size cap."""

from __future__ import annotations

import os
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

from .errors import FetchError
from .guard import (
    AddressCheck,
    Resolver,
    address_check,
    allow_private_from_env,
    checked_addresses,
    guard_url,
    system_resolve,
)
from .headers import (
    PROJECT_URL,
    PROJECT_URL_ENV,
    REDIRECT_STATUSES,
    charset_of,
    parse_retry_after,
    redirect_target,
    user_agent,
)
from .text import decode_html

_TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchConfig:
    """How pages are fetched. ``allow_private=None`` reads ``NEWSARCHIVE_ALLOW_PRIVATE``.
    ``resolve`` (DNS) and ``check`` (the address rule) are injectable so tests can make a name
    resolve to their local server and call that server public."""

    connect_timeout: float = 10.0  # seconds to connect
    read_timeout: float = 20.0  # seconds between two reads
    deadline: float = 60.0  # seconds for a whole fetch, redirects included
    max_bytes: int = 10 * 1024 * 1024  # body cap; past it the fetch fails (``too-large``)
    max_redirects: int = 5
    project_url: str | None = (
        None  # in the User-Agent; None: $NEWSARCHIVE_PROJECT_URL or PROJECT_URL
    )
    accept: str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    allow_private: bool | None = None
    resolve: Resolver = system_resolve
    check: AddressCheck | None = None
    verify: ssl.SSLContext | bool = True  # TLS: certifi's CAs, or a context (tests trust their own)
    max_connections: int = 10

    @property
    def user_agent(self) -> str:
        """``newsarchive/<version> (+<project URL>; news archiver)``."""
        return user_agent(self.project_url or os.environ.get(PROJECT_URL_ENV) or PROJECT_URL)

    def address_check(self) -> AddressCheck:
        """The address rule in force (read from the environment when not set)."""
        if self.check is not None:
            return self.check
        allow = allow_private_from_env() if self.allow_private is None else self.allow_private
        return address_check(allow)


@dataclass
class Fetched:
    """What a fetch brought back. Any HTTP status is data here (a 404 is an answer)."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes
    elapsed: float  # seconds, redirects included
    redirects: list[str] = field(default_factory=list)  # every URL that redirected, in order
    method: str = "GET"

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        """The media type, lower-cased, without parameters (``text/html``)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        return charset_of(self.headers.get("content-type"))

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked us to wait (Retry-After, seconds or HTTP date), or None."""
        return parse_retry_after(self.headers.get("retry-after"))

    def text(self) -> str:
        """The body as text (HTTP charset, then ``<meta charset>``, then detection)."""
        return decode_html(self.body, self.headers.get("content-type"), self.final_url)[0]

    def raise_for_status(self) -> Fetched:
        """Self if the status is 2xx or 304; else :class:`FetchError` (reason ``http-<status>``)."""
        if self.ok or self.not_modified:
            return self
        phrase = httpx.codes.get_reason_phrase(self.status)
        raise FetchError(
            f"http-{self.status}",
            f"{self.final_url}: HTTP {self.status} {phrase}".rstrip(),
            url=self.final_url,
            status=self.status,
            transient=self.status in _TRANSIENT,
            retry_after=self.retry_after,
        )


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses that pass the SSRF rule, resolving each name once, here:
    the address checked is the address connected to (no DNS-rebinding gap). TLS and the Host
    header still use the name, so SNI and certificate checks are unchanged."""

    def __init__(self, resolve: Resolver, check: AddressCheck) -> None:
        self._resolve = resolve
        self._check = check
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, resolve=self._resolve, check=self._check)
        for i, address in enumerate(addresses):
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                if i == len(addresses) - 1:
                    raise
        raise AssertionError("unreachable")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise FetchError("bad-url", "unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, config: FetchConfig) -> None:
        super().__init__(trust_env=False)  # no proxies from the environment: we check the peer
        self._pool = httpcore.ConnectionPool(  # httpx builds one without a backend hook
            ssl_context=httpx.create_ssl_context(verify=config.verify, trust_env=False),
            max_connections=config.max_connections,
            max_keepalive_connections=config.max_connections,
            network_backend=_GuardedBackend(config.resolve, config.address_check()),
        )


def make_client(config: FetchConfig | None = None) -> httpx.Client:
    """An httpx client whose every connection obeys the SSRF rule; share one across fetches
    (pass it to :func:`fetch`). Redirects are not followed by httpx: :func:`fetch` does it."""
    config = config or FetchConfig()
    return httpx.Client(
        transport=_GuardedTransport(config),
        headers={
            "user-agent": config.user_agent,
            "accept": config.accept,
            "accept-encoding": "gzip, deflate",  # decoded bytes count against the cap
        },
        follow_redirects=False,
        trust_env=False,
    )


def _failure(exc: httpx.HTTPError, url: str, config: FetchConfig) -> FetchError:
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(
            "timeout", f"{url}: timed out ({type(exc).__name__})", url=url, transient=True
        )
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return FetchError("tls", f"{url}: TLS failed ({cause})", url=url)
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError):
        return FetchError("connect", f"{url}: could not connect ({exc})", url=url, transient=True)
    if isinstance(exc, httpx.TransportError):
        return FetchError(
            "protocol", f"{url}: {type(exc).__name__}: {exc}", url=url, transient=True
        )
    return FetchError("protocol", f"{url}: {exc}", url=url)


def _read(response: httpx.Response, url: str, config: FetchConfig, started: float) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > config.max_bytes:
        raise FetchError(
            "too-large",
            f"{url}: {int(length)} bytes, over the {config.max_bytes}-byte cap",
            url=url,
        )
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > config.max_bytes:
            raise FetchError(
                "too-large", f"{url}: more than the {config.max_bytes}-byte cap", url=url
            )
        if time.monotonic() - started > config.deadline:
            raise _late(url, config)
    return bytes(body)


def _late(url: str, config: FetchConfig) -> FetchError:
    return FetchError(
        "timeout",
        f"{url}: took more than the {config.deadline:g} s deadline",
        url=url,
        transient=True,
    )


def fetch(
    url: str,
    *,
    method: str = "GET",
    config: FetchConfig | None = None,
    headers: Mapping[str, str] | None = None,
    client: httpx.Client | None = None,
) -> Fetched:
    """``method`` (GET or HEAD) ``url``, following at most ``config.max_redirects`` redirects, each
    hop checked by the SSRF rule; the body streamed up to ``config.max_bytes``.

    Returns :class:`Fetched` whatever the HTTP status (call ``raise_for_status()`` to fail on
    one). Raises :class:`FetchError` for what is not an HTTP answer: ``private-address``,
    ``bad-url``, ``bad-redirect``, ``redirect-loop``, ``too-many-redirects``, ``timeout``,
    ``too-large``, ``dns``, ``connect``, ``tls``, ``protocol``. ``headers`` are added to the
    request (e.g. :func:`~newsarchive.web.headers.conditional_headers`). ``client`` must come
    from :func:`make_client` with the same ``config`` (one is made and closed per call
    otherwise): a plain httpx client would skip the check made when connecting.
    """
    method = method.upper()
    if method not in ("GET", "HEAD"):
        raise ValueError(f"fetch does GET and HEAD, not {method}")
    config = config or FetchConfig()
    check = config.address_check()
    own = client is None
    client = client or make_client(config)
    started = time.monotonic()
    chain: list[str] = []
    target = url
    try:
        while True:
            guard_url(target, check=check)
            remaining = config.deadline - (time.monotonic() - started)
            if remaining <= 0:
                raise _late(url, config)
            timeout = httpx.Timeout(
                connect=min(config.connect_timeout, remaining),
                read=min(config.read_timeout, remaining),
                write=min(config.read_timeout, remaining),
                pool=min(config.connect_timeout, remaining),
            )
            request = client.build_request(method, target, headers=headers, timeout=timeout)
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise _failure(exc, target, config) from exc
            except FetchError as exc:  # refused when connecting (after DNS)
                raise FetchError(
                    exc.reason, f"{target}: {exc}", url=target, transient=exc.transient
                ) from exc
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    following = redirect_target(target, location)
                    chain.append(target)
                    _check_hop(url, following, chain, config)
                    target = following
                    continue
                try:
                    body = b"" if method == "HEAD" else _read(response, target, config, started)
                except httpx.HTTPError as exc:
                    raise _failure(exc, target, config) from exc
                return Fetched(
                    url=url,
                    final_url=target,
                    status=response.status_code,
                    headers=response.headers,
                    body=body,
                    elapsed=time.monotonic() - started,
                    redirects=chain,
                    method=method,
                )
            finally:
                response.close()
    finally:
        if own:
            client.close()


def _check_hop(url: str, following: str, chain: list[str], config: FetchConfig) -> None:
    """Refuse a redirect to a non-http(s) URL, back to a URL already seen, or one too many."""
    if not following.lower().startswith(("http://", "https://")):
        raise FetchError(
            "bad-redirect", f"{url}: redirected to {following!r}, not an http(s) URL", url=url
        )
    if following in chain:
        raise FetchError(
            "redirect-loop",
            f"{url}: redirect loop ({' → '.join([*chain[chain.index(following) :], following])})",
            url=url,
        )
    if len(chain) > config.max_redirects:
        raise FetchError(
            "too-many-redirects", f"{url}: more than {config.max_redirects} redirects", url=url
        )
