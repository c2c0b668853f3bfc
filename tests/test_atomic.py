"""One atomic replace for every file the project rewrites: whole or not at all, fsync on demand."""

from __future__ import annotations

import os
import stat

import pytest
from newsarchive import atomic, cachefile
from newsarchive.feeds.state import Seen, load_state, save_state
from newsarchive.images.manifest import Manifest, ok_entry
from newsarchive.sources import status


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every ``os.fsync`` call (still made)."""
    calls: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return calls


def test_write_replaces_the_file_and_leaves_nothing_beside_it(tmp_path, fsyncs):
    path = tmp_path / "state.json"
    path.write_text("old", "utf-8")
    atomic.write(path, "新的 text", durable=False)
    assert path.read_text("utf-8") == "新的 text"
    atomic.write(path, b"\x00bytes", durable=True)
    assert path.read_bytes() == b"\x00bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    assert len(fsyncs) == 1  # only the durable write


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path):
    path = tmp_path / "status.jsonl"
    path.write_text("old\n", "utf-8")
    with pytest.raises(RuntimeError), atomic.replacing(path, durable=True) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("disk full")
    assert path.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["status.jsonl"]


def test_the_file_gets_the_umask_mode_not_a_private_one(tmp_path):
    old = os.umask(0o022)
    try:
        atomic.write(tmp_path / "a.jpg", b"x", durable=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.jpg").stat().st_mode) == 0o644


def test_the_temporary_file_is_hidden_beside_the_target(tmp_path):
    with atomic.replacing(tmp_path / "m.json", durable=False) as handle:
        handle.write(b"{}")
        (temporary,) = tmp_path.glob(atomic.TEMPORARY_GLOB)
        assert temporary.name.startswith(".m.json.")
    assert not list(tmp_path.glob(atomic.TEMPORARY_GLOB))


def test_the_cache_does_not_fsync_and_the_state_files_do(tmp_path, fsyncs):
    cachefile.write(tmp_path / "cache" / "entry", b"payload")
    assert fsyncs == []  # the build writes thousands of these
    save_state(tmp_path / "feeds-state.json", {"https://x.example/feed": Seen('"e"')})
    assert len(fsyncs) == 1
    assert load_state(tmp_path / "feeds-state.json")["https://x.example/feed"].etag == '"e"'
    record = status.Record("https://x.example/a", "live", "live", 200, "ok", "2026-11-30T00:00:00Z")
    status.write(tmp_path / "source-status.jsonl", [record])
    assert len(fsyncs) == 2
    assert status.load(tmp_path / "source-status.jsonl")[0] == {record.url: record}
    manifest = Manifest(tmp_path / "images")
    manifest.record("https://x.example/a.jpg", ok_entry("a.jpg", 1, "image/jpeg", "u"))
    fsyncs.clear()
    manifest.save()
    assert len(fsyncs) == 1
    assert Manifest.load(tmp_path / "images").get("https://x.example/a.jpg")["file"] == "a.jpg"
