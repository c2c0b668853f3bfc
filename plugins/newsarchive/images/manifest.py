"""``content/images/manifest.json``: what was fetched for each image URL, or why it failed.

Every result is appended at once to ``manifest.journal`` (one JSON line, flushed), and the journal
is folded into ``manifest.json`` (written atomically: temporary file, then rename) every few
seconds and at the end. A run killed at any point loses nothing it has recorded: loading replays
the journal over the manifest (a torn last line is ignored).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import atomic

MANIFEST = "manifest.json"
JOURNAL = "manifest.journal"
VERSION = 1

Entry = dict[str, Any]


def now() -> str:
    """The current UTC time as ISO 8601 (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ok_entry(file: str, size: int, content_type: str, source: str) -> Entry:
    """The manifest entry of a stored image (``source``: the URL it was fetched from)."""
    return {
        "file": file,
        "size": size,
        "content_type": content_type,
        "fetched": now(),
        "source": source,
    }


def error_entry(reason: str, error: str, tried: list[dict[str, str]]) -> Entry:
    """The manifest entry of an image that could not be fetched."""
    return {"error": error, "reason": reason, "fetched": now(), "tried": tried}


def is_stored(entry: Entry | None) -> bool:
    """Whether ``entry`` records a stored file."""
    return bool(entry) and "file" in entry  # type: ignore[operator]


def _journal_lines(path: Path) -> Iterator[tuple[str, Entry]]:
    if not path.exists():
        return
    for line in path.read_text("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
            yield record["url"], record["entry"]
        except (ValueError, KeyError, TypeError):
            continue  # a line torn by a crash


class Manifest:
    """The manifest of one images directory; :meth:`record` is durable at once."""

    def __init__(self, directory: str | Path, save_every: float = 2.0) -> None:
        self.directory = Path(directory)
        self.save_every = save_every
        self.entries: dict[str, Entry] = {}
        self._journal: Any = None
        self._saved = time.monotonic()
        self._dirty = False

    @property
    def path(self) -> Path:
        return self.directory / MANIFEST

    @property
    def journal_path(self) -> Path:
        return self.directory / JOURNAL

    @classmethod
    def load(cls, directory: str | Path, save_every: float = 2.0) -> Manifest:
        """The manifest in ``directory`` with its journal replayed (empty if there is none)."""
        manifest = cls(directory, save_every)
        if manifest.path.exists():
            data = json.loads(manifest.path.read_text("utf-8"))
            manifest.entries.update(data.get("images", {}))
        for url, entry in _journal_lines(manifest.journal_path):
            manifest.entries[url] = entry
            manifest._dirty = True
        return manifest

    def get(self, url: str) -> Entry | None:
        return self.entries.get(url)

    def has_file(self, url: str) -> bool:
        """Whether ``url`` has a stored file that is present on disk, whole."""
        entry = self.entries.get(url)
        if not is_stored(entry):
            return False
        try:
            return (self.directory / entry["file"]).stat().st_size == entry["size"]  # type: ignore[index]
        except OSError:
            return False

    def local_files(self) -> dict[str, str]:
        """URL → file name, for every URL whose file is present."""
        return {url: e["file"] for url, e in self.entries.items() if self.has_file(url)}

    def record(self, url: str, entry: Entry) -> None:
        """Record ``entry`` for ``url``: appended to the journal now, folded in later."""
        self.entries[url] = entry
        if self._journal is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._journal = self.journal_path.open("a", encoding="utf-8")
        self._journal.write(json.dumps({"url": url, "entry": entry}, ensure_ascii=False) + "\n")
        self._journal.flush()
        self._dirty = True
        if time.monotonic() - self._saved >= self.save_every:
            self.save()

    def to_json(self) -> str:
        return (
            json.dumps(
                {"version": VERSION, "images": dict(sorted(self.entries.items()))},
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        )

    def save(self) -> None:
        """Fold the journal into ``manifest.json`` (atomically), then empty the journal."""
        if self._dirty:
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic.write(self.path, self.to_json(), durable=True)
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            self.journal_path.unlink(missing_ok=True)
            self._dirty = False
        self._saved = time.monotonic()

    def close(self) -> None:
        """Save and release the journal."""
        self.save()
        if self._journal is not None:
            self._journal.close()
            self._journal = None
