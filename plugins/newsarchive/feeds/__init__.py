"""Follow RSS and Atom feeds: each new item becomes an archived file (``newsarchive feeds``).

``config.py`` reads ``content/feeds.yml``; ``items.py`` parses a feed and makes an item's file
(pure); ``state.py`` keeps each feed's ETag/Last-Modified; ``runner.py`` does the fetching and
writing; ``command.py`` is the command line.
"""
