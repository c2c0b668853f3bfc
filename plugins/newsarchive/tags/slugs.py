"""Tag page slugs: Pelican's transliterated slugs can coincide for different tags (homophones);
every tag must keep a page of its own."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping


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
