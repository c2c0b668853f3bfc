"""The newsarchive command line: convert and check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from newsarchive.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "articles" / "rfi" / "seed-dcbffdcd3344a23d.md"
BBC = ROOT / "content" / "articles" / "bbc" / "seed-5ddd070edce086eb.html"


def test_convert_prints_pelican_markdown(capsys):
    assert main(["convert", str(SEED)]) == 0
    out = capsys.readouterr().out
    header, body = out.split("\n\n", 1)
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    assert fields["Title"] == "金正恩与普京在俄罗斯先进的航天基地会晤 中国如何看"
    assert fields["Column"] == "要闻解说"
    assert fields["Original_title"].endswith(" - 要闻解说")
    assert fields["Date"] == fields["Archived"] == "2023-09-13T11:45:02+00:00"
    assert fields["Published"] == "2023-09-13T13:16:00+02:00"
    assert fields["Source"] == fields["Category"] == "法国国际广播电台"
    assert fields["Authors"] == "夏榕"
    assert fields["Source_url"].startswith("https://www.rfi.fr/cn/")
    assert fields["Slug"].startswith("rfi-20230913-") and fields["Slug"].isascii()
    assert "据路透社报道" in body and "<div" not in body


def test_exported_markdown_reads_back_in_python_markdown(capsys):
    main(["convert", str(BBC)])
    out = capsys.readouterr().out
    md = markdown.Markdown(extensions=["meta"])
    html = md.convert(out)
    assert md.Meta["title"] == ["普京会晤金正恩的三大理由：军事、经济及文化合作"]
    assert "这是普京时隔24年后第二次踏入平壤" in html


def test_convert_json_one_object_or_a_list(capsys):
    main(["convert", "--json", str(BBC)])
    one = json.loads(capsys.readouterr().out)
    assert one["source"] == "BBC 中文"
    assert one["archived"] == "2024-06-18T06:43:02+00:00"
    assert one["published"] == "2024-06-18"  # the body states only the day
    assert one["authors"] == ["Juna Moon"]
    main(["convert", "--json", str(BBC), str(SEED)])
    many = json.loads(capsys.readouterr().out)
    assert [a["source_key"] for a in many] == ["bbc", "rfi"]


def test_convert_writes_one_file_per_input(tmp_path, capsys):
    assert main(["convert", "-o", str(tmp_path), str(BBC), str(SEED)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 2 and all(name.endswith(".md") and name.isascii() for name in written)


def test_check_passes_on_the_sample_content(capsys):
    assert main(["check", str(ROOT / "content")]) == 0
    out = capsys.readouterr().out
    count = sum(1 for p in (ROOT / "content" / "articles").rglob("*") if p.is_file())
    assert f"{count} archived files checked: {count} OK, 0 with errors" in out


@pytest.fixture
def bad_dir(tmp_path: Path) -> Path:
    (tmp_path / "ok.md").write_bytes(SEED.read_bytes())
    (tmp_path / "future.md").write_text(
        "<!--4102444800000-->\n[T](https://x.org/a)\n------\n<p>x</p>\n"
    )
    (tmp_path / "nolink.html").write_text(
        "<!--1694605502000-->\nT https://x.org/a\n------\n<p>x</p>\n"
    )
    return tmp_path


def test_check_lists_every_problem_and_fails(bad_dir, capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert main(["check", str(bad_dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        f"{bad_dir}/future.md:1: error: timestamp 4102444800000 is 2100-01-01 00:00 UTC, in the future "
        "(use the time the page was archived)" in out
    )
    assert any(
        line.startswith(f"{bad_dir}/nolink.html:2: error: line 2 should be the title and URL")
        for line in out
    )
    assert "3 archived files checked: 1 OK, 2 with errors" in out
    assert not any(line.startswith("::") for line in out)


def test_check_annotates_under_github_actions(bad_dir, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    main(["check", str(bad_dir)])
    out = capsys.readouterr().out
    assert f"::error file={bad_dir}/future.md,line=1::timestamp 4102444800000" in out


def test_entry_point_is_installed():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("newsarchive")), "check", str(SEED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "1 archived files checked: 1 OK" in result.stdout


HEAVY = ("bs4", "httpx", "pelican", "jieba", "trafilatura", "lxml", "yaml", "newsarchive.batch")


def test_the_command_starts_without_its_heavy_modules():
    """The parser and --version load none of the converter, HTTP or tagging stack: each
    subcommand imports what it needs when it runs (a bad-input error is then ~0.2 s)."""
    probe = (
        "import sys\n"
        "from newsarchive.cli import build_parser, main\n"
        "build_parser().format_help()\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    version, loaded = done.stdout.splitlines()
    assert version.startswith("newsarchive ") and loaded == "[]"
