"""Real archived articles (tests/golden) and publisher-like pages made from them, for source checks."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from newsarchive.convert.pipeline import Article, convert_file

GOLDEN = Path(__file__).parent / "golden"
ARTICLES = sorted(p for p in GOLDEN.glob("*/*.html") if not p.name.startswith("seed-"))


@cache
def article(path: Path) -> Article:
    return convert_file(path)


def page(body_html: str, title: str = "文章", chrome: bool = True) -> str:
    """A publisher's page around an article body: head, navigation, footer."""
    nav = (
        '<nav><a href="/">首页</a> <a href="/news">新闻</a> <a href="/world">国际</a></nav>'
        if chrome
        else ""
    )
    foot = "<footer><p>版权所有 © 2024 新闻网站。保留所有权利。</p></footer>" if chrome else ""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<script>var x = '这是脚本里的文字';</script></head><body>{nav}"
        f"<main><h1>{title}</h1><article>{body_html}</article></main>{foot}</body></html>"
    )


def article_page(path: Path) -> str:
    """The page an archived article was taken from, as the publisher still serves it."""
    a = article(path)
    return page(a.html, a.metadata["title"])


NOT_FOUND_PAGE = page(
    "<p>抱歉，您访问的页面不存在或已被删除。</p><p><a href='/'>返回首页</a></p>",
    "页面不存在 - 新闻网站",
)


def archived_file(path: Path, url: str, archived_ms: int = 1_700_000_000_000) -> str:
    """A real archived article's file text with its URL pointed at ``url``."""
    lines = path.read_text("utf-8").split("\n", 3)
    title = lines[1][1 : lines[1].index("](")]
    return f"<!--{archived_ms}-->\n[{title}]({url})\n{lines[2]}\n{lines[3]}"
