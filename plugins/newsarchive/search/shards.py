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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring  # json.dumps(term, ensure_ascii=False)

import numpy as np

from .lunr_index import Model, Run

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


def hundredths(weight_1000: np.ndarray) -> np.ndarray:
    """Weights given in thousandths (lunr.js's precision) in hundredths, halves up."""
    return (weight_1000 + 5) // 10


def encode_ids(ids: Iterable[int]) -> str:
    """Ascending ids as gaps."""
    prev = 0
    gaps = []
    for i in ids:
        gaps.append(i - prev)
        prev = i
    return encode_numbers(gaps)


def encode_array(numbers: np.ndarray) -> tuple[str, np.ndarray]:
    """:func:`encode_numbers` of an array of non-negative integers, and where each number's
    code starts in the text (one more: its length)."""
    numbers = np.asarray(numbers, np.int64)
    widths = np.ones(len(numbers), np.int64)
    rest = numbers >> 5
    while (more := rest > 0).any():
        widths += more
        rest >>= 5
    starts = np.zeros(len(numbers) + 1, np.int64)
    np.cumsum(widths, out=starts[1:])
    text = np.empty(int(starts[-1]), np.uint8)
    at = starts[1:] - 1  # each number's last character, from LAST
    text[at] = _LAST_BYTES[numbers & 31]
    rest = numbers >> 5
    while len(rest):  # the characters before it, from MORE, right to left
        going = rest > 0
        at, rest = at[going] - 1, rest[going]
        text[at] = _MORE_BYTES[rest & 31]
        rest >>= 5
    return text.tobytes().decode("ascii"), starts


_LAST_BYTES = np.frombuffer(LAST.encode("ascii"), np.uint8)
_MORE_BYTES = np.frombuffer(MORE.encode("ascii"), np.uint8)


def encode_run(run: Run) -> tuple[str, list[int]]:
    """A run of terms' postings as one text of interleaved (doc gap, weight in hundredths)
    numbers, and where each term's part starts in it (one more: its length)."""
    docs = run.docs
    previous = np.empty_like(docs)
    previous[1:] = docs[:-1]
    firsts = run.starts[:-1]
    previous[firsts[firsts < len(docs)]] = 0  # a term's first doc is its own gap
    numbers = np.empty(2 * len(docs), np.int64)
    numbers[0::2] = docs - previous
    numbers[1::2] = hundredths(run.weights)
    text, starts = encode_array(numbers)
    return text, starts[2 * run.starts].tolist()


def entries(model: Model, postings: int = 1 << 17) -> Iterator[tuple[str, str]]:
    """Each term of a finished model and its shard entry, ``["term", ordinal, "field 0
    postings", "field 1 postings", …]`` (weights in hundredths), in lunr.js's term order;
    weighed about ``postings`` postings at a time."""
    for first, end in model.spans(postings):
        runs = [encode_run(run) for run in model.scored(first, end)]
        for i, term in enumerate(model.terms[first:end]):
            fields = "".join(f',"{text[at[i] : at[i + 1]]}"' for text, at in runs)
            yield term, f"[{encode_basestring(term)},{model.ordinals[term]}{fields}]"


@dataclass
class Shard:
    """A run of consecutive terms and their encoded entries."""

    first: str
    entries: list[str]

    def size(self) -> int:
        """Bytes of the entries (UTF-8)."""
        return sum(len(e.encode()) + 1 for e in self.entries)


def split_shards(model: Model, target: int) -> Iterator[Shard]:
    """Yield a finished model's shards of about ``target`` bytes (a term larger than that is a
    shard of its own)."""
    shard: Shard | None = None
    size = 0
    for term, entry in entries(model):
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
