"""The last build's output, deleted beside the build instead of before it.

With ``DELETE_OUTPUT_DIRECTORY``, Pelican deletes the output folder's contents before it reads
anything: 39,000 files at 15,000 articles, seconds on one core. At ``initialized`` this moves
them (but ``OUTPUT_RETENTION``) into a hidden folder beside it, ``.<output>.deleting-<random>``,
which a forked child deletes (with any such folder a killed build left) while the build reads
and writes on; Pelican then finds the folder empty (or deletes what could not be moved: an
output folder that is a mount point, say). The report waits for the child
(:func:`wait`); a deletion that fails fails the build. Without ``fork`` Pelican deletes as usual.

Files another room will deal with (``keep``: the page cache's unchanged article pages) are left
where they are, and the folders that hold them; that room deletes those it does not use.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pelican import signals

from .forked import Beside
from .report import errors

_PREFIX = ".{name}.deleting-"
_deleting: dict[int, tuple[Beside[None], Path]] = {}
_keep: Callable[[Any], set[str]] | None = None
_retention: dict[int, tuple[Any, list[str]]] = {}  # by id(settings): Pelican, its own retention


def _would_delete(pelican: Any) -> bool:
    """Pelican's own test: deleting is asked for, and the output does not hold the content."""
    output, content = os.path.realpath(pelican.output_path), os.path.realpath(pelican.path)
    return bool(pelican.delete_outputdir) and os.path.commonpath([output, content]) != output


def _delete(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder)


def _to_move(output: Path, retention: set[str], kept: set[str], stayed: set[str]) -> Iterator[Path]:
    """The output-relative paths to move aside: every entry but those of ``retention`` (at the
    top), the ``kept`` files (POSIX output-relative names) and the folders that hold them,
    whose other entries are moved. The top entries left for ``kept`` are added to ``stayed``."""
    holding = {str(parent) for name in kept for parent in Path(name).parents}
    todo = [Path()]
    while todo:
        folder = todo.pop()
        with os.scandir(output / folder) as entries:
            for entry in entries:
                name = folder / entry.name
                if folder == Path() and entry.name in retention:
                    continue
                if str(name) in holding and entry.is_dir(follow_symlinks=False):
                    todo.append(name)
                elif str(name) not in kept or not entry.is_file(follow_symlinks=False):
                    yield name
                    continue
                stayed.add(name.parts[0])


def move_aside(pelican: Any, keep: Callable[[Any], set[str]] | None = None) -> None:
    """Move the output's contents (but ``keep(pelican)``) aside and start deleting them in a
    forked child."""
    output = Path(pelican.output_path).resolve()  # "." has no name, nor a folder beside it
    if not hasattr(os, "fork") or not output.is_dir() or not _would_delete(pelican):
        return
    if output.parent == output:  # the root of a file system: Pelican deletes as usual
        return
    retention = set(pelican.output_retention or ())
    kept = keep(pelican) if keep is not None else set()
    stayed: set[str] = set()
    entries = list(_to_move(output, retention, kept, stayed))
    prefix = _PREFIX.format(name=output.name)
    left = [p for p in output.parent.glob(f"{prefix}*") if p.is_dir()]  # by killed builds
    unmoved = set()
    if entries or left:
        aside = output.parent / f"{prefix}{os.urandom(6).hex()}"
        with contextlib.suppress(OSError):
            aside.mkdir()
        for entry in entries:
            try:
                (aside / entry).parent.mkdir(parents=True, exist_ok=True)
                (output / entry).rename(aside / entry)
            except OSError:  # not moved (another file system): Pelican deletes it
                unmoved.add(entry.parts[0])
        folders = [p for p in (aside, *left) if p.is_dir()]
        if folders:
            _deleting[id(pelican.settings)] = (Beside(lambda: _delete(folders)), aside)
    spared = stayed - unmoved  # where something could not be moved, Pelican deletes it all
    if spared:  # Pelican's own deletion spares them too, this once (restore_retention)
        own = list(pelican.output_retention or ())
        _retention[id(pelican.settings)] = (pelican, own)
        pelican.output_retention = [*own, *sorted(spared)]


def restore_retention(generator: Any) -> None:
    """Once Pelican has deleted the output (before it reads), give it back its own
    ``OUTPUT_RETENTION``: a next run of the same Pelican (``--autoreload``) deletes as usual."""
    found = _retention.pop(id(generator.settings), None)
    if found is not None:
        pelican, own = found
        pelican.output_retention = own


def wait(pelican: Any) -> None:
    """Wait for the deletion; fail the build if it failed."""
    started = _deleting.pop(id(pelican.settings), None)
    if started is None:
        return
    deletion, aside = started
    try:
        deletion.result()
    except RuntimeError as exc:
        errors.error(
            f"newsarchive: error: the last build's output, moved to {aside}, could not be "
            f"deleted: {exc} (delete it by hand)"
        )


def start(pelican: Any) -> None:
    """``initialized``: :func:`move_aside`, keeping what the registered ``keep`` names."""
    move_aside(pelican, _keep)


def register(keep: Callable[[Any], set[str]] | None = None) -> None:
    """Connect the deletion; ``keep(pelican)`` names the output files to leave in place."""
    global _keep
    _keep = keep
    signals.initialized.connect(start)
    signals.article_generator_pretaxonomy.connect(restore_retention)
