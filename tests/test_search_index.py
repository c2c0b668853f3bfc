"""The sharded search index: equivalence with monolithic lunr.js, recall, folding, and the build.

Runs the browser's own engine code (theme/static/js/search-engine.js) in Node.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import pytest
from newsarchive.convert.language import to_traditional
from newsarchive.search.folding import folder
from newsarchive.search.lunr_index import K1, B, build_model, to_lunr_json
from newsarchive.search.shards import (
    decode_numbers,
    encode_array,
    encode_ids,
    encode_numbers,
    entries,
)
from newsarchive.search.tokenizer import _tables, normalize, tokenize
from newsarchive.search.writer import (
    FIELDS,
    SearchDoc,
    doc_fields,
    pack,
    pack_text,
    split_text,
    unpack_text,
    write_index,
)
from search.corpus import queries, resampled, sample_articles

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["browser_support"]


def node(script: str, job: dict, tmp: Path) -> dict:
    path = tmp / f"{script}.json"
    path.write_text(json.dumps(job, ensure_ascii=False), "utf-8")
    result = subprocess.run(
        [shutil.which("node") or "node", str(ROOT / "tests" / "search" / script), str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[list[SearchDoc], Path]:
    docs = resampled(320)
    out = tmp_path_factory.mktemp("search-index")
    write_index(docs, out, shard_bytes=6000)  # small shards: many shard boundaries to cross
    return docs, out


def test_number_code_round_trips():
    numbers = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 10**9]
    assert decode_numbers(encode_numbers(numbers)) == numbers
    assert decode_numbers(encode_ids([3, 4, 40])) == [3, 1, 36]


def test_the_array_code_is_the_number_code():
    numbers = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 10**9, 2**40 + 7, *range(0, 70_000, 97)]
    text, starts = encode_array(numbers)
    assert text == encode_numbers(numbers)
    assert [decode_numbers(text[a:b]) for a, b in itertools.pairwise(starts)] == [
        [n] for n in numbers
    ]
    assert encode_array([]) == ("", [0])


def test_a_count_too_large_to_pack_keeps_its_exact_weight():
    """A posting packs its count in 16 bits; a larger one is kept aside and weighs exactly."""
    short = [[["x"], ["x"]]] * 1000  # so the long document's length weighs little
    docs = [[["big"], ["big"] * 70_000 + ["x"]], [["x"], ["big", "x", "x"]], *short]
    model = build_model(docs, FIELDS)
    n = len(docs)
    avg = (70_001 + 3 + 1000) / n
    idf = math.log(1 + abs((n - 3 + 0.5) / (3 + 0.5)))  # "big": in 3 document fields

    def weight(tf: int, length: int) -> int:
        x = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / avg)) + tf) * 1000
        return math.floor(x) + (x - math.floor(x) >= 0.5)

    body = to_lunr_json(model)["invertedIndex"][0][1]["body"]  # "big" sorts first
    assert list(body) == ["0", "1"]
    vectors = dict(to_lunr_json(model)["fieldVectors"])
    ordinal = model.ordinals["big"]
    assert vectors["body/0"][vectors["body/0"].index(ordinal) + 1] == weight(70_000, 70_001) / 1000
    assert vectors["body/1"][vectors["body/1"].index(ordinal) + 1] == weight(1, 3) / 1000
    assert weight(70_000, 70_001) != weight(65_535, 70_001)  # the cap would show


def test_terms_weighed_span_by_span_give_the_entries_of_one_span():
    """Spans of one posting each cut the terms everywhere, a large count's term included."""
    short = [[["x"], ["x", "y"]]] * 3000  # so the long document's length weighs little
    docs = [*short, [["zz"], ["zz"] * 70_000]]
    model = build_model(docs, FIELDS)
    whole = list(entries(model, postings=10**9))
    assert list(entries(model, postings=1)) == whole and [t for t, _ in whole] == ["x", "y", "zz"]
    capped = build_model([*short, [["zz"], ["zz"] * 65_535]], FIELDS)
    assert list(entries(capped, postings=1))[-1] != whole[-1]  # the count counts


def test_sharded_search_equals_monolithic_lunr_js(corpus, tmp_path):
    docs, index = corpus
    assert len(docs) >= 300
    qs = queries(docs)
    assert len(qs) >= 100
    model = build_model([[tokenize(t, folder()) for t in doc_fields(d)] for d in docs], FIELDS)
    mono = tmp_path / "mono.json"
    mono.write_text(json.dumps(to_lunr_json(model), ensure_ascii=False, separators=(",", ":")))
    job = {
        "indexDir": str(index),
        "docs": [list(doc_fields(d)) for d in docs],
        "queries": qs,
        "pythonMonolithic": str(mono),
    }
    report = node("equivalence.js", job, tmp_path)
    # Python's weights and term ordinals are exactly lunr.js Builder's, for the whole index…
    assert report["serialisedIndexEqual"], report
    # …and every query gives the same documents, order and scores as lunr.js on that index.
    assert report["mismatches"] == []
    assert report["queries"] == len(qs) and report["withResults"] >= 100
    assert report["compared"] > 2 * len(qs)  # the all-terms and any-term lunr queries, and the list
    assert report["results"] > 5000 and report["identicalScores"] == report["results"]


def _word_char(ch: str) -> bool:
    m = _tables().runs.fullmatch(ch)
    return bool(m and m.group(2))


def contains(text: str, needle: str) -> bool:
    """``needle`` occurs in ``text``, not inside a longer Latin-script word."""
    start = 0
    while (i := text.find(needle, start)) >= 0:
        before = text[i - 1] if i else " "
        after = text[i + len(needle)] if i + len(needle) < len(text) else " "
        if not (_word_char(needle[0]) and _word_char(before)) and not (
            _word_char(needle[-1]) and _word_char(after)
        ):
            return True
        start = i + 1
    return False


def check_recall(docs: list[SearchDoc], index: Path, qs: list[str], tmp: Path) -> int:
    plain = [q for q in qs if not re.search(r"[+\-*:^~]", q)]
    traditional = {q: to_traditional(q) for q in plain}
    results = node(
        "run_queries.js",
        {"indexDir": str(index), "queries": plain + list(traditional.values())},
        tmp,
    )
    fold = folder()
    texts = [normalize("\n".join(doc_fields(d)), fold) for d in docs]
    checked = 0
    for q in plain:
        parts = [normalize(p, fold) for p in q.split()]
        parts = [p for p in parts if p.strip()]
        expected = {i for i, t in enumerate(texts) if all(contains(t, p) for p in parts)}
        got = {ref for ref, _, _ in results[q]}
        assert expected <= got, (q, sorted(expected - got)[:10])
        # the articles containing every word come first
        all_refs = {ref for ref, _, every in results[q] if every}
        assert expected <= all_refs, q
        assert results[traditional[q]] == results[q], (q, traditional[q])
        checked += bool(expected)
    return checked


def test_recall_and_folding_on_resampled_corpus(corpus, tmp_path):
    docs, index = corpus
    assert check_recall(docs, index, queries(docs), tmp_path) >= 80


def test_recall_on_sample_articles(tmp_path):
    docs = sample_articles()
    write_index(docs, tmp_path / "index")
    qs = queries(docs, n=80, seed=3)
    assert check_recall(docs, tmp_path / "index", qs, tmp_path) >= 50


def test_build_writes_the_index(built_site):
    search = built_site / "search"
    meta_js = (search / "meta.js").read_text("utf-8")
    meta = json.loads(meta_js[meta_js.index(",") + 1 : meta_js.rindex(")")])
    articles = list((built_site / "articles").glob("*.html"))
    assert meta["n"] == len(articles) == 51
    assert len(meta["pub"]) == 51 and len(meta["publishers"]) == 7
    assert meta["tags"], "the sample build has tags"
    assert (search / "lunr.min.js").read_bytes().startswith(b"/**\n * lunr - http://lunrjs.com")
    assert len(list((search / "s").glob("*.js"))) == len(meta["shards"])
    page = (built_site / "search.html").read_text("utf-8")
    assert "<noscript>" in page and 'id="search-page"' in page
    index_html = (built_site / "index.html").read_text("utf-8")
    assert 'src="./theme/js/search-box.js" data-root="./"' in index_html
    assert "lunr" not in index_html  # nothing but the tiny box script until it is used


def _script_data(path: Path) -> object:
    text = path.read_text("utf-8")
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def test_document_files_hold_the_text_for_passages(built_site):
    """One file a document: title, URL, date, publisher, tags with slugs, the text's head (and
    the rest of a long text in t/<id>.js), together the article's whole text."""
    search = built_site / "search"
    meta = _script_data(search / "meta.js")
    assert meta["tagUrl"] == "tags/{slug}.html"
    assert all(len(p) == 3 and p[2].startswith("sources/") for p in meta["publishers"])
    tails = packed_bytes = plain_bytes = 0
    for i in range(meta["n"]):
        [row] = _script_data(search / "d" / f"{i}.js")
        title, url, date, pub, tags, packed = row[:6]
        assert title and meta["publishers"][pub] and (built_site / url).is_file()
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", date)
        assert all((built_site / f"tags/{slug}.html").is_file() for _, slug in tags)
        head = text = unpack_text(packed, more=len(row) == 7)
        assert head and head == head.strip()
        packed_bytes += len(packed)
        if len(row) == 7:
            tails += 1
            tail = _script_data(search / "t" / f"{i}.js")
            text = unpack_text(packed, tail)
            assert len(head) <= 1500 < len(text) and text.startswith(head + "\n")
            assert "\n" not in text[len(head) + 1 :][:1]
            packed_bytes += len(tail)
        plain_bytes += len(text.encode())
    assert 5 < tails < meta["n"]
    assert len(list((search / "t").glob("*.js"))) == tails
    assert packed_bytes < 0.8 * plain_bytes  # packed, the text takes less room on disk


def test_packed_text_unpacks_to_the_text_in_python_and_in_the_browser_engine(tmp_path):
    """pack_text's parts give back the head alone and the whole text, in Python and with the
    engine's unpackText (Node's DecompressionStream, as in the browser); a packed shard too."""
    cases = [("", ""), ("短。", ""), ("第一段，有 English 和 emoji 🙂。", "第二段。\n第三段。"),
             ("甲" * 1400 + "乙丙", "丁" * 3000)]  # fmt: skip
    vectors = []
    for head, tail in cases:
        packed = pack_text(head, tail)
        assert unpack_text(packed[0], more=bool(tail)) == head
        if tail:
            assert unpack_text(*packed) == head + "\n" + tail
        vectors.append([*packed, head, head + "\n" + tail if tail else head])
    shard = '[["新闻",0,"1A2B"],["香港",1,"","0Z"]]'  # a term shard's JSON, packed whole
    vectors.append([pack(shard), "", shard, shard])
    script = (
        "const e = require(process.argv[1]); const vectors = JSON.parse(process.argv[2]);"
        "Promise.all(vectors.map(([h, t]) => Promise.all(t ? [e.unpackText([h], true),"
        " e.unpackText([h, t])] : [e.unpackText([h]), e.inflate([h])])))"
        ".then((r) => console.log(JSON.stringify(r)));"
    )
    assert engine_in_node(script, vectors) == [[v[2], v[3]] for v in vectors]


def engine_in_node(script: str, data: object) -> object:
    """What ``script`` prints (JSON), run by Node with the engine's path and ``data`` (JSON) as
    its arguments."""
    result = subprocess.run(
        [shutil.which("node") or "node", "-e", script,
         str(ROOT / "theme" / "static" / "js" / "search-engine.js"), json.dumps(data)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_split_text_cuts_between_paragraphs():
    short = "第一段。\n第二段。"
    assert split_text(short, 10) == (short, "")
    text = "\n".join(["甲" * 600, "乙" * 600, "丙" * 600, "丁" * 600])
    head, tail = split_text(text, 1500)
    assert head == "\n".join(["甲" * 600, "乙" * 600]) and tail == "\n".join(
        ["丙" * 600, "丁" * 600]
    )
    assert split_text("甲" * 3000, 1500) == ("甲" * 3000, "")  # no line break: all in the head
    assert split_text("甲" * 1800, 1500) == ("甲" * 1800, "")  # not much longer: kept whole


@pytest.mark.parametrize("publishers", [3, 64, 70])
def test_every_publisher_keeps_its_own_code_beyond_64(tmp_path, publishers):
    docs = [
        SearchDoc(title=f"标题{i}", text="正文", url=f"a{i}.html", date="2024-01-01",
                  publisher=f"出版者{i % publishers}", publisher_key=f"p{i % publishers}")
        for i in range(2 * publishers)
    ]  # fmt: skip
    write_index(docs, tmp_path)
    meta_js = (tmp_path / "meta.js").read_text("utf-8")
    meta = json.loads(meta_js[meta_js.index(",") + 1 : meta_js.rindex(")")])
    assert meta["pubWidth"] == (1 if publishers <= 64 else 2)
    script = (
        "const e = require(process.argv[1]); const meta = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify([...Array(meta.n).keys()].map("
        "(ref) => meta.publishers[e.publisherIndex(meta, ref)][0])));"
    )
    assert engine_in_node(script, meta) == [d.publisher_key for d in docs]


def test_the_index_is_the_same_written_by_one_process_or_two(corpus, tmp_path, monkeypatch):
    """The documents' files come from a forked child where ``fork`` exists; without it this
    process writes them after the model. Both give the same files, byte for byte."""
    import filecmp

    import newsarchive.forked as forked

    docs, two = corpus
    monkeypatch.delattr(forked.os, "fork")
    one = tmp_path / "one"
    write_index(docs, one, shard_bytes=6000)
    names = sorted(str(p.relative_to(one)) for p in one.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(two)) for p in two.rglob("*") if p.is_file())
    assert any(n.startswith("t/") for n in names) and any(n.startswith("d/") for n in names)
    _, mismatch, errors = filecmp.cmpfiles(one, two, names, shallow=False)
    assert not mismatch and not errors


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="work beside needs fork")
def test_work_beside_gives_its_result_and_its_error():
    import os
    import time

    from newsarchive.forked import beside

    with beside(os.getpid) as child:
        assert child.result() != os.getpid()  # it ran in another process
    with (
        beside(lambda: 1 / 0) as child,
        pytest.raises(RuntimeError, match="ZeroDivisionError") as e,
    ):
        child.result()
    assert "in the forked process" in e.value.__notes__[0]  # with the child's traceback
    started = time.monotonic()
    with pytest.raises(KeyError), beside(lambda: time.sleep(60)) as child:
        raise KeyError("this process failed first")
    assert time.monotonic() - started < 30  # the child was ended, not waited for


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)
def test_work_beside_ends_when_its_parent_is_killed(tmp_path):
    """A job killed outright (SIGKILL, out of memory) must not leave its child writing on."""
    import os
    import signal
    import time

    script = (
        "import time; from newsarchive.forked import beside\n"
        "with beside(lambda: time.sleep(60)) as child:\n"
        "    print(child._pid, flush=True); time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env)
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def alive() -> bool:
        try:
            state = Path(f"/proc/{child}/status").read_text()
        except FileNotFoundError:
            return False
        return "\nState:\tZ" not in state

    deadline = time.monotonic() + 20
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive()


def test_a_kept_model_gives_back_the_model_of_its_first_documents(tmp_path):
    from newsarchive import cachefile
    from newsarchive.search.lunr_index import COUNT_MAX, Model, field_counts

    fields = [("title", 5.0), ("body", 1.0)]
    docs = [
        [["普京", "金正恩"], ["俄罗斯", "普京", "朝鲜", "普京"]],
        [["秘鲁"], ["马丘比丘", "日本", "游客"]],
        [[], ["很"] * (COUNT_MAX + 5) + ["普京"]],  # a count kept aside, exactly
        [["金正恩", "秘鲁"], ["新词", "朝鲜"]],
    ]

    def added(n: int) -> Model:
        model = Model(fields)
        for doc in docs[:n]:
            model.add([field_counts(tokens) for tokens in doc])
        return model

    path = tmp_path / "model"
    whole = added(len(docs))
    with pytest.raises(RuntimeError, match="not finished"):
        whole.state()
    whole.finish()
    cachefile.write_parts(path, whole.state())
    for n in range(1, len(docs) + 1):
        restored = cachefile.load_parts(path, lambda read, n=n: Model.restored(read, n), "redo")
        direct = added(n)
        assert list(restored.ordinals.items()) == list(direct.ordinals.items())
        assert restored.seen == direct.seen and restored.lengths == direct.lengths
        assert restored._large == direct._large
        for mine, theirs in zip(restored._postings, direct._postings, strict=True):
            assert sorted(mine) == sorted(theirs)  # the same postings, in finished order
        restored.add([field_counts(["新词", "后来"]), field_counts(["后来"])])  # goes on alike
        direct.add([field_counts(["新词", "后来"]), field_counts(["后来"])])
        restored.finish()
        direct.finish()
        assert to_lunr_json(restored) == to_lunr_json(direct)

    untitled = Model(fields)  # a field without a posting
    for doc in docs[1:3]:
        untitled.add([field_counts([]), field_counts(doc[1])])
    untitled.finish()
    cachefile.write_parts(path, untitled.state())
    again = cachefile.load_parts(path, lambda read: Model.restored(read, 2), "redo")
    assert again is not None and again._postings[0] == array("Q")
