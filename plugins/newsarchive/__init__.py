"""newsarchive: turn archived news articles into a Pelican site.

The core (:mod:`newsarchive.convert.pipeline` and the modules it calls) is pure functions over data;
:mod:`newsarchive.reader` is the thin Pelican glue that :func:`register` wires up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

_articles_final: Sequence[Callable[[Any], None]] = ()


def articles_final(generator: Any) -> None:
    """``article_generator_finalized``: the rooms' steps, in their order."""
    for step in _articles_final:
        step(generator)


def register() -> None:
    """Pelican plugin entry point: connect every room's signals."""
    from pelican import signals

    from . import clear_output
    from .images import glue as images
    from .page_cache import glue as page_cache
    from .reader import check_problems
    from .reader import register as register_reader
    from .report import glue as report
    from .search import glue as search
    from .site import annotate
    from .site import register as register_site
    from .sources.glue import annotate as mark_sources
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
    # Pelican calls a signal's handlers in no set order: the plugin's one handler of these runs
    # the steps in order. Once the articles are final (the build stops here on a file that
    # could not be converted; search shows which originals are gone), the search index starts
    # beside the rest of the build.
    global _articles_final
    _articles_final = (check_problems, mark_sources, annotate, search.start_search_index)
    signals.article_generator_finalized.connect(articles_final)
    # At ``finalized``: these, then the report, which sets the exit status.
    report.register(
        finishing=[search.write_search_index, images.report, page_cache.finish, clear_output.wait]
    )

    from .feed_summaries import register as register_feed_summaries

    register_feed_summaries()
