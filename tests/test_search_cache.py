"""The search index is reused when a rebuild changes nothing, and rebuilt when anything changes."""

from __future__ import annotations

import filecmp
from pathlib import Path

import newsarchive.search.kept as kept
from newsarchive.search.writer import SearchDoc, write_index

DOCS = [
    SearchDoc(
        title="普京会晤金正恩",
        text="俄罗斯总统普京到访朝鲜。",
        url="articles/a.html",
        date="2024-06-18",
    ),
    SearchDoc(
        title="秘鲁特准进入马丘比丘",
        text="日本游客片山 Jesse Katayama。",
        url="articles/b.html",
        date="2020-10-13",
        publisher="法国国际广播电台",
        publisher_key="rfi",
        tags=["秘鲁"],
    ),
]


def same_tree(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(f) for f in files], shallow=False)
    return not mismatch and not errors


def test_unchanged_documents_reuse_the_index(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = kept.write_index_cached(DOCS, tmp_path / "one", cache)

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the index was written again")

    monkeypatch.setattr(kept, "write_index", no_rebuild)
    second = kept.write_index_cached(list(DOCS), tmp_path / "two", cache)
    assert second == first
    assert same_tree(tmp_path / "one", tmp_path / "two")


def test_a_changed_document_rebuilds_the_index(tmp_path):
    cache = tmp_path / "cache"
    kept.write_index_cached(DOCS, tmp_path / "one", cache)
    changed = [DOCS[0], SearchDoc(**{**DOCS[1].__dict__, "tags": ["秘鲁", "日本"]})]
    kept.write_index_cached(changed, tmp_path / "two", cache)
    fresh = tmp_path / "fresh"
    write_index(changed, fresh)
    assert same_tree(fresh, tmp_path / "two")
    assert len([p for p in cache.iterdir() if p.is_dir()]) == 1  # only the latest index is kept


def test_no_cache_writes_directly(tmp_path):
    stats = kept.write_index_cached(DOCS, tmp_path / "out", None)
    assert stats.docs == 2 and (tmp_path / "out").is_dir()


def test_a_rebuild_tokenizes_only_the_changed_documents(tmp_path, monkeypatch):
    import newsarchive.search.term_cache as term_cache

    cache = tmp_path / "cache"
    kept.write_index_cached(DOCS, tmp_path / "one", cache)
    tokenized = []
    real = term_cache.doc_counts
    monkeypatch.setattr(
        term_cache, "doc_counts", lambda doc, table: tokenized.append(doc.url) or real(doc, table)
    )
    added = SearchDoc(title="新文章", text="又一篇。", url="articles/c.html", date="2024-07-01")
    kept.write_index_cached([*DOCS, added], tmp_path / "two", cache)
    assert tokenized == ["articles/c.html"]
    fresh = tmp_path / "fresh"
    write_index([*DOCS, added], fresh)
    assert same_tree(fresh, tmp_path / "two")


def test_damaged_or_stale_term_entries_are_redone_or_removed(tmp_path, capsys):
    from newsarchive.search.term_cache import TermCache

    cache = tmp_path / "cache"
    kept.write_index_cached(DOCS, tmp_path / "one", cache)
    terms = TermCache(tmp_path / "cache-terms", kept.code_version())
    used, gone = terms._path(DOCS[1]), terms._path(DOCS[0])
    assert sorted((tmp_path / "cache-terms").glob("*/*")) == sorted([used, gone])
    used.write_bytes(used.read_bytes()[:-5])  # truncated
    kept.write_index_cached(DOCS[1:], tmp_path / "two", cache)  # and the first doc is gone
    fresh = tmp_path / "fresh"
    write_index(DOCS[1:], fresh)
    assert same_tree(fresh, tmp_path / "two")
    assert list((tmp_path / "cache-terms").glob("*/*")) == [used]
    assert "damaged cache entry" in capsys.readouterr().err


def test_term_entries_read_back_what_was_written():
    from newsarchive.search.lunr_index import field_counts
    from newsarchive.search.term_cache import decode, encode

    rows = [field_counts(["秘鲁", "katayama", "秘鲁"]), field_counts([]), field_counts(["x"] * 70)]
    back = decode(encode(rows))
    assert [(r.length, list(r.terms), list(r.counts)) for r in back] == [
        (3, ["秘鲁", "katayama"], [2, 1]),
        (0, [], []),
        (70, ["x"], [70]),
    ]


def test_the_jobs_documents_file_writes_the_same_index_as_a_list(tmp_path):
    """The build's way: documents read from the job's file (two handles, two processes), with the
    cache (the last index deleted beside), long texts (``t/`` files); then again, reused."""
    import newsarchive.search.job as job

    long = "\n".join(f"第{n}段。俄罗斯总统普京到访朝鲜，与金正恩会晤。" * 8 for n in range(40))
    docs = [*DOCS, SearchDoc(title="长文", text=long, url="articles/c.html", date="2024-07-01")]
    options = job.Options(str(tmp_path / "unused"), "lunr.js", None, "tags/{slug}.html")
    fresh = tmp_path / "fresh"
    write_index(docs, fresh)
    assert (fresh / "t").is_dir()
    cache = tmp_path / "cache"
    kept.write_index_cached(DOCS, tmp_path / "before", cache)  # a last index to delete
    for n in (1, 2):
        job.write_docs(tmp_path / "docs.jsonl", options, docs)
        with job.take(tmp_path / "docs.jsonl") as written:
            kept.write_index_cached(written, tmp_path / f"run{n}", cache)
        assert same_tree(fresh, tmp_path / f"run{n}")
    assert len([p for p in cache.iterdir() if p.is_dir()]) == 1
