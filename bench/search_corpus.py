"""A search benchmark corpus: N archived articles resampled from the real ones (../shared/corpus).

Unlike ``corpus.py`` (exact copies), each new file is a real article whose ``<p>`` paragraphs are
shuffled and, for most files, partly replaced by paragraphs of other articles of the same
publisher: real text and markup, but documents that differ, so the index sees a realistic spread
of term frequencies rather than N/51 copies of each article.

    python bench/search_corpus.py 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import random
import re
from collections import defaultdict
from pathlib import Path

from corpus import real_articles, write_resample

_P = re.compile(r"(<p\b[^>]*>)(.*?)(</p>)", re.DOTALL)


def make_corpus(n: int, out: Path, seed: int = 2024) -> list[Path]:
    """Write ``n`` resampled articles under ``out``; return their paths."""
    rng = random.Random(seed)
    files = real_articles()
    bases = [(p.parent.name, p.read_text("utf-8")) for p in files]
    pool: dict[str, list[str]] = defaultdict(list)
    for publisher, text in bases:
        pool[publisher] += [m.group(2) for m in _P.finditer(text) if len(m.group(2)) > 20]
    written = []
    for i in range(n):
        publisher, text = bases[i % len(bases)]
        epoch_line, link_line, rest = text.split("\n", 2)
        paragraphs = [m.group(2) for m in _P.finditer(rest)]
        rng.shuffle(paragraphs)
        if pool[publisher] and rng.random() < 0.7:
            for k in rng.sample(range(len(paragraphs)), k=len(paragraphs) // 3):
                paragraphs[k] = rng.choice(pool[publisher])
        it = iter(paragraphs)
        rest = _P.sub(lambda m, it=it: m.group(1) + next(it) + m.group(3), rest)
        written.append(write_resample(out, i, f"{epoch_line}\n{link_line}\n{rest}", 3_600_000, "s"))
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(f"{len(make_corpus(args.n, args.out))} articles written to {args.out}")
