"""Allowlist sanitiser for the rendered article HTML that reaches a page.

Built on nh3 (ammonia): anything not listed below is removed. Script-like
elements lose their content too; other unknown elements are unwrapped and keep
their (escaped) text. Comments are stripped and links get ``LINK_REL``.
"""

from __future__ import annotations

import re

import nh3

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

#: Elements Markdown produces for articles.
TAGS = frozenset(
    {
        *HEADINGS,
        *("p", "br", "hr", "blockquote", "pre", "code", "kbd", "div", "span"),
        *("strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark"),
        *("q", "cite", "abbr", "time"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"),
        *("a", "img", "figure", "figcaption"),
    }
)

#: Elements removed together with everything inside them.
DROP_CONTENT_TAGS = frozenset(
    {
        *("script", "style", "template", "noscript", "iframe", "object", "svg", "math"),
        *("textarea", "select", "title", "xmp", "noembed", "noframes"),
    }
)

_CELL = frozenset({"colspan", "rowspan", "align"})

#: Allowed attributes per element; ``"*"`` applies to every element.
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"lang"}),
    "a": frozenset({"href", "title"}),
    "img": frozenset(
        {"src", "alt", "title", "width", "height", "loading", "decoding", "referrerpolicy"}
    ),
    "th": _CELL,
    "td": _CELL,
    "time": frozenset({"datetime"}),
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start"}),
    **{h: frozenset({"id"}) for h in HEADINGS},
}

#: URL schemes allowed per URL attribute; relative URLs are always allowed.
URL_SCHEMES: dict[tuple[str, str], frozenset[str]] = {
    ("a", "href"): frozenset({"http", "https", "mailto"}),
    ("img", "src"): frozenset({"http", "https"}),
}

LINK_REL = "noopener noreferrer nofollow"

# How browsers read a URL: outer C0 controls and spaces are ignored, tabs and
# newlines are dropped anywhere, and the scheme is case-insensitive.
_OUTER_JUNK = "".join(map(chr, range(0x21)))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_PATH_START = re.compile(r"[/?#]")


def url_scheme(url: str) -> str | None:
    """The lower-cased scheme of ``url``, or ``None`` if it is relative.

    Anything before a ``:`` that comes ahead of the first ``/``, ``?`` or ``#``
    counts as a scheme, so oddities such as U+FFFD before ``javascript:`` are not
    mistaken for relative URLs.
    """
    url = _TAB_NEWLINE.sub("", url.strip(_OUTER_JUNK)).lower()
    head = _PATH_START.split(url, maxsplit=1)[0]
    return head.split(":", 1)[0] if ":" in head else None


def _check_url(tag: str, attribute: str, value: str) -> str | None:
    """Drop a URL whose scheme is not allowed here (nh3's own scheme list is global)."""
    allowed = URL_SCHEMES.get((tag, attribute))
    if allowed is None:
        return value
    scheme = url_scheme(value)
    return value if scheme is None or scheme in allowed else None


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROP_CONTENT_TAGS),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    attribute_filter=_check_url,
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes=set().union(*URL_SCHEMES.values()),
)


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything outside the allowlist removed."""
    return _CLEANER.clean(html)
