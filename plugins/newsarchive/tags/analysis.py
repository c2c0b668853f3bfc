"""What tagging needs of each article on its own: how it mentions each curated tag and its
candidate words. Pure per article, so it is cached (one file per configuration, keyed by each article's
title and text) and computed on all cores for the articles the cache does not have.

The same folder keeps the tags of the last run with what they were computed from: a rebuild
with no changes reads them back instead of assigning again.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .. import cachefile
from . import keywords
from .config import TagConfig
from .folding import fold
from .mentions import Hits, Matcher, Mention, join_hyphens, mentions, sentences
from .records import TagRecord

# How the article mentions curated tags (:data:`mentions.Hits`), its number of sentences, and its
# words (:data:`keywords.Summary`).
Analysis = tuple[
    Hits,
    tuple[int],
    tuple[str, ...],
    tuple[str | int, ...],
    tuple[str, ...],
    tuple[int, ...],
    tuple[bool | int, ...],
]
# Cached analyses and tags are only reused by the same code (these modules' source) and setup.
_ANALYSIS_CODE = ("analysis", "folding", "keywords", "mentions", "records", "rules")
_ASSIGN_CODE = ("assign", "config", "overrides")
# Below this many articles to analyse, a pool costs more than it saves.
_MIN_PARALLEL = 8
_CHUNK = 16
_QUEUED = 3  # chunks queued per worker, so that none waits for the next
# A cache file keeps analyses of articles no longer seen until it is this many times too big.
_SPARE = 2


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside (it would scan every new object many times over)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cache
def _code(*modules: str) -> str:
    """A digest of these modules' source code."""
    return cachefile.files_digest(Path(__file__).parent / f"{module}.py" for module in modules)


_matchers: dict[int, tuple[TagConfig, Matcher]] = {}


def matcher(config: TagConfig) -> Matcher:
    """The curated rules of ``config``, found in its segmentation (made once per configuration)."""
    known = _matchers.get(id(config))
    if known is None or known[0] is not config:
        if len(_matchers) >= 8:
            del _matchers[next(iter(_matchers))]
        segmenter = keywords.segmenter(config.words)
        known = _matchers[id(config)] = (config, Matcher(config.rules, segmenter.is_word))
    return known[1]


def release() -> None:
    """Forget the matchers and segmenters (jieba's dictionary, ≈ 85 MB) once tagging is done."""
    _matchers.clear()
    keywords.release()


def analyse_article(title: str, text: str, config: TagConfig) -> Analysis:
    """The analysis of one article (title and plain text, not yet folded)."""
    title = join_hyphens(config.strip_ignored(fold(title)))
    parts = sentences(config.strip_ignored(fold(text)))
    segmenter = keywords.segmenter(config.words)
    title_blocks = segmenter.blocks(title)
    blocks = [segmenter.blocks(part) for part in parts]
    hits = matcher(config).hits(
        title,
        [w for block in title_blocks for w in block],
        parts,
        [[w for block in part for w in block] for part in blocks],
    )
    entries = keywords.analyse(
        title_blocks, blocks, config.stopwords, [title, *parts], segmenter.is_common
    )
    return (hits, (len(parts),), *keywords.summarise(entries, len(parts)))


def mentions_in(title: str, text: str, config: TagConfig) -> dict[str, Mention]:
    """How an article (title and plain text, not yet folded) mentions each curated tag."""
    return mentions(analyse_article(title, text, config)[0])


def digest(title: str, record: TagRecord) -> bytes:
    """The cache key of an article's title and text (or the Markdown it comes from); UTF-16 is
    the quickest encoding of Chinese text."""
    kind, source = record.source
    hashed = hashlib.blake2b(f"{kind}:{len(title)}:".encode(), digest_size=16)
    hashed.update(title.encode("utf-16-le", "surrogatepass"))
    hashed.update(source.encode("utf-16-le", "surrogatepass"))
    return hashed.digest()


def _load(path: Path) -> Any:
    """A marshal file's value, or None when it is missing or damaged (reported: recomputed)."""
    with paused_gc():  # a million small tuples: no use looking for cycles among them
        return cachefile.load(path, marshal.loads, "recomputing it")


def _store(path: Path, value: Any) -> None:
    """Write a marshal file atomically and drop the other configurations' files of its kind
    (and what a killed build left of them)."""
    cachefile.write(path, marshal.dumps(value))
    kind = path.name.split("-", 1)[0]
    for other in path.parent.glob(f"{kind}-*"):
        if other != path:
            other.unlink(missing_ok=True)


class AnalysisCache:
    """Analyses on disk, one marshal file per configuration mapping each article's digest to its
    analysis (strings shared by articles stored once); and the last run's tags."""

    def __init__(self, directory: str | Path, config: TagConfig) -> None:
        self.directory = Path(directory)
        setup = "\0".join(
            [
                cachefile.FORMAT,
                _code(*_ANALYSIS_CODE),
                keywords.jieba_version(),
                version("opencc"),
                config.fingerprint(),
            ]
        )
        self.fingerprint = hashlib.sha256(setup.encode("utf-8")).hexdigest()
        self.path = self.directory / f"analyses-{self.fingerprint[:24]}.marshal"
        self.tags_path = self.directory / f"tags-{self.fingerprint[:24]}.marshal"

    def load(self) -> dict[bytes, Analysis]:
        """The stored analyses (none when the file is missing or unreadable)."""
        data = _load(self.path)
        return data if isinstance(data, dict) else {}

    def save(self, analyses: dict[bytes, Analysis]) -> None:
        """Replace the stored analyses, dropping other configurations' files (and the one file
        per article that an earlier version kept)."""
        _store(self.path, _share_strings(analyses))
        for old in self.directory.glob("[0-9a-f][0-9a-f]/*.json"):
            old.unlink(missing_ok=True)
            with suppress(OSError):
                old.parent.rmdir()

    def prepare_segmenter(self, words: frozenset[str]) -> None:
        """Load the segmenter from the dictionary kept here (a fraction of jieba's own loading
        time), or from jieba, keeping its dictionary for the next time."""
        if keywords.is_prepared(words):
            return
        setup = "\0".join(
            [
                cachefile.FORMAT,
                _DICTIONARY,
                _code("keywords"),
                keywords.jieba_version(),
                *sorted(words),
            ]
        )
        name = hashlib.sha256(setup.encode("utf-8")).hexdigest()[:24]
        path = self.directory / f"dictionary-{name}.marshal"
        dictionary = _load(path)
        if not _is_dictionary(dictionary) and _in_child(_keep_dictionary, path, words):
            dictionary = _load(path)  # one compact copy, without jieba's own
        if not _is_dictionary(dictionary):
            dictionary = keywords.jieba_dictionary(words)
            _store(path, _share_words(dictionary))
        keywords.prepare(words, dictionary)

    def run_key(self, config: TagConfig, digests: Sequence[bytes], overrides: Any) -> bytes:
        """What a run's tags depend on: the analyses (by digest), the configuration, the
        overrides, the code."""
        key = hashlib.sha256(f"{_code(*_ASSIGN_CODE)}\0{self.fingerprint}".encode())
        key.update(repr((config.options, config.broad, overrides)).encode("utf-8"))
        key.update(b"".join(digests))
        return key.digest()

    def load_tags(self, key: bytes) -> list[tuple[tuple[str, ...], tuple[str, ...]]] | None:
        """The last run's tags and held-back tags of each article, if they were computed from
        the same (``run_key``)."""
        data = _load(self.tags_path)
        if isinstance(data, tuple) and len(data) == 2 and data[0] == key:
            return data[1]  # type: ignore[no-any-return]
        return None

    def save_tags(self, key: bytes, tags: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        """Keep this run's tags (and held-back tags) for the next."""
        seen: dict[str, str] = {}
        kept = [tuple(tuple(map(seen.setdefault, t, t)) for t in pair) for pair in tags]
        _store(self.tags_path, (key, kept))


_DICTIONARY = "words shared"  # how the dictionary file is laid out (:func:`_share_words`)


def _is_dictionary(value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 3
        and isinstance(value[0], dict)
        and isinstance(value[1], int)
        and isinstance(value[2], dict)
    )


def _keep_dictionary(path: Path, words: frozenset[str]) -> None:
    _store(path, _share_words(keywords.jieba_dictionary(words, once=True)))


def _share_words(dictionary: keywords.Dictionary) -> keywords.Dictionary:
    """The dictionary with each word one string in both of its tables, and each part of speech
    one string, so that marshal writes (and loads) each once: a quarter less memory."""
    frequencies, total, tags = dictionary
    words = {word: word for word in frequencies}
    names: dict[str, str] = {}
    return frequencies, total, {words.get(w, w): names.setdefault(t, t) for w, t in tags.items()}


def _in_child(function: Any, *args: Any) -> bool:
    """Run ``function(*args)`` in a forked process; whether it succeeded. Loading jieba takes
    twice the memory of the dictionary it gives, and the build's process would keep that."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    child = multiprocessing.get_context("fork").Process(target=function, args=args)
    child.start()
    child.join()
    return child.exitcode == 0


def _share_strings(analyses: dict[bytes, Analysis]) -> dict[bytes, Analysis]:
    """The analyses with equal strings made one object, so that marshal writes each once."""
    seen: dict[Any, Any] = {}
    one = seen.setdefault
    return {
        digest: tuple(tuple(map(one, part, part)) for part in analysis)  # type: ignore[misc]
        for digest, analysis in analyses.items()
    }


# The work of a pool: set before forking, read by the workers.
_job: tuple[Sequence[tuple[str, TagRecord]], TagConfig] | None = None


def _analyse_chunk(indices: range) -> list[Analysis]:
    assert _job is not None
    documents, config = _job
    return [analyse_article(documents[i][0], documents[i][1].text_once(), config) for i in indices]


def _analyse_many(
    documents: Sequence[tuple[str, TagRecord]],
    config: TagConfig,
    workers: int,
    cache: AnalysisCache | None = None,
) -> list[Analysis]:
    """Analyse every document, on ``workers`` processes when there are enough: this one and
    ``workers - 1`` forked ones."""
    global _job
    if cache:
        cache.prepare_segmenter(config.words)
    matcher(config)  # loaded once here, shared by the forked workers
    if len(documents) < _MIN_PARALLEL or workers < 2:
        return [analyse_article(title, record.text, config) for title, record in documents]
    chunks = [range(i, min(i + _CHUNK, len(documents))) for i in range(0, len(documents), _CHUNK)]
    _job = (documents, config)
    # Frozen, the build's objects are never scanned by the workers' garbage collector, which
    # would write to (and so copy) every memory page holding one.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
            return [a for part in _shared_out(pool, chunks, workers - 1) for a in part]
    finally:
        gc.unfreeze()
        _job = None


def _shared_out(
    pool: ProcessPoolExecutor, chunks: Sequence[range], workers: int
) -> list[list[Analysis]]:
    """Each chunk's analyses, in order: this process analyses the next chunk while the pool's
    ``workers`` have theirs queued (one forked copy of the build fewer than a pool of all)."""
    parts: list[list[Analysis]] = [[] for _ in chunks]
    pending: list[tuple[int, Future[list[Analysis]]]] = []
    order = iter(range(len(chunks)))

    def queue() -> None:
        while len(pending) < _QUEUED * workers and (i := next(order, None)) is not None:
            pending.append((i, pool.submit(_analyse_chunk, chunks[i])))

    def collect(wait: bool) -> None:
        for item in [p for p in pending if wait or p[1].done()]:
            parts[item[0]] = item[1].result()
            pending.remove(item)

    queue()
    for i in order:  # shared with queue(): each chunk is taken once
        parts[i] = _analyse_chunk(chunks[i])
        collect(wait=False)
        queue()
    collect(wait=True)
    return parts


def analyse_all(
    titles: Sequence[str],
    records: Sequence[TagRecord],
    config: TagConfig,
    cache: AnalysisCache | None = None,
    digests: Sequence[bytes] | None = None,
    workers: int | None = None,
) -> list[Analysis]:
    """The analysis of each record under its title (after overrides): from the ``cache`` when
    there, the others computed (in parallel) and added to it."""
    stored = cache.load() if cache else {}
    if digests is None:
        digests = [digest(title, record) for title, record in zip(titles, records, strict=True)]
    found = [stored.get(d) for d in digests]
    missing: dict[bytes, int] = {}  # each missing digest, with a record that has it
    for index, (key, analysis) in enumerate(zip(digests, found, strict=True)):
        if analysis is None:
            missing.setdefault(key, index)
    if not missing:
        return found  # type: ignore[return-value]
    todo = [(titles[i], records[i]) for i in missing.values()]
    computed = _analyse_many(todo, config, workers or os.cpu_count() or 1, cache)
    new = dict(zip(missing, computed, strict=True))
    if cache:
        if len(stored) + len(new) > _SPARE * len(digests):
            stored = {d: stored[d] for d in digests if d in stored}
        cache.save({**stored, **new})
    return [a if a is not None else new[d] for a, d in zip(found, digests, strict=True)]
