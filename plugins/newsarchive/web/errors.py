"""The one exception the web layer raises: a short machine reason and a clear human message."""

from __future__ import annotations


class FetchError(Exception):
    """A request failed. ``reason`` is a short key for programs (``timeout``, ``too-large``,
    ``private-address``, ``redirect-loop``, ``too-many-redirects``, ``tls``, ``connect``, ``dns``,
    ``bad-url``, ``bad-redirect``, ``protocol``, ``undecodable``, ``http-404``…); ``str(error)``
    is the message for people. ``transient`` says whether trying again later may help;
    ``retry_after`` is the server's Retry-After in seconds, when it sent one."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        url: str = "",
        status: int | None = None,
        transient: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.url = url
        self.status = status
        self.transient = transient
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[object, ...]:  # picklable, for process pools
        return (_rebuild, (self.reason, str(self), dict(vars(self))))


def _rebuild(reason: str, message: str, fields: dict[str, object]) -> FetchError:
    error = FetchError(reason, message)
    error.__dict__.update(fields)
    return error
