"""Pelican glue: show local copies of article images (see :mod:`.rewrite` for the modes).

- ``initialized``: read ``ARCHIVE_IMAGES`` and the manifest in ``PATH/ARCHIVE_IMAGES_PATH``;
- ``content_object_init``: point each archived article's images at ``{static}/images/<file>``.
  Pelican then copies exactly the linked files into ``output/images/`` and writes relative URLs
  on pages (``../images/<file>``) and absolute ones in feeds; nothing else of ``content/images``
  is published;
- ``finalized`` (called by :mod:`..report.glue`, before the report): print how many images are
  local, remote, or left out.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import signals

from .manifest import Manifest
from .rewrite import check_mode, rewrite_images

DEFAULT_PATH = "images"


@dataclass
class ImageState:
    """The manifest and mode of the build in progress, and what was rewritten."""

    mode: str | None
    prefix: str
    local: dict[str, str]
    counts: dict[str, int] = field(default_factory=lambda: {"local": 0, "remote": 0, "dropped": 0})
    files: set[str] = field(default_factory=set)


_state: ImageState | None = None


def images_directory(settings: dict[str, Any]) -> Path:
    """``PATH/ARCHIVE_IMAGES_PATH``: where the fetched images and the manifest are."""
    return Path(settings["PATH"]) / settings.get("ARCHIVE_IMAGES_PATH", DEFAULT_PATH)


def start(pelican: Any) -> None:
    """Load the manifest unless ``ARCHIVE_IMAGES = "remote"``."""
    global _state
    settings = pelican.settings
    try:
        mode = check_mode(settings.get("ARCHIVE_IMAGES"))
    except ValueError as exc:
        raise SystemExit(f"newsarchive images: {exc}") from None
    relative = str(settings.get("ARCHIVE_IMAGES_PATH", DEFAULT_PATH)).strip("/")
    local: dict[str, str] = {}
    if mode != "remote":
        directory = images_directory(settings)
        try:
            local = Manifest.load(directory).local_files()
        except (ValueError, AttributeError, TypeError) as exc:  # not the JSON it writes
            raise SystemExit(
                f"newsarchive images: error: {directory / 'manifest.json'} is damaged "
                f"({type(exc).__name__}: {exc}); restore it (git checkout), or delete it and "
                "run: newsarchive images fetch"
            ) from None
    _state = ImageState(mode, f"{{static}}/{relative}/", local)


def rewrite_content(content: Any) -> None:
    """Rewrite the images of an archived article (other content is left alone)."""
    state = _state
    if state is None or "archived_path" not in getattr(content, "metadata", {}):
        return
    result = rewrite_images(content._content or "", state.local, state.mode, state.prefix)
    content._content = result.html
    state.counts["local"] += result.local
    state.counts["remote"] += result.remote
    state.counts["dropped"] += result.dropped
    state.files |= result.files


def report(pelican: Any) -> None:
    global _state
    state, _state = _state, None
    if state is None:
        return
    counts = state.counts
    # Printed whole (like the reader's report), so that logs and tests can read one line.
    print(
        f"newsarchive images: {counts['local']} local ({len(state.files)} files), "
        f"{counts['remote']} remote, {counts['dropped']} left out",
        file=sys.stderr,
    )
    if counts["dropped"]:
        print(
            f'newsarchive images: warning: ARCHIVE_IMAGES = "local" left out {counts["dropped"]} '
            "images that have no local copy (run: newsarchive images fetch)",
            file=sys.stderr,
        )


def register() -> None:
    """Connect the image glue to Pelican's signals."""
    signals.initialized.connect(start)
    signals.content_object_init.connect(rewrite_content)
