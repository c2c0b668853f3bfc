"""The search tokenizer: hand-checked behaviour, and the shared vectors in Python and in Node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from newsarchive.search.folding import browser_map, fold_map, folder
from newsarchive.search.stemmer import stem
from newsarchive.search.tokenizer import normalize, tokenize

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests" / "fixtures" / "tokenizer_vectors.json").read_text("utf-8"))


@pytest.mark.parametrize(
    ("text", "index", "query"),
    [
        ("中国人民", ["中", "中国", "国人", "人民", "民"], ["中国", "国人", "人民"]),
        ("年", ["年"], ["年*"]),
        ("2024年", ["2024", "年"], ["2024", "年"]),
        ("A股", ["a", "股"], ["a", "股"]),
        ("COVID-19", ["covid", "19"], ["covid", "19"]),
        ("ＣＯＶＩＤ－１９", ["covid", "19"], ["covid", "19"]),
        ("中華人民共和國", ["中", "中华", "华人", "人民", "民共", "共和", "和国", "国"],
         ["中华", "华人", "人民", "民共", "共和", "和国"]),
        ("臺灣，川普說", ["台", "台湾", "湾", "川", "川普", "普说", "说"], ["台湾", "川普", "普说"]),
        ("Running runners", ["run", "runner"], ["run", "runner"]),
        ("中\u200b国 😀 𠮷野", ["中", "中国", "国", "𠮷", "𠮷野", "野"], ["中国", "𠮷野"]),
        ("iPhone手机", ["iphon", "手", "手机", "机"], ["iphon", "手机"]),
    ],
)  # fmt: skip
def test_tokens(text, index, query):
    assert tokenize(text, folder()) == index
    assert tokenize(text, folder(), query=True) == query


def test_normalize_folds_and_lowercases():
    assert normalize("ＡＢＣ臺灣", folder()) == "abc台湾"
    assert normalize("臺灣") == "臺灣"  # no folding without a table


def test_traditional_folds_to_the_same_tokens_as_simplified():
    assert tokenize("香港國家安全法", folder()) == tokenize("香港国家安全法", folder())
    assert fold_map()["國"] == "国" and "国" not in fold_map()


def test_browser_map_keeps_only_targets_in_the_index():
    assert browser_map({"国"}) == {t: s for t, s in fold_map().items() if s == "国"}
    assert "說" not in browser_map({"国"})


def test_stemmer_matches_lunr_fixture():
    vocab = json.loads((ROOT / "node_modules/lunr/test/fixtures/stemming_vocab.json").read_text())
    assert {w: stem(w) for w in vocab} == vocab
    assert stem("try") == "tri" and stem("lay") == "lay"  # lunr.js, unlike lunr.py


def test_python_reproduces_vectors():
    assert len(VECTORS["cases"]) >= 300
    table = folder()
    for case in VECTORS["cases"]:
        assert tokenize(case["text"], table) == case["index"], case["text"]
        assert tokenize(case["text"], table, query=True) == case["query"], case["text"]
        assert tokenize(case["text"], table, query=True, stem=False) == case["query_nostem"]
    assert [[w, stem(w)] for w, _ in VECTORS["stems"]] == VECTORS["stems"]
    chars = {ch for case in VECTORS["cases"] for token in case["index"] for ch in token}
    assert VECTORS["fold"] == browser_map(chars)


def test_javascript_reproduces_vectors():
    node = shutil.which("node")
    assert node, "node is required"
    result = subprocess.run(
        [node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
