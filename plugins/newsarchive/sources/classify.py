"""Classify one source check — live, changed, gone or unknown — from what the server answered."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from urllib.parse import unquote, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from .status import CHANGED, GONE, LIVE, UNKNOWN
from .text import Match, grams, normalise, page_text, text_match

#: The page still carries the article when this share of the archived text is on it.
LIVE_SHARE = 0.5
#: A page with less main text than this (normalised characters) is not an article page.
ARTICLE_CHARS = 200
GONE_CODES = frozenset({404, 410})
#: Two pages are the same page when this share of their n-grams is shared (Jaccard).
SAME_PAGE = 0.8

#: Said by "not found" pages served with 200, in their title or first heading.
_NOT_FOUND = re.compile(
    r"\b404\b|not found|no longer (?:available|exists)|does(?: not|n't) exist|"
    r"(?:can ?not|can't|could not) be found|page (?:is )?unavailable|introuvable|"
    r"n'existe (?:pas|plus)|nicht gefunden|existiert nicht|"
    r"找不到|未找到|无法找到|無法找到|不存在|已删除|已被删除|已刪除|已被刪除|页面错误|頁面錯誤",
    re.IGNORECASE,
)
_FRONT_PREFIXES = ("www.", "m.", "amp.")


@dataclass(frozen=True)
class Observation:
    """What one request brought back: an HTTP answer, or the fetch error's reason."""

    url: str
    status: int | None = None  # None when there was no HTTP answer
    final_url: str = ""
    redirects: Sequence[str] = ()
    html: str | None = None  # the body of a GET, decoded; None after a HEAD
    error: str = ""  # FetchError.reason when status is None
    message: str = ""


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check, with the reason in a few words."""

    result: str  # one of STATUSES
    reason: str
    code: int | None = None
    share: float | None = None  # of the archived text found on the page
    needs_body: bool = field(default=False, compare=False)  # a GET would tell more


def _site(host: str) -> str:
    host = host.lower()
    for prefix in _FRONT_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _segments(path: str) -> list[str]:
    return [s for s in unquote(path).split("/") if s and s not in ("index.html", "index.htm")]


def is_front(url: str, final_url: str) -> bool:
    """Whether ``final_url`` is the site's home or a section front rather than ``url`` moved: the
    same site (``www.``/``m.`` aside), and a path that is empty, a leading part of the original's,
    or shallower than it and ending without a number (``/zhongwen/trad``, not ``/a/12345``)."""
    original, final = urlsplit(url), urlsplit(final_url)
    if _site(original.hostname or "") != _site(final.hostname or ""):
        return False
    before, after = _segments(original.path), _segments(final.path)
    if before == after:
        return False
    if not after:
        return True
    shallower = len(after) < len(before)
    return shallower and (before[: len(after)] == after or not re.search(r"\d", after[-1]))


def says_not_found(html: str) -> bool:
    """Whether a page's title or first heading says it is a "not found" page."""
    soup = BeautifulSoup(html, "lxml")
    heads = [soup.title, soup.find("h1")]
    return any(tag is not None and _NOT_FOUND.search(tag.get_text(" ")) for tag in heads)


def main_text_chars(html: str) -> int:
    """Normalised characters of the page's paragraphs: how much of an article page it is."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(("script", "style", "noscript", "template", "nav", "footer")):
        tag.decompose()
    return sum(len(normalise(p.get_text(" "))) for p in soup.find_all("p"))


def classify(observation: Observation, paragraphs: Sequence[str]) -> Verdict:
    """One check's outcome. ``paragraphs`` are the archived article's
    (:func:`~newsarchive.sources.text.archived_paragraphs`).

    - no HTTP answer (timeout, TLS, redirect loop, refused address…), 403, 429, 5xx, any other
      code: ``unknown``;
    - 404, 410, or a redirect to the site's home or a section front: ``gone``;
    - 200: ``live`` when at least :data:`LIVE_SHARE` of the archived text is on the page, else
      ``gone`` for a "not found" page (soft 404), ``changed`` for an article page, ``unknown``
      for a page with no article text to judge (a script-built page, a consent wall);
    - a HEAD answered 2xx (or refused) asks for a GET: ``needs_body``.
    """
    o = observation
    if o.status is None:
        return Verdict(UNKNOWN, o.error or "no answer")
    code = o.status
    if o.redirects and o.final_url and is_front(o.url, o.final_url):
        return Verdict(GONE, f"redirected to {o.final_url}", code)
    if code in GONE_CODES:
        return Verdict(GONE, f"HTTP {code}", code)
    if o.html is None:  # a HEAD
        settled = code in (429,) or code >= 500
        return Verdict(UNKNOWN, f"HTTP {code}", code, needs_body=not settled)
    if not 200 <= code < 300:
        return Verdict(UNKNOWN, f"HTTP {code}", code)
    match: Match = text_match(paragraphs, page_text(o.html))
    moved = f" at {o.final_url}" if o.redirects else ""
    if match.share >= LIVE_SHARE:
        return Verdict(
            LIVE, f"{match.found}/{match.paragraphs} paragraphs{moved}", code, match.share
        )
    if says_not_found(o.html):
        return Verdict(GONE, "a 'not found' page (soft 404)", code, match.share)
    if main_text_chars(o.html) >= ARTICLE_CHARS:
        return Verdict(
            CHANGED,
            f"another text{moved}: {match.found}/{match.paragraphs} paragraphs",
            code,
            match.share,
        )
    return Verdict(UNKNOWN, "no article text on the page", code, match.share)


def probe_url(url: str) -> str:
    """A URL beside ``url`` that cannot exist: its last path segment with a suffix (the same one
    every time for one URL), no query."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or ""
    tag = sha256(url.encode()).hexdigest()[:10]
    return urlunsplit(parts._replace(path=f"{path}-newsarchive-probe-{tag}", query="", fragment=""))


def same_page(html: str, other: str) -> bool:
    """Whether two pages carry nearly the same text (n-gram Jaccard at least :data:`SAME_PAGE`)."""
    a, b = grams(normalise(page_text(html))), grams(normalise(page_text(other)))
    return bool(a or b) and len(a & b) >= SAME_PAGE * len(a | b)


def recheck_with_probe(verdict: Verdict, html: str, probe: Observation) -> Verdict:
    """A ``changed`` page that a URL which cannot exist also gets (200, the same text) is the
    site's answer to any unknown address: a soft 404, so ``gone``."""
    if verdict.result != CHANGED or probe.status is None or not 200 <= probe.status < 300:
        return verdict
    if probe.html is None or not same_page(html, probe.html):
        return verdict
    return Verdict(
        GONE, "served as an address that does not exist (soft 404)", verdict.code, verdict.share
    )
