"""Benchmark: search index build and queries at N articles resampled from the real corpus.

For each size it builds the site with Pelican (this project's settings and theme), then reports
- the search index build time (the plugin's own timing) beside the rest of the build;
- the index's total size, raw and gzip;
- for a fixed set of queries, each in a fresh headless Chromium page (1280×720) opened from
  ``file://``: the index bytes the page loads for the query (gzip-equivalent and raw: meta,
  shards, document chunks, tag lists; not the JS code) and two times from submitting the query
  (median, p95), each until the frame that shows it has been painted:
  - *first screen* ("time to results", the target): the count is shown and the results listed
    fill the window (or the whole first page is listed, or there are none). The results page
    lists results progressively, in rank order: a result appears complete (title link,
    publisher, date and excerpt; nothing is filled in later) once its document chunk and those
    of the results above it have loaded;
  - *first page*: all of the first page's 10 results are listed (the filters' option counts and
    the tag lists follow after this).
  The page fetches meta.js when it opens (as the header box does on focus), so these times start
  with meta loaded and every other file cold. The query is submitted SETTLE_MS after the page is
  ready, as a reader who has typed it would: in the second after a fresh tab opens, Chromium's
  own start-up work (another renderer process's main thread, some 500 ms of CPU) takes one of
  the machine's two cores and every phase of a query then takes about twice as long. The same
  first screen for a query submitted 100 ms after the page is ready is reported too ("at open").
  A time ends when the task after the frame's animation callbacks runs, so a long task queued
  before it counts too;
- the same two times with every query run in one page (warm), then the page's JS heap (after a
  forced GC).

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
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

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
  const status = document.getElementById('search-status');
  const list = document.getElementById('search-results');
  const done = () => document.documentElement.getAttribute('data-search-done');
  const before = done();
  const pageDone = () => done() !== before;
  // the count is shown and every result listed is complete
  const listed = () => /^(找到|没有找到)/.test(status.textContent)
    && [...list.querySelectorAll('li.search-result')].every((li) =>
      li.querySelector('a.search-result-title[href]') && li.querySelector('.search-result-meta time'));
  // ... and fills the window (checked in a frame's animation callbacks: no extra layout)
  const screenFull = () => {
    if (pageDone()) return true;
    const items = list.querySelectorAll('li.search-result');
    return items.length > 0 && items[items.length - 1].getBoundingClientRect().bottom >= innerHeight;
  };
  // ms from t0 until the frame in which test() holds is painted: once the page changes and
  // ready() holds, test() is checked in the next frame's animation callbacks
  let t0 = 0;
  const painted = (ready, test) => new Promise((resolve) => {
    let asked = false;
    const frame = () => {
      asked = false;
      if (!test()) return;
      seen.disconnect();
      setTimeout(() => resolve(performance.now() - t0), 0);
    };
    const seen = new MutationObserver(() => {
      if (!asked && ready()) { asked = true; requestAnimationFrame(frame); }
    });
    seen.observe(document.documentElement, {attributes: true, attributeFilter: ['data-search-done']});
    seen.observe(status, {childList: true, characterData: true, subtree: true});
    seen.observe(list, {childList: true});
  });
  const screen = painted(() => listed() || pageDone(), screenFull);
  const page = painted(pageDone, pageDone);
  t0 = performance.now();
  input.value = q;
  input.form.requestSubmit();
  return {ms: await screen, page_ms: await page,
          results: list.querySelectorAll('li.search-result').length,
          status: status.textContent};
}"""


def _index_file(url: str) -> bool:
    return "/search/" in url and not url.endswith("/lunr.min.js")


def sizes_of(output: Path, urls: list[str], base: str) -> tuple[int, int]:
    """Raw and gzip bytes of the files at ``urls`` (under ``base``, the URL of ``output``)."""
    raw = gz = 0
    for url in urls:
        path = output / unquote(url[len(base) :].split("?", 1)[0])
        data = path.read_bytes()
        raw += len(data)
        gz += min(len(data), len(gzip.compress(data, 6)))  # files stored compressed count as is
    return raw, gz


# A query is submitted this long after the page is ready (see the module's docstring).
SETTLE_MS = 1000
AT_OPEN_MS = 100

# The results page is open and has fetched what it fetches before a query (meta.js).
OURS_READY = "document.querySelector('#search-page.search-ready') && naSearchUI.engineFor('./').loaded.length > 0"


def run_queries(
    output: Path,
    base: str | None = None,
    page_name: str = "search.html",
    ready: str = OURS_READY,
    is_index: Callable[[str], bool] = _index_file,
    warm: bool = True,
    settle_ms: int = SETTLE_MS,
) -> dict:
    """Time every query of QUERIES on the results page ``page_name`` of ``output``, opened from
    ``base`` (default: file://), each submitted ``settle_ms`` after the page is ready; bytes are
    those of the URLs ``is_index`` accepts."""
    from playwright.sync_api import sync_playwright

    base = base or output.as_uri() + "/"
    page_url = base + page_name
    rows = []
    heap: dict = {"usedSize": 0}
    warm_rows: list[dict] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for q in QUERIES:  # cold: a fresh page per query
            context = browser.new_context()
            page = context.new_page()
            urls: list[str] = []  # every index file the page loads (it fetches meta.js on load)
            page.on("request", lambda r, urls=urls: urls.append(r.url) if is_index(r.url) else None)
            page.goto(page_url)
            page.wait_for_function(ready)
            page.wait_for_timeout(settle_ms)
            result = page.evaluate(_RUN, q)
            page.wait_for_timeout(500)  # what loads after the first page (tag lists) counts too
            raw, gz = sizes_of(output, urls, base)
            rows.append({"q": q, "ms": result["ms"], "page_ms": result["page_ms"],
                         "results": result["results"], "status": result["status"],
                         "files": len(urls), "raw": raw, "gzip": gz})  # fmt: skip
            context.close()
        if warm:  # every query in one page, then the heap
            context = browser.new_context()
            page = context.new_page()
            page.goto(page_url)
            page.wait_for_function(ready)
            warm_rows = [page.evaluate(_RUN, q) for q in QUERIES]
            cdp = context.new_cdp_session(page)
            cdp.send("HeapProfiler.collectGarbage")
            heap = cdp.send("Runtime.getHeapUsage")
            context.close()
        browser.close()
    return {"rows": rows, "warm": warm_rows, "heap_used": heap["usedSize"]}


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def query_figures(q: dict, at_open: dict | None = None) -> dict:
    """The query figures of :func:`run_queries` (bytes loaded, times, heap), with the first
    screen of ``at_open`` (the same queries submitted AT_OPEN_MS after the page is ready)."""
    rows = q["rows"]
    kb = [r["gzip"] / 1024 for r in rows]
    screen = [r["ms"] for r in rows]
    page = [r["page_ms"] for r in rows]
    out = {
        "queries": len(rows),
        "loaded_gzip_KB_median": round(statistics.median(kb), 1),
        "loaded_gzip_KB_max": round(max(kb), 1),
        "loaded_raw_KB_median": round(statistics.median(r["raw"] / 1024 for r in rows), 1),
        "ms_to_first_screen_median": round(statistics.median(screen), 1),
        "ms_to_first_screen_p95": round(p95(screen), 1),
        "ms_to_first_page_median": round(statistics.median(page), 1),
        "ms_to_first_page_p95": round(p95(page), 1),
    }
    if at_open:
        opened = [r["ms"] for r in at_open["rows"]]
        out["at_open_ms_to_first_screen_median"] = round(statistics.median(opened), 1)
    if q["warm"]:
        warm = q["warm"]
        out["warm_ms_to_first_screen_median"] = round(statistics.median(w["ms"] for w in warm), 1)
        out["warm_ms_to_first_page_median"] = round(
            statistics.median(w["page_ms"] for w in warm), 1
        )
        out["js_heap_MB_after_all_queries"] = round(q["heap_used"] / 1e6, 1)
    return out


def print_rows(rows: list[dict]) -> None:
    for r in rows:
        print(f"  {r['q']:<12} {r['gzip'] / 1024:7.1f} KB gz {r['raw'] / 1024:8.1f} KB raw "
              f"{r['files']:3d} files {r['ms']:7.1f} ms {r['page_ms']:7.1f} ms  {r['status']}")  # fmt: skip


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
        at_open = run_queries(args.queries_only, warm=False, settle_ms=AT_OPEN_MS)
        if args.verbose:
            print_rows(q["rows"])
        print(json.dumps(query_figures(q, at_open), ensure_ascii=False))
        return
    summary = []
    for n in [int(s) for s in args.sizes.split(",")]:
        work = Path(tempfile.mkdtemp(prefix=f"search-bench-{n}-", dir=args.keep))
        b = build(n, work)
        q = run_queries(b["output"])
        at_open = run_queries(b["output"], warm=False, settle_ms=AT_OPEN_MS)
        line = {
            "articles": n,
            "site_build_s": round(b["build_s"], 1),
            "index_build_s": round(b["index_s"], 1),
            "index_share_of_rest": round(b["index_s"] / b["rest_s"], 3),
            "index_raw_MB": round(b["index_raw"] / 1e6, 1),
            "index_gzip_MB": round(b["index_gzip"] / 1e6, 1),
            "index_files": b["index_files"],
            **query_figures(q, at_open),
        }
        summary.append(line)
        if args.verbose:
            print_rows(q["rows"])
        print(json.dumps(line, ensure_ascii=False), flush=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(
        "targets at 15,000: median <= 150 KB gzip loaded, max <= 400 KB, median <= 150 ms to "
        "results (first screen), index build <= 50% of the rest of the build"
    )


if __name__ == "__main__":
    main()
