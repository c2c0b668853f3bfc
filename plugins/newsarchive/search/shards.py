"""Compact encodings and the split of a :class:`~.lunr_index.Model` into term shards.

Terms are sorted in UTF-16 order (lunr.js's order) and cut into contiguous shards of roughly
``target`` bytes, so a term's shard is found by binary search over each shard's first term and a
prefix query needs only the consecutive shards its prefix spans. Each posting list is a string
of numbers in a base-32 variable-length code: every digit but a number's last is written from
``MORE``, the last from ``LAST``, so numbers need no separators (0-31 take one character).

Weights are shipped in hundredths of lunr.js's three-decimal weights (:func:`hundredths`): nine
in ten lie between 1.024 and 10.24, two characters so instead of three — a fifth of the shards'
bytes — at a relative cost of at most 0.5% per weight.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .lunr_index import Model, utf16_key

LAST = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
MORE = "WXYZabcdefghijklmnopqrstuvwxyz$_"


def encode_number(n: int) -> str:
    """One non-negative integer in the variable-length base-32 code."""
    digits = [LAST[n & 31]]
    n >>= 5
    while n:
        digits.append(MORE[n & 31])
        n >>= 5
    return "".join(reversed(digits))


_CODES = [encode_number(n) for n in range(1 << 15)]


def encode_numbers(numbers: Iterable[int]) -> str:
    """Concatenate non-negative integers in the variable-length base-32 code."""
    codes = _CODES
    return "".join(codes[n] if n < 32768 else encode_number(n) for n in numbers)


def decode_numbers(text: str) -> list[int]:
    """Inverse of :func:`encode_numbers` (the browser has its own copy; tests compare them)."""
    out, n = [], 0
    for ch in text:
        i = LAST.find(ch)
        if i < 0:
            n = n * 32 + MORE.index(ch)
        else:
            out.append(n * 32 + i)
            n = 0
    return out


def hundredths(weight_1000: int) -> int:
    """A weight given in thousandths (lunr.js's precision) in hundredths, halves up."""
    return (weight_1000 + 5) // 10


def encode_postings(docs: Sequence[int], weights: Sequence[int]) -> str:
    """Docs (ascending) and their weights as interleaved (doc gap, weight) numbers."""
    codes = _CODES
    parts: list[str] = []
    append = parts.append
    prev = 0
    for doc, weight in zip(docs, weights, strict=True):
        gap = doc - prev
        prev = doc
        append(codes[gap] if gap < 32768 else encode_number(gap))
        append(codes[weight] if weight < 32768 else encode_number(weight))
    return "".join(parts)


def encode_ids(ids: Iterable[int]) -> str:
    """Ascending ids as gaps."""
    prev = 0
    gaps = []
    for i in ids:
        gaps.append(i - prev)
        prev = i
    return encode_numbers(gaps)


def term_entry(model: Model, term: str) -> str:
    """One shard entry: ``["term", ordinal, "field 0 postings", "field 1 postings", …]``, the
    weights in hundredths."""
    parts = [json.dumps(term, ensure_ascii=False), str(model.ordinals[term])]
    parts += [
        f'"{encode_postings(d, [hundredths(x) for x in w])}"' for d, w in model.field_weights(term)
    ]
    return "[" + ",".join(parts) + "]"


@dataclass
class Shard:
    """A run of consecutive terms and their encoded entries."""

    first: str
    entries: list[str]

    def size(self) -> int:
        """Bytes of the entries (UTF-8)."""
        return sum(len(e.encode()) + 1 for e in self.entries)


def split_shards(model: Model, target: int) -> Iterator[Shard]:
    """Yield shards of about ``target`` bytes (a term larger than that is a shard of its own)."""
    shard: Shard | None = None
    size = 0
    for term in sorted(model.ordinals, key=utf16_key):
        entry = term_entry(model, term)
        n = len(entry.encode()) + 1
        if shard is not None and size + n > target:
            yield shard
            shard = None
        if shard is None:
            shard, size = Shard(term, []), 0
        shard.entries.append(entry)
        size += n
    if shard is not None:
        yield shard
