"""Cache files that prove they are whole: a header with length and SHA-256, written atomically.

Every cache of the build (converted articles, the search index, tag analyses and slugs) goes
through here. A file that is missing is a plain miss; one that is empty, truncated, altered or not
a cache file at all is a miss too, reported in one warning line naming it; nothing read from a
cache is used unless its checksum matches. Writes go to a temporary file in the same folder that
replaces the entry in one step, so a killed build leaves either the old entry or the new one.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

from . import atomic

# Part of every cache key and entry: a new format makes the old entries misses, not damage.
FORMAT = "newsarchive-cache-1"
_MAGIC = FORMAT.encode("ascii")
T = TypeVar("T")


class DamagedEntry(ValueError):
    """A cache file that is not whole; the message says how (empty, truncated, altered…)."""


def files_digest(paths: Iterable[Path]) -> str:
    """A digest of files (each one's name and bytes, in the order given) for a cache key: the
    code or templates a cache's entries were made with. Where the files are does not count."""
    digest = hashlib.sha256()
    for path in paths:
        data = path.read_bytes()
        digest.update(b"%s\0%d\0" % (path.name.encode(), len(data)) + data)
    return digest.hexdigest()


def seal(payload: bytes) -> bytes:
    """``payload`` behind a header line giving the format, its length and its SHA-256."""
    return header(payload) + payload


def header(payload: bytes) -> bytes:
    """The header line that :func:`seal` puts before ``payload``."""
    return _header_line(len(payload), hashlib.sha256(payload).hexdigest())


def _header_line(length: int, digest: str) -> bytes:
    return b"%s %d %s\n" % (_MAGIC, length, digest.encode("ascii"))


def _parse_header(line: bytes) -> tuple[int, bytes]:
    """The payload's length and SHA-256 (hex) a header line gives (without its line break);
    raises :class:`DamagedEntry` when it is not one."""
    parts = line.split(b" ")
    if len(parts) != 3 or parts[0] != _MAGIC or not parts[1].isdigit() or len(parts[2]) != 64:
        raise DamagedEntry("not a newsarchive cache file")
    return int(parts[1]), parts[2]


def unseal(data: bytes) -> bytes:
    """The payload of sealed ``data``; raises :class:`DamagedEntry` saying what is wrong."""
    if not data:
        raise DamagedEntry("empty")
    end = data.find(b"\n", 0, 200)
    length, digest = _parse_header(data[:end] if end > 0 else b"")
    payload = data[end + 1 :]
    if len(payload) < length:
        raise DamagedEntry(f"truncated: {len(payload)} of {length} bytes")
    if len(payload) > length or hashlib.sha256(payload).hexdigest().encode() != digest:
        raise DamagedEntry("altered: its checksum does not match")
    return payload


def damage(data: bytes | None, size: int, digest: str) -> str | None:
    """How a file kept as it is (not sealed) differs from its listed ``size`` and SHA-256
    ``digest`` (``data`` None: it is missing); None when it is whole."""
    if data is None:
        return "missing"
    if not data and size:
        return "empty"
    if len(data) < size:
        return f"truncated: {len(data)} of {size} bytes"
    if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
        return "altered: its checksum does not match"
    return None


def write(path: str | Path, payload: bytes) -> None:
    """Store ``payload`` sealed at ``path``, atomically (temporary file, then one rename)."""
    write_parts(path, [payload])


def write_parts(path: str | Path, parts: Sequence[bytes | memoryview]) -> None:
    """:func:`write` of the payload ``b"".join(parts)``, without joining them (large arrays)."""
    digest, length = hashlib.sha256(), 0
    for part in parts:
        digest.update(part)
        length += memoryview(part).nbytes
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.replacing(path, durable=False) as handle:  # no fsync: thousands per build
        handle.write(_header_line(length, digest.hexdigest()))
        for part in parts:
            handle.write(part)


class Reader:
    """A sealed file's payload read in parts (:func:`write_parts`), hashed as it is read;
    :meth:`check` proves it whole. Raises :class:`DamagedEntry` as :func:`unseal` does."""

    def __init__(self, handle: BinaryIO) -> None:
        line = handle.readline(200)
        if not line:
            raise DamagedEntry("empty")
        self._length, digest = _parse_header(line[:-1] if line.endswith(b"\n") else b"")
        self._expected = digest.decode("ascii")
        self._handle = handle
        self._digest = hashlib.sha256()
        self._read = 0

    def _took(self, data: memoryview | bytes, wanted: int) -> None:
        got = len(data)
        self._read += got
        if got < wanted:
            raise DamagedEntry(f"truncated: {self._read} of {self._length} bytes")
        if self._read > self._length:
            raise DamagedEntry("altered: its checksum does not match")
        self._digest.update(data)

    def read(self, size: int) -> bytes:
        """The next ``size`` bytes of the payload."""
        data = self._handle.read(size)
        self._took(data, size)
        return data

    def readinto(self, buffer: memoryview) -> None:
        """Fill ``buffer`` (an array, say) with the next bytes of the payload."""
        view = memoryview(buffer).cast("B")
        got = self._handle.readinto(view)
        self._took(view[:got], len(view))

    def damage(self) -> str | None:
        """Read the rest of the payload (after a decoder failed): how the file is damaged, or
        None when it is whole."""
        total = self._read
        while chunk := self._handle.read(1 << 20):
            total += len(chunk)
            self._digest.update(chunk)
        if total < self._length:
            return f"truncated: {total} of {self._length} bytes"
        if total > self._length or self._digest.hexdigest() != self._expected:
            return "altered: its checksum does not match"
        return None

    def check(self) -> None:
        """Raise :class:`DamagedEntry` unless the payload was read whole and is unaltered."""
        read_whole = self._read == self._length
        reason = self.damage()
        if reason is None and not read_whole:  # whole, but not what the decoder expects
            reason = "altered: its checksum does not match"
        if reason is not None:
            raise DamagedEntry(reason)


def load_parts(path: str | Path, decode: Callable[[Reader], T], redo: str) -> T | None:
    """:func:`load` of a :func:`write_parts` file: ``decode`` reads it through a :class:`Reader`,
    whose :meth:`~Reader.check` passes before its result is used."""

    def whole(data: BinaryIO) -> T:
        reader = Reader(data)
        try:
            value = decode(reader)
        except DamagedEntry:
            raise
        except Exception:
            reason = reader.damage()  # an altered payload may fail to decode: say how
            if reason is not None:
                raise DamagedEntry(reason) from None
            raise
        reader.check()
        return value

    try:
        with open(path, "rb") as handle:
            return whole(handle)
    except FileNotFoundError:
        return None
    except DamagedEntry as exc:
        warn(path, str(exc), redo)
    except OSError as exc:
        warn(path, f"unreadable: {exc.strerror}", redo)
    except Exception as exc:  # whole, but not what this version expects: a miss all the same
        warn(path, f"unreadable: {type(exc).__name__}: {exc}", redo)
    return None


def read(path: str | Path) -> bytes | None:
    """The payload stored at ``path``, None when there is none; raises :class:`DamagedEntry`."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DamagedEntry(f"unreadable: {exc.strerror}") from None
    return unseal(data)


def load(path: str | Path, decode: Callable[[bytes], T], redo: str) -> T | None:
    """``decode`` of the payload at ``path``; None when it is missing, or damaged — then with one
    warning line naming the file and ending in ``redo`` (what the build does instead)."""
    try:
        payload = read(path)
        return None if payload is None else decode(payload)
    except DamagedEntry as exc:
        warn(path, str(exc), redo)
    except Exception as exc:  # whole, but not what this version expects: a miss all the same
        warn(path, f"unreadable: {type(exc).__name__}: {exc}", redo)
    return None


def warn(path: str | Path, reason: str, redo: str) -> None:
    """Print the one line that reports a damaged cache entry."""
    print(
        f"newsarchive: warning: damaged cache entry {_shown(path)} ({reason}); {redo}",
        file=sys.stderr,
    )


def _shown(path: str | Path) -> str:
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def prune(folder: Path, used: set[str]) -> int:
    """Delete the entries ``folder/<2 hex>/<name>`` whose names are not in ``used`` (what this
    build read or wrote) and the subfolders left empty; return how many entries went."""
    if not folder.is_dir():
        return 0
    stale = [
        entry
        for entry in folder.glob("*/*")
        if entry.name not in used or entry.parent.name != entry.name[:2]
    ]
    for entry in stale:
        entry.unlink(missing_ok=True)
    for sub in {entry.parent for entry in stale}:
        if not any(sub.iterdir()):
            sub.rmdir()
    return len(stale)


class Entries:
    """A cache's entries ``folder/<2 hex>/<key><suffix>``, remembering which this build used so
    that :meth:`prune` can remove the others."""

    def __init__(self, folder: Path, suffix: str = "") -> None:
        self.folder = folder
        self.suffix = suffix
        self._used: set[str] = set()

    def use(self, key: str) -> None:
        """Count entry ``key`` as used (not pruned)."""
        self._used.add(key + self.suffix)

    def path(self, key: str) -> Path:
        """Where entry ``key`` is; it counts as used."""
        name = key + self.suffix
        self._used.add(name)
        return self.folder / key[:2] / name

    def load(self, key: str, decode: Callable[[bytes], T], redo: str) -> T | None:
        """:func:`load` of entry ``key``."""
        return load(self.path(key), decode, redo)

    def write(self, key: str, payload: bytes) -> None:
        """:func:`write` of entry ``key``."""
        write(self.path(key), payload)

    def prune(self) -> int:
        """:func:`prune` of the entries this build did not use."""
        return prune(self.folder, self._used)
