"""Pelican glue: the one report that ends a build, and the build's exit status.

- ``initialized``: count every error from now on (:mod:`.errors`);
- ``content_written``: count the pages written, and the archived articles among them;
- ``finalized`` (the plugin's only handler there, so that the order holds): run the other rooms'
  finishing steps (waiting for the search index…), print the report, remove unused conversion
  cache entries, and fail the build if any error was logged.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pelican import signals

from ..reader import current_build
from .errors import error_count, one_line, start_counting
from .sections import DEFAULT_BUDGET, Report, bytes_by_section, section_rules

_pages = 0
_finishing: Sequence[Callable[[Any], None]] = ()


def start(pelican: Any) -> None:
    global _pages
    _pages = 0
    start_counting()


def count_written(path: str, context: Any = None) -> None:
    """Count each page Pelican writes, and each archived article's page."""
    global _pages
    build = current_build()
    relative = os.path.normpath(os.path.relpath(path, build.output_path))
    if relative.endswith(".html"):
        _pages += 1
    if relative in build.article_outputs:
        build.written.add(relative)


def output_files(root: str) -> Iterator[tuple[str, int]]:
    """Every file under ``root``: (POSIX path relative to it, size)."""
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            yield relative, os.stat(path).st_size


def build_report(pelican: Any) -> Report:
    """What this build read and wrote, from the build state and ``output/`` on disk."""
    build = current_build()
    settings = pelican.settings
    files = list(output_files(build.output_path))
    budget = settings.get("NEWSARCHIVE_OUTPUT_BUDGET", DEFAULT_BUDGET)
    return Report(
        read=len(build.results),
        articles=len(build.written),
        skipped=len(build.problems),
        pages=_pages,
        files=len(files),
        sections=bytes_by_section(files, section_rules(settings)),
        budget=int(budget) if budget else None,
    )


@one_line("finishing the build")
def finish(pelican: Any) -> None:
    """End the build: finishing steps, the report, then exit non-zero if anything failed."""
    for step in _finishing:
        step(pelican)
    for line in build_report(pelican).lines():
        print(line, file=sys.stderr)
    errors = error_count()
    if errors:
        raise SystemExit(
            f"newsarchive: error: the build failed: {errors} error{'s' if errors > 1 else ''} "
            "above; output/ is incomplete"
        )
    pruned = current_build().converter.prune()
    if pruned:
        print(f"newsarchive: {pruned} unused cache entries removed", file=sys.stderr)


def register(finishing: Sequence[Callable[[Any], None]] = ()) -> None:
    """Connect the report; ``finishing`` runs first at ``finalized``, in this order."""
    global _finishing
    _finishing = tuple(finishing)
    signals.initialized.connect(start)
    signals.content_written.connect(count_written)
    signals.finalized.connect(finish)
