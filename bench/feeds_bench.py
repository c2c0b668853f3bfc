"""Benchmark ``newsarchive feeds fetch``: 20 feeds × 50 full-text items from a local server.

The first run archives every item: archived files per second and the command's peak memory. The
second run must make one conditional request per feed (each answered 304) and write nothing.
The baseline, timed in the same run, is the converter alone on the files the first run wrote
(the conversion every archived file needs). The items are the corpus articles copied into
``tests/feeds/articles`` (seven carry feedx.net's footer), each under 1000 distinct URLs.

Run it alone: ``flock /tmp/bench.lock .venv/bin/python bench/feeds_bench.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from feeds_support import corpus_items, rss  # noqa: E402
from http_support import LocalServer, Reply  # noqa: E402

PYTHON = sys.executable


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, str, str]:
    """(seconds, peak RSS in MB, stdout, stderr) of one child process (its own rusage)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode:
        raise SystemExit(f"{command} failed ({child.returncode}):\n{stderr[-3000:]}")
    return seconds, round(usage.ru_maxrss / 1024), stdout, stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=1, help="first runs to take the median of")
    args = parser.parse_args()
    articles = corpus_items()
    env = {**os.environ, "NEWSARCHIVE_ALLOW_PRIVATE": "1"}
    firsts, peaks, baselines = [], [], []
    with LocalServer() as server:
        for repeat in range(args.repeat):
            server.reset()
            work = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
            lines = ["feeds:"]
            for feed in range(args.feeds):
                items = [
                    replace(
                        articles[n % len(articles)],
                        url=f"{articles[n % len(articles)].url}-{repeat}-{feed}-{n}",
                    )
                    for n in range(args.items)
                ]
                server.routes[f"feed/{feed}"] = [
                    Reply(
                        body=rss(items),
                        content_type="application/rss+xml",
                        headers={"ETag": f'"{feed}"'},
                    ),
                    Reply(304, b""),
                ]
                lines.append(f"  - url: {server.url}/feed/{feed}")
            (work / "feeds.yml").write_text("\n".join(lines) + "\n", "utf-8")
            command = [
                *(PYTHON, "-m", "newsarchive.cli", "feeds", "fetch"),
                *("--feeds", str(work / "feeds.yml"), "--content", str(work / "content")),
            ]
            seconds, peak, out, err = timed(command, env)
            written = out.split()
            expected = args.feeds * args.items
            assert len(written) == expected, (len(written), err[-2000:])
            firsts.append(len(written) / seconds)
            peaks.append(peak)
            print(f"run 1: {len(written)} files in {seconds:.1f} s, peak {peak} MB", flush=True)
            server.requests.clear()
            again, _, out2, err2 = timed(command, env)
            asked = [r for r in server.requests if r.key.startswith("feed/")]
            conditional = [r for r in asked if "if-none-match" in r.headers]
            assert not out2.strip() and len(asked) == len(conditional) == args.feeds, err2
            assert len(list((work / "content").rglob("*.html"))) == expected
            print(
                f"run 2: {len(asked)} requests, {len(conditional)} conditional (304), "
                f"0 files written, {again:.1f} s",
                flush=True,
            )
            script = (
                "import sys,time\nfrom newsarchive.convert.pipeline import convert_file\n"
                "paths=sys.stdin.read().split()\nt=time.perf_counter()\n"
                "[convert_file(p) for p in paths]\nprint(time.perf_counter()-t)"
            )
            base = subprocess.run(
                [PYTHON, "-c", script], input=out, capture_output=True, text=True, check=True
            )
            baselines.append(len(written) / float(base.stdout))
            print(f"baseline: converter alone {baselines[-1]:.1f} files/s", flush=True)
    first, baseline = statistics.median(firsts), statistics.median(baselines)
    print(
        f"\nfeeds fetch, first run: {first:.1f} archived files/s (median of {len(firsts)}), "
        f"peak memory {statistics.median(peaks):.0f} MB; converter alone {baseline:.1f} files/s "
        f"(fetch = {first / baseline:.2f}× the converter's rate); second run: "
        f"{args.feeds} conditional requests, nothing written"
    )


if __name__ == "__main__":
    main()
