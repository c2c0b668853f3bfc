"""The search index is reused when a rebuild changes nothing, and rebuilt when anything changes."""

from __future__ import annotations

import filecmp
from dataclasses import replace
from pathlib import Path

import newsarchive.search.kept as kept
import pytest
from newsarchive.search.writer import Listed, SearchDoc, write_index

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
    import newsarchive.search.writer as writer

    cache = tmp_path / "cache"
    kept.write_index_cached(DOCS, tmp_path / "one", cache)
    tokenized = []
    real = writer.doc_counts
    monkeypatch.setattr(
        writer, "doc_counts", lambda doc, table: tokenized.append(doc.url) or real(doc, table)
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
    terms = TermCache(
        tmp_path / "cache-terms", kept.code_version(), kept.line_digests(Listed(DOCS))
    )
    used, gone = terms.entries.path(terms._key(1)), terms.entries.path(terms._key(0))
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


def _many(n: int) -> list[SearchDoc]:
    """``n`` documents, a few long enough to have a ``t/`` file, from three publishers."""
    words = ["普京", "金正恩", "秘鲁", "马丘比丘", "游客", "朝鲜", "会晤", "Katayama", "日本"]
    docs = []
    for i in range(n):
        text = "".join(words[(i + k) % len(words)] + "。" for k in range(i + 3))
        if i % 4 == 3:
            text = "\n".join([text] * 200)
        publisher = ["rfi", "bbc", "voa"][i % 3]
        docs.append(
            SearchDoc(
                title=f"第{i}篇 {words[i % len(words)]}",
                text=text,
                url=f"articles/{i}.html",
                date=f"2024-01-{i + 1:02d}",
                publisher=publisher.upper(),
                publisher_key=publisher,
                tags=[words[i % 5]],
            )
        )
    return docs


def _added(monkeypatch) -> list[int]:
    """The ids of the documents whose terms are added to a model from now on."""
    import newsarchive.search.lunr_index as lunr_index

    ids: list[int] = []
    real = lunr_index.Model.add
    monkeypatch.setattr(
        lunr_index.Model, "add", lambda self, fields: ids.append(self.n_docs) or real(self, fields)
    )
    return ids


def test_an_added_newest_document_resumes_the_last_index(tmp_path, monkeypatch):
    docs, cache = _many(12), tmp_path / "cache"
    kept.write_index_cached(docs[:-1], tmp_path / "one", cache)
    added = _added(monkeypatch)
    kept.write_index_cached(docs, tmp_path / "two", cache)
    assert added == [11]  # the others' terms are the last index's model
    for name in ("d/0.js", "t/3.js", "d/10.js"):  # their files are the last index's, linked
        assert (tmp_path / "one" / name).samefile(tmp_path / "two" / name)
    fresh = tmp_path / "fresh"
    write_index(docs, fresh)
    assert same_tree(fresh, tmp_path / "two")
    key = kept.index_key(docs)
    names = [key, f"{key}.json", f"{key}.model", f"{key}.docs"]
    assert sorted(p.name for p in cache.iterdir()) == sorted(names)


@pytest.mark.parametrize(
    ("change", "redone"),
    [
        (lambda docs: [*docs[:5], replace(docs[5], title="改了"), *docs[6:]], [5, 6, 7, 8, 9]),
        (lambda docs: docs[:-2], []),  # the last two are gone: the model of the first eight
        (lambda docs: docs[1:], list(range(9))),  # nothing in common
    ],
)
def test_a_changed_list_resumes_from_its_first_change(tmp_path, monkeypatch, change, redone):
    docs, cache = _many(10), tmp_path / "cache"
    kept.write_index_cached(docs, tmp_path / "one", cache)
    added = _added(monkeypatch)
    changed = change(docs)
    kept.write_index_cached(changed, tmp_path / "two", cache)
    assert added == redone
    fresh = tmp_path / "fresh"
    write_index(changed, fresh)
    assert same_tree(fresh, tmp_path / "two")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(p.read_bytes()[:-9]), "truncated: "),
        (lambda p: p.write_bytes(p.read_bytes()[:-9] + b"123456789"), "altered"),
        (lambda p: p.write_bytes(b"not a model\n" * 9), "not a newsarchive cache file"),
    ],
)
@pytest.mark.parametrize("part", ["model", "docs"])
def test_a_damaged_kept_model_is_a_miss(tmp_path, monkeypatch, capsys, damage, reason, part):
    docs, cache = _many(8), tmp_path / "cache"
    kept.write_index_cached(docs[:-1], tmp_path / "one", cache)
    (model,) = cache.glob(f"*.{part}")
    damage(model)
    added = _added(monkeypatch)
    kept.write_index_cached(docs, tmp_path / "two", cache)
    err = capsys.readouterr().err
    assert f"damaged cache entry {model} ({reason}" in err and err.count("\n") == 1
    assert "adding every document's terms again" in err
    assert added == list(range(8))
    fresh = tmp_path / "fresh"
    write_index(docs, fresh)
    assert same_tree(fresh, tmp_path / "two")


def test_a_damaged_file_of_the_last_index_is_written_again(tmp_path, capfd):
    """(The forked process that writes the documents' files says so: ``capfd``.)"""
    docs, cache = _many(8), tmp_path / "cache"
    kept.write_index_cached(docs[:-1], tmp_path / "one", cache)
    (last,) = (p for p in cache.iterdir() if p.is_dir())
    size = (last / "t" / "3.js").stat().st_size
    (last / "t" / "3.js").unlink()  # not the file in one/ it is hard-linked to
    (last / "t" / "3.js").write_bytes(b"x" * size)
    kept.write_index_cached(docs, tmp_path / "two", cache)
    err = capfd.readouterr().err
    assert f"damaged cache entry {last / 't' / '3.js'} (altered" in err and err.count("\n") == 1
    assert not (tmp_path / "one" / "d" / "3.js").samefile(tmp_path / "two" / "d" / "3.js")
    fresh = tmp_path / "fresh"
    write_index(docs, fresh)
    assert same_tree(fresh, tmp_path / "two")
