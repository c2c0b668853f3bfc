"""Cache files prove they are whole: a damaged entry is a miss, reported in one line, and redone."""

from __future__ import annotations

import json
import shutil

import newsarchive.search.kept as search
import pytest
from newsarchive import cachefile
from newsarchive.batch import Converter
from test_build import archived_files
from test_search_cache import DOCS, same_tree

PAYLOAD = json.dumps({"title": "金正恩与普京会晤", "n": list(range(50))}).encode()


def test_a_sealed_payload_reads_back():
    assert cachefile.unseal(cachefile.seal(PAYLOAD)) == PAYLOAD
    assert cachefile.unseal(cachefile.seal(b"")) == b""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (cachefile.seal(PAYLOAD)[:-10], f"truncated: {len(PAYLOAD) - 10} of {len(PAYLOAD)} bytes"),
        (cachefile.seal(PAYLOAD)[:30], "not a newsarchive cache file"),  # cut in the header
        (PAYLOAD, "not a newsarchive cache file"),  # an entry of the format before
        (bytes(range(256)) * 3, "not a newsarchive cache file"),
        (cachefile.seal(PAYLOAD)[:-1] + b"]", "altered: its checksum does not match"),
        (cachefile.seal(PAYLOAD) + b"\n", "altered: its checksum does not match"),
    ],
)
def test_damage_is_named(data, reason):
    with pytest.raises(cachefile.DamagedEntry) as caught:
        cachefile.unseal(data)
    assert str(caught.value) == reason


def test_load_reports_a_damaged_entry_in_one_line_and_misses(tmp_path, capsys):
    path = tmp_path / "entry.json"
    assert cachefile.load(path, json.loads, "redoing it") is None  # missing: a plain miss
    assert capsys.readouterr().err == ""
    cachefile.write(path, PAYLOAD)
    assert cachefile.load(path, json.loads, "redoing it")["n"][-1] == 49
    path.write_bytes(path.read_bytes()[:-1])
    assert cachefile.load(path, json.loads, "redoing it") is None
    err = capsys.readouterr().err
    assert err == (
        f"newsarchive: warning: damaged cache entry {path} "
        f"(truncated: {len(PAYLOAD) - 1} of {len(PAYLOAD)} bytes); redoing it\n"
    )
    cachefile.write(path, b"not json")  # whole, but not what the reader expects
    assert cachefile.load(path, json.loads, "redoing it") is None
    assert "(unreadable: JSONDecodeError: " in capsys.readouterr().err


def test_write_replaces_in_one_step_and_leaves_nothing_behind(tmp_path):
    path = tmp_path / "a" / "entry.json"
    cachefile.write(path, b"one")
    cachefile.write(path, b"two")
    assert cachefile.read(path) == b"two"
    assert [p.name for p in path.parent.iterdir()] == ["entry.json"]


def test_a_damaged_conversion_is_converted_again_and_healed(tmp_path, capsys):
    files = [str(p) for p in archived_files()[:3]]
    cache = tmp_path / "cache"
    first = Converter(cache_dir=cache, workers=1).convert_many(files)
    entries = sorted(cache.rglob("*.json"))
    entries[0].write_bytes(b"")
    entries[1].write_bytes(entries[1].read_bytes()[:100])
    again = Converter(cache_dir=cache, workers=1).convert_many(files)
    assert {p: a.html for p, a in again.items()} == {p: a.html for p, a in first.items()}
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 2 and all("; converting " in w and " again" in w for w in warnings)
    assert all(cachefile.read(e) for e in entries)  # written again, whole


@pytest.mark.parametrize(
    ("target", "damage", "reason"),
    [
        ("meta.js", lambda p: p.write_bytes(b""), "empty"),
        ("tags.js", lambda p: p.write_bytes(p.read_bytes()[:5]), "truncated: 5 of "),
        ("meta.js", lambda p: p.write_bytes(b"x" * p.stat().st_size), "altered"),
        ("meta.js", lambda p: p.unlink(), "missing"),
        ("stray.js", lambda p: p.write_bytes(b"var x;"), "not part of the index"),
        ("MANIFEST", lambda p: p.write_bytes(b"{}"), "not a newsarchive cache file"),
    ],
)
def test_a_damaged_search_index_is_written_again(tmp_path, capsys, target, damage, reason):
    cache = tmp_path / "cache"
    search.write_index_cached(DOCS, tmp_path / "one", cache)
    (kept,) = (p for p in cache.iterdir() if p.is_dir())
    path = kept.with_suffix(".json") if target == "MANIFEST" else kept / target
    if path.exists():  # not the file in one/ it is hard-linked to
        shutil.copyfile(path, tmp_path / "copy")
        path.unlink()
        shutil.copyfile(tmp_path / "copy", path)
    damage(path)
    search.write_index_cached(DOCS, tmp_path / "two", cache)
    err = capsys.readouterr().err
    assert f"damaged cache entry {path} ({reason}" in err and err.count("\n") == 1
    assert same_tree(tmp_path / "one", tmp_path / "two")
    search.write_index_cached(DOCS, tmp_path / "three", cache)  # healed
    assert capsys.readouterr().err == ""


def test_an_index_kept_by_a_killed_build_without_its_list_is_written_again(tmp_path, capsys):
    cache = tmp_path / "cache"
    search.write_index_cached(DOCS, tmp_path / "one", cache)
    (kept,) = (p for p in cache.iterdir() if p.is_dir())
    kept.with_suffix(".json").unlink()
    search.write_index_cached(DOCS, tmp_path / "two", cache)
    assert "(incomplete: no list of its files)" in capsys.readouterr().err
    assert same_tree(tmp_path / "one", tmp_path / "two")


def test_a_files_digest_sees_names_and_bytes_but_not_where_they_are(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.py").write_text("print(1)\n", "utf-8")
    digest = cachefile.files_digest([tmp_path / "a" / "x.py"])
    assert digest == cachefile.files_digest([tmp_path / "b" / "x.py"])
    (tmp_path / "b" / "x.py").write_text("print(2)\n", "utf-8")
    assert digest != cachefile.files_digest([tmp_path / "b" / "x.py"])
    (tmp_path / "a" / "x.py").rename(tmp_path / "a" / "y.py")
    assert digest != cachefile.files_digest([tmp_path / "a" / "y.py"])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda data: data, "unreadable: ValueError: not what this version reads"),
        (lambda data: data[:-3] + b"xyz", "altered: its checksum does not match"),
        (lambda data: data[:-3], "truncated: "),
    ],
)
def test_a_payload_that_fails_to_decode_is_said_to_be_damaged_only_when_it_is(
    tmp_path, capsys, change, reason
):
    path = tmp_path / "model"
    cachefile.write_parts(path, [b"head", b"0123456789" * 10])
    path.write_bytes(change(path.read_bytes()))

    def decode(read: cachefile.Reader) -> bytes:
        read.read(4)
        raise ValueError("not what this version reads")

    assert cachefile.load_parts(path, decode, "redo") is None
    assert f"damaged cache entry {path} ({reason}" in capsys.readouterr().err
