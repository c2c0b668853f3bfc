"""Benchmark: search index build and queries at N articles resampled from the real corpus.

For each size it builds the site with Pelican (this project's settings and theme), then reports
- the search index build time (the plugin's own timing) beside the rest of the build;
- the index's total size, raw and gzip;
- for a fixed set of queries, each in a fresh headless Chromium page opened from ``file://``:
  the index bytes the page loads for the query (gzip-equivalent and raw: meta, folding blocks,
  shards, document chunks; not the JS code) and the time from submitting the query to rendered
  results (median, p95). The page fetches meta.js when it opens (as the header box does on
  focus), so that time starts with meta loaded and every other file cold;
- the page's JS heap after running every query in one page (after a forced GC).

    .venv/bin/python bench/search_bench.py --sizes 1000,5000,15000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_corpus import make_corpus

ROOT = Path(__file__).resolve().parent.parent
PELICAN = Path(sys.executable).with_name("pelican")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

QUERIES = [
    # names
    "特朗普", "拜登", "习近平", "普京", "孟晚舟", "蓬佩奥", "任志强",
    # places
    "香港", "台湾", "新疆", "北京", "俄罗斯", "巴西", "马丘比丘",
    # words of 2-4 characters
    "疫情", "疫苗", "选举", "制裁", "人权", "新冠病毒", "贸易战", "国家安全", "气候变化",
    # Traditional forms
    "臺灣", "習近平", "選舉", "國安法", "川普",
    # Latin script
    "TikTok", "COVID-19", "Google", "Instagram",
    # several words
    "特朗普 拜登", "香港 国安法", "美国 中国 贸易", "疫苗 巴西",
]  # fmt: skip

_SEARCH_LOG = re.compile(r"newsarchive search: [^:]*? MB in ([\d.]+) s")


def build(n: int, work: Path) -> dict:
    content = work / "content"
    make_corpus(n, content / "articles")
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    output = work / "output"
    start = time.perf_counter()
    result = subprocess.run(
        [str(PELICAN), str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output), "-v",
         "-e", f'CACHE_PATH="{work / "cache"}"'],
        cwd=ROOT, capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "500"},
    )  # fmt: skip
    total = time.perf_counter() - start
    log = re.sub(r"\s+", " ", result.stdout + result.stderr)
    if result.returncode != 0:
        raise SystemExit(f"pelican failed:\n{log[-5000:]}")
    match = _SEARCH_LOG.search(log)
    if not match:
        raise SystemExit("no search index timing in the Pelican log")
    index_s = float(match.group(1))
    raw = gz = files = 0
    for f in (output / "search").rglob("*.js"):
        if f.name == "lunr.min.js":
            continue
        data = f.read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, 6))
        files += 1
    return {"output": output, "build_s": total, "index_s": index_s, "rest_s": total - index_s,
            "index_raw": raw, "index_gzip": gz, "index_files": files}  # fmt: skip


_RUN = """async (q) => {
  const input = document.getElementById('search-page-q');
  const done = () => document.documentElement.getAttribute('data-search-done');
  const before = done();
  const t0 = performance.now();
  input.value = q;
  input.form.requestSubmit();
  await new Promise((resolve) => {
    const check = () => (done() !== before ? resolve() : setTimeout(check, 1));
    check();
  });
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return {ms: performance.now() - t0,
          results: document.querySelectorAll('#search-results li.search-result').length,
          status: document.getElementById('search-status').textContent};
}"""


def _index_file(url: str) -> bool:
    return "/search/" in url and not url.endswith("/lunr.min.js")


def sizes_of(output: Path, urls: list[str]) -> tuple[int, int]:
    raw = gz = 0
    for url in urls:
        path = output / url.split("/output/", 1)[1]
        data = path.read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, 6))
    return raw, gz


def run_queries(output: Path) -> dict:
    from playwright.sync_api import sync_playwright

    page_url = (output / "search.html").as_uri()
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for q in QUERIES:  # cold: a fresh page per query
            context = browser.new_context()
            page = context.new_page()
            urls: list[str] = []  # every index file the page loads (it fetches meta.js on load)
            page.on(
                "request", lambda r, urls=urls: urls.append(r.url) if _index_file(r.url) else None
            )
            page.goto(page_url)
            page.wait_for_selector("#search-page.search-ready")
            page.wait_for_function("naSearchUI.engineFor('./').loaded.length > 0")
            page.wait_for_timeout(100)
            result = page.evaluate(_RUN, q)
            raw, gz = sizes_of(output, urls)
            rows.append({"q": q, "ms": result["ms"], "results": result["results"],
                         "status": result["status"], "files": len(urls), "raw": raw, "gzip": gz})  # fmt: skip
            context.close()
        context = browser.new_context()  # warm: every query in one page, then the heap
        page = context.new_page()
        page.goto(page_url)
        page.wait_for_selector("#search-page.search-ready")
        warm = [page.evaluate(_RUN, q)["ms"] for q in QUERIES]
        cdp = context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        heap = cdp.send("Runtime.getHeapUsage")
        context.close()
        browser.close()
    return {"rows": rows, "warm_ms": warm, "heap_used": heap["usedSize"]}


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,5000,15000")
    parser.add_argument("--keep", type=Path, help="keep the built sites under this directory")
    parser.add_argument("--verbose", action="store_true", help="print every query")
    parser.add_argument(
        "--queries-only", type=Path, help="only time the queries on a built output/"
    )
    args = parser.parse_args()
    if args.queries_only:
        q = run_queries(args.queries_only)
        ms = [r["ms"] for r in q["rows"]]
        kb = [r["gzip"] / 1024 for r in q["rows"]]
        print(json.dumps({"queries": len(ms), "loaded_gzip_KB_median": round(statistics.median(kb), 1),
                          "loaded_gzip_KB_max": round(max(kb), 1),
                          "ms_to_results_median": round(statistics.median(ms), 1),
                          "ms_to_results_p95": round(p95(ms), 1),
                          "warm_ms_median": round(statistics.median(q["warm_ms"]), 1),
                          "js_heap_MB_after_all_queries": round(q["heap_used"] / 1e6, 1)}))  # fmt: skip
        return
    summary = []
    for n in [int(s) for s in args.sizes.split(",")]:
        work = Path(tempfile.mkdtemp(prefix=f"search-bench-{n}-", dir=args.keep))
        b = build(n, work)
        q = run_queries(b["output"])
        rows = q["rows"]
        kb = [r["gzip"] / 1024 for r in rows]
        ms = [r["ms"] for r in rows]
        line = {
            "articles": n,
            "site_build_s": round(b["build_s"], 1),
            "index_build_s": round(b["index_s"], 1),
            "index_share_of_rest": round(b["index_s"] / b["rest_s"], 3),
            "index_raw_MB": round(b["index_raw"] / 1e6, 1),
            "index_gzip_MB": round(b["index_gzip"] / 1e6, 1),
            "index_files": b["index_files"],
            "queries": len(rows),
            "loaded_gzip_KB_median": round(statistics.median(kb), 1),
            "loaded_gzip_KB_max": round(max(kb), 1),
            "loaded_raw_KB_median": round(statistics.median(r["raw"] / 1024 for r in rows), 1),
            "ms_to_results_median": round(statistics.median(ms), 1),
            "ms_to_results_p95": round(p95(ms), 1),
            "warm_ms_median": round(statistics.median(q["warm_ms"]), 1),
            "js_heap_MB_after_all_queries": round(q["heap_used"] / 1e6, 1),
        }
        summary.append(line)
        if args.verbose:
            for r in rows:
                print(f"  {r['q']:<12} {r['gzip'] / 1024:7.1f} KB gz {r['raw'] / 1024:8.1f} KB raw "
                      f"{r['files']:3d} files {r['ms']:7.1f} ms  {r['status']}")  # fmt: skip
        print(json.dumps(line, ensure_ascii=False), flush=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(
        "targets at 15,000: median <= 150 KB gzip loaded, max <= 400 KB, median <= 150 ms, "
        "index build <= 50% of the rest of the build"
    )


if __name__ == "__main__":
    main()
