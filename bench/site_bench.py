"""Benchmark: the published site at scale — output size by section, peak memory, build times.

For each size N it resamples N articles (``search_corpus.py``), then measures, in one run:

- plain Pelican (no plugin, the "simple" theme) building the same articles as Markdown — the
  baseline of ``build_bench.py``;
- the cold build with ``publishconf.py`` and this project's theme (empty caches);
- adding one article to the built archive and rebuilding (warm caches);
- ``output/`` by section (articles, listings, feeds, search, sitemap…) and KB per article;
- peak memory: the largest single process (``getrusage``) and the whole build's process tree
  (the sum of proportional set sizes, sampled every 0.2 s, so shared pages count once).

    python bench/site_bench.py --sizes 15000,50000 [--keep] [--size-only]

``--size-only`` stops after the cold build's output by section (no baseline, no add-one build).

Targets (issue 14): ≤ 20 KB per article; peak ≤ 600 MB at 15,000 and ≤ 1.6 GB at 50,000; cold
≤ 2× baseline at 50,000; add one article ≤ 0.35× baseline at 15,000.
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
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import COMMON
from corpus import real_articles, write_resample
from newsarchive.batch import Converter
from search_corpus import make_corpus

ROOT = Path(__file__).resolve().parent.parent
SITEURL = "https://example.github.io/archive"
SECTIONS = ("articles", "tags", "sources", "authors", "archives", "feeds", "search", "theme")


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run(content: Path, output: Path, settings: Path, *overrides: str) -> dict[str, float]:
    """One Pelican build in a child process: seconds, largest process and process-tree peaks."""
    command = [sys.executable, str(ROOT / "bench" / "run_pelican.py"), str(content), str(output)]
    env = {**os.environ, "SITEURL": SITEURL}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [*command, str(settings), *overrides], cwd=ROOT, stdout=out, stderr=err, env=env
        )
        tree_peak = 0.0
        while child.poll() is None:
            tree_peak = max(tree_peak, _pss_mb(_tree(child.pid)))
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        raise SystemExit(f"pelican failed:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    return {**figures, "tree_peak_mb": tree_peak}


def sizes(output: Path) -> Counter[str]:
    """Bytes of ``output`` by section: the top folder, or ``home`` / ``sitemap`` / ``other``."""
    found: Counter[str] = Counter()
    for path in output.rglob("*"):
        if not path.is_file():
            continue
        top = path.relative_to(output).parts[0]
        if top in SECTIONS:
            section = top
        elif top.startswith("index") and top.endswith(".html"):
            section = "home"
        elif top == "sitemap.xml":
            section = "sitemap"
        else:
            section = "other"
        found[section] += path.stat().st_size
    return found


def bench(n: int, work: Path, size_only: bool = False) -> dict:
    archive = work / "archive"
    paths = make_corpus(n, archive / "articles")
    for name in ("tags.yml", "overrides.yml"):
        shutil.copy(ROOT / "content" / name, archive / name)
    cache = work / "cache"
    site = [f'CACHE_PATH="{cache}"', "DELETE_OUTPUT_DIRECTORY=true"]
    publish = ROOT / "publishconf.py"
    cold = run(archive, work / "out", publish, *site)
    by_section = sizes(work / "out")
    total = sum(by_section.values())
    figures = {
        "articles": n,
        "bytes": dict(by_section.most_common()),
        "total_mb": total / 1e6,
        "files": sum(1 for p in (work / "out").rglob("*") if p.is_file()),
        "kb_per_article": total / 1e3 / n,
        "cold_s": cold["seconds"],
        "cold_rss_mb": cold["peak_rss_mb"],
        "cold_tree_mb": cold["tree_peak_mb"],
    }
    if size_only:
        return figures

    # The baseline's input: the same articles as Markdown (from the cache the cold build filled).
    markdown = work / "markdown" / "articles"
    markdown.mkdir(parents=True)
    converter = Converter(cache_dir=cache / "newsarchive")
    for path, article in converter.convert_many(paths).items():
        (markdown / f"{Path(path).stem}.md").write_text(article.document(), "utf-8")
    base = run(work / "markdown", work / "out-base", ROOT / "pelicanconf.py", *COMMON, "PLUGINS=[]")
    shutil.rmtree(work / "markdown")
    shutil.rmtree(work / "out-base")

    # One more article (a real one under a new URL), added to the built archive (warm cache).
    write_resample(
        archive / "articles" / "new", n, real_articles()[0].read_text("utf-8"), 3_600_000, "new"
    )
    add_one = run(archive, work / "out", publish, *site)
    return {
        **figures,
        "baseline_s": base["seconds"],
        "baseline_rss_mb": base["peak_rss_mb"],
        "add_one_s": add_one["seconds"],
        "add_one_rss_mb": add_one["peak_rss_mb"],
        "add_one_tree_mb": add_one["tree_peak_mb"],
        "cold_vs_baseline": cold["seconds"] / base["seconds"],
        "add_one_vs_baseline": add_one["seconds"] / base["seconds"],
    }


def report(f: dict) -> str:
    n = f["articles"]
    lines = [f"== {n} articles: output {f['total_mb']:.0f} MB in {f['files']} files, "
             f"{f['kb_per_article']:.1f} KB/article (target <= 20) =="]  # fmt: skip
    for section, size in f["bytes"].items():
        lines.append(f"  {section:9} {size / 1e6:8.1f} MB  {size / 1e3 / n:6.2f} KB/article")
    if "baseline_s" not in f:
        return "\n".join(lines)
    lines += [
        f"plain Pelican, same articles as Markdown: {f['baseline_s']:7.1f} s, "
        f"peak {f['baseline_rss_mb']:.0f} MB",
        f"cold build (publishconf.py, theme):       {f['cold_s']:7.1f} s = "
        f"{f['cold_vs_baseline']:.2f}x baseline (target <= 2 at 50,000); peak "
        f"{f['cold_rss_mb']:.0f} MB largest process, {f['cold_tree_mb']:.0f} MB whole build",
        f"add one article, warm cache:              {f['add_one_s']:7.1f} s = "
        f"{f['add_one_vs_baseline']:.2f}x baseline (target <= 0.35 at 15,000); peak "
        f"{f['add_one_rss_mb']:.0f} MB largest process, {f['add_one_tree_mb']:.0f} MB whole build",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="15000", help="comma-separated article counts")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--size-only", action="store_true", help="only the cold build and its output by section"
    )
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix=f"newsarchive-site-{n}-"))
        start = time.perf_counter()
        try:
            figures = bench(n, work, args.size_only)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        print(report(figures))
        print(f"(whole benchmark at {n}: {(time.perf_counter() - start) / 60:.0f} min)")
        print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
