"""Write a site's search index: meta, term shards and document chunks under ``output/search/``.

Every file is a script ``naSearch.put("name", data);`` so the browser can load it with a
``<script>`` element, which works from ``file://`` as well as over HTTP.

- ``meta.js``: document count, fields, each shard's first term, publishers (``pubWidth``
  base-64 characters per document: one for up to 64 publishers), years (id ranges), and the
  Traditional → Simplified folding pairs whose target occurs in the index (about 8 KB gzip at
  15,000 articles: in meta, a query needs no script-load round before its shards);
- ``tags.js``: each tag's documents, loaded after the first results, for the tag filter;
- ``s/<n>.js``: term shards (:mod:`.shards`), their JSON packed (:func:`pack`): 64 % of its
  bytes;
- ``d/<n>.js``: ``DOC_CHUNK`` documents each (title, URL, date, publisher, tags with their
  slugs, and the plain text the browser cuts the result's passage from), loaded for the results
  shown. One document a file: a result loads only its own text. A text longer than
  ``HEAD_CHARS`` keeps its first paragraphs there, the rest in ``t/<n>.js``, loaded only when the
  head has no passage with every word of the query (:func:`split_text`). The text is packed
  (:func:`pack_text`): three quarters of the bytes of the plain UTF-8.

Packed is raw deflate in base 64, which the browser's ``DecompressionStream`` unpacks: smaller on
the site's disk (GitHub Pages takes up to 1 GB), about as many bytes over HTTP (served gzipped,
the plain text was about as small).

Document ids are positions in the list given, which the caller sorts by date, so "newest first"
is "highest id first" and a year is a range of ids.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path
from typing import Any, Protocol

from .. import cachefile
from ..forked import beside
from .folding import Folder, browser_map, folder
from .lunr_index import FieldCounts, Model, field_counts
from .shards import LAST, MORE, encode_ids, split_shards
from .tokenizer import tokenize

FIELDS: tuple[tuple[str, float], ...] = (("title", 5.0), ("body", 1.0))
SHARD_BYTES = 24_000
DOC_CHUNK = 1
HEAD_CHARS = 1500
FORMAT = 5
TAG_URL = "tags/{slug}.html"


@dataclass
class SearchDoc:
    """What the index needs from one article."""

    title: str
    text: str  # plain text, paragraphs on lines of their own (HTML in the job's documents file)
    url: str
    date: str  # YYYY-MM-DD, in the site's time zone
    publisher: str = ""  # display name
    publisher_key: str = ""
    publisher_url: str = ""  # the publisher's page, relative to the site
    tags: list[str] = field(default_factory=list)
    tag_slugs: list[str] = field(default_factory=list)  # in the order of tags
    extra: str = ""  # other searchable words: publisher, column, authors
    gone: bool = False  # the original is gone (newsarchive sources check)


_TEXT = ', "text": '


def doc_line(doc: SearchDoc) -> str:
    """The document as one line of JSON (a line of the job's documents file), its text last:
    :func:`line_facts` reads the rest without it."""
    facts = {name: value for name, value in doc.__dict__.items() if name != "text"}
    head = json.dumps(facts, ensure_ascii=False)[:-1]
    return f"{head}{_TEXT}{json.dumps(doc.text, ensure_ascii=False)}}}"


def line_facts(line: str) -> SearchDoc:
    """The document of a :func:`doc_line`, its text left as the line has it (a JSON string:
    ``json.loads`` it). Before the text no ``, "text": `` can stand inside a value: there, a
    ``"`` is always escaped."""
    cut = line.index(_TEXT)
    doc = SearchDoc(**json.loads(line[:cut] + "}"), text="")
    doc.text = line[cut + len(_TEXT) : -1]
    return doc


@dataclass
class IndexStats:
    """Figures about a written index."""

    docs: int
    terms: int
    shards: int
    files: int
    bytes: int
    seconds: float


def _script(name: str, data_json: str) -> str:
    return f'naSearch.put("{name}",{data_json});\n'


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_DIGITS64 = LAST + MORE


def publisher_code_width(publishers: int) -> int:
    """Characters per document in ``meta.pub``: one for up to 64 publishers, two up to 4,096…"""
    width = 1
    while publishers > 64**width:
        width += 1
    return width


def publisher_code(n: int, width: int) -> str:
    """Publisher number ``n`` in ``width`` base-64 digits (``LAST + MORE``), most significant first."""
    return "".join(_DIGITS64[(n >> (6 * k)) & 63] for k in reversed(range(width)))


def _tag_pairs(doc: SearchDoc) -> list[list[str]]:
    """``[[tag, slug], …]`` (slug "" when unknown)."""
    slugs = [*doc.tag_slugs, *[""] * (len(doc.tags) - len(doc.tag_slugs))]
    return [[t, s] for t, s in zip(doc.tags, slugs, strict=False)]


def split_text(text: str, head_chars: int = HEAD_CHARS) -> tuple[str, str]:
    """``text`` as (head, tail): the head ends at the last line break within ``head_chars``
    characters (or is the whole text, when that is not much longer)."""
    if len(text) <= head_chars * 5 // 4:
        return text, ""
    cut = text.rfind("\n", 0, head_chars + 1)
    if cut <= 0:
        return text, ""
    return text[:cut], text[cut + 1 :]


# A final, empty deflate block (fixed Huffman codes, end of block): ends a packed head whose
# stream goes on in its tail.
OPEN_END = b"\x03\x00"
# zlib.compressobj's arguments for packing: level 9, raw deflate (no zlib header or checksum).
PACKING = (9, zlib.DEFLATED, -15, 9)


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def pack(text: str) -> str:
    """``text`` as raw deflate in base 64 (the engine's ``inflate`` reads it back; in Python,
    :func:`unpack_text`)."""
    packer = zlib.compressobj(*PACKING)
    return _base64(packer.compress(text.encode("utf-8")) + packer.flush())


def pack_text(head: str, tail: str = "") -> tuple[str, str]:
    """``head`` and ``tail`` as one raw deflate stream in base 64, cut in two: the head's part is
    flushed to a byte boundary and left open when there is a tail (append :data:`OPEN_END` to
    read it alone), the tail's part goes on from it, so it reuses the head's words. Unpacked
    together they give ``head + "\n" + tail``."""
    if not tail:
        return pack(head), ""
    packer = zlib.compressobj(*PACKING)
    first = packer.compress(head.encode("utf-8")) + packer.flush(zlib.Z_SYNC_FLUSH)
    rest = packer.compress(("\n" + tail).encode("utf-8")) + packer.flush()
    return _base64(first), _base64(rest)


def unpack_text(head: str, tail: str | None = None, *, more: bool = False) -> str:
    """The text of :func:`pack_text`'s parts: the head alone (``more``: it has a tail, not
    given), or the head and its tail."""
    data = base64.b64decode(head)
    if tail is not None:
        data += base64.b64decode(tail)
    elif more:
        data += OPEN_END
    unpacker = zlib.decompressobj(-15)
    text = unpacker.decompress(data).decode("utf-8")
    if not unpacker.eof:
        raise ValueError("packed text: the deflate stream does not end")
    return text


def doc_fields(doc: SearchDoc) -> tuple[str, str]:
    """The text of each indexed field (``FIELDS`` order)."""
    body = "\n".join([doc.text, doc.extra, " ".join(doc.tags)])
    return doc.title, body


def doc_counts(doc: SearchDoc, table: Folder) -> list[FieldCounts]:
    """The terms of each indexed field of ``doc`` (``FIELDS`` order), counted."""
    return [field_counts(tokenize(text, table)) for text in doc_fields(doc)]


class Documents(Protocol):
    """The documents an index is written from, read as often as needed (:class:`Listed`, or
    the job's :class:`.job.DocsFile`)."""

    def facts(self) -> Iterator[SearchDoc]:
        """Each document, its text as given (:meth:`plain` makes it plain)."""
        ...

    def plain(self, text: str) -> str:
        """The plain text of a document's text as given."""
        ...

    def lines(self) -> Iterator[str]:
        """Each document as one line (:func:`doc_line`, its text as given)."""
        ...

    def again(self) -> Documents:
        """The same documents, for a forked process to read beside this one."""
        ...


class Listed:
    """:class:`Documents` given as :class:`SearchDoc` objects with their plain text."""

    def __init__(self, docs: Iterable[SearchDoc]) -> None:
        self.docs = list(docs)

    def facts(self) -> Iterator[SearchDoc]:
        return iter(self.docs)

    def plain(self, text: str) -> str:
        return text

    def lines(self) -> Iterator[str]:
        return map(doc_line, self.docs)

    def again(self) -> Listed:
        return self


def documents(docs: Documents | Iterable[SearchDoc]) -> Documents:
    """``docs`` as :class:`Documents` (a list of :class:`SearchDoc` becomes :class:`Listed`)."""
    return docs if hasattr(docs, "facts") else Listed(docs)  # type: ignore[return-value]


class Counter:
    """Each document's counted terms (:func:`doc_counts`; :mod:`.term_cache` keeps them)."""

    def __init__(self) -> None:
        self._table: Folder | None = None

    def table(self) -> Folder:
        """The folding table, made when first needed."""
        if self._table is None:
            self._table = folder()
        return self._table

    def __call__(self, i: int, doc: SearchDoc, plain: Callable[[str], str]) -> list[FieldCounts]:
        """The counted terms of document ``i`` (``doc``, its text made plain by ``plain``)."""
        return doc_counts(replace(doc, text=plain(doc.text)), self.table())


@dataclass
class Resume:
    """What the last index gives the next: the number of documents both begin with, a way to
    read its :class:`~.lunr_index.Model` of them (None: damaged, said), and those documents'
    files, kept in ``folder`` (``files`` reads their list: name → [size, SHA-256]; each is
    checked before it is linked). The process that writes the documents' files reads the list;
    this one reads the model once that process is done: the two are never held at once."""

    docs: int
    model: Callable[[], Model | None]
    folder: Path | None = None
    files: Callable[[], dict[str, list[Any]]] = dict


def write_index(
    docs: Documents | Iterable[SearchDoc],
    out: Path,
    *,
    shard_bytes: int = SHARD_BYTES,
    doc_chunk: int = DOC_CHUNK,
    tag_url: str = TAG_URL,
    head_chars: int = HEAD_CHARS,
    counts: Counter | None = None,
    digests: dict[str, list[Any]] | None = None,
    resume: Resume | None = None,
    keep_model: Callable[[Model], None] | None = None,
) -> IndexStats:
    """Write the search index of ``docs`` (ids = positions) into the directory ``out``.

    The documents are read twice, one at a time, by two processes (where ``fork`` exists): a
    child writes their files (:func:`write_doc_files`) while this process adds their terms to
    the model (only the terms stay, until the term shards are written last).
    ``tag_url`` is the site's ``TAG_URL`` (``{slug}`` is replaced by a tag's slug); ``counts``
    gives a document's counted terms (:class:`Counter`, or a cache of it); ``digests``, when
    given, receives each file's name (relative to ``out``) → [size, SHA-256]. With ``resume``,
    the first documents' terms and files come from the last index; ``keep_model`` is given the
    model once it is finished (to keep it for the next index).
    """
    start = time.perf_counter()
    docs = documents(docs)
    (out / "s").mkdir(parents=True, exist_ok=True)
    (out / "d").mkdir(parents=True, exist_ok=True)
    kept = resume if resume is not None and doc_chunk == 1 else None
    write_docs = partial(write_doc_files, docs.again(), out, doc_chunk, head_chars, kept)
    with beside(write_docs) as doc_files:
        doc_files_written = cache(doc_files.result)
        model, written = _write_model(
            docs,
            out,
            shard_bytes,
            tag_url,
            doc_chunk,
            counts or Counter(),
            resume,
            keep_model,
            doc_files_written,
        )
        written.update(doc_files_written())
    if digests is not None:
        digests.update(written)
    return IndexStats(
        docs=model.n_docs,
        terms=len(model.ordinals),
        shards=sum(1 for name in written if name.startswith("s/")),
        files=len(written),
        bytes=sum(size for size, _ in written.values()),
        seconds=time.perf_counter() - start,
    )


class _Writer:
    """Writes ``<name>.js`` files under ``out``, keeping each one's [size, SHA-256]."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: dict[str, list[Any]] = {}

    def __call__(self, name: str, data_json: str) -> None:
        data = _script(name, data_json).encode("utf-8")
        path = self.out / f"{name}.js"
        path.write_bytes(data)
        self.written[f"{name}.js"] = [len(data), hashlib.sha256(data).hexdigest()]

    def link(self, name: str, folder: Path, expected: list[Any]) -> bool:
        """Put ``folder``'s ``<name>.js`` here (a hard link, or a copy) if it is the file
        ``expected`` ([size, SHA-256]); else say how it is damaged, and give False."""
        source = folder / f"{name}.js"
        try:
            data = source.read_bytes()
        except FileNotFoundError:
            data = None
        damage = cachefile.damage(data, *expected)
        if damage is not None:
            cachefile.warn(source, damage, "writing that document's search files again")
            return False
        target = self.out / f"{name}.js"
        try:
            os.link(source, target)
        except OSError:
            target.write_bytes(data)  # type: ignore[arg-type]
        self.written[f"{name}.js"] = list(expected)
        return True


def _publishers(docs: Iterable[SearchDoc]) -> Iterator[tuple[int, SearchDoc, int]]:
    """Each document with its id and its publisher's number (in order of first appearance)."""
    numbers: dict[str, int] = {}
    for i, d in enumerate(docs):
        yield i, d, numbers.setdefault(d.publisher_key or d.publisher, len(numbers))


def write_doc_files(
    docs: Documents, out: Path, doc_chunk: int, head_chars: int, resume: Resume | None = None
) -> dict[str, list[Any]]:
    """Write the documents' files (``d/``, ``t/``); each one's name → [size, SHA-256]. With
    ``resume`` (one document a file), the first documents' files are the last index's."""
    write = _Writer(out)
    (out / "t").mkdir(exist_ok=True)
    reused = resume.docs if resume is not None and resume.folder is not None else 0
    kept = resume.files() if reused else {}
    chunk: list[list] = []
    last = -1
    for i, d, p in _publishers(docs.facts()):
        last = i
        if i < reused and _link_doc(write, i, resume.folder, kept):  # type: ignore[union-attr]
            continue
        head, tail = pack_text(*split_text(docs.plain(d.text), head_chars))
        chunk.append([d.title, d.url, d.date, p, _tag_pairs(d), head, *([1] if tail else [])])
        if tail:
            write(f"t/{i}", _dumps(tail))
        if len(chunk) == doc_chunk:
            write(f"d/{i // doc_chunk}", _dumps(chunk))
            chunk = []
    if chunk:
        write(f"d/{last // doc_chunk}", _dumps(chunk))
    if not any((out / "t").iterdir()):
        (out / "t").rmdir()
    return write.written


def _link_doc(write: _Writer, i: int, folder: Path, kept: dict[str, list[Any]]) -> bool:
    """Link document ``i``'s files from the last index (in ``folder``), if they are whole."""
    names = [name for name in (f"d/{i}", f"t/{i}") if f"{name}.js" in kept]
    if f"d/{i}" not in names:
        return False
    for n, name in enumerate(names):
        if not write.link(name, folder, kept[f"{name}.js"]):
            for done in names[:n]:  # written again with the rest
                (write.out / f"{done}.js").unlink()
                del write.written[f"{done}.js"]
            return False
    return True


@dataclass
class _Facts:
    """What the index keeps of each document beside its terms."""

    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # by publisher key
    publishers: list[int] = field(default_factory=list)  # each document's publisher number
    tags: dict[str, list[int]] = field(default_factory=dict)
    years: dict[str, list[list[int]]] = field(default_factory=dict)
    gone: list[int] = field(default_factory=list)

    def note(self, i: int, d: SearchDoc, p: int) -> None:
        self.names[d.publisher_key or d.publisher] = (d.publisher, d.publisher_url)
        self.publishers.append(p)
        ranges = self.years.setdefault(d.date[:4], [])
        if ranges and ranges[-1][1] == i:
            ranges[-1][1] = i + 1
        else:
            ranges.append([i, i + 1])
        for t in d.tags:
            self.tags.setdefault(t, []).append(i)
        if d.gone:
            self.gone.append(i)


def _add_documents(
    docs: Documents, counts: Counter, first: int, model_of: Callable[[], Model | None]
) -> tuple[Model | None, _Facts]:
    """Read every document's facts and add the terms of those from ``first`` on to the model
    ``model_of`` gives when the first of them comes (None: stop, it has none)."""
    facts = _Facts()
    model = None
    for i, d, p in _publishers(docs.facts()):
        if i >= first:
            if model is None and (model := model_of()) is None:
                return None, facts
            model.add(counts(i, d, docs.plain))
        facts.note(i, d, p)
    return (model if model is not None else model_of()), facts


def _write_model(
    docs: Documents,
    out: Path,
    shard_bytes: int,
    tag_url: str,
    doc_chunk: int,
    counts: Counter,
    resume: Resume | None,
    keep_model: Callable[[Model], None] | None,
    doc_files_written: Callable[[], dict[str, list[Any]]],
) -> tuple[Model, dict[str, list[Any]]]:
    """Add the documents' terms to the model (after those ``resume`` has); write the term
    shards, ``meta`` and ``tags``. Gives the model and the files written. A resumed model is
    read when the first document it lacks comes, once the documents' files are written: their
    process and the model are not held at once."""

    def resumed() -> Model | None:
        doc_files_written()
        return resume.model()  # type: ignore[union-attr]

    model, facts = None, _Facts()
    if resume is not None:
        model, facts = _add_documents(docs, counts, resume.docs, resumed)
    if model is None:  # no model to resume (or a damaged one: said): every document's terms
        model, facts = _add_documents(docs, counts, 0, partial(Model, FIELDS))
    assert model is not None
    if model.n_docs != len(facts.publishers):
        raise ValueError(f"{model.n_docs} documents resumed, {len(facts.publishers)} given")
    write = _Writer(out)
    names, tags, years, gone = facts.names, facts.tags, facts.years, facts.gone
    doc_publishers = facts.publishers
    pub_width = publisher_code_width(len(names))

    model.finish()
    if keep_model is not None:
        keep_model(model)
    firsts: list[str] = []
    for n, shard in enumerate(split_shards(model, shard_bytes)):
        firsts.append(shard.first if n else "")
        write(f"s/{n}", _dumps(pack("[" + ",".join(shard.entries) + "]")))

    index_chars = {ch for term in model.ordinals for ch in term}
    fold = browser_map(index_chars)
    meta = {
        "format": FORMAT,
        "lunr": "2.3.9",
        "n": model.n_docs,
        "fields": [[name, boost] for name, boost in FIELDS],
        "shards": firsts,
        "docChunk": doc_chunk,
        "publishers": [[key, *shown] for key, shown in names.items()],
        "tagUrl": tag_url,
        "pub": "".join(publisher_code(p, pub_width) for p in doc_publishers),
        "pubWidth": pub_width,
        "years": years,
        "tags": len(tags),
        "fold": "".join(t + s for t, s in sorted(fold.items())),
    }
    if gone:  # only with a status file that has gone originals: the search page's filter
        meta["gone"] = encode_ids(gone)
    write("meta", _dumps(meta))
    if tags:
        write("tags", _dumps([[t, encode_ids(ids)] for t, ids in sorted(tags.items())]))
    return model, write.written
