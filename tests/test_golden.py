"""Golden tests: real articles under tests/golden/<publisher>/ converted and compared exactly.

Regenerate the expected files with ``UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and
read every changed ``.expected.md`` before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from newsarchive.convert.pipeline import Article, convert_file

GOLDEN = Path(__file__).parent / "golden"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
PUBLISHERS = {"bbc", "cdt", "dw", "nytimes", "rfa", "rfi", "voa"}
FIXTURES = sorted(GOLDEN.glob("*/*.html"))


def metadata(article: Article) -> str:
    data = article.to_json()
    del data["path"]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_there_are_golden_fixtures_for_every_publisher() -> None:
    assert {convert_file(p).metadata["source_key"] for p in FIXTURES} == PUBLISHERS
    assert {p.parent.name for p in FIXTURES} == PUBLISHERS


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden(path: Path) -> None:
    """The whole ``newsarchive convert`` output: metadata header and Markdown body."""
    article = convert_file(path)
    md_path = path.with_suffix(".expected.md")
    json_path = path.with_suffix(".expected.json")
    if UPDATE:
        md_path.write_text(article.document(), encoding="utf-8")
        json_path.write_text(metadata(article), encoding="utf-8")
    assert article.document() == md_path.read_text(encoding="utf-8")
    assert metadata(article) == json_path.read_text(encoding="utf-8")
    assert article.metadata["source_key"] == path.parent.name


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_output_has_no_leftovers(path: Path) -> None:
    markdown = convert_file(path).markdown
    assert markdown.strip()
    for leftover in ("获取更多RSS", "feedx", "addtoany", "<div", "<span", "图像来源，", "分钟前"):
        assert leftover not in markdown
    assert "****" not in markdown
    assert not re.search(r"(?<!!)\[\]\(", markdown), "empty link"
    assert "![](" not in markdown, "image without alt text"


def _shared_files() -> list[Path]:
    return sorted(SHARED.glob("corpus/*/*.md")) + sorted(SHARED.glob("seeds/*.txt"))


@pytest.mark.skipif(not SHARED.is_dir(), reason="/work/shared sample corpus not present")
def test_every_shared_sample_converts() -> None:
    files = _shared_files()
    assert files
    for path in files:
        article = convert_file(path)
        assert article.markdown.strip(), path
        assert len(article.metadata["summary"]) <= 200, path
