"""Lunr's scoring model computed in Python, identically to lunr.js 2.3.9's ``lunr.Builder``.

lunr.js gives every (term, document field) pair a weight when the index is built::

    idf    = log(1 + |(N - df + 0.5) / (df + 0.5)|)        # df counts (doc, field) pairs
    weight = round3(idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * len / avglen) + tf) * boost)

and at query time scores a document field by the dot product of those weights with the query's
term boosts. The weights are all the browser needs, so they are computed here once (same
operations in the same order, ``Math.round`` semantics) and shipped per term, in hundredths
(:func:`.shards.hundredths`). Each term also keeps
the ordinal lunr.js's Builder would give it (first seen, in document and field order), so the
browser's vectors are summed in exactly the order of a monolithic lunr.js index.

An archive of 50,000 articles has tens of millions of postings, so they are kept compact: each
(term, document) pair of a field is one 64-bit number, the term, the document and the count
packed together, appended as documents are added. :meth:`Model.finish` renumbers the terms in
lunr.js's (UTF-16) order and sorts those numbers once: each term's postings become a contiguous
run, documents ascending. :meth:`Model.scored` then weighs a span of terms at a time with NumPy,
in the same floating-point operations in the same order as lunr.js.

The equivalence test builds the monolithic index with lunr.js itself and checks both agree.
"""

from __future__ import annotations

import json
import math
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..cachefile import Reader

K1 = 1.2
B = 0.75

# One packed posting: term << TERM_SHIFT | doc << DOC_SHIFT | count (up to COUNT_MAX; a larger
# count is kept aside, exactly).
TERM_SHIFT = 40
DOC_SHIFT = 16
COUNT_MAX = (1 << DOC_SHIFT) - 1
LIMIT = 1 << (TERM_SHIFT - DOC_SHIFT)  # terms, and documents, an index can hold
_DOC_MASK = LIMIT - 1
_LOW = (1 << TERM_SHIFT) - 1
_CHUNK = 1 << 20  # postings renumbered at a time


class FieldCounts(NamedTuple):
    """One field of one document: its length in tokens, its terms in first-seen order (as
    lunr.js sees them) and each one's count."""

    length: int
    terms: Sequence[str]
    counts: Sequence[int] | np.ndarray


@dataclass
class Run:
    """One field's postings for a span of consecutive terms: the postings of the span's ``i``-th
    term are ``docs[starts[i]:starts[i + 1]]`` (ascending) and their ``weights`` (lunr.js's,
    in thousandths)."""

    starts: np.ndarray
    docs: np.ndarray
    weights: np.ndarray


class Model:
    """The whole corpus's terms, field lengths and postings: :meth:`add` each document, then
    :meth:`finish` once; :attr:`terms` and :meth:`scored` give the index."""

    def __init__(self, fields: Sequence[tuple[str, float]]) -> None:
        self.fields = [name for name, _ in fields]
        self.boosts = [boost for _, boost in fields]
        self.n_docs = 0
        self.ordinals: dict[str, int] = {}  # term → lunr.js ordinal
        self.lengths = [array("I") for _ in fields]
        self.seen = array("I")  # how many terms were known after each document
        self.terms: list[str] = []  # after finish: every term, in lunr.js's order
        self._postings = [array("Q") for _ in fields]  # packed; sorted by finish
        self._large: dict[tuple[int, int, int], int] = {}  # (field, term, doc) → count
        self._starts: list[np.ndarray] = []  # after finish: each term's first posting, per field
        # per field, how many postings lead in finished order (restored): the rest are added
        self._ordered = [0 for _ in fields]
        self._denominators: dict[int, np.ndarray] = {}

    def add(self, doc_fields: Sequence[FieldCounts]) -> None:
        """Index the next document (ref ``n_docs``), given as :data:`FieldCounts` per field."""
        if self.terms:
            raise RuntimeError("the model is finished: no document can be added")
        doc = self.n_docs
        if doc >= LIMIT:
            raise ValueError(f"a search index holds at most {LIMIT:,} documents")
        ordinals = self.ordinals
        for f, (length, field_terms, counts) in enumerate(doc_fields):
            self.lengths[f].append(length)
            if not field_terms:
                continue
            known = list(map(ordinals.get, field_terms))
            if None in known:  # a term first seen gets the next ordinal
                for i, ordinal in enumerate(known):
                    if ordinal is None:
                        known[i] = ordinals.setdefault(field_terms[i], len(ordinals))
            terms = np.array(known, np.uint64)
            if len(ordinals) > LIMIT:
                raise ValueError(f"a search index holds at most {LIMIT:,} distinct terms")
            tfs = np.asarray(counts, np.uint64)
            if tfs.max() >= COUNT_MAX:
                for i in np.flatnonzero(tfs >= COUNT_MAX).tolist():
                    self._large[f, int(terms[i]), doc] = int(tfs[i])
                np.minimum(tfs, COUNT_MAX, out=tfs)
            packed = (terms << TERM_SHIFT) | np.uint64(doc << DOC_SHIFT) | tfs
            self._postings[f].frombytes(packed.tobytes())
        self.seen.append(len(ordinals))
        self.n_docs = doc + 1

    def state(self) -> list[bytes | memoryview]:
        """The finished model, as the parts of a file (:meth:`restored` reads it back): its terms
        in order, each one's ordinal, the field lengths and the sorted postings."""
        if self.ordinals and not self.terms:
            raise RuntimeError("the model is not finished: finish it before keeping it")
        terms = "\n".join(self.terms).encode("utf-8")  # in lunr.js's order; no term has a \n
        ordinals = array("I", map(self.ordinals.__getitem__, self.terms))
        head = {
            "fields": self.fields,
            "boosts": self.boosts,
            "docs": self.n_docs,
            "terms": len(self.terms),
            "termBytes": len(terms),
            "postings": [len(p) for p in self._postings],
            "large": [[f, t, d, n] for (f, t, d), n in self._large.items()],
            "byteorder": sys.byteorder,
        }
        data = json.dumps(head).encode("utf-8")
        arrays = [self.seen, *self.lengths, ordinals, *self._postings]
        return [b"%010d" % len(data), data, terms, *map(memoryview, arrays)]

    @classmethod
    def restored(cls, read: Reader, docs: int) -> Model:
        """The model of the first ``docs`` documents of a :meth:`state` read from ``read``: the
        same ordinals, lengths and postings as adding those documents gives. Its postings stay
        in the order they were finished in, so :meth:`finish` only merges those added since."""
        head = json.loads(read.read(int(read.read(10))))
        if head["byteorder"] != sys.byteorder:
            raise ValueError("kept on a machine of another byte order")
        model = cls(list(zip(head["fields"], head["boosts"], strict=True)))
        n = head["docs"]
        if not 0 < docs <= n:
            raise ValueError(f"{docs} of {n} documents asked for")
        terms = read.read(head["termBytes"]).decode("utf-8").split("\n")
        model.seen = _read_array(read, "I", n)
        model.lengths = [_read_array(read, "I", n) for _ in model.fields]
        ordinal_of = _read_array(read, "I", head["terms"])
        model._postings = [_read_array(read, "Q", count) for count in head["postings"]]
        known = model.seen[docs - 1]  # the terms of the first documents: ordinals below this
        by_ordinal = [""] * len(terms)
        for rank, ordinal in enumerate(ordinal_of):
            by_ordinal[ordinal] = terms[rank]
        model.ordinals = dict(zip(by_ordinal[:known], range(known), strict=True))
        del model.seen[docs:]
        for lengths in model.lengths:
            del lengths[docs:]
        codes = np.frombuffer(ordinal_of, np.uint32).astype(np.uint64)
        for postings in model._postings:  # from ranks to ordinals, the first documents'
            _recode(postings, codes, docs)
        model._ordered = [len(p) for p in model._postings]
        model._large = {(f, int(ordinal_of[t]), d): c for f, t, d, c in head["large"] if d < docs}
        model.n_docs = docs
        return model

    def finish(self) -> None:
        """Put the terms in lunr.js's order (:attr:`terms`) and sort each field's postings."""
        if self.terms or not self.ordinals:
            return
        self.terms = sorted(self.ordinals, key=utf16_key)
        count = len(self.terms)
        rank = np.empty(count, np.uint64)
        rank[np.fromiter(map(self.ordinals.__getitem__, self.terms), np.int64, count)] = np.arange(
            count, dtype=np.uint64
        )
        firsts = np.arange(count, dtype=np.uint64) << TERM_SHIFT
        for f, postings in enumerate(self._postings):
            _recode(postings, rank)
            packed = np.frombuffer(postings, np.uint64)
            if self._ordered[f] >= len(packed) // 2:  # a sorted run, then the postings added
                packed.sort(kind="stable")  # a merge of runs, not a sort anew
            else:
                packed.sort()
            self._starts.append(np.append(np.searchsorted(packed, firsts), len(packed)))
        self._large = {(f, int(rank[t]), d): n for (f, t, d), n in self._large.items()}

    def average_lengths(self) -> list[float]:
        """Average field length per field, as lunr.js computes it."""
        return [sum(lens) / self.n_docs if self.n_docs else 0.0 for lens in self.lengths]

    def scored(self, first: int, end: int) -> list[Run]:
        """Per field, the postings and weights of the terms ``terms[first:end]``."""
        n = self.n_docs
        df = sum(starts[first + 1 : end + 1] - starts[first:end] for starts in self._starts)
        idf = np.array([math.log(1 + abs((n - d + 0.5) / (d + 0.5))) for d in df.tolist()])
        runs = []
        for f, postings in enumerate(self._postings):
            starts = self._starts[f][first : end + 1]
            packed = np.frombuffer(postings, np.uint64)[starts[0] : starts[-1]]
            docs = ((packed >> DOC_SHIFT) & _DOC_MASK).astype(np.int64)
            tfs = (packed & COUNT_MAX).astype(np.int64)
            if self._large:
                self._restore_large(f, first, starts, docs, tfs)
            term_idf = np.repeat(idf, np.diff(starts))
            # the operations of lunr.Builder.createFieldVectors, in its order:
            # score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * len / avg) + tf);
            # score *= fieldBoost; score *= docBoost (1); Math.round(score * 1000)
            x = term_idf * ((K1 + 1) * tfs) / (self._field_denominators(f)[docs] + tfs)
            x = x * (self.boosts[f] or 1) * 1000
            whole = np.floor(x)
            weights = (whole + (x - whole >= 0.5)).astype(np.int64)
            runs.append(Run(starts - starts[0], docs, weights))
        return runs

    def _restore_large(
        self, f: int, first: int, starts: np.ndarray, docs: np.ndarray, tfs: np.ndarray
    ) -> None:
        relative = starts - starts[0]
        for i in np.flatnonzero(tfs == COUNT_MAX).tolist():
            term = first + int(np.searchsorted(relative, i, side="right")) - 1
            tfs[i] = self._large.get((f, term, int(docs[i])), COUNT_MAX)

    def _field_denominators(self, f: int) -> np.ndarray:
        if f not in self._denominators:
            avg = self.average_lengths()[f]
            lengths = np.frombuffer(self.lengths[f], np.uint32).astype(np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):  # avg 0: no postings to weigh
                self._denominators[f] = K1 * (1 - B + B * (lengths / avg))
        return self._denominators[f]

    def spans(self, size: int) -> Iterator[tuple[int, int]]:
        """``(first, end)`` spans of :attr:`terms` covering about ``size`` postings each."""
        total = sum(self._starts, np.zeros(len(self.terms) + 1, np.int64))
        first = 0
        while first < len(self.terms):
            end = int(np.searchsorted(total, total[first] + size, side="right"))
            end = min(max(end - 1, first + 1), len(self.terms))
            yield first, end
            first = end


def _recode(postings: array, codes: np.ndarray, docs: int | None = None) -> None:
    """Give each posting's term the code ``codes[term]``, in place, a chunk at a time; with
    ``docs``, keep only the postings of documents below it, in their order."""
    packed = np.frombuffer(postings, np.uint64)
    kept = 0
    for at in range(0, len(packed), _CHUNK):
        part = packed[at : at + _CHUNK]
        if docs is not None:
            part = part[((part >> DOC_SHIFT) & _DOC_MASK) < docs]  # a copy
        part = (codes[part >> TERM_SHIFT] << TERM_SHIFT) | (part & _LOW)
        packed[kept : kept + len(part)] = part  # never ahead of what is still to be read
        kept += len(part)
    del packed  # no view of the array is left (each part is a new array): it can shrink
    del postings[kept:]


def _read_array(read: Reader, typecode: str, count: int) -> array:
    values = array(typecode, [0]) * count
    read.readinto(memoryview(values))
    return values


def field_counts(tokens: Sequence[str]) -> FieldCounts:
    """A field's token list as :data:`FieldCounts`."""
    counts = Counter(tokens)  # first-seen order, like lunr.js
    return FieldCounts(len(tokens), list(counts), list(counts.values()))


def build_model(
    docs: Iterable[Sequence[Sequence[str]]], fields: Sequence[tuple[str, float]]
) -> Model:
    """Index documents given as one token list per field, in ``fields`` order; doc refs are
    their positions (0, 1, …). The model is finished."""
    model = Model(fields)
    for doc in docs:
        model.add([field_counts(tokens) for tokens in doc])
    model.finish()
    return model


def utf16_key(term: str) -> bytes:
    """Sort key giving lunr.js's (JavaScript string) order: UTF-16 code units."""
    return term.encode("utf-16-be", "surrogatepass")


def to_lunr_json(model: Model) -> dict:
    """The monolithic index of a finished model as lunr.js ``Index.toJSON`` would serialise it
    (for tests)."""
    vectors: dict[tuple[int, int], list[tuple[int, float]]] = {
        (d, f): [] for d in range(model.n_docs) for f in range(len(model.fields))
    }
    inverted = []
    runs = model.scored(0, len(model.terms)) if model.terms else []
    for i, term in enumerate(model.terms):
        ordinal = model.ordinals[term]
        posting: dict = {"_index": ordinal}
        for f, run in enumerate(runs):
            docs = run.docs[run.starts[i] : run.starts[i + 1]].tolist()
            weights = run.weights[run.starts[i] : run.starts[i + 1]].tolist()
            posting[model.fields[f]] = {str(doc): {} for doc in docs}
            for doc, weight in zip(docs, weights, strict=True):
                vectors[doc, f].append((ordinal, weight / 1000))
        inverted.append([term, posting])
    field_vectors = []
    for (doc, f), elements in vectors.items():
        flat = [x for pair in sorted(elements) for x in pair]
        field_vectors.append([f"{model.fields[f]}/{doc}", flat])
    return {
        "version": "2.3.9",
        "fields": model.fields,
        "fieldVectors": field_vectors,
        "invertedIndex": inverted,
        "pipeline": [],
    }
