"""The last build's article pages, left where they are when nothing they show changed.

After writing the article pages the build records, for each one, its key (:mod:`.keys`) and
what ``stat`` said of the file just written (:func:`stamp`): device, inode, size, modification
and change times. The next build finds a page unchanged when its key is the same and the file
still has that stamp: it writes nothing there. A page changed by hand, copied, restored or
rewritten since has another stamp, and is written again.

The record is a sealed :mod:`..cachefile` file in the page cache's folder. It is deleted when
read (:func:`take`), so a build that stops half way leaves none: the next one writes every page.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import cachefile

NAME = "in-place.json"  # in the page cache's folder

Stamp = tuple[int, int, int, int, int]


def stamp(path: str) -> Stamp | None:
    """What ``stat`` says of the file at ``path`` (None: there is none)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


@dataclass
class InPlace:
    """The article pages one build wrote into ``output``: output-relative name → (key, stamp)."""

    output: str
    pages: dict[str, tuple[str, Stamp]]

    def unchanged(self, name: str, key: str, path: str) -> bool:
        """Whether page ``name`` (at ``path``) was written with ``key`` and not touched since."""
        kept = self.pages.get(name)
        return kept is not None and kept[0] == key and stamp(path) == kept[1]


def record(output: str, pages: dict[str, str]) -> InPlace:
    """The :class:`InPlace` of ``pages`` (output-relative name → key) as they are now on disk;
    those not there are left out."""
    stamped = {}
    for name, key in pages.items():
        found = stamp(os.path.join(output, name))
        if found is not None:
            stamped[name] = (key, found)
    return InPlace(output, stamped)


def save(folder: Path, placed: InPlace) -> None:
    """Keep ``placed`` in the page cache's ``folder`` for the next build."""
    data = {"output": placed.output, "pages": placed.pages}
    cachefile.write(folder / NAME, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _decoded(payload: bytes) -> InPlace:
    data = json.loads(payload)
    pages = {name: (key, tuple(found)) for name, (key, found) in data["pages"].items()}
    return InPlace(str(data["output"]), pages)  # type: ignore[arg-type]


def take(folder: Path, output: str) -> InPlace | None:
    """The record a build left for ``output`` in ``folder``, deleted from there; None when
    there is none (or it is damaged: said in one line, or of another output folder)."""
    path = folder / NAME
    placed = cachefile.load(path, _decoded, "copying every article page from the cache")
    path.unlink(missing_ok=True)
    return placed if placed is not None and placed.output == output else None
