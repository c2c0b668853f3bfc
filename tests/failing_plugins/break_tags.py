"""Test-only Pelican plugin: the tag analysis of an article fails (as a bug in it would)."""

from __future__ import annotations

from typing import Any

import newsarchive.tags.analysis as analysis


def _analyse_article(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("cannot analyse this article (simulated by break_tags)")


def register() -> None:
    analysis.analyse_article = _analyse_article
