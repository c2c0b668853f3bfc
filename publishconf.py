"""Pelican settings for publishing (GitHub Pages): feeds and a sitemap with absolute URLs.

Links between pages stay relative (RELATIVE_URLS from pelicanconf.py), so a downloaded copy of the
published site still works offline; feeds, the sitemap and canonical links use SITEURL.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
FEED_DOMAIN = SITEURL  # absolute URLs in feeds, sitemap.xml, canonical links and the 404 page
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/sources/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tags/{slug}.atom.xml"
FEED_MAX_ITEMS = 50
SITEMAP_SAVE_AS = "sitemap.xml"
