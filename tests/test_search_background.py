"""The search index is written in a forked process while Pelican writes the pages."""

from __future__ import annotations

import filecmp
import multiprocessing
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import newsarchive.search.glue as glue
import newsarchive.search.job as job
import pytest


def article(n: int, title: str, text: str) -> SimpleNamespace:
    """What the search glue reads from a Pelican article."""
    return SimpleNamespace(
        title=title,
        content=f"<p>{text}</p>",
        summary=f"<p>{text[:20]}</p>",
        url=f"articles/a{n}.html",
        date=datetime(2024, 6, n + 1),
        source="法国国际广播电台",
        source_key="rfi",
        column="要闻解说",
        authors=["片山"],
        tags=["朝鲜"],
    )


ARTICLES = [
    article(0, "普京会晤金正恩", "俄罗斯总统普京到访朝鲜。"),
    article(1, "秘鲁特准进入马丘比丘", "日本游客片山 Jesse Katayama。"),
]


def files_of(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_the_forked_job_writes_the_same_index_as_the_build_process(tmp_path):
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "NEWSARCHIVE_CACHE": False}
    here = glue.write_search_files(ARTICLES, settings, str(tmp_path / "here"))

    job = glue._Job(ARTICLES, settings, str(tmp_path / "forked"))
    stats, seconds = job.result()

    assert stats.docs == here.docs == 2
    assert stats.terms == here.terms > 0
    assert seconds > 0
    names = files_of(tmp_path / "here" / "search")
    assert "meta.js" in names and "lunr.min.js" in names
    assert names == files_of(tmp_path / "forked" / "search")
    _, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "here" / "search", tmp_path / "forked" / "search", names, shallow=False
    )
    assert not mismatch and not errors


def test_a_failure_in_the_forked_job_fails_the_build_with_its_error(tmp_path):
    broken = [*ARTICLES, SimpleNamespace(title="no content, url or date")]
    job = glue._Job(broken, {"NEWSARCHIVE_CACHE": False}, str(tmp_path))
    with pytest.raises(RuntimeError, match="the index could not be written: AttributeError"):
        job.result()


def test_the_job_runs_as_a_process_of_its_own_and_removes_its_file(tmp_path):
    """The forked child hands the documents over in a file and becomes ``python -m
    newsarchive.search.job``: what runs is a fresh process, not a copy of the build's."""
    settings = {"CACHE_PATH": str(tmp_path / "cache"), "NEWSARCHIVE_CACHE": False}
    docs = glue._write_docs(tmp_path / "docs.jsonl", ARTICLES, settings, str(tmp_path / "out"))
    receive, send = multiprocessing.Pipe(duplex=False)
    command = [sys.executable, "-m", "newsarchive.search.job", str(docs), str(send.fileno()), "0"]
    env = {**os.environ, "PYTHONPATH": str(glue.PLUGINS)}
    done = subprocess.run(command, pass_fds=[send.fileno()], env=env, capture_output=True)
    send.close()  # the job's end is the only one left: no answer is an EOFError, not a hang
    assert done.returncode == 0, done.stderr
    status, stats, _ = receive.recv()
    assert status == "ok" and stats["docs"] == 2
    assert not docs.exists()
    assert (tmp_path / "out" / "search" / "meta.js").is_file()


def test_the_job_answers_its_own_failure(tmp_path):
    docs = tmp_path / "docs.jsonl"
    options = job.Options(str(tmp_path / "out"), str(tmp_path / "no-lunr.js"), None, "tags/{slug}")
    job.write_docs(docs, options, [])
    receive, send = multiprocessing.Pipe(duplex=False)
    command = [sys.executable, "-m", "newsarchive.search.job", str(docs), str(send.fileno()), "0"]
    env = {**os.environ, "PYTHONPATH": str(glue.PLUGINS)}
    subprocess.run(command, pass_fds=[send.fileno()], env=env, check=True)
    send.close()
    status, (message, where), _ = receive.recv()
    assert status == "error" and message.startswith("FileNotFoundError") and "no-lunr.js" in message
    assert "Traceback" in where and not docs.exists()


def test_what_the_build_process_patches_does_not_reach_the_job(tmp_path, monkeypatch):
    """The forked child becomes a fresh program: the build's in-memory state is not the job's."""

    def broken(*args, **kwargs):
        raise AssertionError("the build's own copy of the code ran the job")

    monkeypatch.setattr(job, "write_index_cached", broken)
    stats, _ = glue._Job(ARTICLES, {"NEWSARCHIVE_CACHE": False}, str(tmp_path)).result()
    assert stats.docs == 2 and (tmp_path / "search" / "meta.js").is_file()


def test_the_forked_job_leaves_no_file_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    job = glue._Job(ARTICLES, {"NEWSARCHIVE_CACHE": False}, str(tmp_path / "out"))
    stats, _ = job.result()
    assert stats.docs == 2 and (tmp_path / "out" / "search" / "meta.js").is_file()
    assert list((tmp_path / "tmp").iterdir()) == []
    broken = glue._Job([SimpleNamespace(title="no date")], {}, str(tmp_path / "out"))
    with pytest.raises(RuntimeError, match="AttributeError"):
        broken.result()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_documents_file_and_the_documents_have_one_index_key(tmp_path):
    """The job hashes the file's lines as read; they are the documents' own JSON lines, with a
    line break or a Unicode line separator inside a text kept in its line, and read back whole
    (the text apart) whatever the values hold."""
    from newsarchive.search.kept import index_key
    from newsarchive.search.writer import SearchDoc

    docs = [
        SearchDoc("普京会晤金正恩", "<p>俄罗斯\n总统\r普京\u2028到访</p>", "a0.html", "2024-06-01"),
        SearchDoc("秘鲁", "<p>Jesse Katayama</p>", "a1.html", "2024-06-02", tags=["朝鲜"]),
        SearchDoc('他说, "text": 是', '<p>, "text": "</p>', "a2.html", "2024-06-03", extra='"'),
    ]
    options = job.Options(str(tmp_path / "out"), "lunr.js", None, "tags/{slug}.html")
    job.write_docs(tmp_path / "docs.jsonl", options, docs)
    with job.take(tmp_path / "docs.jsonl") as written:
        assert [replace(d, text=written.html(d.text)) for d in written.facts()] == docs
        assert index_key(written, options.tag_url) == index_key(docs, options.tag_url)
        assert index_key(written, options.tag_url) != index_key(docs[:1], options.tag_url)


def test_the_index_reads_the_html_before_pelicans_link_pass(tmp_path):
    """The search index starts before the static files are known: it takes the article's HTML
    before Pelican rewrites its intrasite links, whose text is the same."""
    from types import SimpleNamespace

    from newsarchive.search.text import html_to_text
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    settings = {**DEFAULT_CONFIG, "SITEURL": "", "PATH": str(tmp_path)}
    context = {**settings, "localsiteurl": "", "generated_content": {}, "static_links": set()}
    context["static_content"] = {"images/map.jpg": SimpleNamespace(url="images/map.jpg")}
    html = '<p>地图<img src="{static}/images/map.jpg" alt="朝鲜">见<a href="{static}/images/map.jpg">此</a></p>'
    metadata = {"title": "t", "date": datetime(2024, 6, 1)}
    article = Article(html, metadata=metadata, settings=settings,
                      source_path=str(tmp_path / "a.md"), context=context)  # fmt: skip
    doc = glue.search_doc(article)
    assert (
        doc.text == html
        and "images/map.jpg" in article.content
        and "{static}" not in article.content
    )
    assert html_to_text(doc.text) == html_to_text(article.content)
