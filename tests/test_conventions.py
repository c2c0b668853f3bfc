"""newsarchive check on contributions: the broken-contribution corpus, annotations, and fuzzing."""

from __future__ import annotations

import shutil
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsarchive.cli import main
from newsarchive.contrib.conventions import check_contribution
from newsarchive.convert.errors import Problem
from saved_pages import saved_pages

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "contrib" / "broken"
RFI = "content/articles/rfi"
MACHU = "20201013-machu-picchu.md"
HINT_TEXT = "an archived article is a text file: the header lines, then the article's HTML"

# One file per problem, and the exact line `newsarchive check` prints for it.
EXPECTED = {
    f"{RFI}/20201014-machu-picchu-duplicate.md": (
        f"2: error: duplicate: {RFI}/{MACHU} archived the same URL with the same text at "
        "2020-10-13 04:54 UTC (delete this file: the article is already in the archive)"
    ),
    f"{RFI}/20201015-machu-picchu-update.md": (
        f"2: notice: new capture of a URL already archived in {RFI}/{MACHU} (2020-10-13 04:54 UTC), "
        f"{RFI}/20201014-machu-picchu-duplicate.md (2020-10-14 04:54 UTC); the text differs, "
        "so both are kept"
    ),
    "content/articles/bbc/20201011-india-covid.md": (
        "2: error: file is in content/articles/bbc/ but its URL is a 法国国际广播电台 (rfi) article "
        "(move it to content/articles/rfi/)"
    ),
    f"{RFI}/Machu Picchu 马丘比丘.md": (
        "1: error: file name 'Machu Picchu 马丘比丘.md' should be lowercase ASCII letters, digits, "
        "'-', '_' and end in .html or .md (rename it, e.g. to 20201010-bc215014.html)"
    ),
    f"{RFI}/binary-renamed.html": f"1: error: file is a PNG image, not an archived article ({HINT_TEXT})",
    f"{RFI}/gb18030.md": "1: warning: file is not UTF-8; decoded as gb18030 (re-save it as UTF-8)",
    f"{RFI}/20201016-copied-from-elsewhere.md": (
        "5: error: the copy is of 'https://www.rfi.fr/cn/contenu/20201012-another-article', not "
        "of this article's address (the copied-from address must be a copy of the URL on line 2)"
    ),
    f"{RFI}/javascript-url.md": (
        "2: error: the URL 'javascript:alert(document.cookie)' is not an http(s) address "
        "(use the article's original https:// address)"
    ),
    f"{RFI}/no-header.html": (
        "1: error: not an archived article: the <!--EPOCH--> / [TITLE](URL) / ------ header is "
        "missing (start the file with the three header lines)"
    ),
    f"{RFI}/no-url-line.md": (
        "2: error: line 2 should be the title and URL as [TITLE](URL), found '------' "
        "(write e.g. [Article title](https://example.com/article))"
    ),
    f"{RFI}/only-script.html": (
        "4: error: the article body has no text once cleaned (it held only scripts, styles or "
        "empty tags) (paste the article's own HTML below the ------ line)"
    ),
    f"{RFI}/saved-page.html": (
        "1: error: a web page saved from a browser, not an archived article (the header is "
        f"missing) (turn it into one with: newsarchive import {{root}}/{RFI}/saved-page.html "
        "--url ADDRESS)"
    ),
    f"{RFI}/timestamp-future.md": (
        "1: error: timestamp 4102444800000 is 2100-01-01 00:00 UTC, in the future "
        "(use the time the page was archived)"
    ),
    f"{RFI}/timestamp-microseconds.md": (
        "1: error: timestamp 1602564890000000 has 16 digits "
        "(use epoch milliseconds (13 digits) or seconds (10 digits))"
    ),
    "notes/outside-content.md": (
        "1: error: archived file outside content/: the site does not include it "
        "(move it to content/articles/rfi/20201012-palais-garnier-6f49e98e.html)"
    ),
    f"{RFI}/huge.md": (
        "1: error: file is 20.0 MB, over the 10 MB limit "
        "(archive the article text only; keep images as links)"
    ),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The broken-contribution project, plus a saved web page and a 20 MB archived file made
    here (never committed)."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(BROKEN, root, dirs_exist_ok=True)
    (root / RFI / "saved-page.html").write_text(saved_pages()["rfi"].html, "utf-8")
    head = (BROKEN / RFI / MACHU).read_text("utf-8").split("------\n", 1)[0] + "------\n"
    paragraph = "<p>" + "马丘比丘" * 250 + "</p>\n"
    with open(root / RFI / "huge.md", "w", encoding="utf-8") as handle:
        handle.write(head.replace("1602564890000", "1602564990000"))
        handle.write(paragraph * (20 * 1_048_576 // len(paragraph.encode("utf-8"))))
    return root


@pytest.fixture(scope="module")
def report(corpus: Path) -> tuple[int, list[str]]:
    import contextlib
    import io
    import os

    out = io.StringIO()
    previous = os.environ.pop("GITHUB_ACTIONS", None)
    try:
        with contextlib.redirect_stdout(out):
            status = main(["check", "--content", str(corpus / "content"), str(corpus)])
    finally:
        if previous is not None:
            os.environ["GITHUB_ACTIONS"] = previous
    return status, out.getvalue().splitlines()


def test_each_broken_file_gets_its_own_exact_message(corpus, report):
    status, lines = report
    assert status == 1
    expected = {f"{corpus}/{path}:{line.format(root=corpus)}" for path, line in EXPECTED.items()}
    problems = {line for line in lines if line.startswith(str(corpus))}
    assert problems == expected


def test_the_summary_counts_files(report):
    _, lines = report
    # 17 archived-looking files: the original, the update and the GB18030 file are fine.
    assert lines[-1] == "17 archived files checked: 3 OK, 14 with errors"


def test_the_sample_archive_passes(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == 0
    assert "0 with errors" in capsys.readouterr().out


def test_github_annotations_for_errors_and_notices(corpus, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    paths = [corpus / RFI / name for name in (MACHU, "20201014-machu-picchu-duplicate.md")]
    paths.append(corpus / RFI / "20201015-machu-picchu-update.md")
    assert main(["check", "--content", str(corpus / "content"), *map(str, paths)]) == 1
    out = capsys.readouterr().out
    assert (
        f"::error file={corpus}/{RFI}/20201014-machu-picchu-duplicate.md,line=2::duplicate: "
        f"{RFI}/{MACHU} archived the same URL"
    ) in out
    assert (
        f"::notice file={corpus}/{RFI}/20201015-machu-picchu-update.md,line=2::new capture" in out
    )


def test_a_changed_file_is_judged_against_the_whole_archive(corpus):
    """Checking only the new file still finds the capture already in content/."""
    _, problems = check_contribution(
        [corpus / RFI / "20201014-machu-picchu-duplicate.md"], corpus / "content"
    )
    assert [p.message.split(":")[0] for p in problems] == ["duplicate"]


def test_the_first_capture_is_not_the_duplicate(corpus):
    _, problems = check_contribution([corpus / RFI / MACHU], corpus / "content")
    assert problems == []


# --- never a traceback ---------------------------------------------------------------------

_FUZZ = Path(tempfile.mkdtemp(prefix="newsarchive-fuzz-"))
(_FUZZ / "content" / "articles" / "rfi").mkdir(parents=True)
_TARGET = _FUZZ / "content" / "articles" / "rfi" / "fuzz.html"

digits = st.text(string.digits, min_size=0, max_size=16)
titles = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
urls = st.one_of(
    st.sampled_from(
        [
            "https://www.rfi.fr/cn/a",
            "http://https://www.bbc.com//zhongwen/simp/x",
            "javascript:alert(1)",
            "//cn.nytimes.com/x",
            "",
            "https://",
            "https://[::1",
        ]
    ),
    st.text(max_size=30),
)
rules = st.sampled_from(["------", "---", "--", "", "------ x", "======"])
bodies = st.one_of(
    st.sampled_from(["<p>文字</p>", "<script>x</script>", "", "<img src=x>", "<p><p><table><td>"]),
    st.text(max_size=200),
)
line_ends = st.sampled_from(["\n", "\r\n", "\r"])


def _check_never_crashes(data: bytes) -> list[Problem]:
    _TARGET.write_bytes(data)
    articles, problems = check_contribution([_TARGET], _FUZZ / "content")
    assert all(isinstance(p, Problem) for p in problems)
    assert articles or any(p.level == "error" for p in problems)
    return problems


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_check_never_crashes_on_random_bytes(data):
    _check_never_crashes(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["", "\ufeff"]),
    digits,
    titles,
    urls,
    rules,
    bodies,
    line_ends,
    st.sampled_from(["utf-8", "gb18030", "utf-16"]),
)
def test_check_never_crashes_on_near_valid_headers(bom, epoch, title, url, rule, body, end, codec):
    text = bom + end.join([f"<!--{epoch}-->", f"[{title}]({url})", rule, "", body])
    _check_never_crashes(text.encode(codec, errors="replace"))
