"""Test-only Pelican plugin: logs one ERROR through Python logging, as Pelican itself does when it
cannot process a page; the build goes on and must still fail."""

from __future__ import annotations

import logging
from typing import Any

from pelican import signals

log = logging.getLogger(__name__)


def _log_error(generators: Any) -> None:
    log.error("log_error: something went wrong (simulated)")


def register() -> None:
    signals.all_generators_finalized.connect(_log_error)
