"""The feeds' conditional-GET state (ETag, Last-Modified per feed URL), read and written atomically."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import atomic
from ..convert.errors import fail


@dataclass(frozen=True)
class Seen:
    """What a feed's last complete fetch answered."""

    etag: str | None = None
    last_modified: str | None = None
    checked: str = ""  # ISO time of that fetch


def load_state(path: str | Path) -> dict[str, Seen]:
    """The state in ``path`` (empty when there is none); ``ArchiveError`` when it is damaged."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise fail(
            str(path),
            0,
            f"the feeds state cannot be read ({exc})",
            "delete it: feeds are then fetched in full",
        ) from None
    feeds = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(feeds, dict):
        raise fail(str(path), 0, "the feeds state has no `feeds` object", "delete it")
    state = {}
    for url, entry in feeds.items():
        if isinstance(entry, dict):
            state[url] = Seen(
                entry.get("etag") or None,
                entry.get("last_modified") or None,
                entry.get("checked", ""),
            )
    return state


def dump_state(state: dict[str, Seen]) -> str:
    """The state file's text: sorted, one feed per key, stable for diffs."""
    feeds = {
        url: {k: v for k, v in asdict(seen).items() if v} for url, seen in sorted(state.items())
    }
    return json.dumps({"version": 1, "feeds": feeds}, indent=2, ensure_ascii=False) + "\n"


def save_state(path: str | Path, state: dict[str, Seen]) -> None:
    """Write the state atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write(path, dump_state(state), durable=True)
