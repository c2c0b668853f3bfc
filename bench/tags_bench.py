"""Benchmark: tagging N articles (curated rules + keywords + assignment), no Pelican.

The records are the sample articles repeated with distinct URLs, so the work grows like a real
archive of that size (segmentation dominates). Prints seconds and articles per second, with an
empty analysis cache (first build) and a full one (rebuild).

    python bench/tags_bench.py --sizes 51,510,2040
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from newsarchive.tags import TagRecord, assign_tags, load_config, load_overrides, measure
from newsarchive.tags.keywords import _dictionary
from newsarchive.tags.report import read_records

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="51,510")
    args = parser.parse_args()
    records, _ = read_records([ROOT / "content" / "articles"])
    config = load_config(ROOT / "content" / "tags.yml")
    overrides = load_overrides(ROOT / "content" / "overrides.yml")
    started = time.perf_counter()
    _dictionary()
    print(f"jieba dictionary loaded once: {time.perf_counter() - started:.2f}s")
    for size in map(int, args.sizes.split(",")):
        batch = [
            TagRecord(f"{r.url}#{i}", r.title, f"{r.text}\n{i}")  # distinct texts: no cache hits
            for i in range(size // len(records) + 1)
            for r in records
        ][:size]
        with tempfile.TemporaryDirectory() as cache:
            for run in ("cold", "cached"):
                started = time.perf_counter()
                results = assign_tags(batch, config, overrides, cache_dir=cache)
                seconds = time.perf_counter() - started
                share = measure(batch, results, config).shared_share
                print(
                    f"{size:6d} articles, {run:6s}: {seconds:6.2f}s, "
                    f"{size / seconds:7.1f} articles/s (shared {share:.1%})"
                )


if __name__ == "__main__":
    main()
