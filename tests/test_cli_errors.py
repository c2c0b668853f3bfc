"""No traceback for bad input, ever: every subcommand found in the parser, run on every bad input.

The subcommands are discovered from ``build_parser()`` (nested ones too), so a new subcommand is
covered without touching this file. Each positional argument (and each required option) gets the
bad input; the command runs in a subprocess of the installed ``newsarchive`` entry point with
every proxy pointing at a dead local port, so nothing can reach another host.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ARCHIVED
from newsarchive.cli import build_parser, main

NEWSARCHIVE = str(Path(sys.executable).with_name("newsarchive"))
# Commands that read the archived files in a folder they are given.
READS_FOLDERS = {"convert", "tags", "images fetch", "images status", "check"}
INPUTS = ["missing", "folder", "unreadable", "binary", "empty", "closed pipe"]


def leaf_commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable subcommand as (words, its parser), nested subcommands included."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield prefix, parser
        return
    for action in subparsers:
        for name, sub in action.choices.items():
            yield from leaf_commands(sub, (*prefix, name))


def command_line(words: tuple[str, ...], parser: argparse.ArgumentParser, value: str) -> list[str]:
    """The subcommand with ``value`` in every positional argument and every required option."""
    argv = list(words)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._VersionAction):
            continue
        if action.choices and value not in action.choices:
            continue
        count = action.nargs if isinstance(action.nargs, int) else 1
        if action.nargs == 0:
            continue
        if not action.option_strings:
            argv += [value] * count
        elif action.required:
            argv += [action.option_strings[-1]] + [value] * count
    return argv


COMMANDS = sorted(leaf_commands(build_parser()), key=lambda item: item[0])


def test_the_parser_has_the_known_subcommands() -> None:
    found = {" ".join(words) for words, _ in COMMANDS}
    assert {"convert", "check", "import", "tags", "images fetch", "images status"} <= found


@pytest.fixture(scope="module")
def bad_inputs() -> Iterator[Path]:
    """A folder of bad inputs. Root reads any file, so there "unreadable" is /proc/self/mem (EIO)."""
    base = Path(tempfile.mkdtemp(prefix="newsarchive-bad-"))
    (base / "folder").mkdir()
    (base / "folder" / "article.md").write_text(ARCHIVED, "utf-8")
    (base / "folder" / "notes.txt").write_text("not an article", "utf-8")
    if os.geteuid() == 0:
        (base / "unreadable.md").symlink_to("/proc/self/mem")
    else:
        (base / "unreadable.md").write_text(ARCHIVED, "utf-8")
        (base / "unreadable.md").chmod(0)
    (base / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (base / "empty.md").write_bytes(b"")
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _run(argv: list[str], cwd: Path, close_stdout: bool) -> tuple[int, str, str]:
    dead = "http://127.0.0.1:9"
    env = {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "ALL_PROXY": dead}
    env.pop("NEWSARCHIVE_DEBUG", None)
    env.pop("NO_PROXY", None)
    process = subprocess.Popen(
        [NEWSARCHIVE, *argv],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if close_stdout:  # the reader goes away at once, like `newsarchive … | head -0`
        process.stdout.close()
        err = process.stderr.read()
        process.wait(timeout=300)
        return process.returncode, "", err.decode("utf-8", "replace")
    out, err = process.communicate(timeout=300)
    return process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def _case(words: tuple[str, ...], parser: argparse.ArgumentParser, kind: str, base: Path) -> str:
    """Run one subcommand on one bad input; return what is wrong with the outcome, or ''."""
    name = {"missing": "missing.md", "closed pipe": "folder"}.get(kind, f"{kind}.md")
    if kind == "folder":
        name = "folder"
    argv = command_line(words, parser, name)
    if argv == list(words) and kind != "closed pipe":
        return ""  # it takes no path or value at all: nothing bad to give it
    # Each case in a folder of its own, with its own copy of the folder: commands write under
    # content/ and `adopt` moves files.
    cwd = Path(tempfile.mkdtemp(dir=base))
    shutil.copytree(base / "folder", cwd / "folder")
    for item in ("unreadable.md", "binary.md", "empty.md"):
        (cwd / item).symlink_to(base / item)
    code, out, err = _run(argv, cwd=cwd, close_stdout=kind == "closed pipe")
    label = f"`newsarchive {' '.join(argv)}` ({kind})"
    if "Traceback" in err or "Traceback" in out:
        return f"{label}: traceback\n{err[-2000:]}"
    command = " ".join(words)
    # One line: the central form, or check's `path:line: error:` form.
    pattern = re.compile(rf"^(newsarchive: error: |\S*{re.escape(name)}:\d+: error: )")
    if kind == "closed pipe":
        if code != 0 and not any(pattern.match(line) for line in err.splitlines()):
            return f"{label}: exit {code} without an error line: {err[-500:]!r}"
        return ""
    if kind == "folder" and command in READS_FOLDERS:
        return "" if code == 0 else f"{label}: exit {code}, should read the folder: {err[-500:]!r}"
    if code == 0:
        return "" if kind == "folder" else f"{label}: exit 0 on bad input"
    lines = (err + out).splitlines()
    if not any(pattern.match(line) for line in lines):
        return f"{label}: exit {code} without a clear error line: {(err + out)[-500:]!r}"
    if "newsarchive: error:" in err and len([x for x in err.splitlines() if x.strip()]) > 3:
        return f"{label}: more than a few lines on stderr: {err[-500:]!r}"
    return ""


def test_every_subcommand_on_every_bad_input(bad_inputs: Path) -> None:
    cases = [(words, parser, kind) for words, parser in COMMANDS for kind in INPUTS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [f for f in pool.map(lambda c: _case(c[0], c[1], c[2], bad_inputs), cases) if f]
    assert not failures, f"{len(failures)} of {len(cases)} cases:\n" + "\n".join(failures)


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert re.fullmatch(r"newsarchive \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_an_unexpected_exception_is_one_line(monkeypatch, capsys, tmp_path) -> None:
    """A bug in a subcommand still ends in one line and exit 1 (NEWSARCHIVE_DEBUG shows it)."""

    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("boom")

    parser = build_parser()
    monkeypatch.setattr("newsarchive.cli.build_parser", lambda: parser)
    parser.set_defaults(run=broken)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.choices["check"].set_defaults(run=broken)
    monkeypatch.delenv("NEWSARCHIVE_DEBUG", raising=False)
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsarchive: error: unexpected RuntimeError: boom")
    assert len(err.splitlines()) == 1
    monkeypatch.setenv("NEWSARCHIVE_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["check", str(tmp_path)])
