"""Benchmark: this site's search beside Pagefind's on the same built site.

Pagefind (PyPI ``pagefind[extended]``, a bench-only dependency: ``pip install -r
bench/requirements.lock``) indexes only the article pages' ``<article>`` element. For the query
set of ``search_bench.py`` it reports, for both engines:

- index bytes loaded per query (gzip-equivalent: Pagefind's files are stored compressed and
  count as they are; code — lunr.min.js, pagefind.js, its worker and WebAssembly — is left out
  on both sides) and the time to the first screen and to the first page of results (each query
  in a fresh tab, submitted ``search_bench.SETTLE_MS`` after the page is ready), in headless
  Chromium over a local HTTP server (Pagefind cannot run from ``file://``); ours from ``file://``
  too (its target). Pagefind's side is ``bench/pagefind_harness.html``: the same list markup and
  CSS, results listed in rank order as their fragments arrive;
- index time and peak memory (resident set): Pagefind's command; ours, the index writer
  re-indexing the documents (read back from ``output/search/``) in a child process, whose index
  then replaces the site's (so a site built by older code is measured with today's index);
- recall against a substring ground truth on the real sample articles (``content/``, built
  here): an article is expected when its ``<article>`` text contains every word of the query
  (NFKC, lower case, Traditional folded to Simplified on both sides).

    .venv/bin/python bench/pagefind_bench.py --size 15000
    .venv/bin/python bench/pagefind_bench.py --site /tmp/search-bench-15000-x/output
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import (
    ARGS,
    CHROMIUM,
    PELICAN,
    QUERIES,
    ROOT,
    build,
    print_rows,
    query_figures,
    run_queries,
)

HARNESS = Path(__file__).resolve().parent / "pagefind_harness.html"
PAGEFIND_READY = "document.querySelector('#search-page.search-ready')"
_PAGEFIND_CODE = ("pagefind.js", "pagefind-worker.js", ".pagefind", "pagefind-ui", "highlight")


def pagefind_index_file(url: str) -> bool:
    """Pagefind's index data (entry, meta, index chunks, fragments, filters), not its code."""
    return "/pagefind/" in url and not any(c in url.rsplit("/", 1)[1] for c in _PAGEFIND_CODE)


def measured(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd``; its wall time and peak resident memory (its own or a waited-for child's)."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{cmd[0]} failed:\n{out.decode(errors='replace')[-3000:]}")
    return {
        "s": time.perf_counter() - start,
        "peak_MB": usage.ru_maxrss / 1024,
        "out": out.decode(errors="replace"),
    }


def pagefind_index(site: Path) -> dict[str, float]:
    """Index ``site``'s article pages with Pagefind into ``site/pagefind/``."""
    from pagefind_bin_extended import get_executable

    shutil.rmtree(site / "pagefind", ignore_errors=True)
    return measured([str(get_executable()), "--site", str(site), "--glob", "articles/*.html",
                     "--root-selector", "article", "--quiet"])  # fmt: skip


def our_index(site: Path) -> dict[str, float]:
    """Re-index ``site``'s documents with this project's writer in a child process; the new
    index replaces ``site/search/`` (so the queries run on what the writer writes today)."""
    result = measured([sys.executable, __file__, "--reindex", str(site)])
    result["index_s"] = json.loads(result["out"].strip().splitlines()[-1])["seconds"]
    return result


def reindex(site: Path) -> None:
    """Child of :func:`our_index`: read the documents back (their text, title, tags and
    publisher name; not the column and authors) and write their index over ``site/search/``."""
    from newsarchive.search.writer import SearchDoc, unpack_text, write_index

    search = site / "search"
    meta = _load(search / "meta.js")
    docs = []
    for i in range(meta["n"]):
        row = _load(search / "d" / f"{i}.js")[0]
        title, url, date, pub, tags, packed = row[:6]
        text = unpack_text(packed, _load(search / "t" / f"{i}.js") if len(row) > 6 else None)
        key, name, source_url = meta["publishers"][pub]
        docs.append(SearchDoc(title=title, text=text, url=url, date=date, publisher=name,
                              publisher_key=key, publisher_url=source_url,
                              tags=[t[0] for t in tags], tag_slugs=[t[1] for t in tags],
                              extra=name))  # fmt: skip
    new = site / "search.new"
    shutil.rmtree(new, ignore_errors=True)
    stats = write_index(docs, new)
    shutil.copyfile(search / "lunr.min.js", new / "lunr.min.js")
    shutil.rmtree(search)
    new.rename(search)
    print(json.dumps({"seconds": stats.seconds}))


def _load(path: Path) -> Any:
    text = path.read_text("utf-8")
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """``site`` over HTTP on 127.0.0.1; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


_OURS_URLS = """async (q) => {
  const engine = naSearchUI.engineFor('./');
  const found = await engine.search(q);
  const docs = await Promise.all(found.results.map((r) => engine.doc(+r.ref)));
  return docs.map((d) => d.url);
}"""
_PAGEFIND_URLS = """async (q) => {
  const found = await pagefindBench.search(q);
  const data = await Promise.all(found.results.map((r) => r.data()));
  return data.map((d) => d.url);
}"""


def ground_truth(site: Path) -> dict[str, set[str]]:
    """Each query's expected articles (file names): those whose <article> text holds every word."""
    from bs4 import BeautifulSoup
    from newsarchive.search.folding import folder
    from newsarchive.search.tokenizer import normalize

    fold = folder()
    texts = {}
    for page in (site / "articles").glob("*.html"):
        article = BeautifulSoup(page.read_text("utf-8"), "html.parser").find("article")
        texts[page.name] = normalize(article.get_text(" "), fold) if article else ""
    truth = {}
    for q in QUERIES:
        words = [normalize(w, fold) for w in q.split()]
        truth[q] = {name for name, text in texts.items() if all(w in text for w in words)}
    return truth


def recall(site: Path) -> dict[str, Any]:
    """Both engines' recall on ``site`` (the sample build, Pagefind index included)."""
    from playwright.sync_api import sync_playwright

    truth = ground_truth(site)
    found: dict[str, dict[str, set[str]]] = {"ours": {}, "pagefind": {}}
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for engine, page_name, ready, script in [
            ("ours", "search.html", "window.naSearchUI", _OURS_URLS),
            ("pagefind", "pagefind-bench.html", PAGEFIND_READY, _PAGEFIND_URLS),
        ]:
            page = browser.new_page()
            page.goto(base + page_name)
            page.wait_for_function(ready)
            for q in QUERIES:
                found[engine][q] = {u.rsplit("/", 1)[1] for u in page.evaluate(script, q)}
            page.close()
        browser.close()
    out: dict[str, Any] = {"expected": sum(len(t) for t in truth.values())}
    for engine, by_query in found.items():
        hit = sum(len(by_query[q] & truth[q]) for q in QUERIES)
        missed = {q: len(truth[q] - by_query[q]) for q in QUERIES if truth[q] - by_query[q]}
        out[engine] = {"recall": round(hit / max(1, out["expected"]), 3), "missed": missed}
    return out


def build_sample(work: Path) -> Path:
    """The sample articles (content/) built into ``work/output``."""
    output = work / "output"
    result = subprocess.run(
        [str(PELICAN), str(ROOT / "content"), "-s", str(ROOT / "pelicanconf.py"), "-o",
         str(output), "-e", f'CACHE_PATH="{work / "cache"}"'],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode:
        raise SystemExit(f"pelican failed:\n{result.stderr[-3000:]}")
    return output


def compare(site: Path, verbose: bool) -> dict[str, Any]:
    """Index ``site`` with both engines and time the queries."""
    pf = pagefind_index(site)
    ours = our_index(site)
    shutil.copyfile(HARNESS, site / "pagefind-bench.html")
    with serve(site) as base:
        runs = {
            "ours_file": run_queries(site),
            "ours_http": run_queries(site, base, warm=False),
            "pagefind_http": run_queries(
                site, base, "pagefind-bench.html", PAGEFIND_READY, pagefind_index_file, warm=False
            ),
        }
    figures: dict[str, Any] = {}
    for name, q in runs.items():
        if verbose:
            print(name)
            print_rows(q["rows"])
        figures[name] = query_figures(q)
    figures["index"] = {
        "ours_s": round(ours["index_s"], 1),
        "ours_process_s": round(ours["s"], 1),
        "ours_peak_MB": round(ours["peak_MB"]),
        "pagefind_s": round(pf["s"], 1),
        "pagefind_peak_MB": round(pf["peak_MB"]),
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=15000, help="articles in the built site")
    parser.add_argument("--site", type=Path, help="a built output/ (instead of building one)")
    parser.add_argument("--keep", type=Path, help="keep the built sites under this directory")
    parser.add_argument("--verbose", action="store_true", help="print every query")
    parser.add_argument("--reindex", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reindex:
        reindex(args.reindex)
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="pagefind-bench-", dir=args.keep))
    try:
        sample = build_sample(work / "sample")
        pagefind_index(sample)
        shutil.copyfile(HARNESS, sample / "pagefind-bench.html")
        line: dict[str, Any] = {"recall_on_sample": recall(sample)}
        print(json.dumps(line, ensure_ascii=False), flush=True)
        site = args.site
        if site is None:
            b = build(args.size, work / "big")
            site = b["output"]
            line = {"articles": args.size, "pelican_index_s": round(b["index_s"], 1)}
        else:
            line = {"site": str(site)}
        figures = compare(site, args.verbose)
        line |= figures
        print(json.dumps(line, ensure_ascii=False), flush=True)
        for engine in ("ours_file", "ours_http", "pagefind_http"):
            f = figures[engine]
            print(f"{engine:14} {f['loaded_gzip_KB_median']:6.1f} KB median "
                  f"({f['loaded_gzip_KB_max']:.1f} max)  first screen "
                  f"{f['ms_to_first_screen_median']:6.1f} ms median, first page "
                  f"{f['ms_to_first_page_median']:6.1f} ms")  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
