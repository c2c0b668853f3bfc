"""Each document's counted search terms, kept between builds by the hash of its indexed text.

Adding one article changes every term's weight (the document count and average lengths are
part of it), so the index is written anew; but the other documents' terms are the same, and
tokenizing them was half of writing the index. Entries are sealed :mod:`..cachefile` files, one
per document under ``<folder>/<2 hex>/<key>``; a damaged one is a miss (one warning line).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .. import cachefile
from .folding import Folder
from .lunr_index import FieldCounts
from .writer import SearchDoc, doc_counts, doc_fields


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


class TermCache:
    """:func:`.writer.doc_counts` through a folder of cache entries (``version``: the code's)."""

    def __init__(self, folder: Path, version: str) -> None:
        self.entries = cachefile.Entries(folder)
        self.version = version.encode("utf-8")

    def _key(self, doc: SearchDoc) -> str:
        digest = hashlib.sha256(self.version)
        for text in doc_fields(doc):
            digest.update(b"\0" + text.encode("utf-8"))
        return digest.hexdigest()

    def _path(self, doc: SearchDoc) -> Path:
        return self.entries.path(self._key(doc))

    def counts(self, doc: SearchDoc, table: Folder) -> list[FieldCounts]:
        """The document's counted terms, from the cache or computed (and kept)."""
        key = self._key(doc)
        cached = self.entries.load(key, decode, "tokenizing the document again")
        if cached is not None:
            return cached
        counts = doc_counts(doc, table)
        self.entries.write(key, encode(counts))
        return counts

    def prune(self) -> int:
        """Delete the entries this build did not use (edited or removed articles); how many."""
        return self.entries.prune()
