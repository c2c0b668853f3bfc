"""Make a benchmark corpus of N archived articles by resampling real ones.

Each new file is a real article with a new archive time and a new source URL, so every file is
distinct (and converts, caches and builds as a separate article).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    ROOT.parent / "shared" / "corpus",
    ROOT.parent / "shared" / "seeds",
    ROOT / "content" / "articles",
)
_EPOCH = re.compile(r"^<!--(\d+)-->")
_LINK = re.compile(r"^\[(.*)\]\((\S*)\)")


def real_articles() -> list[Path]:
    """The real archived files available: the shared corpus if present, else the sample content."""
    for source in SOURCES:
        files = sorted(
            p for p in source.rglob("*") if p.is_file() and p.suffix in (".md", ".html", ".txt")
        )
        files = [p for p in files if _EPOCH.match(p.read_text("utf-8", errors="replace"))]
        if files:
            return files
    raise SystemExit("no real archived articles found")


def write_resample(out: Path, i: int, text: str, step_ms: int, mark: str) -> Path:
    """Write the ``i``-th resample of ``text``: archive time + ``i * step_ms``, URL + ``-<mark><i>``."""
    epoch_line, link_line, rest = text.split("\n", 2)
    epoch = int(_EPOCH.match(epoch_line).group(1))
    epoch = epoch * (1000 if len(str(epoch)) == 10 else 1) + i * step_ms
    title, url = _LINK.match(link_line).groups()
    url = url.rstrip("/") + f"-{mark}{i}"
    path = out / f"{i % 97:02d}" / f"article-{i:05d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!--{epoch}-->\n[{title}]({url})\n{rest}", "utf-8")
    return path


def make_corpus(n: int, out: Path) -> list[Path]:
    """Write ``n`` resampled articles under ``out``; return their paths."""
    bases = [p.read_text("utf-8") for p in real_articles()]
    return [write_resample(out, i, bases[i % len(bases)], 61_000, "r") for i in range(n)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(f"{len(make_corpus(args.n, args.out))} articles written to {args.out}")
