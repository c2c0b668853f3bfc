"""Build the saved-page fixtures: real archived articles wrapped in a news site's full chrome.

Each page is what "Save page as…" gives for an article: a <head> with scripts, styles and social
metadata, navigation, a cookie banner, ads, a newsletter box, the article, a "most read" sidebar,
reader comments and a footer. Every piece of chrome carries the marker 站务 (or "chrome-marker")
so a test can prove none of it reached the imported article.

    .venv/bin/python tests/contrib/make_saved_pages.py     # rewrites tests/contrib/saved/
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from newsarchive.header import parse_header
from newsarchive.publishers import PublisherTable
from newsarchive.urls import host_of, repair_url

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "saved"
# The chrome, as str.format templates ({title}, {url}, {site}, {length}): chrome/*.html.
HEAD, CHROME_TOP, CHROME_BOTTOM = (
    (HERE / "chrome" / name).read_text("utf-8") for name in ("head.html", "top.html", "bottom.html")
)
# One real article per publisher (content/articles/…), with the site name its <title> carries.
ARTICLES = {
    "bbc": ("bbc/1047567.md", "BBC News 中文"),
    "cdt": ("cdt/391110.md", "中国数字时代"),
    "dw": ("dw/1046215.md", "DW 德国之声"),
    "nytimes": ("nytimes/1047787.md", "纽约时报中文网"),
    "rfa": ("rfa/1047547.md", "自由亚洲电台"),
    "rfi": ("rfi/1042142.md", "法国国际广播电台 - RFI"),
    "voa": ("voa/1045857.md", "美国之音中文网"),
}


def build() -> dict[str, dict[str, str]]:
    """Write one saved page and a copy of its archived original per publisher; return the manifest."""
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    publishers = PublisherTable()
    manifest = {}
    for name, (relative, site) in ARTICLES.items():
        original = ROOT / "content" / "articles" / relative
        text = original.read_text("utf-8")
        header = parse_header(text, str(original))
        url = repair_url(header.url)
        title, _ = publishers.for_host(host_of(url)).clean_title(header.title)
        fields = {"title": html.escape(title), "url": html.escape(url), "site": site}
        page = (
            HEAD.format(length=len(url), **fields)
            + CHROME_TOP.format(**fields)
            + header.body
            + CHROME_BOTTOM.format(**fields)
        )
        (OUT / f"{name}.html").write_text(page, "utf-8")
        shutil.copyfile(original, OUT / f"{name}.archived.md")
        manifest[name] = {"url": url, "title": title, "original": f"content/articles/{relative}"}
    (OUT / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    return manifest


if __name__ == "__main__":
    for name in build():
        print(OUT / f"{name}.html")
