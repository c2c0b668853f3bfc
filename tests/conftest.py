"""Shared fixtures: the repository root, the sample content and a helper to write archived files."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# Built-site and browser fixtures (built_site, site_server, chromium): see browser_support.py;
# the local HTTP server (local_server, site): see http_support.py.
pytest_plugins = ["browser_support", "http_support"]

ARCHIVED = """<!--1694605502000-->
[金正恩与普京会晤 - 要闻解说](http://https://www.rfi.fr//cn/a/20230913-x)
------

<div>13/09/2023 - 13:16</div><p>据路透社报道，普京说，“我很高兴见到你”。</p>
"""


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def archived_text() -> str:
    """A small valid archived article."""
    return ARCHIVED
