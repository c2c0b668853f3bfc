"""``newsarchive tags``: the tag table for review (the one-article tag pages listed apart), or
every article's tags as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..convert.errors import Problem

if TYPE_CHECKING:  # the rest is imported when the command runs: the CLI starts fast
    from .assign import Measures, TagResult
    from .config import TagConfig
    from .records import TagRecord

EXAMPLES = 3


def read_records(paths: Iterable[str | Path]) -> tuple[list[TagRecord], list[Problem]]:
    """Records of every archived file under ``paths`` (problems for those that do not convert)."""
    from ..batch import Converter, is_archived_file
    from ..contrib.check import find_files
    from .records import record_from_article

    files = [p for p in find_files(paths) if p.exists() and is_archived_file(p)]
    results = Converter().convert_many(files)
    records: list[TagRecord] = []
    problems: list[Problem] = []
    for path in map(str, files):
        result = results[path]
        if isinstance(result, Problem):
            problems.append(result)
        else:
            records.append(record_from_article(result))
    return records, problems


def tag_table(results: Sequence[TagResult], examples: int = EXAMPLES) -> list[str]:
    """One line per tag, most used first: tag, number of articles, a few example titles."""
    titles: dict[str, list[str]] = defaultdict(list)
    for result in results:
        for tag in result.tags:
            titles[tag].append(result.title)
    ordered = sorted(titles, key=lambda t: (-len(titles[t]), t))
    return [f"{tag}\t{len(titles[tag])}\t" + " | ".join(titles[tag][:examples]) for tag in ordered]


def lone_tags(results: Sequence[TagResult]) -> list[tuple[str, str]]:
    """(tag, title of its one article) of each tag only one article has, by tag."""
    titles: dict[str, list[str]] = defaultdict(list)
    for result in results:
        for tag in result.tags:
            titles[tag].append(result.title)
    return sorted((tag, found[0]) for tag, found in titles.items() if len(found) == 1)


def held_tags(results: Sequence[TagResult]) -> list[tuple[str, str]]:
    """(tag, title) of each curated tag held back from an article because too few articles get
    it, by tag."""
    return sorted((tag, result.title) for result in results for tag in result.held)


def tag_json(results: Sequence[TagResult]) -> list[dict[str, object]]:
    """Every article's source URL, title and tags."""
    return [{"source_url": r.url, "title": r.title, "tags": list(r.tags)} for r in results]


def compute(
    paths: Sequence[str], rules: str | None, overrides: str | None
) -> tuple[list[TagRecord], list[TagResult], TagConfig, Measures, list[Problem]]:
    """Read, tag and measure the archive under ``paths``."""
    from .assign import assign_tags, measure
    from .config import load_config
    from .overrides import load_overrides

    config = load_config(rules)
    records, problems = read_records(paths)
    results = assign_tags(records, config, load_overrides(overrides))
    return records, results, config, measure(records, results, config), problems


def run(args: argparse.Namespace) -> int:
    """The ``tags`` subcommand."""
    paths = args.paths or ["content"]
    try:
        _, results, config, measures, problems = compute(paths, args.rules, args.overrides)
    except ValueError as exc:
        print(f"newsarchive tags: {exc}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.json:
        json.dump(tag_json(results), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for line in tag_table(results):
            print(line)
        lone = lone_tags(results)
        if lone:
            print(f"Tag pages with one article ({len(lone)}), worth reviewing:")
            for tag, title in lone:
                print(f"  {tag}: {title}")
        held = held_tags(results)
        if held:
            print(
                f"Curated tags held back ({len(held)}): they matter to the article, but fewer than "
                f"{config.options.min_articles} articles get them and its title does not name them:"
            )
            for tag, title in held:
                print(f"  {tag}: {title}")
        print(measures.summary())
        for url, count in measures.out_of_range:
            print(f"  {count} tags: {url}")
        for url, tag in measures.unsupported:
            print(f"  unsupported {tag}: {url}")
    return 1 if problems else 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``tags`` subcommand's options."""
    parser.add_argument("paths", nargs="*", help="archived files or folders (default: content/)")
    parser.add_argument(
        "--json", action="store_true", help="print every article's source URL with its tags as JSON"
    )
    parser.add_argument(
        "--rules",
        default="content/tags.yml",
        metavar="FILE",
        help="curated tags (default: content/tags.yml)",
    )
    parser.add_argument(
        "--overrides",
        default="content/overrides.yml",
        metavar="FILE",
        help="per-article overrides (default: content/overrides.yml)",
    )
