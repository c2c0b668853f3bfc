"""A test corpus of real article text: the sample articles resampled into new documents, and a
query set drawn from it. Used by the equivalence and recall tests (no ../shared needed)."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from newsarchive.convert.language import to_traditional
from newsarchive.convert.pipeline import convert_file
from newsarchive.search.text import html_to_text
from newsarchive.search.writer import SearchDoc

ROOT = Path(__file__).resolve().parents[2]
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


@cache
def sample_articles() -> list[SearchDoc]:
    """The sample content's articles, converted by the real pipeline."""
    docs = []
    for path in sorted((ROOT / "content" / "articles").rglob("*")):
        if not path.is_file():
            continue
        article = convert_file(path)
        meta = article.metadata
        docs.append(
            SearchDoc(
                title=str(meta["title"]),
                text=html_to_text(article.html),
                url=f"articles/{meta.get('slug', path.stem)}.html",
                date=str(meta.get("archived", meta.get("date", "")))[:10],
                publisher=str(meta.get("source", "")),
                publisher_key=str(meta.get("source_key", "")),
            )
        )
    return docs


def resampled(n: int, seed: int = 5) -> list[SearchDoc]:
    """``n`` documents: each a sample article with its paragraphs shuffled, half of them mixed
    with paragraphs of another article; new URLs and dates (ascending)."""
    rng = random.Random(seed)
    base = sample_articles()
    start = date(2020, 6, 1)
    out = []
    for i in range(n):
        a = base[i % len(base)]
        paragraphs = a.text.split("\n")
        rng.shuffle(paragraphs)
        if rng.random() < 0.5:
            other = rng.choice(base).text.split("\n")
            paragraphs += rng.sample(other, k=max(1, len(other) // 3))
        title = a.title if rng.random() < 0.7 else f"{a.title}（{rng.choice(base).title[:6]}）"
        day = start + timedelta(days=i * 2)
        out.append(
            SearchDoc(
                title=title,
                text="\n".join(paragraphs),
                url=f"articles/r{i:05d}.html",
                date=day.isoformat(),
                publisher=a.publisher,
                publisher_key=a.publisher_key,
                tags=rng.sample(["疫情", "美国", "香港", "经济"], k=rng.randint(0, 2)),
            )
        )
    return out


def queries(docs: list[SearchDoc], n: int = 120, seed: int = 9) -> list[str]:
    """A fixed mix: CJK substrings of 2-4 characters, names, Traditional forms, Latin words,
    multi-word, prefix, required/prohibited and field queries."""
    rng = random.Random(seed)
    words = sorted({w for d in docs for w in _CJK_WORD.findall(d.title + d.text)})
    latin = sorted({w for d in docs for w in _LATIN_WORD.findall(d.text)})
    out = ["特朗普", "拜登", "香港", "新冠病毒", "中国", "美国 大选", "习近平", "COVID-19",
           "2020年", "TikTok", "Trump", "川普", "臺灣", "香港國安法", "疫苗", "特朗普 -拜登",
           "+香港 +美国", "title:香港", "特朗*", "trump*", "美国之音", "年", "-香港", "法新社",
           "马丘比丘", "Machu Picchu", "白切鸡", "孟晚舟", "华为", "棕熊", "香港^3 美国",
           "title:特朗普 body:拜登^2", "美国 -中国 +特朗普", "中*", "新*", "-香港 -美国",
           "title:中*", "香港 香港", "body:香港 title:香港"]  # fmt: skip
    while len(out) < n:
        kind = rng.random()
        w = rng.choice(words)
        if kind < 0.45:
            k = rng.randint(2, min(4, len(w)))
            s = rng.randint(0, len(w) - k)
            out.append(w[s : s + k])
        elif kind < 0.6:
            out.append(to_traditional(w[:4]))
        elif kind < 0.75 and latin:
            out.append(rng.choice(latin))
        elif kind < 0.9:
            out.append(f"{w[:3]} {rng.choice(words)[:2]}")
        else:
            out.append(f"{w[:2]}*")
    return list(dict.fromkeys(out))
