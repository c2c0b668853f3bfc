"""Measure ways to ship the text that result passages are cut from, on a built site's index.

For a query showing ``--shown`` results (random documents), it compares the gzip bytes loaded:

- ``doc_files``: one file a document, its whole text included;
- ``head_files``: one file a document with the text's head (what the writer does; the tail, in
  a file of its own, is loaded only when the head has no passage: not counted here);
- ``chunks_of_4``: four documents a file, texts included;
- ``chunks_plus_text``: four documents a file without text (the old layout, with a 160-character
  excerpt: ``no_text_chunks``, the baseline) and one text file a document;

and, for every layout, what the site carries per article (raw and gzip). It also counts what
recording term positions in the index would add (two numbers an occurrence), which would not
remove the need for the text itself.

    .venv/bin/python bench/excerpt_data.py OUTPUT [--shown 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))


def _gz(text: str) -> int:
    return len(gzip.compress(text.encode(), 6))


def _data(path: Path) -> list:
    text = path.read_text("utf-8")
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def _script(name: str, data: object) -> str:
    return (
        f'naSearch.put("{name}",{json.dumps(data, ensure_ascii=False, separators=(",", ":"))});\n'
    )


def main() -> None:
    from newsarchive.search.tokenizer import tokenize
    from newsarchive.search.writer import split_text, unpack_text

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--shown", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    search = args.output / "search"
    meta = json.loads((search / "meta.js").read_text("utf-8").split(",", 1)[1].rsplit(")", 1)[0])
    rows = []
    for i in range(meta["n"]):
        row = _data(search / "d" / f"{i}.js")[0]
        tail = _data(search / "t" / f"{i}.js") if len(row) > 6 else None  # a long text's rest
        row = [*row[:5], unpack_text(row[5], tail)]  # the plain text, as this study compares it
        rows.append(row)
    n = len(rows)
    full = [_script(f"d/{i}", [r]) for i, r in enumerate(rows)]
    bare = [[*r[:5], r[5][:160]] for r in rows]
    chunk_full = [_script(f"d/{k}", rows[k * 4 : k * 4 + 4]) for k in range((n + 3) // 4)]
    chunk_bare = [_script(f"d/{k}", bare[k * 4 : k * 4 + 4]) for k in range((n + 3) // 4)]
    texts = [_script(f"t/{i}", r[5]) for i, r in enumerate(rows)]
    split = [split_text(r[5]) for r in rows]
    heads = [_script(f"d/{i}", [[*r[:5], h, *([1] if t else [])]]) for i, (r, (h, t)) in
             enumerate(zip(rows, split, strict=True))]  # fmt: skip
    tails = [_script(f"t/{i}", t) for i, (_, t) in enumerate(split) if t]
    gz = {
        "doc_files": [_gz(t) for t in full],
        "chunks_of_4": [_gz(t) for t in chunk_full],
        "chunk_bare": [_gz(t) for t in chunk_bare],
        "texts": [_gz(t) for t in texts],
        "heads": [_gz(t) for t in heads],
    }
    rng = random.Random(1)
    per_query: dict[str, list[float]] = {
        "no_text_chunks": [], "doc_files": [], "head_files": [], "chunks_of_4": [],
        "chunks_plus_text": []
    }  # fmt: skip
    for _ in range(args.queries):
        shown = rng.sample(range(n), min(args.shown, n))
        chunks = {i // 4 for i in shown}
        per_query["no_text_chunks"].append(sum(gz["chunk_bare"][k] for k in chunks) / 1024)
        per_query["head_files"].append(sum(gz["heads"][i] for i in shown) / 1024)
        per_query["doc_files"].append(sum(gz["doc_files"][i] for i in shown) / 1024)
        per_query["chunks_of_4"].append(sum(gz["chunks_of_4"][k] for k in chunks) / 1024)
        per_query["chunks_plus_text"].append(
            (sum(gz["chunk_bare"][k] for k in chunks) + sum(gz["texts"][i] for i in shown)) / 1024
        )
    site = {
        "no_text_chunks": (sum(len(t.encode()) for t in chunk_bare), sum(gz["chunk_bare"])),
        "doc_files": (sum(len(t.encode()) for t in full), sum(gz["doc_files"])),
        "head_files": (
            sum(len(t.encode()) for t in heads + tails),
            sum(gz["heads"]) + sum(_gz(t) for t in tails),
        ),
        "chunks_of_4": (sum(len(t.encode()) for t in chunk_full), sum(gz["chunks_of_4"])),
        "chunks_plus_text": (
            sum(len(t.encode()) for t in chunk_bare + texts),
            sum(gz["chunk_bare"]) + sum(gz["texts"]),
        ),
    }

    occurrences = postings = 0
    for r in rows:
        tokens = tokenize(r[0]) + tokenize(r[5])
        occurrences += len(tokens)
        postings += len(set(tokens))
    print(json.dumps({"documents": n, "shown": args.shown}))
    for name, values in per_query.items():
        raw, z = site[name]
        print(f"{name:17} {statistics.median(values):6.1f} KB gzip per query (median), "
              f"site {raw / n / 1024:5.2f} KB raw / {z / n / 1024:5.2f} KB gzip per article")  # fmt: skip
    print(f"positions: {occurrences / n:.0f} occurrences per document over "
          f"{postings / n:.0f} postings: about {2 * occurrences / postings:.1f} more numbers "
          "per posting in every shard")  # fmt: skip


if __name__ == "__main__":
    main()
