"""newsarchive: turn archived news articles into a Pelican site.

The core (:mod:`newsarchive.convert.pipeline` and the modules it calls) is pure functions over data;
:mod:`newsarchive.reader` is the thin Pelican glue that :func:`register` wires up.
"""

from __future__ import annotations


def register() -> None:
    """Pelican plugin entry point: connect every room's signals."""
    from . import clear_output
    from .images import glue as images
    from .page_cache import glue as page_cache
    from .reader import register as register_reader
    from .report import glue as report
    from .search import glue as search
    from .site import register as register_site
    from .sources.glue import register as register_sources
    from .tags.glue import register as register_tags

    register_reader()
    register_site()
    register_tags()
    search.register()
    images.register()
    register_sources()
    page_cache.register()
    clear_output.register(keep=page_cache.pages_in_place)
    # Pelican calls a signal's handlers in no set order: the plugin's one ``finalized`` handler
    # runs these in order, then prints the report and sets the exit status.
    report.register(
        finishing=[search.write_search_index, images.report, page_cache.finish, clear_output.wait]
    )

    from .feed_summaries import register as register_feed_summaries

    register_feed_summaries()
