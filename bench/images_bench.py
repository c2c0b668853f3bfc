"""Benchmark ``newsarchive images fetch``: 1,000 images from a local server; images/s and memory.

    .venv/bin/python bench/images_bench.py [--images 1000] [--workers 8] [--kb 60] [--delay 0]

The server (tests/images_support.py, a threaded http.server) runs in a child process and serves
distinct real JPEGs of about ``--kb`` KB each, half of them referenced through the weserv proxy
form, optionally after ``--delay`` seconds (a far host). The fetching process reports images/s
and its peak RSS; a second run shows what a resumed run costs when everything is already stored.
On the 2-core machine the server and the fetcher share the cores, so the figure is a floor.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from images_support import ImageServer, Reply  # noqa: E402
from newsarchive.images.config import FetchConfig, route_via  # noqa: E402
from newsarchive.images.fetch import fetch_all  # noqa: E402


def noise_jpeg(seed: int, kb: int) -> bytes:
    """A real JPEG of roughly ``kb`` KB (noise compresses badly, like a photo)."""
    import io

    from PIL import Image

    rng = random.Random(seed)
    side = max(16, int((kb * 1024 / 1.3) ** 0.5))
    image = Image.frombytes("L", (side, side), rng.randbytes(side * side)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def serve(count: int, kb: int, delay: float, ready: multiprocessing.Queue) -> None:
    bodies = [noise_jpeg(n, kb) for n in range(count)]
    with ImageServer() as server:
        for n, body in enumerate(bodies):
            server.routes[f"img{n % 7}.example/photos/{n}.jpg"] = Reply(body=body, delay=delay)
        ready.put((server.url, sum(map(len, bodies))))
        while True:
            time.sleep(3600)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=FetchConfig().workers)
    parser.add_argument("--kb", type=int, default=60)
    parser.add_argument("--delay", type=float, default=0.0, help="server delay per image (s)")
    args = parser.parse_args()

    ready: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.get_context("fork").Process(
        target=serve, args=(args.images, args.kb, args.delay, ready), daemon=True
    )
    child.start()
    url, total_bytes = ready.get(timeout=300)
    urls = [
        f"https://img{n % 7}.example/photos/{n}.jpg"
        if n % 2
        else f"https://images.weserv.nl/?url=img{n % 7}.example/photos/{n}.jpg"
        for n in range(args.images)
    ]
    config = FetchConfig(workers=args.workers, route=route_via(url), proxy=None)
    baseline = rss_mb()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            start, cpu = time.perf_counter(), time.process_time()
            first = fetch_all(urls, tmp, config)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            peak = rss_mb()
            start = time.perf_counter()
            second = fetch_all(urls, tmp, config)
            again = time.perf_counter() - start
            stored = sum(f.stat().st_size for f in Path(tmp).glob("*.jpg"))
    finally:
        child.terminate()
    print(f"images:            {args.images} distinct JPEGs, {total_bytes / 1e6:.1f} MB served")
    print(
        f"workers:           {args.workers}, server delay {args.delay:g} s, {os.cpu_count()} cores"
    )
    print(f"first run:         {elapsed:.2f} s = {args.images / elapsed:.0f} images/s, "
          f"{total_bytes / 1e6 / elapsed:.1f} MB/s; {first.lines()[0]}")  # fmt: skip
    print(f"fetcher CPU:       {cpu:.2f} s ({cpu / args.images * 1000:.1f} ms per image)")
    print(f"stored:            {stored / 1e6:.1f} MB in {first.files_written} files")
    print(
        f"second run:        {again:.2f} s ({second.already} already had, {second.fetched} fetched)"
    )
    print(f"peak RSS:          {peak:.0f} MB (before fetching: {baseline:.0f} MB)")


if __name__ == "__main__":
    main()
