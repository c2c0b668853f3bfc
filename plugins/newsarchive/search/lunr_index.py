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

The equivalence test builds the monolithic index with lunr.js itself and checks both agree.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

K1 = 1.2
B = 0.75


@dataclass
class Model:
    """The whole corpus's terms, field lengths and term frequencies (see :func:`build_model`).

    ``ordinals[term]`` is the term's lunr.js ordinal; ``postings[field][term]`` is an
    interleaved ``array('I')`` of ``doc, tf, doc, tf, …`` (docs ascending).
    """

    fields: list[str]
    boosts: list[float]
    n_docs: int = 0
    ordinals: dict[str, int] = field(default_factory=dict)
    postings: list[dict[str, array]] = field(default_factory=list)
    lengths: list[array] = field(default_factory=list)
    _denominators: dict[int, list[float]] = field(default_factory=dict, repr=False)

    def average_lengths(self) -> list[float]:
        """Average field length per field, as lunr.js computes it."""
        return [sum(lens) / self.n_docs if self.n_docs else 0.0 for lens in self.lengths]

    def idf(self, term: str) -> float:
        """lunr.idf: document fields holding the term, over all fields."""
        df = sum(len(p.get(term, ())) // 2 for p in self.postings)
        return math.log(1 + abs((self.n_docs - df + 0.5) / (df + 0.5)))

    def weights(self, term: str) -> list[list[int]]:
        """Per field, interleaved ``doc, round(weight * 1000), …`` for the term's postings."""
        return [list(_interleave(docs, ws)) for docs, ws in self.field_weights(term)]

    def field_weights(self, term: str) -> list[tuple[array | list, list[int]]]:
        """Per field, the term's docs (ascending) and their ``round(weight * 1000)``."""
        idf = self.idf(term)
        out: list[tuple[array | list, list[int]]] = []
        for f, field_postings in enumerate(self.postings):
            postings = field_postings.get(term)
            if postings is None:
                out.append(([], []))
                continue
            den = self._field_denominators(f)
            boost = self.boosts[f] or 1
            weights: list[int] = []
            append = weights.append
            docs = postings[0::2]
            for doc, tf in zip(docs, postings[1::2], strict=True):
                # the operations of lunr.Builder.createFieldVectors, in its order:
                # score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * len / avg) + tf);
                # score *= fieldBoost; score *= docBoost (1); Math.round(score * 1000)
                x = idf * (_NUMERATOR[tf] if tf < 64 else (K1 + 1) * tf) / (den[doc] + tf)
                x = x * boost * 1000
                r = int(x)
                append(r + 1 if x - r >= 0.5 else r)
            out.append((docs, weights))
        return out

    def add(self, doc_fields: Sequence[FieldCounts]) -> None:
        """Index the next document (ref ``n_docs``), given as :data:`FieldCounts` per field."""
        doc = self.n_docs
        ordinals = self.ordinals
        for f, (length, counts) in enumerate(doc_fields):
            self.lengths[f].append(length)
            field_postings = self.postings[f]
            get = field_postings.get
            for token, tf in counts.items():
                postings = get(token)
                if postings is None:  # new to this field; maybe to the index (an ordinal)
                    if token not in ordinals:
                        ordinals[token] = len(ordinals)
                    postings = field_postings[token] = array("I")
                postings.append(doc)
                postings.append(tf)
        self.n_docs = doc + 1

    def _field_denominators(self, f: int) -> list[float]:
        if f not in self._denominators:
            avg = self.average_lengths()[f]
            self._denominators[f] = [K1 * (1 - B + B * (n / avg)) for n in self.lengths[f]]
        return self._denominators[f]


_NUMERATOR = [(K1 + 1) * tf for tf in range(64)]


# One field of one document: its length in tokens and each term's count, in first-seen order.
FieldCounts = tuple[int, dict[str, int]]


def field_counts(tokens: Sequence[str]) -> FieldCounts:
    """A field's token list as :data:`FieldCounts`."""
    return len(tokens), Counter(tokens)  # first-seen order, like lunr.js


def build_model(
    docs: Iterable[Sequence[Sequence[str]]], fields: Sequence[tuple[str, float]]
) -> Model:
    """Index documents given as one token list per field, in ``fields`` order; doc refs are
    their positions (0, 1, …)."""
    return build_model_from_counts(
        ([field_counts(tokens) for tokens in doc] for doc in docs), fields
    )


def new_model(fields: Sequence[tuple[str, float]]) -> Model:
    """An empty index of ``fields`` (name, boost), to :meth:`Model.add` documents to."""
    model = Model([name for name, _ in fields], [boost for _, boost in fields])
    model.lengths = [array("I") for _ in fields]
    model.postings = [{} for _ in fields]
    return model


def build_model_from_counts(
    docs: Iterable[Sequence[FieldCounts]], fields: Sequence[tuple[str, float]]
) -> Model:
    """:func:`build_model` from each document's :data:`FieldCounts` (one per field)."""
    model = new_model(fields)
    for doc_fields in docs:
        model.add(doc_fields)
    return model


def _interleave(a: Iterable[int], b: Iterable[int]) -> Iterable[int]:
    for x, y in zip(a, b, strict=True):
        yield x
        yield y


def utf16_key(term: str) -> bytes:
    """Sort key giving lunr.js's (JavaScript string) order: UTF-16 code units."""
    return term.encode("utf-16-be", "surrogatepass")


def to_lunr_json(model: Model) -> dict:
    """The monolithic index as lunr.js ``Index.toJSON`` would serialise it (for tests)."""
    vectors: dict[tuple[int, int], list[tuple[int, float]]] = {
        (d, f): [] for d in range(model.n_docs) for f in range(len(model.fields))
    }
    inverted = []
    for term in sorted(model.ordinals, key=utf16_key):
        ordinal = model.ordinals[term]
        posting: dict = {"_index": ordinal}
        for f, row in enumerate(model.weights(term)):
            docs = row[0::2]
            posting[model.fields[f]] = {str(doc): {} for doc in docs}
            for doc, weight in zip(docs, row[1::2], strict=True):
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
