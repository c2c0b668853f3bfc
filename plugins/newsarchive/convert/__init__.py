"""The conversion core: an archived file's bytes → clean Markdown, HTML and metadata.

Pure functions over data; nothing here imports Pelican. :mod:`.pipeline` reads top to bottom.
"""
