"""The status file: each source URL's standing (live, changed, gone, unknown), kept in a journal.

``content/source-status.jsonl`` holds one JSON object per URL, sorted by URL. A check appends
each result to ``source-status.jsonl.journal`` as it comes (flushed to disk), and folds the
journal into the file at the end with an atomic rewrite: a run killed half-way loses at most the
requests in flight, and the next run (or build) reads the journal too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .. import atomic
from ..convert.errors import Problem

if TYPE_CHECKING:
    from .classify import Verdict

STATUS_FILE = "source-status.jsonl"
#: What a check concludes (``classify.py`` decides which).
LIVE, CHANGED, GONE, UNKNOWN = "live", "changed", "gone", "unknown"
STATUSES = (LIVE, CHANGED, GONE, UNKNOWN)
JOURNAL_SUFFIX = ".journal"


@dataclass(frozen=True)
class Record:
    """One source URL's standing.

    ``status`` is the conclusion so far; ``result``, ``code`` and ``reason`` are what the last
    check saw (an ``unknown`` check does not overturn an earlier conclusion). ``first_gone`` is
    the first check of the current run of "gone" answers, ``confirmed`` the check that confirmed
    it; times are UTC, ISO 8601.
    """

    url: str
    status: str
    result: str
    code: int | None
    reason: str
    last_checked: str
    first_gone: str | None = None
    confirmed: str | None = None
    share: float | None = None
    checks: int = 1

    def to_json(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(data, ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        record = cls(**data)
        if record.status not in STATUSES or record.result not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        return record

    @property
    def confirmed_day(self) -> str:
        """``YYYY-MM-DD`` of the confirmation (UTC)."""
        return (self.confirmed or "")[:10]


def stamp(when: datetime) -> str:
    """A UTC time as stored: ``2026-11-30T15:04:05Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def advance(
    previous: Record | None, url: str, verdict: Verdict, now: datetime, confirm_after: timedelta
) -> Record:
    """The standing after one more check. ``gone`` needs two gone answers at least
    ``confirm_after`` apart (until then the standing is ``unknown``, or the earlier conclusion);
    a live or changed answer clears the gone run; an unknown answer changes no conclusion."""
    checked = stamp(now)
    first_gone = previous.first_gone if previous else None
    confirmed = previous.confirmed if previous else None
    status = previous.status if previous else UNKNOWN
    if verdict.result in (LIVE, CHANGED):
        status, first_gone, confirmed = verdict.result, None, None
    elif verdict.result == GONE and status != GONE:
        if first_gone is not None and now - parse_stamp(first_gone) >= confirm_after:
            status, confirmed = GONE, checked
        else:
            first_gone = first_gone or checked
            status = status if status in (LIVE, CHANGED) else UNKNOWN
    return Record(
        url=url,
        status=status,
        result=verdict.result,
        code=verdict.code,
        reason=verdict.reason,
        last_checked=checked,
        first_gone=first_gone,
        confirmed=confirmed,
        share=None if verdict.share is None else round(verdict.share, 3),
        checks=(previous.checks if previous else 0) + 1,
    )


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + JOURNAL_SUFFIX)


def _read_lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, line, whether it ended with a newline) of a file, as bytes (a kill may cut
    a character in two)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            yield number, line.rstrip(b"\n"), line.endswith(b"\n")


def _parse(path: Path, problems: list[Problem]) -> Iterator[Record]:
    for number, line, whole in _read_lines(path):
        if not line.strip():
            continue
        try:
            yield Record.from_dict(json.loads(line.decode("utf-8")))
        except (ValueError, TypeError) as exc:
            if not whole and path.name.endswith(JOURNAL_SUFFIX):  # cut short by a kill
                problems.append(
                    Problem(
                        str(path),
                        number,
                        "the last result was cut short (an interrupted check); it is ignored",
                        "the next check asks again",
                        level="warning",
                    )
                )
                return
            problems.append(
                Problem(
                    str(path),
                    number,
                    f"not a status record: {exc}",
                    "fix or delete the line; the next check rewrites it",
                )
            )


def load(path: str | Path) -> tuple[dict[str, Record], list[Problem]]:
    """Every URL's record from the status file and its journal (later lines win), and the
    problems found (a bad line is an error; the journal's last line cut short, a warning)."""
    path = Path(path)
    records: dict[str, Record] = {}
    problems: list[Problem] = []
    for source in (path, journal_path(path)):
        if source.exists():
            for record in _parse(source, problems):
                records[record.url] = record
    return records, problems


def write(path: str | Path, records: Iterable[Record]) -> None:
    """Rewrite the status file atomically (sorted by URL) and drop the journal it absorbed."""
    path = Path(path)
    with atomic.replacing(path, durable=True) as handle:
        for record in sorted(records, key=lambda r: r.url):
            handle.write((record.to_json() + "\n").encode("utf-8"))
    journal_path(path).unlink(missing_ok=True)


class Journal:
    """Appends records to the journal, each flushed to disk before the next request counts."""

    def __init__(self, path: str | Path) -> None:
        self.path = journal_path(Path(path))
        self._handle: TextIO | None = None

    def append(self, record: Record) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a", encoding="utf-8")
        self._handle.write(record.to_json() + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def due(urls: Iterable[str], records: dict[str, Record], limit: int | None) -> list[str]:
    """The ``limit`` least recently checked URLs (never checked first, then oldest check)."""
    ordered = sorted(set(urls), key=lambda u: (records[u].last_checked if u in records else "", u))
    return ordered if limit is None else ordered[:limit]
