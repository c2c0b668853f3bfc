"""Golden tests: real articles under tests/golden/<publisher>/ converted and compared exactly.

Regenerate the expected files with ``UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and
read every changed ``.expected.md`` before committing it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from newsarchive.body import Body, convert_body
from newsarchive.header import parse_header

GOLDEN = Path(__file__).parent / "golden"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# The publishers' time zones, for the naive times some of them state.
ZONES = {
    "bbc": "Europe/London",
    "cdt": "America/Los_Angeles",
    "dw": "Europe/Berlin",
    "nytimes": "Asia/Shanghai",
    "rfa": "America/New_York",
    "rfi": "Europe/Paris",
    "voa": "America/New_York",
}
FIXTURES = sorted(GOLDEN.glob("*/*.html"))


def convert_file(path: Path, publisher: str) -> Body:
    header = parse_header(path.read_text(encoding="utf-8"), str(path))
    return convert_body(
        header.body, base_url=header.url, archived=header.archived, tz=ZONES.get(publisher, "UTC")
    )


def metadata(body: Body) -> dict[str, object]:
    value = body.published
    kind = (
        "datetime" if isinstance(value, datetime) else "date" if isinstance(value, date) else None
    )
    return {
        "published": value.isoformat() if value is not None else None,
        "published_kind": kind,
        "authors": body.authors,
        "summary": body.summary,
        "related": [list(pair) for pair in body.related],
    }


def test_there_are_golden_fixtures_for_every_publisher() -> None:
    assert {path.parent.name for path in FIXTURES} == set(ZONES)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden(path: Path) -> None:
    body = convert_file(path, path.parent.name)
    md_path = path.with_suffix(".expected.md")
    json_path = path.with_suffix(".expected.json")
    meta = json.dumps(metadata(body), ensure_ascii=False, indent=2) + "\n"
    if UPDATE:
        md_path.write_text(body.markdown + "\n", encoding="utf-8")
        json_path.write_text(meta, encoding="utf-8")
    assert body.markdown + "\n" == md_path.read_text(encoding="utf-8")
    assert meta == json_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_output_has_no_leftovers(path: Path) -> None:
    markdown = convert_file(path, path.parent.name).markdown
    assert markdown.strip()
    for leftover in ("获取更多RSS", "feedx", "addtoany", "<div", "<span", "图像来源，", "分钟前"):
        assert leftover not in markdown
    assert "****" not in markdown
    assert not re.search(r"(?<!!)\[\]\(", markdown), "empty link"


def _shared_files() -> list[Path]:
    return sorted(SHARED.glob("corpus/*/*.md")) + sorted(SHARED.glob("seeds/*.txt"))


@pytest.mark.skipif(not SHARED.is_dir(), reason="/work/shared sample corpus not present")
def test_every_shared_sample_converts() -> None:
    files = _shared_files()
    assert len(files) >= 51
    for path in files:
        publisher = path.parent.name if path.parent.name in ZONES else "rfi"
        header = parse_header(path.read_text(encoding="utf-8"), str(path))
        body = convert_body(
            header.body, base_url=header.url, archived=header.archived, tz=ZONES[publisher]
        )
        assert body.markdown.strip(), path
        assert len(body.summary) <= 200, path
