"""The ``newsarchive`` command: convert, check, import, capture, follow feeds and more.

Every subcommand runs through :func:`main`, which turns bad input into one line
``newsarchive: error: …`` and a non-zero exit, never a traceback. A subcommand imports what it
needs (the converter, the HTTP stack, jieba…) when it runs, so the command starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .contrib.naming import CONVENTIONAL, SETTING, Naming, NamingError, read_setting
from .contrib.request import add_arguments as add_request_arguments
from .convert.errors import ArchiveError, Problem
from .feeds.command import add_arguments as add_feeds_arguments
from .images.command import add_arguments as add_images_arguments
from .images.command import run as run_images
from .inputs import InputError, archived_inputs, read_input
from .sources.command import add_arguments as add_sources_arguments
from .sources.command import run as run_sources
from .tags.report import add_arguments as add_tags_arguments
from .tags.report import run as run_tags


def _convert(args: argparse.Namespace) -> int:
    from .batch import Converter

    results = Converter().convert_many(args.files)
    status = 0
    documents = []
    for path in map(str, args.files):
        result = results[path]
        if isinstance(result, Problem):
            print(result, file=sys.stderr)
            status = 1
            continue
        for warning in result.warnings:
            print(warning, file=sys.stderr)
        if args.json:
            documents.append(result.to_json())
        elif args.output:
            out = Path(args.output) / f"{result.metadata['slug']}.md"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(result.document(), "utf-8")
        else:
            sys.stdout.write(result.document())
    if args.json:
        payload = documents[0] if len(args.files) == 1 and documents else documents
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return status


def _check(args: argparse.Namespace) -> int:
    from .contrib.conventions import check_contribution

    naming = Naming(args.naming) if args.naming else None
    articles, problems = check_contribution(
        args.paths or [args.content], args.content, naming=naming
    )
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in problems:
        print(problem)
        if annotate:
            print(problem.github_annotation())
    bad = {p.path for p in problems if p.level == "error"}
    ok = sum(a.path not in bad for a in articles)
    print(f"{ok + len(bad)} archived files checked: {ok} OK, {len(bad)} with errors")
    return 1 if bad else 0


def _import(args: argparse.Namespace) -> int:
    if args.page == "-":
        data = sys.stdin.buffer.read()
        if not data.strip():
            raise InputError("standard input: no page was given")
    else:
        data = read_input(args.page, "saved page")
    from .contrib.importer import import_page, parse_time, write_new  # once there is a page

    archived = parse_time(args.archived_at) if args.archived_at else None
    imported = import_page(data, args.url, archived, args.title, args.content, args.output)
    try:
        write_new(imported)
    except FileExistsError:
        raise InputError(
            f"{imported.path} already exists; nothing was written "
            "(the article is archived already, or choose another name with -o)"
        ) from None
    for warning in [*imported.warnings, *map(str, imported.article.warnings)]:
        print(f"newsarchive import: {warning}", file=sys.stderr)
    print(imported.path)
    return 0


def _capture(args: argparse.Namespace) -> int:
    from .contrib.capture import capture, describe
    from .contrib.importer import parse_time, write_new

    archived = parse_time(args.archived_at) if args.archived_at else None
    captured = capture(args.url, args.content, archived, args.output)
    for line in describe(captured):
        print(f"newsarchive capture: {line}", file=sys.stderr)
    if captured.outcome == "duplicate":
        return 0
    try:
        write_new(captured.imported)
    except FileExistsError:
        raise InputError(f"{captured.path} already exists; nothing written") from None
    print(captured.path)
    return 0


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _adopt(args: argparse.Namespace) -> int:
    from .contrib import adopt

    source, into = Path(args.source), Path(args.into)
    if not source.is_dir():
        raise InputError(
            f"{source}: " + ("is not a folder" if source.exists() else "no such folder")
        )
    naming = read_setting(into.resolve().parent.parent)
    if naming.rule != CONVENTIONAL:
        raise InputError(
            f"this archive keeps its own names ({SETTING} = {naming.rule!r} in pelicanconf.py); "
            "adopt renames to the conventional names only (remove the setting to adopt)"
        )
    found, others, taken = adopt.survey(source.resolve(), into.resolve())
    adoption = adopt.plan(found, into.resolve(), taken, others)
    verb = "copy" if args.copy else "move"
    for path in adoption.not_articles:
        print(f"not an archived article, left where it is: {_shown(path)}")
    for path, same in adoption.duplicates:
        print(
            f"duplicate of {_shown(same)} (same URL, same text), left where it is: {_shown(path)}"
        )
    if args.dry_run:
        for move in adoption.moves:
            print(f"would {verb} {_shown(move.source)} -> {_shown(move.target)}")
    else:
        adopt.execute(adoption, copy=args.copy)
    mapping = Path(args.map) if args.map else into.parent / "adopted.csv"
    if not args.dry_run:
        adopt.write_map(adoption, mapping, Path.cwd().resolve())
    done = "to " + verb if args.dry_run else ("copied" if args.copy else "moved")
    print(
        f"{len(adoption.moves)} {done}, {len(adoption.in_place)} already in place, "
        f"{len(adoption.duplicates)} duplicates and {len(adoption.not_articles)} other files "
        "left where they are"
    )
    if adoption.moves:
        print(
            f"mapping old path -> new path: {mapping}"
            + (" (not written: dry run)" if args.dry_run else "")
        )
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # ~0.1 s: only for --version

    try:
        return version("newsarchive")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown (not installed)"


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive", description=__doc__.split("\n", 1)[0].removesuffix(".")
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True)

    convert = commands.add_parser("convert", help="print archived files as clean Markdown")
    convert.add_argument("files", nargs="+", help="archived article files")
    mode = convert.add_mutually_exclusive_group()
    mode.add_argument(
        "-o", "--output", metavar="DIR", help="write one <slug>.md per input into DIR"
    )
    mode.add_argument("--json", action="store_true", help="print the metadata as JSON")
    convert.set_defaults(run=_convert, archived_inputs=("files",))

    check = commands.add_parser("check", help="validate archived files (default: content/)")
    check.add_argument("paths", nargs="*", help="files or folders to check")
    check.add_argument(
        "--content", default="content", help="the archive to compare with (default: content)"
    )
    check.add_argument(
        "--naming",
        metavar="RULE",
        help="the naming rule to hold files to (default: NEWSARCHIVE_NAMING in pelicanconf.py)",
    )
    check.set_defaults(run=_check)

    page = commands.add_parser(
        "import", help="turn a web page saved from a browser into an archived file"
    )
    page.add_argument("page", help="the saved page (.html), or - to read it from standard input")
    page.add_argument("--url", help="the article's address (default: the one the page names)")
    page.add_argument(
        "--archived-at",
        metavar="TIME",
        help="when it was archived: ISO 8601 or epoch (default: now)",
    )
    page.add_argument("--title", help="the headline (default: the page's title)")
    page.add_argument(
        "--content", default="content", help="write into CONTENT/articles/<publisher>/"
    )
    page.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead")
    page.set_defaults(run=_import)

    live = commands.add_parser(
        "capture", help="fetch an article (or the Wayback Machine's copy) into an archived file"
    )
    live.add_argument("url", help="the article's address (http or https)")
    live.add_argument(
        "--archived-at",
        metavar="TIME",
        help="when it was archived: ISO 8601 or epoch (default: now, or the copy's time)",
    )
    live.add_argument(
        "--content",
        default="content",
        help="the archive: write into CONTENT/articles/<publisher>/ and compare with it",
    )
    live.add_argument("-o", "--output", metavar="DIR", help="write the file into DIR instead")
    live.set_defaults(run=_capture)

    request = commands.add_parser(
        "request", help="the archive-request loop's steps (used by its GitHub workflow)"
    )
    add_request_arguments(request)

    adopt = commands.add_parser(
        "adopt", help="move an existing archive's files to their conventional folders and names"
    )
    adopt.add_argument("source", metavar="SRC", help="the folder of archived files to adopt")
    adopt.add_argument(
        "--into", default="content/articles", help="where they go (default: content/articles)"
    )
    adopt.add_argument("--copy", action="store_true", help="copy the files, leave SRC as it is")
    adopt.add_argument(
        "--dry-run", action="store_true", help="print what would be done, do nothing"
    )
    adopt.add_argument(
        "--map",
        metavar="FILE",
        help="the CSV mapping old → new path (default: INTO/../adopted.csv)",
    )
    adopt.set_defaults(run=_adopt)

    tags = commands.add_parser("tags", help="print the tag table (tag, count, example titles)")
    add_tags_arguments(tags)
    tags.set_defaults(run=run_tags, archived_inputs=("paths",))

    feeds = commands.add_parser("feeds", help="archive the new articles of RSS and Atom feeds")
    add_feeds_arguments(feeds)

    images = commands.add_parser("images", help="local copies of the articles' images")
    add_images_arguments(images)
    images.set_defaults(run=run_images, archived_inputs=("paths",))

    sources = commands.add_parser("sources", help="check whether the originals are still online")
    add_sources_arguments(sources)
    sources.set_defaults(run=run_sources, archived_inputs=("paths",))
    return parser


def _error(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr gone too: the exit status says it
        print(f"newsarchive: error: {message}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    """Run the subcommand; folders among its archived-file arguments become the files in them."""
    for name in getattr(args, "archived_inputs", ()):
        if getattr(args, name, None):
            setattr(args, name, [str(p) for p in archived_inputs(getattr(args, name))])
    status = args.run(args)
    sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """The ``newsarchive`` command. Bad input ends in one ``newsarchive: error:`` line, never a traceback.

    ``NEWSARCHIVE_DEBUG=1`` lets an unexpected exception show its traceback.
    """
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader went away (``newsarchive tags --json | head``): stop writing, quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        _error("the output was closed before everything was written")
        return 1
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except (InputError, NamingError) as exc:
        _error(str(exc))
    except ArchiveError as exc:
        problem = exc.problem
        _error(
            f"{problem.path}: {problem.message}" + (f" ({problem.hint})" if problem.hint else "")
        )
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
    except Exception as exc:
        from .web.errors import FetchError  # here: web/ loads httpx

        if isinstance(exc, FetchError):  # a refused address, a timeout, an HTTP error…
            _error(str(exc))
            return 1
        if os.environ.get("NEWSARCHIVE_DEBUG"):
            raise
        _error(
            f"unexpected {type(exc).__name__}: {exc} (a bug in newsarchive: please report it with "
            "the command; NEWSARCHIVE_DEBUG=1 shows the traceback)"
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())
