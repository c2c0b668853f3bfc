"""Clean up the HTML of an archived article body before it becomes Markdown.

The clean-up is an ordered list of named steps, :data:`STEPS`, run top to bottom by
:func:`clean`. Each step is a small function ``step(soup, ctx)`` that edits the
BeautifulSoup tree in place; :class:`Context` carries what the steps need (the base
URL, the date line and byline found earlier) and what they collect (related links).

Images end up as ``<figure><img src alt><figcaption>caption 图像来源：credit</figcaption></figure>``
so that :mod:`newsarchive.convert.to_markdown` has one shape to render.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .credits import CREDIT_LABEL
from .sanitize import url_scheme
from .urls import repair_url, split_url

_LINK_SCHEMES = frozenset({None, "http", "https", "mailto", "tel"})

# --------------------------------------------------------------------------- URLs


def site_of(url: str) -> str:
    """The host of ``url`` without a leading ``www.`` (``''`` when there is none)."""
    parts = split_url(url)
    host = (parts.netloc if parts else "").lower().split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    """What the steps share: inputs (``base_url``, nodes to drop) and outputs (``related``)."""

    base_url: str
    title: str = ""  # the article's cleaned title
    dateline: list[Tag] = field(default_factory=list)
    byline: list[Tag] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)


Step = Callable[[BeautifulSoup, Context], None]

# --------------------------------------------------------------------------- helpers

_SPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_MEDIA = ("img", "video", "audio", "iframe", "figure", "table", "hr")
_BLOCKS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "div", "dl", "figure", "footer"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol"),
        *("p", "pre", "section", "table", "ul"),
    )
)


def text_of(node: Tag | NavigableString) -> str:
    """The visible text of ``node`` with whitespace runs collapsed and ends stripped."""
    raw = node.get_text() if isinstance(node, Tag) else str(node)
    return _SPACE.sub(" ", raw).strip()


def _classes(tag: Tag) -> str:
    value = tag.get("class")
    if isinstance(value, list):
        return " ".join(value)
    return value or ""


def _tags(soup: Tag, *names: str) -> list[Tag]:
    """All tags under ``soup`` with these names (all tags when none), in document order, as a
    list that is safe to modify the tree while iterating. Walks ``descendants`` directly: much
    faster than ``find_all`` with bs4's generic filters."""
    if not names:
        return [node for node in soup.descendants if isinstance(node, Tag)]
    wanted = set(names)
    return [node for node in soup.descendants if isinstance(node, Tag) and node.name in wanted]


def _first(tag: Tag, *names: str) -> Tag | None:
    """The first tag under ``tag`` with one of these names (``tag.find(names)``, faster)."""
    for node in tag.descendants:
        if isinstance(node, Tag) and node.name in names:
            return node
    return None


def _inside(tag: Tag, names: Iterable[str]) -> bool:
    """Whether ``tag`` has an ancestor with one of these names."""
    wanted = set(names)
    return any(parent.name in wanted for parent in tag.parents)


def _alive(tag: Tag) -> bool:
    """Whether ``tag`` is still attached to a tree (not removed by an earlier edit).

    Reads ``_decomposed`` from ``__dict__``: bs4's ``decomposed`` property falls back to
    ``Tag.__getattr__``, which runs a ``find()`` over the whole subtree.
    """
    return not tag.__dict__.get("_decomposed", False) and tag.parent is not None


def _live(tags: Iterable[Tag]) -> Iterator[Tag]:
    """The tags of ``tags`` that are still in the tree when the loop reaches them."""
    return (tag for tag in tags if _alive(tag))


def _has_media(tag: Tag) -> bool:
    return tag.name in _MEDIA or _first(tag, *_MEDIA) is not None


def _next_element_sibling(tag: Tag) -> Tag | None:
    for sib in tag.next_siblings:
        if isinstance(sib, Tag):
            return sib
        if str(sib).strip():
            return None
    return None


def _prev_element_sibling(tag: Tag) -> Tag | None:
    for sib in tag.previous_siblings:
        if isinstance(sib, Tag):
            return sib
        if str(sib).strip():
            return None
    return None


def _outermost_alone(tag: Tag, stop: Iterable[str] = ("body", "html", "main", "[document]")) -> Tag:
    """The highest ancestor of ``tag`` whose only content is ``tag`` (``tag`` itself if none)."""
    node = tag
    while node.parent is not None and node.parent.name not in stop:
        siblings = [c for c in node.parent.children if isinstance(c, Tag) or str(c).strip()]
        if siblings != [node]:
            break
        node = node.parent
    return node


# --------------------------------------------------------------------------- steps


def drop_comments(soup: BeautifulSoup, ctx: Context) -> None:
    """HTML comments."""
    for comment in [node for node in soup.descendants if isinstance(node, Comment)]:
        comment.extract()


_MACHINERY = (
    *("script", "style", "noscript", "template", "link", "meta", "svg", "canvas"),
    *("form", "input", "button", "select", "textarea", "object", "embed"),
)


def drop_scripts_styles_forms(soup: BeautifulSoup, ctx: Context) -> None:
    """Scripts, styles, forms and other non-content machinery, with their content."""
    for tag in _live(_tags(soup, *_MACHINERY)):
        tag.decompose()


def iframes_to_links(soup: BeautifulSoup, ctx: Context) -> None:
    """An embedded player becomes a ``视频`` link to what it shows; other iframes go.

    WordPress "embedded content" iframes repeat the blockquote link next to them and
    are dropped. A YouTube embed links to the watch page and a Facebook video plugin
    to the video itself.
    """
    for frame in _live(_tags(soup, "iframe")):
        src = (frame.get("src") or "").strip()
        if (
            not src
            or "wp-embedded-content" in _classes(frame)
            or src.startswith(("about:", "javascript:"))
        ):
            frame.decompose()
            continue
        url = _player_url(repair_url(src, ctx.base_url))
        if not url:  # a malformed address: nothing to link to
            frame.decompose()
            continue
        title = text_of(NavigableString(frame.get("title") or ""))
        label = (
            "视频"
            if not title or title in ("多媒体播放器", "YouTube video player")
            else f"视频：{title}"
        )
        para = soup.new_tag("p")
        link = soup.new_tag("a", href=url)
        link.string = label
        para.append(link)
        frame.replace_with(para)


def _player_url(url: str) -> str:
    parts = split_url(url)
    if parts is None:
        return ""
    youtube = re.match(r"^/embed/([\w-]{6,})", parts.path)
    if "youtube" in parts.netloc and youtube:
        return f"https://www.youtube.com/watch?v={youtube.group(1)}"
    if "facebook.com" in parts.netloc and parts.path.startswith("/plugins/"):
        href = parse_qs(parts.query).get("href")
        if href:
            return repair_url(href[0])
    return url


_AD = re.compile(r"(^|[\s_-])(ad|ads|advert|advertisement|dotcom-ad|AdContainer)([\s_-]|$)", re.I)


def drop_ads(soup: BeautifulSoup, ctx: Context) -> None:
    """Ad slots: ``data-e2e="advertisement"``, ``aria-label="广告 …"`` and ad containers."""
    for tag in _live(_tags(soup)):
        if not _alive(tag) or tag.attrs is None:
            continue
        label = tag.get("aria-label") or ""
        if (
            tag.get("data-e2e") == "advertisement"
            or label.startswith(("广告", "Advertisement"))
            or _AD.search(_classes(tag))
            or (tag.get("id") or "").startswith(("dotcom-mpu", "dotcom-leaderboard"))
        ):
            tag.decompose()


def drop_promos(soup: BeautifulSoup, ctx: Context) -> None:
    """Newsletter and app promos (RFI ``data-selfpromo-*``, ``o-self-promo``)."""
    for tag in _live(_tags(soup)):
        if not _alive(tag) or tag.attrs is None:
            continue
        if any(name.startswith("data-selfpromo") for name in tag.attrs) or "self-promo" in _classes(
            tag
        ):
            tag.decompose()


_HIDDEN_CLASS = re.compile(r"VisuallyHidden|visually-hidden|sr-only|screen-reader-text", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def drop_hidden(soup: BeautifulSoup, ctx: Context) -> None:
    """Text meant for screen readers only, ``aria-hidden`` and ``display:none`` elements.

    Runs after :func:`collect_figures`, which reads BBC image credits whose
    "图像来源，" prefix is one of these visually-hidden spans.
    """
    for tag in _live(_tags(soup)):
        if not _alive(tag) or tag.attrs is None:
            continue
        if (
            _HIDDEN_CLASS.search(_classes(tag))
            or tag.get("aria-hidden") == "true"
            or tag.has_attr("hidden")
            or _HIDDEN_STYLE.search(tag.get("style") or "")
        ):
            tag.decompose()


def drop_lazyload_placeholders(soup: BeautifulSoup, ctx: Context) -> None:
    """Lazy-load wrappers and placeholders; an image's real ``src`` is taken from ``data-src``."""
    for tag in _live(_tags(soup)):
        if (
            _alive(tag)
            and tag.attrs is not None
            and re.search(r"lazyload-(placeholder|wrapper)", _classes(tag))
            and _first(tag, "img") is None
        ):
            tag.decompose()
    for img in _live(_tags(soup, "img")):
        img["src"] = best_src(img, ctx.base_url)


def best_src(img: Tag, base: str) -> str:
    """The image's address: ``src`` unless it is a placeholder, else ``data-src`` or the
    largest ``srcset`` candidate; repaired and absolute. images.weserv.nl proxy URLs are kept."""
    candidates = [
        img.get("src"),
        img.get("data-src"),
        img.get("data-original"),
        img.get("data-lazy-src"),
    ]
    for value in candidates:
        value = (value or "").strip()
        if value and not value.startswith(("data:", "javascript:", "about:")):
            return repair_url(value, base)
    srcset = img.get("srcset") or img.get("srcSet") or img.get("data-srcset") or ""
    best, width = "", -1
    for item in srcset.split(","):
        bits = item.split()
        if not bits:
            continue
        size = int(re.sub(r"\D", "", bits[1]) or 0) if len(bits) > 1 else 0
        if size > width:
            best, width = bits[0], size
    return repair_url(best, base) if best else ""


_PRESENTATIONAL_ALT = re.compile(r"presentational|grey line|^line$|^spacer$|^divider$", re.I)
_PRESENTATIONAL_SRC = re.compile(r"grey_line|line976|icon-zoom|/spacer\.|/pixel\.|1x1\.", re.I)


def drop_presentational_images(soup: BeautifulSoup, ctx: Context) -> None:
    """Images with no address, decorative lines, zoom icons, tracking pixels."""
    for tag in _live(_tags(soup)):
        if _alive(tag) and tag.attrs is not None and tag.get("id") == "zoomattribute":
            tag.decompose()
    for img in _live(_tags(soup, "img")):
        if not _alive(img):
            continue
        src, alt = img.get("src") or "", (img.get("alt") or "").strip()
        tiny = img.get("width") in ("0", "1") or img.get("height") in ("0", "1")
        if (
            not src.startswith(("http://", "https://"))
            or _PRESENTATIONAL_ALT.search(alt)
            or _PRESENTATIONAL_SRC.search(src)
            or img.get("role") == "presentation"
            or tiny
        ):
            img.decompose()


def drop_share_widgets(soup: BeautifulSoup, ctx: Context) -> None:
    """Share buttons (AddToAny, sharedaddy and the like)."""
    pattern = re.compile(r"addtoany|a2a_|sharedaddy|share-?buttons|social-share|sharing", re.I)
    for tag in _live(_tags(soup)):
        if not _alive(tag) or tag.attrs is None:
            continue
        href = tag.get("href") or "" if tag.name == "a" else ""
        if pattern.search(_classes(tag)) or "addtoany.com" in href:
            tag.decompose()


def drop_feed_footer(soup: BeautifulSoup, ctx: Context) -> None:
    """The feedx "获取更多RSS：" footer, with the ``<br>``/``<hr>`` in front of it."""
    for node in soup.find_all(string=re.compile(r"获取更多\s*RSS")):
        if not _alive(node):
            continue
        block = node.parent
        while block is not None and block.name not in (
            "div",
            "p",
            "section",
            "footer",
            "[document]",
        ):
            block = block.parent
        if block is None or block.name == "[document]":
            continue
        prev = _prev_element_sibling(block)
        while prev is not None and prev.name in ("br", "hr"):
            before = _prev_element_sibling(prev)
            prev.decompose()
            prev = before
        block.decompose()


def repeats_title(text: str, title: str) -> bool:
    """Whether ``text`` is the title again, give or take punctuation and a word or two."""
    a, b = (re.sub(r"[\W_]+", "", t).lower() for t in (text, title))
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


# BBC's "last updated" line, e.g. ``最近更新： 2 分钟前`` (the first time is the date line).
_RELATIVE_UPDATE = re.compile(
    r"^(?:(?:最近更新|最后更新|更新时间|更新於|更新于|最近更新時間|Last updated|Updated)\s*[：:]?\s*)?"
    r"(?:\d+\s*(?:秒|分钟|分鐘|小时|小時|天|日|周|週|个月|個月)前|刚刚|剛剛|\d+\s*(?:seconds?|minutes?|mins?|hours?|days?)\s+ago)$",
    re.IGNORECASE,
)


def drop_relative_times(soup: BeautifulSoup, ctx: Context) -> None:
    """A relative time (``最近更新： 2 分钟前``, ``19 分钟前``) meant nothing once archived."""
    for tag in _live(_tags(soup, "time", "div", "span", "p", "small", "i", "em")):
        if _has_media(tag):
            continue
        text = text_of(tag)
        if len(text) <= 40 and _RELATIVE_UPDATE.match(text):
            tag.decompose()


def drop_dateline_and_byline(soup: BeautifulSoup, ctx: Context) -> None:
    """The date line and byline that :mod:`newsarchive.convert.published` read into metadata."""
    for tag in [*ctx.dateline, *ctx.byline]:
        if _alive(tag):
            _outermost_alone(tag).decompose()


def drop_bad_links(soup: BeautifulSoup, ctx: Context) -> None:
    """Links to anything but http(s), mailto, tel or a relative URL lose their link, keep their text.

    The scheme is read as a browser reads it (:func:`newsarchive.convert.sanitize.url_scheme`), so
    ``java&#x09;script:`` and a NUL before ``javascript:`` are caught too.
    """
    for a in _live(_tags(soup, "a")):
        if url_scheme(a.get("href") or "") not in _LINK_SCHEMES:
            a.unwrap()


def repair_links(soup: BeautifulSoup, ctx: Context) -> None:
    """Every ``href`` repaired and made absolute with :func:`repair_url`; empty ones dropped."""
    for a in _live(_tags(soup, "a")):
        href = (a.get("href") or "").strip()
        if not href or href == "#":
            del a["href"]
            continue
        if href.startswith("#") or href.lower().startswith(("mailto:", "tel:")):
            continue
        repaired = repair_url(href, ctx.base_url)
        if repaired:
            a["href"] = repaired
        else:  # a malformed address keeps its text and loses the link
            del a["href"]


def unwrap_image_links(soup: BeautifulSoup, ctx: Context) -> None:
    """A link around nothing but an image (a zoom or attachment page) keeps just the image."""
    for a in _live(_tags(soup, "a")):
        if _first(a, "img") is not None and not text_of(a):
            a.unwrap()


_CREDIT = re.compile(
    r"^(?:图像来源|图片来源|圖像來源|图片|Photo|Image|Credit)\s*[，,：:]?\s*", re.I
)


def collect_figures(soup: BeautifulSoup, ctx: Context) -> None:
    """Each image (or video) with its caption and credit becomes one ``<figure>``.

    Caption: BBC ``data-testid="caption-paragraph"`` or the paragraph inside the image's
    figure block, RFA ``.image-caption``, or a following ``<div><small>…</small></div>``
    (DW, VOA, NYT). Credit: BBC ``<p role="text">图像来源，…</p>``, RFA ``.copyright``.
    The figcaption reads ``caption 图像来源：credit``.
    """
    for media in _live(_tags(soup, "img", "video")):
        if not _alive(media) or _inside(media, ("figure",)):
            continue
        block = _figure_block(media)
        credit_tags = [
            t
            for t in _tags(block)
            if (t.name == "p" and t.get("role") == "text") or "copyright" in _classes(t).split()
        ]
        credit = " ".join(_CREDIT.sub("", text_of(t)) for t in credit_tags).strip()
        for t in credit_tags:
            t.decompose()
        caption_tags = _caption_tags(block, media)
        caption = " ".join(text_of(t) for t in caption_tags).strip()
        for t in caption_tags:
            t.decompose()
        after = _next_element_sibling(block)
        if after is not None and after.name == "div" and _only_child(after, "small"):
            caption = caption or text_of(after)
            after.decompose()
        elif not caption and after is not None and _is_centered_caption(after):
            caption = text_of(after)
            after.decompose()
        if media.name == "video" and repeats_title(caption, ctx.title):
            caption = ""  # VOA's video caption is the headline again
        if media.name == "img" and caption and not (media.get("alt") or "").strip():
            media["alt"] = caption  # shown in place of an image that fails to load
        if not _alive(media):  # damaged markup put it inside its own caption or credit
            continue
        blank = block is not media and not text_of(block) and len(_tags(block, *_MEDIA)) == 1
        figure = soup.new_tag("figure")
        media.replace_with(figure)
        figure.append(media)
        text = caption + (f" {CREDIT_LABEL}{credit}" if credit else "")
        if text.strip():
            figcaption = soup.new_tag("figcaption")
            figcaption.string = text.strip()
            figure.append(figcaption)
        if blank:
            block.replace_with(figure.extract())
        _hoist_out_of_inline(figure)


_INLINE = frozenset(
    ["a", "b", "strong", "i", "em", "u", "s", "span", "small", "font", "sub", "sup"]
)


def _hoist_out_of_inline(figure: Tag) -> None:
    """Move a figure out of inline formatting (``<b><div>img</div>text</b>``) to just before it."""
    outer = None
    for parent in figure.parents:
        if parent.name in _INLINE:
            outer = parent
        elif parent.name in _BLOCKS or parent.name == "[document]":
            break
    if outer is not None:
        outer.insert_before(figure.extract())


def _is_centered_caption(tag: Tag) -> bool:
    """A short centred paragraph right under an image (CDT), not a bold sub-heading."""
    style = (tag.get("style") or "").replace(" ", "").lower()
    text = text_of(tag)
    bold = _first(tag, "strong", "b")
    return (
        tag.name == "p"
        and "text-align:center" in style
        and 0 < len(text) <= 120
        and not _has_media(tag)
        and not (bold is not None and text_of(bold) == text)
    )


def _only_child(tag: Tag, name: str) -> bool:
    kids = [c for c in tag.children if isinstance(c, Tag) or str(c).strip()]
    return len(kids) == 1 and isinstance(kids[0], Tag) and kids[0].name == name


def _figure_block(media: Tag) -> Tag:
    """The largest ancestor of ``media`` that holds only it, its credit and a short caption."""
    node = media
    while node.parent is not None and node.parent.name in (
        "div",
        "figure",
        "span",
        "p",
        "a",
        "picture",
    ):
        parent = node.parent
        if len(_tags(parent, "img", "video")) > 1 or _first(
            parent, "h1", "h2", "h3", "h4", "ul", "ol", "blockquote", "table"
        ):
            break
        before = _text_before(parent, media)
        if before:
            break
        if len(text_of(parent)) > 400:
            break
        if parent.name == "p" and text_of(parent) and _first(parent, "div", "span") is None:
            break
        node = parent
    return node


def _text_before(block: Tag, media: Tag) -> bool:
    """Whether ``block`` has visible text before ``media``."""
    for node in block.descendants:
        if node is media:
            return False
        if (
            isinstance(node, NavigableString)
            and not isinstance(node, Comment)
            and _SPACE.sub("", str(node))
        ):
            return True
    return False


def _caption_tags(block: Tag, media: Tag) -> list[Tag]:
    if block is media:
        return []
    explicit = [
        t
        for t in _tags(block)
        if t.get("data-testid") == "caption-paragraph"
        or "image-caption" in _classes(t).split()
        or t.name == "figcaption"
    ]
    if explicit:
        return explicit
    paragraphs = [p for p in _tags(block, "p", "small") if text_of(p)]
    return paragraphs if len(paragraphs) == 1 else []


def drop_duplicate_captions(soup: BeautifulSoup, ctx: Context) -> None:
    """A paragraph right after a figure that repeats its caption word for word."""
    for figure in _live(_tags(soup, "figure")):
        caption = _first(figure, "figcaption")
        if caption is None:
            continue
        words = re.sub(r"\s*图像来源：.*$", "", text_of(caption))
        node = _outermost_alone(figure)
        after = _next_element_sibling(node)
        if after is not None and words and text_of(after) == words and not _has_media(after):
            after.decompose()


def take_related_lists(soup: BeautifulSoup, ctx: Context) -> None:
    """Lists whose items are each one link to another article on the same site.

    They are taken out of the flow into ``ctx.related`` (BBC ``<ul role="list">``,
    RFA runs of one-item ``<ul><li><b><a class="external-link">``). A heading left
    with nothing under it is dropped later by :func:`drop_orphan_headings`.
    """
    home = site_of(ctx.base_url)
    here = repair_url(ctx.base_url)
    for ul in _live(_tags(soup, "ul", "ol")):
        if not _alive(ul) or _inside(ul, ("ul", "ol")):
            continue
        links = _related_links(ul, home, here)
        if links is None:
            continue
        ctx.related.extend(links)
        ul.decompose()


def _related_links(ul: Tag, home: str, here: str) -> list[tuple[str, str]] | None:
    items = ul.find_all("li", recursive=False)
    if not items or len(items) != len([c for c in ul.children if isinstance(c, Tag)]):
        return None
    found = []
    for li in items:
        anchors = _tags(li, "a")
        if len(anchors) != 1 or text_of(anchors[0]) != text_of(li) or not text_of(li):
            return None
        href = anchors[0].get("href") or ""
        if not href.startswith(("http://", "https://")) or site_of(href) != home:
            return None
        if href.split("#")[0].rstrip("/") == here.split("#")[0].rstrip("/"):
            return None
        found.append((text_of(anchors[0]), href))
    return found


_INLINE_FORMAT = ("b", "strong", "i", "em", "u", "s", "del", "sub", "sup")


def merge_adjacent_formatting(soup: BeautifulSoup, ctx: Context) -> None:
    """``<b>a</b><b>b</b>`` becomes ``<b>ab</b>`` (else Markdown gets ``**a****b**``).

    A link holding only formatting (``<a><i>x</i></a>``) is turned inside out first
    (``<i><a>x</a></i>``) so that it merges with formatting around it.
    """
    for a in _live(_tags(soup, "a")):
        kids = [c for c in a.children if isinstance(c, Tag) or str(c).strip()]
        if len(kids) == 1 and isinstance(kids[0], Tag) and kids[0].name in _INLINE_FORMAT:
            inner = kids[0]
            a.wrap(soup.new_tag(inner.name))
            inner.unwrap()
    for tag in _live(reversed(_tags(soup, *_INLINE_FORMAT))):
        if not _alive(tag):
            continue
        nxt = tag.next_sibling
        if isinstance(nxt, Tag) and nxt.name == tag.name:
            for child in list(nxt.contents):
                tag.append(child.extract())
            nxt.decompose()


def drop_empty_elements(soup: BeautifulSoup, ctx: Context) -> None:
    """Elements left with no text and no media, innermost first (one bottom-up pass)."""
    keep = {"br", "hr", "img", "video", "audio", "source", "iframe", "figure"}
    keep |= {"table", "thead", "tbody", "tfoot", "tr", "td", "th"}
    for tag in _live(reversed(_tags(soup))):
        if tag.name in keep or not _alive(tag):
            continue
        if all(_blank_child(child) for child in tag.children):
            tag.decompose()


def _blank_child(node: object) -> bool:
    if isinstance(node, Tag):
        return node.name == "br"
    return not _SPACE.sub("", str(node))


def drop_orphan_headings(soup: BeautifulSoup, ctx: Context) -> None:
    """A heading with nothing after it before the next heading or the end (e.g. the
    "本周其他重要故事：" heading of a related-links list that was taken out)."""
    headings = _tags(soup, "h1", "h2", "h3", "h4", "h5", "h6")
    for heading in reversed(headings):
        level = int(heading.name[1])
        orphan = True
        for node in heading.next_elements:
            if isinstance(node, Tag):
                if node.name in ("h1", "h2", "h3", "h4", "h5", "h6") and int(node.name[1]) <= level:
                    break
                if node.name in _MEDIA:
                    orphan = False
                    break
            elif isinstance(node, NavigableString) and not isinstance(node, Comment):
                if node.parent is not None and heading in node.parents:
                    continue
                if _SPACE.sub("", str(node)):
                    orphan = False
                    break
        if orphan:
            heading.decompose()


# The clean-up, in order. Junk that hides other junk goes first (scripts, ads, promos,
# share widgets, the feed footer), then the lines already read into metadata; images are
# fixed up and gathered into figures before visually-hidden text goes (BBC credits carry a
# hidden "图像来源，" prefix); related-article lists leave the flow before empty wrappers are
# swept up, and headings left with nothing under them go last.
STEPS: list[tuple[str, Step]] = [
    ("drop_comments", drop_comments),
    ("drop_scripts_styles_forms", drop_scripts_styles_forms),
    ("iframes_to_links", iframes_to_links),
    ("drop_ads", drop_ads),
    ("drop_promos", drop_promos),
    ("drop_share_widgets", drop_share_widgets),
    ("drop_feed_footer", drop_feed_footer),
    ("drop_dateline_and_byline", drop_dateline_and_byline),
    ("drop_relative_times", drop_relative_times),
    ("drop_lazyload_placeholders", drop_lazyload_placeholders),
    ("drop_presentational_images", drop_presentational_images),
    ("drop_bad_links", drop_bad_links),
    ("repair_links", repair_links),
    ("unwrap_image_links", unwrap_image_links),
    ("collect_figures", collect_figures),
    ("drop_hidden", drop_hidden),
    ("drop_duplicate_captions", drop_duplicate_captions),
    ("take_related_lists", take_related_lists),
    ("drop_empty_elements", drop_empty_elements),
    ("merge_adjacent_formatting", merge_adjacent_formatting),
    ("drop_orphan_headings", drop_orphan_headings),
]


def clean(soup: BeautifulSoup, ctx: Context, steps: list[tuple[str, Step]] | None = None) -> None:
    """Run the clean-up ``steps`` (default :data:`STEPS`) on ``soup`` in order."""
    for _name, step in STEPS if steps is None else steps:
        step(soup, ctx)
