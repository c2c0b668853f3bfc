"""Fetch web pages politely and safely: the SSRF rule, redirects, timeouts, caps, decoding."""

from .errors import FetchError
from .fetch import FetchConfig, Fetched, fetch, make_client
from .guard import ALLOW_PRIVATE_ENV, check_address, checked_addresses, guard_url
from .headers import conditional_headers, parse_retry_after, user_agent
from .limiter import HostLimiter
from .text import decode_html

__all__ = [
    "ALLOW_PRIVATE_ENV",
    "FetchConfig",
    "FetchError",
    "Fetched",
    "HostLimiter",
    "check_address",
    "checked_addresses",
    "conditional_headers",
    "decode_html",
    "fetch",
    "guard_url",
    "make_client",
    "parse_retry_after",
    "user_agent",
]
