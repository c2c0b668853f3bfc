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

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "saved"
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

HEAD = """<!DOCTYPE html>
<!-- saved from url=({length:04d}){url} -->
<html lang="zh-CN"><head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{site}">
<meta name="description" content="站务 chrome-marker 描述：{site}为您提供最新新闻。">
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="./page_files/main.css">
<style>.cookie-banner{{position:fixed;bottom:0}} .ad-slot{{min-height:250px}}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());</script>
<script src="./page_files/analytics.js" async></script>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{title}"}}</script>
</head>
"""

CHROME_TOP = """<body class="article-page">
<div id="cookie-banner" class="cookie-banner" role="dialog">
  <p>站务 chrome-marker 我们使用Cookie来改善您的浏览体验、分析网站流量并为您提供个性化的广告内容。继续浏览即表示您同意我们使用Cookie。</p>
  <button>接受全部</button> <button>管理设置</button> <a href="/privacy">隐私政策</a>
</div>
<header class="site-header">
  <a class="logo" href="/"><img src="./page_files/logo.svg" alt="站务 {site} 标志"></a>
  <nav class="main-nav" aria-label="主导航">
    <ul>
      <li><a href="/news">站务 新闻</a></li><li><a href="/china">中国</a></li><li><a href="/world">国际</a></li>
      <li><a href="/economy">财经</a></li><li><a href="/science">科技</a></li><li><a href="/culture">文化</a></li>
      <li><a href="/opinion">评论</a></li><li><a href="/video">视频</a></li><li><a href="/podcast">播客</a></li>
    </ul>
  </nav>
  <form class="search" action="/search"><input name="q" placeholder="站务 搜索"><button>搜索</button></form>
  <div class="breadcrumbs"><a href="/">首页</a> › <a href="/news">新闻</a> › <span>站务 正文</span></div>
</header>
<div class="ad-slot ad-leaderboard" data-ad-unit="top">
  <span class="ad-label">广告</span>
  <a href="https://ads.example.net/click?id=1"><img src="https://ads.example.net/banner-728x90.jpg" alt="站务 广告"></a>
  <p>站务 chrome-marker 限时优惠：订阅数字版，首月仅需一元，畅读全部独家报道与深度分析。</p>
</div>
<main id="main-content">
<div class="layout">
<article class="story">
<h1 class="story-headline">{title}</h1>
<div class="byline-bar"><span class="share">站务 分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">Facebook</a> <a href="#">Twitter</a></span></div>
<div class="story-body">
"""

CHROME_BOTTOM = """
</div>
<div class="newsletter-signup">
  <h3>站务 订阅我们的新闻通讯</h3>
  <p>站务 chrome-marker 每天早上八点，编辑精选的当日要闻将直接发送到您的电子邮箱。我们尊重您的隐私，您可以随时取消订阅。</p>
  <form><input type="email" placeholder="电子邮箱"><button>订阅</button></form>
</div>
<div class="tags-bar">站务 相关话题：<a href="/topic/1">国际</a> <a href="/topic/2">政治</a></div>
</article>
<aside class="sidebar">
  <section class="most-read">
    <h2>站务 热门阅读</h2>
    <ol>
      <li><a href="/news/1">站务 chrome-marker 专家分析：全球经济复苏面临哪些新的挑战和不确定性</a></li>
      <li><a href="/news/2">站务 chrome-marker 多国领导人齐聚峰会讨论气候变化与能源转型问题</a></li>
      <li><a href="/news/3">站务 chrome-marker 科技公司发布新一代人工智能产品引发业界热议</a></li>
      <li><a href="/news/4">站务 chrome-marker 体育赛事：国家队在关键比赛中逆转取胜晋级决赛</a></li>
      <li><a href="/news/5">站务 chrome-marker 旅游业逐步恢复，各地景区游客数量明显回升</a></li>
    </ol>
  </section>
  <div class="ad-slot ad-mpu"><span class="ad-label">广告</span>
    <p>站务 chrome-marker 海外留学移民一站式服务，专业顾问免费评估，立即咨询获取方案。</p>
    <img src="https://ads.example.net/mpu-300x250.jpg" alt="站务 赞助商广告">
  </div>
  <section class="editors-picks">
    <h2>站务 编辑推荐</h2>
    <ul>
      <li><a href="/feature/1"><img src="./page_files/thumb1.jpg" alt="">站务 chrome-marker 深度：一座城市的百年变迁</a></li>
      <li><a href="/feature/2"><img src="./page_files/thumb2.jpg" alt="">站务 chrome-marker 图集：镜头下的乡村教师</a></li>
    </ul>
  </section>
</aside>
</div>
<section id="comments" class="comments">
  <h2>站务 读者评论（3）</h2>
  <div class="comment"><div class="comment-author">站务 读者甲</div><div class="comment-time">2小时前</div>
    <p>站务 chrome-marker 这篇报道写得很详细，但我觉得还应该多采访一些不同立场的人，听听他们的看法，这样才更加全面客观，也能让读者自己做出判断。</p>
    <div class="comment-actions"><a href="#">回复</a> <a href="#">赞(12)</a> <a href="#">举报</a></div></div>
  <div class="comment"><div class="comment-author">站务 读者乙</div><div class="comment-time">1小时前</div>
    <p>站务 chrome-marker 同意楼上的意见。另外文章里提到的数据最好能附上原始来源的链接，方便大家核实。希望编辑部以后能够注意这一点，谢谢你们的工作。</p>
    <div class="comment-actions"><a href="#">回复</a> <a href="#">赞(5)</a> <a href="#">举报</a></div></div>
  <div class="comment"><div class="comment-author">站务 读者丙</div><div class="comment-time">30分钟前</div>
    <p>站务 chrome-marker 作为长期读者，我一直很关注这个话题。几年前的情况和现在已经完全不同了，变化之快令人感慨，不知道未来还会怎样发展下去。</p>
    <div class="comment-actions"><a href="#">回复</a> <a href="#">赞(3)</a> <a href="#">举报</a></div></div>
  <form class="comment-form"><textarea placeholder="站务 发表您的评论"></textarea><button>发表</button></form>
</section>
</main>
<footer class="site-footer">
  <nav><a href="/about">站务 关于我们</a> | <a href="/contact">联系我们</a> | <a href="/terms">使用条款</a> | <a href="/privacy">隐私政策</a> | <a href="/jobs">工作机会</a></nav>
  <p>站务 chrome-marker © 2020 {site}。版权所有。未经书面许可，不得转载、摘编或以其他方式使用本网站内容。</p>
</footer>
<script src="./page_files/vendor.js"></script>
<script>站务_tracker = {{page: "article"}}; (function(){{var s=document.createElement('script');s.src='https://ads.example.net/loader.js';document.body.appendChild(s)}})();</script>
</body></html>
"""


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
