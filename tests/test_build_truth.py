"""The build tells the truth (real Pelican builds of a few sample articles): a build whose parts
fail exits non-zero with one clear line and no traceback; damaged caches are reported, redone and
change nothing in the output; a killed build followed by a rebuild gives the same site."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from browser_support import PELICAN, ROOT, build_site
from newsarchive import cachefile

FAILING_PLUGINS = ROOT / "tests" / "failing_plugins"


def small_content(target: Path, publisher: str = "rfi") -> Path:
    """A copy of one publisher's sample articles, with the pages and tag files."""
    shutil.copytree(ROOT / "content" / "pages", target / "pages")
    shutil.copytree(ROOT / "content" / "articles" / publisher, target / "articles" / publisher)
    for name in ("tags.yml", "overrides.yml"):
        shutil.copy(ROOT / "content" / name, target / name)
    return target


def with_plugin(name: str) -> tuple[str, str]:
    """Settings that add the test plugin ``name`` (tests/failing_plugins/) after newsarchive."""
    paths = [str(ROOT / "plugins"), str(FAILING_PLUGINS)]
    return f"PLUGIN_PATHS={json.dumps(paths)}", f'PLUGINS=["newsarchive", "{name}"]'


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A clean cold build: (content, output, cache)."""
    root = tmp_path_factory.mktemp("clean")
    content, output, cache = small_content(root / "content"), root / "output", root / "cache"
    result = build_site(content, output, cache=cache)
    assert result.returncode == 0, result.stdout + result.stderr
    return content, output, cache


def warm_copy(cache: Path, target: Path, *drop: str) -> Path:
    """A copy of ``cache`` without the files matching the globs ``drop``."""
    shutil.copytree(cache, target)
    for pattern in drop:
        for path in target.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return target


def failed(result) -> str:
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert "Traceback" not in log, log
    return log


def test_a_missing_lunr_fails_at_once(tmp_path):
    missing = tmp_path / "nowhere" / "node_modules" / "lunr" / "lunr.min.js"
    result = build_site(
        small_content(tmp_path / "content"),
        tmp_path / "out",
        f"NEWSARCHIVE_LUNR_JS={json.dumps(str(missing))}",
    )
    log = failed(result)
    assert f"newsarchive search: error: NEWSARCHIVE_LUNR_JS {missing} not found (run npm ci" in log
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_failed_search_index_job_fails_the_build(tmp_path, clean):
    content, _, cache = clean
    warm = warm_copy(cache, tmp_path / "cache", "newsarchive-search")
    result = build_site(content, tmp_path / "out", *with_plugin("break_search"), cache=warm)
    log = failed(result)
    assert (
        "newsarchive search: error: the index could not be written: OSError: [Errno 28] "
        "No space left on device (simulated by break_search)\n" in log
    )
    # The rest of the build is done and reported, then the verdict.
    assert "articles written" in log
    assert log.rstrip().endswith(
        "newsarchive: error: the build failed: 1 error above; output/ is incomplete"
    )


def test_a_failed_tag_analysis_fails_the_build(tmp_path, clean):
    content, _, cache = clean
    warm = warm_copy(
        cache, tmp_path / "cache", "newsarchive-tags/analyses-*", "newsarchive-tags/tags-*"
    )
    result = build_site(content, tmp_path / "out", *with_plugin("break_tags"), cache=warm)
    log = failed(result)
    assert (
        "newsarchive: error: tagging the articles failed: ValueError: cannot analyse this "
        "article (simulated by break_tags) (run pelican with --debug" in log
    )
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_damaged_image_manifest_fails_the_build_in_one_line(tmp_path, clean):
    content = small_content(tmp_path / "content")
    manifest = content / "images" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text('{"images": {"https://x/a.jpg": ', "utf-8")  # cut short
    log = failed(build_site(content, tmp_path / "out", cache=clean[2]))
    assert f"newsarchive images: error: {manifest} is damaged (JSONDecodeError: " in log
    assert "restore it (git checkout), or delete it and run: newsarchive images fetch" in log


def test_any_logged_error_fails_the_build(tmp_path, clean):
    content, _, cache = clean
    warm = warm_copy(cache, tmp_path / "cache")
    result = build_site(content, tmp_path / "out", *with_plugin("log_error"), cache=warm)
    log = failed(result)
    assert "log_error: something went wrong (simulated)" in log
    assert "newsarchive: error: the build failed: 1 error above" in log


# --- caches -------------------------------------------------------------------------------


def same_tree(a: Path, b: Path) -> list[str]:
    """The files that differ between two output trees (missing on either side included)."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    _, mismatch, errors = filecmp.cmpfiles(a, b, sorted(files_a & files_b), shallow=False)
    return sorted((files_a ^ files_b) | set(mismatch) | set(errors))


DAMAGE = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "garbage": lambda data: bytes(range(256)) * 3,
}


def damage(path: Path, kind: str) -> None:
    """Damage a cache file in place of a new one (the old may be hard-linked into an output)."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(DAMAGE[kind](data))


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_caches_are_redone_and_the_output_is_the_same(tmp_path, clean, kind):
    content, output, cache = clean
    warm = warm_copy(cache, tmp_path / "cache")
    entries = sorted((warm / "newsarchive").glob("*/*.json"))[:2]
    (index,) = (p for p in (warm / "newsarchive-search").iterdir() if p.is_dir())
    model = index.with_name(f"{index.name}.model")  # read when the index is written again
    terms = sorted((warm / "newsarchive-search-terms").glob("*/*"))[:1]  # read: so is the model
    tags = sorted((warm / "newsarchive-tags").glob("*.marshal"))
    assert {p.name.split("-")[0] for p in tags} == {"analyses", "dictionary", "slugs", "tags"}
    pages = sorted((warm / "newsarchive-pages").glob("*/*"))[:1]
    damaged = [*entries, index / "meta.js", model, *terms, *pages, *tags]
    for path in damaged:
        damage(path, kind)

    result = build_site(content, tmp_path / "out", cache=warm)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "Traceback" not in log and "CRITICAL" not in log
    warnings = [line for line in log.splitlines() if "warning: damaged cache entry" in line]
    assert len(warnings) == len(damaged), log
    for path in damaged:
        assert any(f" {path} (" in line for line in warnings), (path, warnings)
    assert same_tree(output, tmp_path / "out") == []
    # Healed: every damaged entry was written again, whole.
    for path in damaged:
        if path.name == "meta.js":
            assert path.read_bytes() == (output / "search" / "meta.js").read_bytes()
        else:
            assert cachefile.read(path), path


def test_a_killed_cold_build_then_a_rebuild_gives_the_same_site(tmp_path, clean):
    content, output, _ = clean
    cache = tmp_path / "cache"
    command = [str(PELICAN), str(content), "-s", str(ROOT / "pelicanconf.py")]
    command += ["-o", str(tmp_path / "killed"), "-e", f"CACHE_PATH={json.dumps(str(cache))}"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(cache.glob("newsarchive/*/*")) and time.monotonic() < deadline:
            assert process.poll() is None, "the build ended before it could be killed"
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the build and any worker it forked
        process.wait()
    assert process.returncode == -signal.SIGKILL

    result = build_site(content, tmp_path / "out", cache=cache)
    assert result.returncode == 0, result.stdout + result.stderr
    assert same_tree(output, tmp_path / "out") == []


# --- the last build's output ----------------------------------------------------------------


def test_the_last_output_is_deleted_beside_the_build(tmp_path, clean):
    content, output, cache = clean
    out = tmp_path / "out"
    shutil.copytree(output, out)  # the last build's output, with a stray file and a kept one
    (out / "articles" / "removed-since.html").write_text("old", "utf-8")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", "utf-8")
    left = tmp_path / ".out.deleting-0123456789ab"  # by a killed build
    (left / "articles").mkdir(parents=True)
    (left / "articles" / "x.html").write_text("old", "utf-8")
    result = build_site(
        content, out, "DELETE_OUTPUT_DIRECTORY=true", 'OUTPUT_RETENTION=[".git"]', cache=cache
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / ".git" / "HEAD").read_text("utf-8") == "ref: refs/heads/gh-pages\n"
    shutil.rmtree(out / ".git")
    assert same_tree(output, out) == []  # removed-since.html is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failed_deletion_of_the_last_output_fails_the_build(tmp_path, clean):
    content, output, cache = clean
    out = tmp_path / "out"
    shutil.copytree(output, out)
    result = build_site(
        content, out, "DELETE_OUTPUT_DIRECTORY=true", *with_plugin("break_deletion"), cache=cache
    )
    log = failed(result)
    (aside,) = tmp_path.glob(".out.deleting-*")
    assert (
        f"newsarchive: error: the last build's output, moved to {aside}, could not be deleted: "
        "PermissionError: [Errno 13] Permission denied (simulated by break_deletion) "
        "(delete it by hand)\n" in log
    )
    assert same_tree(output, out) == []  # the build itself was whole


def test_the_files_another_room_keeps_are_left_in_place(tmp_path):
    """The page cache's unchanged pages stay, with the folders holding them; all else goes,
    there too, and Pelican's own deletion is told to spare them."""
    from types import SimpleNamespace

    from newsarchive import clear_output

    out = tmp_path / "out"
    for name in (".git/HEAD", "articles/a.html", "articles/b.html", "articles/x/c.html",
                 "index.html", "tags/a.html"):  # fmt: skip
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(name, "utf-8")
    pelican = SimpleNamespace(
        output_path=str(out),
        path=str(tmp_path / "content"),
        delete_outputdir=True,
        output_retention=[".git"],
        settings={},
    )
    kept = {"articles/a.html", "articles/gone.html", "index.html/not-a-folder.html"}
    clear_output.move_aside(pelican, keep=lambda p: kept)
    clear_output.wait(pelican)
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert left == [".git/HEAD", "articles/a.html"]
    assert pelican.output_retention == [".git", "articles"]
    assert not list(tmp_path.glob(".out.deleting-*"))
    clear_output.restore_retention(SimpleNamespace(settings=pelican.settings))  # Pelican's done
    assert pelican.output_retention == [".git"]  # a next run of it (--autoreload) deletes all


def cannot_move(monkeypatch, name: str) -> None:
    """Renaming a file called ``name`` fails, as across file systems."""
    real = Path.rename

    def rename(self: Path, target: Path) -> Path:
        if self.name == name:
            raise OSError(18, "Invalid cross-device link")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)


def test_a_kept_folder_whose_other_files_cannot_be_moved_is_left_to_pelican(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from newsarchive import clear_output

    out = tmp_path / "out"
    (out / "articles").mkdir(parents=True)
    for name in ("a.html", "b.html"):
        (out / "articles" / name).write_text(name, "utf-8")
    cannot_move(monkeypatch, "b.html")
    pelican = SimpleNamespace(output_path=str(out), path=str(tmp_path / "content"),
                              delete_outputdir=True, output_retention=[], settings={})  # fmt: skip
    clear_output.move_aside(pelican, keep=lambda p: {"articles/a.html"})
    clear_output.wait(pelican)
    assert pelican.output_retention == []  # Pelican deletes the folder, b.html with it


def test_what_cannot_be_moved_aside_is_left_to_pelican(tmp_path, monkeypatch):
    """An output folder on a file system of its own (a mount point): Pelican deletes the rest."""
    from types import SimpleNamespace

    from newsarchive import clear_output

    out = tmp_path / "out"
    (out / "articles").mkdir(parents=True)
    (out / "articles" / "a.html").write_text("a", "utf-8")
    (out / "index.html").write_text("i", "utf-8")
    cannot_move(monkeypatch, "index.html")
    pelican = SimpleNamespace(
        output_path=str(out),
        path=str(tmp_path / "content"),
        delete_outputdir=True,
        output_retention=[],
        settings={},
    )
    clear_output.move_aside(pelican)
    clear_output.wait(pelican)
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert not list(tmp_path.glob(".out.deleting-*"))
