"""Local copies of article images: fetch them, keep a manifest, point pages at them.

- :mod:`.references`: which image URLs the archived articles use (and their proxy forms);
- :mod:`.config`: how a run fetches (timeouts, caps, retries, proxy, route);
- :mod:`.fetch`: the downloader (content-addressed store ``<sha256>.<ext>``);
- :mod:`.manifest`: ``content/images/manifest.json``, durable after every image;
- :mod:`.rewrite`: article HTML → HTML pointing at local copies (pure);
- :mod:`.glue`: the Pelican side (``ARCHIVE_IMAGES``);
- :mod:`.command`: ``newsarchive images fetch|status``.
"""
