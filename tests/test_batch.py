"""Converting many files: the cache and the process pool give the same results as one by one."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsarchive.batch import Converter, is_archived_file
from newsarchive.convert.errors import Problem
from newsarchive.convert.pipeline import Article, convert_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "content" / "articles").rglob("*.*"))[:12]


def test_archived_files_are_recognised_by_content_not_extension(tmp_path):
    page = tmp_path / "about.md"
    page.write_text("Title: About\n\nText\n", "utf-8")
    html = tmp_path / "article.html"
    html.write_bytes(SAMPLES[0].read_bytes())
    assert is_archived_file(html)
    assert not is_archived_file(page)


def test_pool_cache_and_serial_agree(tmp_path):
    files = [tmp_path / f"{i}{p.suffix}" for i, p in enumerate(SAMPLES)]
    for source, target in zip(SAMPLES, files, strict=True):
        shutil.copy(source, target)
    bad = tmp_path / "bad.md"
    bad.write_text("<!--1-->\n[T](https://x.org)\n------\n<p>x</p>\n", "utf-8")
    cache = tmp_path / "cache"
    pooled = Converter(cache_dir=cache, workers=2).convert_many([*files, bad])
    cached = Converter(cache_dir=cache, workers=2).convert_many([*files, bad])
    assert isinstance(pooled[str(bad)], Problem) and isinstance(cached[str(bad)], Problem)
    assert len(list(cache.rglob("*.json"))) == len(files)  # failures are not cached
    for path in files:
        serial = convert_file(path)
        for result in (pooled[str(path)], cached[str(path)]):
            assert isinstance(result, Article)
            assert result.markdown == serial.markdown
            assert result.html == serial.html
            assert result.metadata == serial.metadata


def test_cache_is_keyed_by_content(tmp_path):
    path = tmp_path / "a.md"
    shutil.copy(SAMPLES[0], path)
    converter = Converter(cache_dir=tmp_path / "cache", workers=1)
    first = converter.convert(path)
    path.write_text(
        path.read_text("utf-8").replace("------", "------\n<p>新增一段。</p>", 1), "utf-8"
    )
    second = converter.convert(path)
    assert "新增一段" in second.markdown and "新增一段" not in first.markdown
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 2


def test_a_converter_bug_names_the_file_instead_of_stopping(tmp_path, monkeypatch):
    import newsarchive.batch as batch

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(batch, "convert_bytes", broken)
    path = tmp_path / "a.md"
    shutil.copy(SAMPLES[0], path)
    problem = Converter(workers=1).convert(path)
    assert isinstance(problem, Problem)
    assert problem.path == str(path)
    assert "the converter failed on this file: ValueError: boom" in problem.message


def test_a_file_changed_while_the_pool_works_is_not_cached_under_its_old_key(tmp_path):
    """The pool's workers read the files themselves; one edited after its key was taken is
    converted as it is now, and not stored where its old content's conversion belongs."""
    path = tmp_path / "a.md"
    path.write_bytes(SAMPLES[0].read_bytes())
    converter = Converter(cache_dir=tmp_path / "cache", workers=1)
    real_key = converter._key

    def key_then_edit(data: bytes) -> str:
        key = real_key(data)
        path.write_bytes(SAMPLES[1].read_bytes())  # edited between the key and the conversion
        return key

    converter._key = key_then_edit
    result = converter.convert_many([path])[str(path)]
    assert isinstance(result, Article) and result.markdown == convert_file(SAMPLES[1]).markdown
    assert list((tmp_path / "cache").rglob("*.json")) == []
