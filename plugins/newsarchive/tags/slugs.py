"""Tag page slugs: Pelican's transliterated slugs can coincide for different tags (homophones);
every tag must keep a page of its own."""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from .. import cachefile


def _suffix(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]


def unique_slugs(counts: Mapping[str, int], slugify: Callable[[str], str]) -> dict[str, str]:
    """A distinct slug for every tag name.

    The most used tag of a group whose slugs coincide keeps the plain slug (ties: the name that
    sorts first); the others get ``-`` and a short hash of their name, stable as the archive grows.
    A name with no slug at all gets the hash alone.
    """
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(counts, key=lambda n: (-counts[n], n)):
        base = slugify(name)
        slug = base if base and base not in taken else f"{base}-{_suffix(name)}".strip("-")
        slugs[name] = slug
        taken.add(slug)
    return slugs


def cached_slugs(
    names: Iterable[str],
    slugify: Callable[[str], str],
    directory: str | Path | None,
    setup: str,
) -> dict[str, str]:
    """``slugify`` of every name, remembered under ``directory`` (slugifying is slow and tag names
    recur from build to build); ``setup``: everything the slugs depend on besides the name."""
    names = list(names)
    path = None
    known: dict[str, str] = {}
    if directory:
        fingerprint = hashlib.sha256(f"{cachefile.FORMAT}\0{setup}".encode()).hexdigest()[:24]
        path = Path(directory) / f"slugs-{fingerprint}.marshal"
        loaded = cachefile.load(path, marshal.loads, "slugifying the tags again")
        known = loaded if isinstance(loaded, dict) else {}
    missing = [name for name in names if name not in known]
    if not missing:
        return {name: known[name] for name in names}
    known.update((name, slugify(name)) for name in missing)
    slugs = {name: known[name] for name in names}
    if path is not None:
        keep = known if len(known) <= 2 * len(slugs) else slugs
        cachefile.write(path, marshal.dumps(keep))
        for other in path.parent.glob("slugs-*"):
            if other != path:
                other.unlink(missing_ok=True)
    return slugs
