"""``newsarchive feeds fetch``: the command line over :mod:`newsarchive.feeds.runner`."""

from __future__ import annotations

import argparse
import sys

DEFAULT_FEEDS = "content/feeds.yml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``fetch`` subcommand."""
    commands = parser.add_subparsers(dest="feeds_command", required=True)
    fetch = commands.add_parser(
        "fetch", help="archive the new items of the feeds in content/feeds.yml"
    )
    fetch.add_argument(
        "--feeds", default=DEFAULT_FEEDS, help=f"the feeds (default: {DEFAULT_FEEDS})"
    )
    fetch.add_argument(
        "--content", default="content", help="the archive: write into CONTENT/articles/<publisher>/"
    )
    fetch.add_argument(
        "--state",
        metavar="FILE",
        help="the ETag/Last-Modified state (default: CONTENT/feeds-state.json)",
    )
    fetch.add_argument(
        "--limit", type=_positive, metavar="N", help="at most N new files per feed this run"
    )
    fetch.add_argument(
        "--dry-run", action="store_true", help="fetch and report, write no file and no state"
    )
    fetch.add_argument(
        "--strict",
        action="store_true",
        help="exit non-zero when any feed failed (default: only when every feed failed)",
    )
    fetch.set_defaults(run=run)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number ≥ 1")
    return int(value)


def run(args: argparse.Namespace) -> int:
    """Follow the feeds; print each new file's path on stdout, progress and summary on stderr.
    Exit 1 when every feed failed (any, with ``--strict``), 2 when feeds.yml is wrong."""
    from ..convert.errors import ArchiveError
    from .config import load_feeds
    from .runner import follow, summary  # here: loads httpx, feedparser, trafilatura

    try:
        feeds = load_feeds(args.feeds)
        results = follow(feeds, args.content, args.state, limit=args.limit, dry_run=args.dry_run)
    except ArchiveError as exc:  # feeds.yml or the state file: name the line
        problem = exc.problem
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        hint = f" ({problem.hint})" if problem.hint else ""
        print(f"newsarchive: error: {where}: {problem.message}{hint}", file=sys.stderr)
        return 2
    for result in results:
        for path in result.new:
            print(path)
    verb = "would be written" if args.dry_run else "written"
    print(f"newsarchive feeds: {summary(results)} (files {verb})", file=sys.stderr)
    failed = [r for r in results if r.status == "failed"]
    if not feeds:
        print(f"newsarchive feeds: {args.feeds} lists no feeds", file=sys.stderr)
        return 0
    return 1 if failed and (args.strict or len(failed) == len(results)) else 0
