"""Turn a web page (saved from a browser, or fetched by ``capture``) into an archived file.

On a known publisher's page the element that holds the article (the publisher's ``article``
selectors) is kept as it is, the markup the archived files keep; on any other page trafilatura
extracts the article from the navigation, ads, comments and banners. Images are kept (absolute
URLs); the result is a three-line header and the article's HTML, checked by the real conversion
pipeline before it is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bs4 import BeautifulSoup, Tag, UnicodeDammit

from ..convert.errors import fail
from ..convert.header import parse_epoch
from ..convert.pipeline import Article, Settings, convert_text
from ..convert.provenance import copied_from_line
from ..convert.publishers import PublisherTable
from ..convert.slugs import readable_part
from ..convert.urls import host_of, repair_url, url_hash

# Chrome's and Edge's "Save page as…" put the page's address in a comment at the top.
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
# Images saved next to the page ("Page_files/x.jpg"), on disk or inline cannot be shown by the site.
_LOCAL_IMAGE = re.compile(r"^(?:file:|data:|(?:\./)?[^:/?#]*_files/)", re.IGNORECASE)
_LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src")
# Stands in for such an image during extraction, so the article's own ones can be counted.
_LOCAL_MARK = "https://local-image.invalid/saved.jpg"
# Less text than this (and no image) is a page without an article: a consent wall, an error page.
_MIN_TEXT = 10
_CAPTIONS = "figcaption, small, [class*=caption], [class*=Caption]"
# Never part of an archived article, even inside the publisher's article element.
_NOT_ARTICLE = (
    "script, style, noscript, template, form, button, input, select, textarea, link, meta"
)


@dataclass
class Imported:
    """An archived file made from a saved page: where it goes, its text, what was noticed."""

    path: Path
    text: str
    article: Article
    warnings: list[str] = field(default_factory=list)


def read_page(data: bytes) -> str:
    """Decode a saved page: its BOM or ``<meta charset>``, else UTF-8, else a detected encoding."""
    dammit = UnicodeDammit(data, ["utf-8"], is_html=True)
    if dammit.unicode_markup is None:
        raise fail("<page>", 1, "the page's bytes could not be decoded", "save the page again")
    return dammit.unicode_markup


def page_url(page: str) -> str | None:
    """The address a saved page names for itself: canonical link, og:url or "saved from" comment."""
    soup = BeautifulSoup(page[:200_000], "html.parser")
    for tag, attr in (
        (soup.find("link", rel="canonical"), "href"),
        (soup.find("meta", property="og:url"), "content"),
    ):
        value = tag.get(attr) if tag else None
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value.strip()
    saved = _SAVED_FROM.search(page[:4096])
    return saved.group(1) if saved else None


def page_title(page: str, url: str) -> str:
    """The article's headline: og:title, else the page's <title> (site names are removed later)."""
    import trafilatura  # here, not at the top: `newsarchive check` need not load it

    metadata = trafilatura.extract_metadata(page, default_url=url)
    soup = BeautifulSoup(page[:200_000], "html.parser")
    og = soup.find("meta", property="og:title")
    for value in (
        og.get("content") if og else None,
        soup.title.get_text() if soup.title else None,
        metadata.title if metadata else None,
    ):
        if isinstance(value, str) and value.strip():
            return re.sub(r"\s+", " ", value).strip()
    return ""


def prepare_page(page: str) -> str:
    """Ready a page for extraction.

    Lazy-loaded images get their real address, images saved beside the page are marked (see
    ``_LOCAL_MARK``), and image captions become plain paragraphs (which the extractor keeps).
    """
    soup = BeautifulSoup(page, "html.parser")
    for img in soup.find_all("img"):
        src = str(img.get("src") or "").strip()
        lazy = next((str(img[a]) for a in _LAZY_SOURCES if img.get(a)), "")
        if lazy and (not src or _LOCAL_IMAGE.match(src)):
            img["src"] = src = lazy
        if not src or _LOCAL_IMAGE.match(src):
            img["src"] = _LOCAL_MARK
    for caption in soup.select(_CAPTIONS):
        caption.name = "p"
        caption.attrs = {}
    return str(soup)


def publisher_body(
    page: str, url: str, selectors: tuple[str, ...], title: str = ""
) -> tuple[str, list[str]]:
    """The HTML of the first element matching one of the publisher's ``selectors`` that holds
    some text (``""`` if none does), and warnings: scripts, styles and forms removed, lazy images
    given their real address, images saved beside the page left out, links and images made
    absolute, a leading headline equal to the title dropped."""
    soup = BeautifulSoup(page, "html.parser") if selectors else None
    for selector in selectors:
        for element in soup.select(selector) if soup else ():
            if len(element.get_text(strip=True)) >= _MIN_TEXT:
                return _tidy(element, url, title)
    return "", []


def _tidy(element: Tag, url: str, title: str) -> tuple[str, list[str]]:
    for unwanted in element.select(_NOT_ARTICLE):
        unwanted.decompose()
    headline = element.find(["h1", "h2", "p"])
    if headline is not None and headline.name == "h1" and _same_text(headline.get_text(), title):
        headline.decompose()
    local = 0
    for img in element.find_all("img"):
        src = str(img.get("src") or "").strip()
        lazy = next((str(img[a]) for a in _LAZY_SOURCES if img.get(a)), "")
        if lazy and (not src or _LOCAL_IMAGE.match(src)):
            img["src"] = src = lazy
        if not src or _LOCAL_IMAGE.match(src):
            local += 1
            img.decompose()
            continue
        img["src"] = _absolute(src, url)
    for link in element.find_all("a", href=True):
        if not str(link["href"]).startswith(("#", "mailto:", "javascript:")):
            link["href"] = _absolute(str(link["href"]), url)
    return str(element).strip(), [_local_warning(local)] if local else []


def _local_warning(count: int) -> str:
    return (
        f"{count} image(s) pointed at files saved beside the page or inline data and were left out "
        "(save the page as 'Webpage, HTML only' to keep the publisher's image addresses)"
    )


def _absolute(value: str, base: str) -> str:
    try:
        return repair_url(value, base)
    except ValueError:  # a malformed address stays as written; the converter judges it
        return value


def extract_body(
    page: str, url: str, title: str = "", selectors: tuple[str, ...] = ()
) -> tuple[str, list[str]]:
    """The article's HTML and warnings: the publisher's own element when ``selectors`` find it,
    else what trafilatura extracts (paragraphs, headings, lists, tables, links, images)."""
    import trafilatura

    own, warnings = publisher_body(page, url, selectors, title)
    if own:
        return own, warnings

    extracted = trafilatura.extract(
        prepare_page(page),
        url=url,
        output_format="html",
        include_images=True,
        include_links=True,
        include_tables=True,
        include_formatting=True,
        include_comments=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not extracted:
        return "", []
    soup = BeautifulSoup(extracted, "html.parser")
    body = soup.body or soup
    first = body.find(["h1", "h2", "p"])
    if first is not None and first.name == "h1" and _same_text(first.get_text(), title):
        first.decompose()
    local = 0
    for img in body.find_all("img"):
        if img.get("src") == _LOCAL_MARK:
            local += 1
            img.decompose()
            continue
        img["src"] = repair_url(str(img.get("src") or ""), url)
        for attr in list(img.attrs):
            if attr not in ("src", "alt", "title"):
                del img[attr]
    if local:
        warnings.append(_local_warning(local))
    for empty in body.find_all("p"):
        if not empty.get_text(strip=True) and not empty.find("img"):
            empty.decompose()
    return "".join(str(child) for child in body.children).strip(), warnings


def _same_text(a: str, b: str) -> bool:
    def squash(s: str) -> str:
        return re.sub(r"\W+", "", s).lower()

    return bool(squash(a)) and (squash(a) in squash(b) or squash(b) in squash(a))


def parse_time(value: str) -> datetime:
    """``--archived-at``: epoch digits, or ISO 8601 (a time without offset is local time)."""
    value = value.strip()
    if value.isdigit():
        return parse_epoch(value, "--archived-at")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise fail(
            "--archived-at",
            0,
            f"{value!r} is not a time",
            "write e.g. 2024-06-18T14:43:02+08:00 or epoch milliseconds",
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    parse_epoch(str(int(moment.timestamp())), "--archived-at")  # same bounds as the header
    return moment.astimezone(UTC)


def archived_text(
    title: str, url: str, archived: datetime, body: str, copied_from: str | None = None
) -> str:
    """The archived file: ``<!--EPOCH ms-->``, ``[TITLE](URL)``, ``------``, the article's HTML
    (opened by a ``<!--copied-from: URL-->`` line when the text came from a web archive's copy)."""
    title = re.sub(r"\s+", " ", title).replace("]", "］").replace("[", "［").strip()
    millis = int(archived.timestamp() * 1000)
    if copied_from:
        body = f"{copied_from_line(copied_from)}\n{body}"
    return f"<!--{millis}-->\n[{title}]({url.replace(' ', '%20')})\n------\n\n{body}\n"


def conventional_name(url: str, archived: datetime) -> str:
    """``<YYYYMMDD>-<ASCII words of the URL>-<URL hash>.html`` (archive day in UTC)."""
    day = archived.astimezone(UTC).strftime("%Y%m%d")
    words = readable_part(url).removeprefix(day).strip("-")
    return "-".join(p for p in (day, words, url_hash(url)) if p) + ".html"


def conventional_path(
    content: str | Path, url: str, archived: datetime, publishers: PublisherTable | None = None
) -> Path:
    """Where an archived file of ``url`` belongs: ``content/articles/<publisher key>/<name>``."""
    publisher = (publishers or PublisherTable()).for_host(host_of(url))
    return Path(content) / "articles" / publisher.key / conventional_name(url, archived)


def import_page(
    data: bytes | str,
    url: str | None = None,
    archived: datetime | None = None,
    title: str | None = None,
    content: str | Path = "content",
    output: str | Path | None = None,
    settings: Settings | None = None,
    copied_from: str | None = None,
) -> Imported:
    """Make the archived file for a page (its bytes, or its text already decoded); raises
    :class:`ArchiveError` when it cannot. ``copied_from`` is the web archive copy the page came
    from, if any (see ``convert/provenance.py``). Nothing is written: see :func:`write_new`.
    """
    settings = settings or Settings()
    page = data if isinstance(data, str) else read_page(data)
    raw_url = url or page_url(page)
    if not raw_url:
        raise fail(
            "<page>",
            0,
            "the page does not say its address",
            "give the article's address with --url https://…",
        )
    source_url = repair_url(raw_url)
    if not re.match(r"^https?://[^/\s]+", source_url):
        raise fail(
            "<page>",
            0,
            f"{raw_url!r} is not an http(s) address",
            "give the article's https:// address",
        )
    archived = (archived or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    title = title or page_title(page, source_url)
    if not title:
        raise fail("<page>", 0, "the page has no title", "give one with --title")
    publisher = settings.publishers.for_host(host_of(source_url))
    body, warnings = extract_body(page, source_url, title, publisher.article)
    found = BeautifulSoup(body, "html.parser")
    if len(found.get_text(strip=True)) < _MIN_TEXT and not found.find("img"):
        raise fail(
            "<page>",
            0,
            "no article text found in the page",
            "save the whole page after it has finished loading, or archive the file by hand",
        )
    text = archived_text(title, source_url, archived, body, copied_from)
    path = (
        Path(output)
        if output
        else conventional_path(content, source_url, archived, settings.publishers)
    )
    article = convert_text(text, str(path), settings)  # raises ArchiveError if it would not build
    return Imported(path, text, article, warnings)


def write_new(imported: Imported) -> None:
    """Write the archived file all at once; refuses (FileExistsError) to overwrite a file.

    The text goes to a hidden temporary file beside it, which is then linked into place, so a
    run killed half-way leaves either the whole file or none (and never a partial ``.html``).
    """
    imported.path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=imported.path.parent, prefix=f".{imported.path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(imported.text)
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, imported.path)  # fails when the name is taken, unlike a rename
    finally:
        os.unlink(temporary)
