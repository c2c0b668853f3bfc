"""``newsarchive sources check``: check the originals, journal their status, sum up by publisher."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ..convert.publishers import PublisherTable
from ..inputs import InputError
from ..settings_file import SETTINGS_FILE, SettingError, read_literal
from .status import STATUS_FILE, STATUSES, Record, load

if TYPE_CHECKING:
    from .check import Source

DEFAULT_STATUS = f"content/{STATUS_FILE}"
# CheckConfig's defaults, for the options: check.py loads the HTTP stack, which the parser does
# not (tests/test_sources_check.py proves they agree).
WORKERS, DELAY = 4, 2.0


def summary(sources: list[Source], records: dict[str, Record], checked: list[Record]) -> str:
    """A table by publisher: URLs, checked in this run, and the standing of each status."""
    now = {r.url for r in checked}
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for source in sources:
        row = rows[source.publisher]
        row["URLs"] += 1
        row["checked now"] += source.url in now
        record = records.get(source.url)
        row[record.status if record else "never checked"] += 1
    columns = ["URLs", "checked now", *STATUSES, "never checked"]
    width = max([len("publisher"), *(len(p) for p in rows)]) + 2
    total: Counter[str] = Counter()
    for row in rows.values():
        total.update(row)

    def line(name: str, row: Counter[str] | None) -> str:
        cells = (c if row is None else str(row[c]) for c in columns)
        return name.ljust(width) + "".join(
            cell.rjust(len(c) + 2) for c, cell in zip(columns, cells, strict=True)
        )

    return "\n".join(
        [line("publisher", None), *(line(p, rows[p]) for p in sorted(rows)), line("all", total)]
    )


def _check(args: argparse.Namespace) -> int:
    try:
        return _check_sources(args)
    except OSError as exc:  # the status file's folder missing, a folder given as the file…
        where = exc.filename or args.status
        print(f"newsarchive: error: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1


def _check_sources(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from ..batch import Converter
    from ..convert.pipeline import Settings
    from ..web import FetchConfig
    from .check import CheckConfig, find_sources, run_checks

    status_path = Path(args.status)
    records, problems = load(status_path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if any(p.level == "error" for p in problems):
        return 1
    publishers = publisher_table(args.settings)
    sources, unreadable = find_sources(args.paths or ["content"], publishers)
    for problem in unreadable:
        print(problem, file=sys.stderr)
    fetch = FetchConfig(
        connect_timeout=args.timeout, read_timeout=args.timeout, deadline=4 * args.timeout
    )
    config = CheckConfig(fetch=fetch, workers=args.workers, delay=args.delay)
    console = Console(stderr=True)
    show = not args.no_progress and console.is_terminal
    columns = (TextColumn("sources"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not show) as progress:
        task = progress.add_task("sources", total=None)
        run = run_checks(
            sources,
            records,
            status_path,
            limit=args.limit,
            confirm_after=timedelta(days=args.confirm_after),
            config=config,
            converter=Converter(Settings(publishers)),
            progress=lambda done, total, _: progress.update(task, completed=done, total=total),
        )
    for problem in run.problems:
        print(problem, file=sys.stderr)
    publisher = {s.url: s.publisher for s in sources}
    if args.json:
        rows = [{"publisher": publisher[r.url], **asdict(r)} for r in run.checked]
        json.dump(sorted(rows, key=lambda r: r["url"]), sys.stdout, ensure_ascii=False, indent=2)
        print()
    out = sys.stderr if args.json else sys.stdout
    print(summary(sources, records, run.checked), file=out)
    print(f"status written to {status_path}", file=out)
    if run.interrupted:
        return 130
    return 1 if run.problems or unreadable else 0


def publisher_table(conf: str) -> PublisherTable:
    """The build's publisher table: the defaults with ``NEWSARCHIVE_PUBLISHERS`` from ``conf``
    (the project's ``pelicanconf.py``, read, not run) merged in."""
    try:
        overrides = read_literal(conf, "NEWSARCHIVE_PUBLISHERS")
    except SettingError as exc:
        raise InputError(str(exc)) from None
    try:
        return PublisherTable.from_settings(overrides)
    except (ValueError, TypeError, AttributeError) as exc:  # not {key: {field: value}}
        raise InputError(
            f"{conf}: NEWSARCHIVE_PUBLISHERS: {exc} (see NEWSARCHIVE_PUBLISHERS in README)"
        ) from None


def _days(value: str) -> float:
    days = float(value)
    if days < 0:
        raise argparse.ArgumentTypeError("must be 0 or more days")
    return days


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``check`` subcommand."""
    commands = parser.add_subparsers(dest="sources_command", required=True)
    check = commands.add_parser(
        "check", help="check whether the originals are live, changed or gone (resumable)"
    )
    check.add_argument("paths", nargs="*", help="archived files or folders (default: content)")
    check.add_argument(
        "--limit", type=_positive, metavar="N", help="check only the N least recently checked"
    )
    check.add_argument(
        "--confirm-after",
        type=_days,
        default=3.0,
        metavar="DAYS",
        help="gone needs two failing checks at least DAYS apart (default 3)",
    )
    check.add_argument("--json", action="store_true", help="print each checked URL's status")
    check.add_argument(
        "--status", default=DEFAULT_STATUS, metavar="FILE", help=f"default: {DEFAULT_STATUS}"
    )
    check.add_argument(
        "--workers", type=_positive, default=WORKERS, help="requests at once, all hosts"
    )
    check.add_argument(
        "--delay",
        type=float,
        default=DELAY,
        help=f"seconds between two requests to one host (default {DELAY:g})",
    )
    check.add_argument(
        "--timeout", type=float, default=20.0, help="seconds to connect / between reads"
    )
    check.add_argument(
        "--settings",
        default=SETTINGS_FILE,
        metavar="FILE",
        help=f"the Pelican settings giving NEWSARCHIVE_PUBLISHERS (default: {SETTINGS_FILE})",
    )
    check.add_argument("--no-progress", action="store_true", help="no progress bar")
    check.set_defaults(sources_run=_check)


def run(args: argparse.Namespace) -> int:
    return args.sources_run(args)
