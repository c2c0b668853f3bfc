"""The ``newsarchive`` command: convert and check archived articles."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .batch import Converter
from .check import check_files
from .errors import Problem
from .tags.report import add_arguments as add_tags_arguments
from .tags.report import run as run_tags


def _convert(args: argparse.Namespace) -> int:
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
    articles, problems = check_files(args.paths or ["content"])
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in problems:
        print(problem)
        if annotate:
            print(problem.github_annotation())
    errors = sum(p.level == "error" for p in problems)
    print(
        f"{len(articles) + errors} archived files checked: {len(articles)} OK, {errors} with errors"
    )
    return 1 if errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsarchive", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    convert = commands.add_parser("convert", help="print archived files as clean Markdown")
    convert.add_argument("files", nargs="+", help="archived article files")
    mode = convert.add_mutually_exclusive_group()
    mode.add_argument(
        "-o", "--output", metavar="DIR", help="write one <slug>.md per input into DIR"
    )
    mode.add_argument("--json", action="store_true", help="print the metadata as JSON")
    convert.set_defaults(run=_convert)

    check = commands.add_parser("check", help="validate archived files (default: content/)")
    check.add_argument("paths", nargs="*", help="files or folders to check")
    check.set_defaults(run=_check)

    tags = commands.add_parser("tags", help="print the tag table (tag, count, example titles)")
    add_tags_arguments(tags)
    tags.set_defaults(run=run_tags)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
