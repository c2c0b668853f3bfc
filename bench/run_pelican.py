"""Run one Pelican build in this process and print its wall time and peak memory as JSON.

Usage: python bench/run_pelican.py CONTENT OUTPUT SETTINGS_FILE [KEY=JSON ...]
"""

from __future__ import annotations

import json
import resource
import sys
import time

from pelican import main

if __name__ == "__main__":
    content, output, settings, *overrides = sys.argv[1:]
    argv = [content, "-o", output, "-s", settings, "-q"]
    if overrides:
        argv += ["-e", *overrides]
    start = time.perf_counter()
    try:
        main(argv)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    seconds = time.perf_counter() - start
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024}))
