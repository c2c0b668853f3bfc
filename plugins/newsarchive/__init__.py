"""newsarchive: turn archived news articles into a Pelican site.

The core (:mod:`newsarchive.convert.pipeline` and the modules it calls) is pure functions over data;
:mod:`newsarchive.reader` is the thin Pelican glue that :func:`register` wires up.
"""

from __future__ import annotations


def register() -> None:
    """Pelican plugin entry point."""
    from .reader import register as register_reader
    from .site import register as register_site
    from .tags.glue import register as register_tags

    register_reader()
    register_site()
    register_tags()

    from .search.glue import register as register_search

    register_search()

    from .images.glue import register as register_images

    register_images()

    from .sources.glue import register as register_sources

    register_sources()
