"""Write tests/fixtures/tokenizer_vectors.json: inputs and the Python tokenizer's tokens.

    .venv/bin/python tests/search/make_vectors.py

The Python side is checked against hand-written expectations in tests/test_search_tokenizer.py;
the JavaScript side must reproduce every token list here (tests/js/tokenizer.test.js).
"""

from __future__ import annotations

import html
import json
import random
import re
from pathlib import Path

from newsarchive.convert.language import to_traditional
from newsarchive.search.folding import browser_map, folder
from newsarchive.search.stemmer import stem
from newsarchive.search.tokenizer import tokenize

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "tokenizer_vectors.json"

EDGE_CASES = [
    "", " ", "\n\t", "a", "A", "年", "中国", "中国人", "中华人民共和国",
    "COVID-19", "covid-19疫情", "COVID19", "2024年", "2024年10月1日", "第3季度", "A股", "iPhone手机",
    "G20峰会在罗马举行", "5G网络", "3.14159", "1,000,000", "100%", "50岁的张三", "No.1",
    "ＣＯＶＩＤ－１９", "２０２４年", "ｉＰｈｏｎｅ", "ｶﾀｶﾅ", "（法新社利马12日电）", "「自封锁以来」",
    "中華人民共和國", "臺灣", "台湾", "川普說", "習近平", "习近平", "香港國安法", "發髮", "乾隆", "著名",
    "說話", "鬱悶", "⺁⻊", "⽇本", "㈱", "㍻", "①②③", "Ⅻ", "ﬁnance", "ǅungla", "Straße", "İstanbul",
    "ΟΔΟΣ", "Москва и Пекин", "café naïve résumé", "cafe\u0301", "e\u0301t\u00e9", "Ελλάδα",
    "😀", "中😀国", "👍🏻好", "👨‍👩‍👧家庭", "𠮷野家", "𪚥𪚥", "𠀀𠀁𠀂", "中\u200b国", "中\u00adnews",
    "soft\u00adhyphen", "zero\u200dwidth", "葛\U000e0100城", "漢\ufe00字", "\ufeff开头",
    "日本語のテキスト", "カタカナ・ひらがな", "ラーメン", "한국어 텍스트", "서울특별시",
    "mixed中文English混合", "Trump特朗普", "特朗普Trump", "Xi Jinping 习近平", "C++ and C#",
    "e-mail", "U.S.", "U.S.A.", "don't", "it's", "o'clock", "rock'n'roll", "co-operation",
    "the running runners ran", "Generalizations", "happiness", "agreed", "feed", "sky", "yelling",
    "tries", "try", "lay", "caresses", "ponies", "ties", "cats", "hopping", "filing", "conditional",
    "http://www.rfi.fr/cn/20201013-x", "user@example.com", "#标签", "@用户", "$100", "¥200", "€5",
    "“引号”", "《书名》", "【图说天朝】", "——", "……", "。，、；：？！", "a，b", "年，年", "年 年",
    "这是一个句子。这是另一个！", "〇一二", "々", "三々五々", "ヶ月", "ー", "ヴ", "ㄅㄆㄇ",
    "αβγ", "Ǆ", "ß", "ﬀ", "™", "㎞", "½", "x²", "H₂O", "١٢٣", "٣ أيام", "עברית", "हिन्दी",
    "ไทย", "가", "\u3000全角空格\u3000", "tab\there", "line\nbreak", "cr\r\nlf",
]  # fmt: skip

_TAG = re.compile(r"<[^>]+>")


def article_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted((ROOT / "content" / "articles").rglob("*")):
        if not path.is_file():
            continue
        text = html.unescape(_TAG.sub("\n", path.read_text("utf-8", errors="replace")))
        for line in text.splitlines():
            line = line.strip()
            if len(line) >= 4 and not line.startswith(("<!--", "[", "---")):
                lines.append(line[:120])
    return lines


def english_words(lines: list[str]) -> list[str]:
    words = set(re.findall(r"[a-z]{3,}", " ".join(lines).lower()))
    rng = random.Random(7)
    bases = ["nation", "relat", "condition", "general", "hope", "hop", "run", "sing", "rate",
             "cry", "sky", "fly", "agree", "feed", "bleed", "control", "profit", "vietnam",
             "elect", "communic", "govern", "sensit", "activ", "digit", "formal", "critic"]  # fmt: skip
    suffixes = ["", "s", "es", "ed", "ing", "ly", "al", "ally", "ization", "izations", "ational",
                "ness", "fulness", "ive", "iveness", "ator", "ement", "ent", "ence", "ance",
                "ism", "ist", "ies", "y", "er", "ers", "able", "ibility", "ful", "e", "ll"]  # fmt: skip
    words.update(b + s for b in bases for s in suffixes)
    words.update("".join(rng.choice("abcdeilnorstuy") for _ in range(rng.randint(3, 12)))
                 for _ in range(400))  # fmt: skip
    return sorted(words)


def _dump(data: dict) -> str:
    """JSON with one case (or stem pair) per line, so diffs stay readable."""

    def line(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = [
        f'"{key}": {line(value)}' for key, value in data.items() if key not in ("cases", "stems")
    ]
    for key in ("cases", "stems"):
        parts.append(f'"{key}": [\n' + ",\n".join(line(v) for v in data[key]) + "\n]")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main() -> None:
    rng = random.Random(20240601)
    lines = article_lines()
    sample = rng.sample(lines, 170)
    traditional = [to_traditional(s) for s in rng.sample(lines, 60)]
    fullwidth = [
        "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)
        for s in rng.sample([s for s in lines if re.search("[A-Za-z0-9]", s)], 20)
    ]
    inputs = list(dict.fromkeys(EDGE_CASES + sample + traditional + fullwidth))
    table = folder()
    index_chars = {ch for s in inputs for t in tokenize(s, table) for ch in t}
    cases = [
        {
            "text": s,
            "index": tokenize(s, table),
            "query": tokenize(s, table, query=True),
            "query_nostem": tokenize(s, table, query=True, stem=False),
        }
        for s in inputs
    ]
    words = english_words(lines)
    data = {
        "about": "Inputs and the Python tokenizer's tokens; regenerate with "
        "tests/search/make_vectors.py. fold is the browser folding map for these inputs.",
        "fold": browser_map(index_chars),
        "cases": cases,
        "stems": [[w, stem(w)] for w in words],
    }
    OUT.write_text(_dump(data), "utf-8")
    print(f"{len(cases)} cases, {len(words)} stems, {len(data['fold'])} fold pairs → {OUT}")


if __name__ == "__main__":
    main()
