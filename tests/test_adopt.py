"""newsarchive adopt: a real archive laid out as its source keeps it comes into the convention.

``tests/adopt/articles/`` holds 14 real articles from the shared corpus, named and placed as the
source archive names them (``articles/<publisher name in Chinese>/<number>[_<title>].md``), and
one file that is not an article.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_support import build_site
from git_support import git
from newsarchive.cli import main
from newsarchive.contrib.adopt import Archived, plan
from newsarchive.contrib.naming import Naming, NamingError

FIXTURE = Path(__file__).parent / "adopt"
NEWSARCHIVE = str(Path(sys.executable).with_name("newsarchive"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git work tree holding the source archive under ``articles/`` and an empty ``content/``."""
    shutil.copytree(FIXTURE / "articles", tmp_path / "articles")
    (tmp_path / "content").mkdir()
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "the archive as it was")
    return tmp_path


def _adopt(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSARCHIVE, "adopt", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _articles(output: Path) -> list[str]:
    return sorted(p.name for p in (output / "articles").glob("*.html"))


def test_check_rejects_the_source_layout_and_accepts_it_adopted(project: Path) -> None:
    shutil.copytree(project / "articles", project / "content" / "articles")
    before = subprocess.run(
        [NEWSARCHIVE, "check", "content"], cwd=project, capture_output=True, text=True
    )
    assert "14 archived files checked: 0 OK, 14 with errors" in before.stdout
    shutil.rmtree(project / "content" / "articles")

    result = _adopt(project, "articles")
    assert result.returncode == 0, result.stderr
    assert "14 moved, 0 already in place, 0 duplicates and 1 other files" in result.stdout
    assert "not an archived article, left where it is: articles/notes.txt" in result.stdout
    assert result.stdout.rstrip().endswith("mapping old path -> new path: content/adopted.csv")
    after = subprocess.run(
        [NEWSARCHIVE, "check", "content"], cwd=project, capture_output=True, text=True
    )
    assert after.returncode == 0, after.stdout
    assert "14 archived files checked: 14 OK, 0 with errors" in after.stdout
    assert "error" not in after.stdout.replace("0 with errors", "")

    # git mv: the history follows, the other file stays, the mapping names every move.
    status = git(project, "status", "--porcelain")
    assert status.count("R  ") == 14
    assert (project / "articles" / "notes.txt").exists()
    with open(project / "content" / "adopted.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 14
    voa = next(
        r
        for r in rows
        if r["old_path"] == "articles/美国之音/1045764_新冠感染再攀新高 全球病例达3720万.md"
    )
    assert (
        voa["new_path"] == "content/articles/voa/20201011-covid-main-20201011-5617184-b2391e33.html"
    )
    assert (project / voa["new_path"]).exists()
    git(project, "add", "content/adopted.csv")
    git(project, "commit", "-qm", "adopted")
    log = git(project, "log", "--follow", "--name-only", "--format=%s", "--", voa["new_path"])
    assert "the archive as it was" in log

    # A second run, on the source or on the adopted archive, changes nothing.
    mapping = (project / "content" / "adopted.csv").read_bytes()
    for again in ("articles", "content/articles"):
        second = _adopt(project, again)
        assert second.returncode == 0, second.stderr
        assert "0 moved" in second.stdout
    assert "14 already in place" in second.stdout
    assert git(project, "status", "--porcelain") == ""
    assert (project / "content" / "adopted.csv").read_bytes() == mapping


def test_a_build_gives_the_same_articles_before_and_after(project: Path) -> None:
    before = build_site(project, project / "before")
    assert before.returncode == 0, before.stdout + before.stderr
    result = _adopt(project, "articles", "--copy")
    assert result.returncode == 0, result.stderr
    assert git(project, "status", "--porcelain", "articles") == ""  # --copy leaves SRC alone
    after = build_site(project / "content", project / "after")
    assert after.returncode == 0, after.stdout + after.stderr
    assert len(_articles(project / "before")) == 14
    assert _articles(project / "before") == _articles(project / "after")


def test_dry_run_changes_nothing(project: Path) -> None:
    result = _adopt(project, "articles", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("would move articles/") == 14
    assert git(project, "status", "--porcelain") == ""
    assert not (project / "content" / "adopted.csv").exists()


def test_a_duplicate_is_reported_and_left(project: Path) -> None:
    original = next((project / "articles" / "BBC").glob("1047443.md"))
    text = original.read_text("utf-8").replace("<!--1602539203000-->", "<!--1602549203000-->")
    (project / "articles" / "BBC" / "1099999.md").write_text(text, "utf-8")
    result = _adopt(project, "articles")
    assert result.returncode == 0, result.stderr
    assert "14 moved, 0 already in place, 1 duplicates" in result.stdout
    assert "(same URL, same text), left where it is: articles/BBC/1099999.md" in result.stdout
    assert (project / "articles" / "BBC" / "1099999.md").exists()


def _item(path: str, url: str, hour: int, digest: str = "") -> Archived:
    when = datetime(2020, 10, 13, hour, 0, 0, tzinfo=UTC)
    return Archived(Path(path), url, when, "bbc", digest)


def test_plan_names_a_second_capture_of_a_day_by_its_time() -> None:
    url = "https://www.bbc.com/zhongwen/simp/world-54385245"
    into = Path("/p/content/articles")
    first, second = _item("/a/1.md", url, 8, "x"), _item("/a/2.md", url, 9, "y")
    adoption = plan([second, first], into, set())
    targets = [m.target.name for m in adoption.moves]
    assert targets == [
        "20201013-world-54385245-846f43c2.html",
        "20201013-world-54385245-846f43c2-090000.html",
    ]
    # Adopted, the same files are in place; an existing file is never a target.
    moved = [
        Archived(m.target, m.url, m.archived, "bbc", d)
        for m, d in zip(adoption.moves, "xy", strict=True)
    ]
    assert plan(moved, into, {m.target for m in adoption.moves}).moves == []
    taken = {into / "bbc" / targets[0]}
    assert plan([first], into, taken).moves[0].target.name == targets[1].replace("090000", "080000")


def test_adopt_errors_are_one_line(project: Path, capsys) -> None:
    assert main(["adopt", str(project / "nowhere")]) == 1
    assert capsys.readouterr().err.startswith("newsarchive: error: ")
    (project / "pelicanconf.py").write_text('NEWSARCHIVE_NAMING = "{any}/{number}[_{title}]"\n')
    assert (
        main(["adopt", str(project / "articles"), "--into", str(project / "content" / "articles")])
        == 1
    )
    assert "keeps its own names" in capsys.readouterr().err


def test_an_archive_can_keep_its_own_names(project: Path) -> None:
    """NEWSARCHIVE_NAMING: check holds files to the archive's own pattern instead."""
    shutil.copytree(project / "articles", project / "content" / "articles")
    (project / "content" / "articles" / "notes.txt").unlink()
    (project / "pelicanconf.py").write_text('NEWSARCHIVE_NAMING = "{any}/{number}[_{title}]"\n')
    ok = subprocess.run(
        [NEWSARCHIVE, "check", "content"], cwd=project, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout
    odd = project / "content" / "articles" / "BBC" / "no-number.md"
    shutil.copy(project / "content" / "articles" / "BBC" / "1047443.md", odd)
    (odd.parent / "1047443.md").unlink()
    bad = subprocess.run(
        [NEWSARCHIVE, "check", "content"], cwd=project, capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert (
        "no-number.md:1: error: file BBC/no-number.md does not follow this archive's naming "
        "'{any}/{number}[_{title}]'" in bad.stdout
    )
    free = subprocess.run(
        [NEWSARCHIVE, "check", "content", "--naming", "free"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert free.returncode == 0, free.stdout


def test_naming_patterns() -> None:
    naming = Naming("{publisher}/{date}-{any}")
    assert naming.matches("anything/x", None) is False
    assert Naming("{any}/{number}[_{title}]").matches("美国之音/1045783", None)
    assert Naming("{any}/{number}[_{title}]").matches("BBC/1047462_世界贸易组织", None)
    assert not Naming("{any}/{number}[_{title}]").matches("BBC/x_1047462", None)
    with pytest.raises(NamingError, match="unknown field"):
        Naming("{colour}/{number}")
