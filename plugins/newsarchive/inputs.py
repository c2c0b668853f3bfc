"""The paths a command is given: archived files found in folders, one clear error for a bad path."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Leading bytes of the binary files most often renamed or saved by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a WebP image or other RIFF file"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.epub)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"MIME-Version:", "an MHTML web archive"),
)


class InputError(Exception):
    """Input a command cannot use (a bad path, an address that cannot be fetched).

    ``str()`` is the one line ``newsarchive: error:`` prints.
    """


def read_input(path: str | Path, what: str = "file") -> bytes:
    """The bytes of one input file; :class:`InputError` when it is missing, a folder, empty or binary."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a {what}")
    if not path.exists():
        raise InputError(f"{path}: no such {what}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    kind = binary_kind(data[:8192])
    if kind:
        raise InputError(f"{path}: the file is {kind}, not text")
    return data


def binary_kind(head: bytes) -> str | None:
    """What a file that is not text is ("a PNG image"…, or "binary"), from its first bytes."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return None


def archived_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Every archived file named in ``paths``: files as given, folders searched recursively.

    A missing, unreadable, empty or binary file, a file without the archive header and a folder
    holding no archived file are each an :class:`InputError`.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            from .contrib.check import find_files

            inside = [p for p in find_files([path]) if is_archived(p)]
            if not inside:
                raise InputError(f"{path}: no archived articles in this folder")
            found.extend(inside)
            continue
        read_input(path, "file or folder")
        if not is_archived(path):
            raise InputError(
                f"{path}: not an archived article (it does not start with the <!--EPOCH--> / "
                "[TITLE](URL) / ------ header)"
            )
        found.append(path)
    return list(dict.fromkeys(found))


def is_archived(path: Path) -> bool:
    """Whether ``path`` is an archived file; False for one that cannot be read."""
    from .batch import is_archived_file

    try:
        return is_archived_file(path)
    except OSError:
        return False
