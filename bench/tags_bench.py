"""Benchmark: tagging N articles as the build does, without the rest of Pelican.

The articles are the sample's, converted once and repeated with distinct bodies, so the work
grows like a real archive of that size (segmentation dominates a first build). Each run times
what the build's ``tag_articles`` step does: records from the converted Markdown, curated rules,
keywords and assignment over the archive, then Pelican tag objects with unique slugs. For each
size it prints wall time and CPU time (this process and its workers: on a busy machine the
steadier figure) of

- cold: an empty cache (a first build: every article segmented, on all cores);
- warm: the cache full (a rebuild with no changes: the last run's tags are reused), best of 3;
- reassigned: every analysis cached but the last run's tags dropped, so that the archive-wide
  part (IDF, assignment, slugs) is done again, best of 3;
- one changed: the cache full but for one edited article;

and, apart, importing the tags package and loading jieba's dictionary, which only runs that
segment an article pay (the timings above have it loaded already; a build loads it from the
cache in a fraction of that time after the first).

    python bench/tags_bench.py --sizes 1000,5000
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

started = time.perf_counter()
from newsarchive.tags import assign_tags, load_config, load_overrides, record_from_article  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - started
from newsarchive.batch import Converter, is_archived_file  # noqa: E402
from newsarchive.contrib.check import find_files  # noqa: E402
from newsarchive.convert.errors import Problem  # noqa: E402
from newsarchive.tags import keywords  # noqa: E402
from newsarchive.tags.glue import page_tags  # noqa: E402
from pelican.settings import read_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the pool's workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(function: Callable[[], Any]) -> tuple[Any, float, float]:
    """``function()``, the wall seconds and the CPU seconds (this process and the workers) it
    took: on a busy machine, CPU time says more than wall time."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = function()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,5000", help="comma-separated article counts")
    args = parser.parse_args()
    print(
        f"import newsarchive.tags: {IMPORT_SECONDS:.2f}s (jieba imported: {'jieba' in sys.modules})"
    )
    files = [p for p in find_files([ROOT / "content" / "articles"]) if is_archived_file(p)]
    converted = [a for a in Converter().convert_many(files).values() if not isinstance(a, Problem)]
    config = load_config(ROOT / "content" / "tags.yml")
    overrides = load_overrides(ROOT / "content" / "overrides.yml")
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    _, seconds, _ = timed(lambda: keywords.prepare(config.words))
    print(
        f"jieba import + dictionary load (once, only when an article is segmented): {seconds:.2f}s"
    )
    for size in map(int, args.sizes.split(",")):
        articles = [  # distinct bodies and URLs: no two articles share an analysis
            replace(
                a,
                metadata={**a.metadata, "source_url": f"{a.metadata['source_url']}#{i}"},
                markdown=f"{a.markdown}\n\n{i}",
            )
            for i in range(size // len(converted) + 1)
            for a in converted
        ][:size]
        edited = [replace(articles[0], markdown=articles[0].markdown + "\n\n编辑"), *articles[1:]]
        with tempfile.TemporaryDirectory() as cache:

            def step(articles: list[Any] = articles, cache: str = cache) -> Any:
                records = [record_from_article(a) for a in articles]
                results = assign_tags(records, config, overrides, cache)
                return results, page_tags(results, settings, cache)

            (cold, _), cold_s, cold_cpu = timed(step)
            warm_s = warm_cpu = float("inf")
            for _ in range(3):
                (warm, _), seconds, cpu = timed(step)
                warm_s, warm_cpu = min(warm_s, seconds), min(warm_cpu, cpu)
                assert warm == cold
            again_s = again_cpu = float("inf")
            for _ in range(3):
                for last in Path(cache).glob("tags-*.marshal"):  # the last run's tags
                    last.unlink()
                (again, _), seconds, cpu = timed(step)
                again_s, again_cpu = min(again_s, seconds), min(again_cpu, cpu)
                assert again == cold
            _, changed_s, _ = timed(lambda edited=edited: step(edited))
        print(
            f"{size:6d} articles: cold {cold_s:6.2f}s (CPU {cold_cpu:6.2f}s on {os.cpu_count()} "
            f"cores), warm {warm_s:6.3f}s (CPU {warm_cpu:.3f}s), "
            f"reassigned {again_s:6.3f}s (CPU {again_cpu:.3f}s), one changed {changed_s:6.3f}s"
        )
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
