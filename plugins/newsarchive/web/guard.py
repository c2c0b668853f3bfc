"""The SSRF rule: which URLs and IP addresses a fetch may reach (pure, DNS injected)."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Callable, Iterable
from functools import partial
from urllib.parse import urlsplit

from .errors import FetchError

#: Environment switch that lets fetches reach loopback and private addresses (local test servers).
ALLOW_PRIVATE_ENV = "NEWSARCHIVE_ALLOW_PRIVATE"

#: Cloud metadata endpoints: refused even when private addresses are allowed.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HOST = re.compile(r"[\w.-]+|[0-9a-f:.]+(%[\w.-]+)?")  # a name (any script), or an IPv6 literal

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``resolve(host, port)`` → every address the name resolves to (as text).
Resolver = Callable[[str, int], list[str]]
#: ``check(address)`` → why the address is refused, or None (see :func:`check_address`).
AddressCheck = Callable[[str], str | None]


def allow_private_from_env() -> bool:
    """Whether the environment says ``NEWSARCHIVE_ALLOW_PRIVATE=1``."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "") == "1"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def check_address(address: str | IPAddress, *, allow_private: bool = False) -> str | None:
    """Why ``address`` may not be fetched (e.g. ``"a loopback address"``), or None if it may.

    Refused: loopback, private, link-local, shared (CGNAT), unspecified, multicast, reserved and
    every other non-global address, IPv6 forms of them (IPv4-mapped, NAT64, 6to4, Teredo), and
    cloud metadata addresses. ``allow_private`` lets all but the metadata addresses through.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            why = check_address(inner, allow_private=allow_private)
            return f"{why} (as {ip})" if why else None
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if allow_private:
        return None
    for test, name in (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.version == 4 and ip in _SHARED, "a shared (carrier-grade NAT) address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    ):
        if test:
            return name
    return None


def _refused(url: str, what: str, why: str) -> FetchError:
    hint = (
        "cloud metadata is never fetched"
        if "metadata" in why
        else f"only public addresses are fetched; {ALLOW_PRIVATE_ENV}=1 allows private ones, "
        "e.g. for a local test server"
    )
    prefix = f"{url}: refused" if url else "refused"
    return FetchError("private-address", f"{prefix}, {what} is {why} ({hint})", url=url)


def address_check(allow_private: bool = False) -> AddressCheck:
    """:func:`check_address` with ``allow_private`` fixed."""
    return partial(check_address, allow_private=allow_private)


def guard_url(
    url: str, *, allow_private: bool = False, check: AddressCheck | None = None
) -> tuple[str, int]:
    """Check what can be checked without DNS; returns ``(host, port)`` to resolve and check.
    ``check`` replaces the address rule (tests use it to call their server public).

    Raises :class:`FetchError`: ``bad-url`` for a scheme other than http/https or no host,
    ``private-address`` for a refused literal IP or a metadata/localhost name.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError("bad-url", f"{url!r}: not a valid URL ({exc})", url=url) from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("bad-url", f"{url!r}: only http and https URLs are fetched", url=url)
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise FetchError("bad-url", f"{url!r}: the URL has no host name", url=url)
    if not _HOST.fullmatch(host) and not host.startswith("["):
        raise FetchError("bad-url", f"{url!r}: {host!r} is not a valid host name", url=url)
    if host in METADATA_HOSTS:
        raise _refused(url, host, "a cloud metadata host")
    check = check or address_check(allow_private)
    literal = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    try:
        ipaddress.ip_address(literal.split("%", 1)[0])
    except ValueError:
        pass
    else:
        why = check(literal)
        if why:
            raise _refused(url, host, why)
    return host, port or (443 if parts.scheme.lower() == "https" else 80)


def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order (no duplicates)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_addresses(
    host: str,
    port: int,
    *,
    resolve: Resolver = system_resolve,
    allow_private: bool = False,
    check: AddressCheck | None = None,
    url: str = "",
) -> list[str]:
    """Resolve ``host`` and check EVERY address; returns them, or raises :class:`FetchError`
    (``dns`` when the name does not resolve, ``private-address`` when any address is refused)."""
    where = f"{url}: " if url else ""
    try:
        addresses: Iterable[str] = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise FetchError(
            "dns",
            f"{where}the host name {host} could not be resolved ({exc})",
            url=url,
            transient=True,
        ) from exc
    addresses = list(addresses)
    if not addresses:
        raise FetchError(
            "dns", f"{where}the host name {host} has no address", url=url, transient=True
        )
    check = check or address_check(allow_private)
    for address in addresses:
        why = check(address)
        if why:
            raise _refused(url, f"{host} ({address})" if address != host else host, why)
    return addresses
