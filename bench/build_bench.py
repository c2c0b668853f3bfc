"""Benchmark: converting and building N resampled archived articles, beside plain Pelican.

For each size it reports
- conversion speed (articles/s) on one process and on all cores, with no cache;
- the cold build (empty newsarchive cache) and the rebuild with no changes (warm cache);
- the baseline: plain Pelican (no plugin) building the same articles already converted to Markdown;
all with Pelican's "simple" theme so that only the archive reading differs, plus peak RSS.

    python bench/build_bench.py --sizes 1000,5000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus
from newsarchive.batch import Converter

ROOT = Path(__file__).resolve().parent.parent
COMMON = [
    'THEME="simple"',
    'DIRECT_TEMPLATES=["index","tags","categories","authors","archives"]',
    "DELETE_OUTPUT_DIRECTORY=false",
    # Pelican's own paginated home (the "simple" theme's index needs it; ours is one page)
    'PAGINATED_TEMPLATES={"index":null,"tag":100,"category":100,"author":100,"period_archives":100}',
    "DEFAULT_PAGINATION=20",
]


def pelican(content: Path, output: Path, *overrides: str) -> dict[str, float]:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run_pelican.py"),
            str(content),
            str(output),
            str(ROOT / "pelicanconf.py"),
            *COMMON,
            *overrides,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"pelican failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def conversion_rate(paths: list[Path], workers: int) -> float:
    start = time.perf_counter()
    results = Converter(workers=workers).convert_many(paths)
    seconds = time.perf_counter() - start
    assert all(not isinstance(r, Exception) for r in results.values())
    return len(paths) / seconds


def bench(n: int, work: Path) -> dict[str, float]:
    archive = work / "archive"
    paths = make_corpus(n, archive / "articles")
    cores = os.cpu_count() or 1
    figures = {
        "articles": n,
        "cores": cores,
        "convert_per_s_1": conversion_rate(paths, 1),
        f"convert_per_s_{cores}": conversion_rate(paths, cores),
    }

    # The baseline's input: the same articles as Pelican Markdown.
    markdown = work / "markdown" / "articles"
    markdown.mkdir(parents=True)
    for path, article in Converter().convert_many(paths).items():
        (markdown / f"{Path(path).stem}.md").write_text(article.document(), "utf-8")
    base = pelican(work / "markdown", work / "out-base", "PLUGINS=[]")
    cache = f'CACHE_PATH="{work / "cache"}"'
    cold = pelican(archive, work / "out-archive", cache)
    warm = pelican(archive, work / "out-archive", cache)
    figures.update(
        {
            "baseline_s": base["seconds"],
            "baseline_rss_mb": base["peak_rss_mb"],
            "cold_s": cold["seconds"],
            "cold_rss_mb": cold["peak_rss_mb"],
            "rebuild_s": warm["seconds"],
            "rebuild_rss_mb": warm["peak_rss_mb"],
            "cold_vs_baseline": cold["seconds"] / base["seconds"],
            "rebuild_vs_baseline": warm["seconds"] / base["seconds"],
        }
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000", help="comma-separated article counts")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix=f"newsarchive-bench-{n}-"))
        try:
            f = bench(n, work)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        cores = f["cores"]
        print(f"\n== {n} articles ({cores} cores) ==")
        print(
            f"convert, no cache:  {f['convert_per_s_1']:8.1f} articles/s on 1 process, "
            f"{f[f'convert_per_s_{cores}']:8.1f} on {cores}"
        )
        print(
            f"plain Pelican on the same articles as Markdown: {f['baseline_s']:7.2f} s, "
            f"peak RSS {f['baseline_rss_mb']:.0f} MB"
        )
        print(
            f"newsarchive cold build (empty cache):          {f['cold_s']:7.2f} s, "
            f"peak RSS {f['cold_rss_mb']:.0f} MB  = {f['cold_vs_baseline']:.2f}x baseline (target <= 2)"
        )
        print(
            f"newsarchive rebuild, no changes (warm cache):  {f['rebuild_s']:7.2f} s, "
            f"peak RSS {f['rebuild_rss_mb']:.0f} MB  = {f['rebuild_vs_baseline']:.2f}x baseline (target <= 1.2)"
        )
        print(json.dumps(f))


if __name__ == "__main__":
    main()
