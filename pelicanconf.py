"""Pelican settings for building the archive locally (``make html``)."""

# No site-wide AUTHOR: Pelican would credit it on every article without a byline.
SITENAME = "新闻存档"
SITESUBTITLE = "消失之前，先存下来"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
OUTPUT_PATH = "output"
DELETE_OUTPUT_DIRECTORY = True

THEME = "theme"
READERS = {"rst": None}  # content is archived files and Markdown pages only
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["newsarchive"]

# Times are shown in this zone (archived and published times are stored in UTC).
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-Hans"
DEFAULT_DATE_FORMAT = "%Y-%m-%d %H:%M"

# Every article has its own ASCII slug derived from its source URL and capture time;
# captures are never treated as translations of each other.
ARTICLE_TRANSLATION_ID = None
ARTICLE_URL = ARTICLE_SAVE_AS = "articles/{slug}.html"
ARTICLE_LANG_URL = ARTICLE_LANG_SAVE_AS = ARTICLE_URL
PAGE_URL = PAGE_SAVE_AS = "pages/{slug}.html"
PAGE_LANG_URL = PAGE_LANG_SAVE_AS = PAGE_URL
CATEGORY_URL = CATEGORY_SAVE_AS = "sources/{slug}.html"
TAG_URL = TAG_SAVE_AS = "tags/{slug}.html"
AUTHOR_URL = AUTHOR_SAVE_AS = "authors/{slug}.html"

# Feeds need absolute URLs: publishconf.py turns them on.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# newsarchive converts archived files itself and caches them by content hash in CACHE_PATH;
# Pelican's own mtime-based content cache is not needed.
CACHE_PATH = "cache"
LOAD_CONTENT_CACHE = False

# newsarchive settings (see README):
# NEWSARCHIVE_PUBLISHERS = {"example": {"name": "Example News", "hosts": ["example.com"]}}
# NEWSARCHIVE_SKIP_INVALID = False   # True: skip files that cannot be converted, with warnings
# NEWSARCHIVE_WORKERS = None         # processes for conversion (default: all cores)

# Theme (see README). Every internal URL ends in a file (…/index.html, ….html) and RELATIVE_URLS
# makes every link relative, so the site works from file:// and from a GitHub Pages sub-path.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
INDEX_SAVE_AS = "index.html"
ARCHIVES_SAVE_AS = ARCHIVES_URL = "archives/index.html"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}.html"
TAGS_SAVE_AS = TAGS_URL = "tags/index.html"
CATEGORIES_SAVE_AS = CATEGORIES_URL = "sources/index.html"
AUTHORS_SAVE_AS = AUTHORS_URL = "authors/index.html"
NOTFOUND_SAVE_AS = "404.html"
SITEMAP_SAVE_AS = ""  # publishconf.py writes sitemap.xml (it needs absolute URLs)
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "notfound", "sitemap"]
# Page 2 of tags/x.html is tags/x.2.html (slugs never contain dots, so this cannot collide).
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{name}.{number}{extension}", "{name}.{number}{extension}"),
)
# Tag, source, author and month pages list 100 articles a page, one line each (title, publisher,
# day). The home page is one page: the newest 20 articles with summaries and tags, then the next
# 80 one line each, then a link to the month archives (which list every article).
NEWSARCHIVE_HOME_SUMMARIES = 20
NEWSARCHIVE_HOME_ARTICLES = 100
PAGINATED_TEMPLATES = {
    "tag": 100,
    "category": 100,
    "author": 100,
    "period_archives": 100,
}
