"""Each document's counted search terms, kept between builds by the hash of its line.

Adding one article changes every term's weight (the document count and average lengths are
part of it), so the term shards are written anew. The last index's model gives the terms of the
documents the new list begins with (:mod:`.kept`); the others' come from here, unless the
document is new or edited: tokenizing was half of writing the index. Entries are sealed
:mod:`..cachefile` files, one per document under ``<folder>/<2 hex>/<key>``; a damaged one is a
miss (one warning line).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from .. import cachefile
from .lunr_index import FieldCounts
from .writer import Counter, SearchDoc


def encode(counts: list[FieldCounts]) -> bytes:
    """One JSON line ``[[length, number of terms], …]`` (a row per field), then every count
    (32-bit, little-endian), then every term (UTF-8, one a line: a term has no line break)."""
    rows = [[row.length, len(row.terms)] for row in counts]
    numbers = np.concatenate([np.asarray(row.counts, "<u4") for row in counts] or [[]])
    terms = "\n".join(term for row in counts for term in row.terms)
    return b"%s\n%s%s" % (
        json.dumps(rows).encode(),
        numbers.astype("<u4").tobytes(),
        terms.encode(),
    )


def decode(data: bytes) -> list[FieldCounts]:
    """Inverse of :func:`encode`."""
    end = data.index(b"\n")
    rows = json.loads(data[:end])
    total = sum(n for _, n in rows)
    numbers = np.frombuffer(data, "<u4", total, end + 1)
    terms = data[end + 1 + 4 * total :].decode("utf-8").split("\n") if total else []
    if len(terms) != total:
        raise ValueError(f"{len(terms)} terms for {total} counts")
    out, at = [], 0
    for length, n in rows:
        out.append(FieldCounts(length, terms[at : at + n], numbers[at : at + n]))
        at += n
    return out


class TermCache(Counter):
    """:class:`.writer.Counter` through a folder of cache entries: document ``i``'s entry is
    keyed by ``digests[i]`` (its line's, :func:`.kept.line_digests`) and ``version`` (the code's),
    so a hit needs no plain text."""

    def __init__(self, folder: Path, version: str, digests: Sequence[bytes]) -> None:
        super().__init__()
        self.entries = cachefile.Entries(folder)
        self.version = version.encode("utf-8")
        self.digests = digests

    def _key(self, i: int) -> str:
        return hashlib.sha256(self.version + self.digests[i]).hexdigest()

    def __call__(self, i: int, doc: SearchDoc, plain: Callable[[str], str]) -> list[FieldCounts]:
        """Document ``i``'s counted terms, from the cache or counted (and kept)."""
        key = self._key(i)
        cached = self.entries.load(key, decode, "tokenizing the document again")
        if cached is not None:
            return cached
        counts = super().__call__(i, doc, plain)
        self.entries.write(key, encode(counts))
        return counts

    def keep(self, ids: Iterable[int]) -> None:
        """Count the entries of documents ``ids`` as used (their terms came from elsewhere)."""
        for i in ids:
            self.entries.use(self._key(i))

    def prune(self) -> int:
        """Delete the entries this build did not use (edited or removed articles); how many."""
        return self.entries.prune()
