"""``newsarchive images fetch|status``: keep local copies of the articles' images."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field

from .config import FetchConfig, direct, route_via
from .manifest import Manifest, is_stored
from .references import DEFAULT_PROXY, collect

DEFAULT_IMAGES = "content/images"


@dataclass
class Coverage:
    """How many of the referenced images have local copies."""

    referenced: int = 0
    articles: int = 0
    stored: int = 0
    failed: int = 0
    not_fetched: int = 0
    files: int = 0
    bytes: int = 0
    failed_by_reason: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        reasons = ", ".join(f"{n} {r}" for r, n in self.failed_by_reason.items())
        return [
            f"images referenced: {self.referenced} (in {self.articles} articles)",
            f"stored:            {self.stored} ({self.files} files, {self.bytes / 1e6:.1f} MB)",
            f"failed:            {self.failed}" + (f" ({reasons})" if reasons else ""),
            f"not fetched yet:   {self.not_fetched}",
        ]


def coverage(used: dict[str, list[str]], manifest: Manifest) -> Coverage:
    """Coverage of the images in ``used`` (URL → articles) by ``manifest``."""
    result = Coverage(referenced=len(used), articles=len({a for v in used.values() for a in v}))
    reasons: Counter[str] = Counter()
    files: set[str] = set()
    for url in used:
        entry = manifest.get(url)
        if manifest.has_file(url):
            result.stored += 1
            files.add(entry["file"])  # type: ignore[index]
        elif entry is not None and not is_stored(entry):
            result.failed += 1
            reasons[entry.get("reason", "error")] += 1
        else:
            result.not_fetched += 1
    result.files = len(files)
    result.bytes = sum((manifest.directory / f).stat().st_size for f in files)
    result.failed_by_reason = dict(reasons.most_common())
    return result


def _collect(paths: list[str]) -> dict[str, list[str]]:
    used, problems = collect(paths or ["content"])
    for problem in problems:
        print(problem, file=sys.stderr)
    return used


def _fetch(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from .fetch import fetch_all

    used = _collect(args.paths)
    config = FetchConfig(
        workers=args.workers,
        timeout=args.timeout,
        max_bytes=int(args.max_size * 1024 * 1024),
        retries=args.retries,
        proxy=None if args.no_proxy else args.proxy,
        route=route_via(args.route) if args.route else direct,
    )
    console = Console(stderr=True)
    show = not args.no_progress and console.is_terminal
    columns = (TextColumn("images"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not show) as progress:
        task = progress.add_task("images", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = fetch_all(used, args.images, config, progress=advance)
    for line in summary.lines():
        print(line)
    return 130 if summary.interrupted else 0


def _status(args: argparse.Namespace) -> int:
    result = coverage(_collect(args.paths), Manifest.load(args.images))
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    else:
        print("\n".join(result.lines()))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``fetch`` and ``status`` subcommands."""
    commands = parser.add_subparsers(dest="images_command", required=True)
    fetch = commands.add_parser(
        "fetch", help="download the articles' images into content/images (resumable)"
    )
    status = commands.add_parser("status", help="how many images have local copies")
    for command in (fetch, status):
        command.add_argument(
            "paths", nargs="*", help="archived files or folders (default: content)"
        )
        command.add_argument(
            "--images", default=DEFAULT_IMAGES, metavar="DIR", help=f"default: {DEFAULT_IMAGES}"
        )
    defaults = FetchConfig()
    fetch.add_argument("--workers", type=int, default=defaults.workers, help="parallel downloads")
    fetch.add_argument(
        "--timeout", type=float, default=defaults.timeout, help="seconds to connect / between reads"
    )
    fetch.add_argument(
        "--max-size", type=float, default=defaults.max_bytes / 1024 / 1024, help="MB per image"
    )
    fetch.add_argument(
        "--retries", type=int, default=defaults.retries, help="retries of transient failures"
    )
    fetch.add_argument(
        "--proxy", default=DEFAULT_PROXY, help=f"image proxy tried second (default {DEFAULT_PROXY})"
    )
    fetch.add_argument("--no-proxy", action="store_true", help="never try a proxy")
    fetch.add_argument(
        "--route",
        metavar="URL",
        help="fetch from a mirror laid out by host: https://HOST/PATH is fetched as URL/HOST/PATH",
    )
    fetch.add_argument("--no-progress", action="store_true", help="no progress bar")
    fetch.set_defaults(images_run=_fetch)
    status.add_argument("--json", action="store_true", help="print the figures as JSON")
    status.set_defaults(images_run=_status)


def run(args: argparse.Namespace) -> int:
    return args.images_run(args)
