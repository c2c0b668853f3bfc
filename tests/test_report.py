"""The build report's pure part: output bytes by section from Pelican's settings, and its lines."""

from __future__ import annotations

import pytest
from browser_support import ROOT
from newsarchive.report.sections import (
    SECTIONS,
    Report,
    bytes_by_section,
    human,
    section_of,
    section_rules,
)
from pelican.settings import read_settings


@pytest.fixture(scope="module")
def rules() -> list[tuple[str, str]]:
    """The sections of this project's publishing settings (feeds on)."""
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "FEED_ALL_ATOM": "feeds/all.atom.xml",
            "CATEGORY_FEED_ATOM": "feeds/sources/{slug}.atom.xml",
            "TAG_FEED_ATOM": "feeds/tags/{slug}.atom.xml",
        },
    )
    return section_rules(settings)


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("articles/rfi-cn-20230913-abc123-1694605502.html", "articles"),
        ("index.html", "listings"),
        ("index.2.html", "listings"),  # PAGINATION_PATTERNS: page 2 of index.html
        ("tags/index.html", "listings"),
        ("tags/chao-xian.html", "listings"),
        ("tags/chao-xian.3.html", "listings"),
        ("sources/rfi.html", "listings"),
        ("authors/xia-rong.html", "listings"),
        ("archives/index.html", "listings"),
        ("archives/2023/09.html", "listings"),
        ("feeds/all.atom.xml", "feeds"),
        ("feeds/tags/chao-xian.atom.xml", "feeds"),
        ("feeds/sources/rfi.atom.xml", "feeds"),
        ("search.html", "search"),
        ("search/meta.js", "search"),
        ("search/s/0a.js", "search"),
        ("images/4f2a.jpg", "images"),
        ("pages/about.html", "other"),
        ("404.html", "other"),
        ("sitemap.xml", "other"),
        ("theme/css/style.css", "other"),
    ],
)
def test_every_output_file_falls_in_its_section(rules, path, section):
    assert section_of(path, rules) == section


def test_pelicans_default_pagination_and_other_folders_follow_the_settings():
    settings = read_settings(
        None, override={"TAG_SAVE_AS": "t/{slug}/index.html", "ARCHIVE_IMAGES_PATH": "pics/"}
    )
    rules = section_rules(settings)
    assert section_of("t/x/index.html", rules) == "listings"
    assert section_of("index2.html", rules) == "listings"  # Pelican's {name}{number}{extension}
    assert section_of("pics/a.png", rules) == "images"
    assert section_of("images/a.png", rules) == "other"


def test_bytes_are_summed_by_section(rules):
    files = [("articles/a.html", 100), ("articles/b.html", 50), ("tags/x.html", 7), ("x.css", 1)]
    assert bytes_by_section(files, rules) == {
        "articles": 150,
        "listings": 7,
        "feeds": 0,
        "search": 0,
        "images": 0,
        "other": 1,
    }
    assert list(bytes_by_section([], rules)) == list(SECTIONS)


def test_human_sizes():
    assert [human(n) for n in (0, 999, 1000, 12_345, 4_500_000, 1_234_000_000)] == [
        "0 B",
        "999 B",
        "1.0 KB",
        "12.3 KB",
        "4.5 MB",
        "1.2 GB",
    ]


SECTION_SIZES = {
    "articles": 400_000_000,
    "listings": 300_000_000,
    "feeds": 100_000_000,
    "search": 250_000_000,
    "images": 0,
    "other": 1_000_000,
}


def test_the_report_lines():
    report = Report(54, 51, 3, 420, 1000, dict(SECTION_SIZES), budget=2_000_000_000)
    assert report.lines() == [
        "newsarchive: 54 archived files read, 51 articles written, 3 skipped (invalid); "
        "420 pages in all",
        "newsarchive: output 1.1 GB in 1000 files, 20.6 MB per article: articles 400.0 MB, "
        "listings 300.0 MB, feeds 100.0 MB, search 250.0 MB, images 0 B, other 1.0 MB",
    ]


def test_a_warning_when_the_output_passes_the_budget():
    lines = Report(54, 51, 0, 420, 1000, dict(SECTION_SIZES)).lines()  # the default: 1 GB
    assert lines[-1] == (
        "newsarchive: warning: the output (1.1 GB) is over the budget of 1.0 GB "
        "(NEWSARCHIVE_OUTPUT_BUDGET; GitHub Pages refuses a site over 1 GB): the largest "
        "sections are articles, listings"
    )
    assert len(Report(54, 51, 0, 420, 1000, dict(SECTION_SIZES), budget=None).lines()) == 2
