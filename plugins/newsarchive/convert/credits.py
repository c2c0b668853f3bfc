"""Image credits in captions: the label the converter writes, and plain text without them.

A figure's caption reads ``caption 图像来源：credit`` (one line). The credit stays on the page —
it is the image's attribution — but it is not the article's words: the search text and the tags
read the text without it.
"""

from __future__ import annotations

import re

CREDIT_LABEL = "图像来源："
_CREDIT = re.compile(rf"[ \t]*{CREDIT_LABEL}[^\n]*")


def without_credits(text: str) -> str:
    """``text`` (plain text, a caption on its own line) with each image credit taken out: from
    the label to the end of its line."""
    return _CREDIT.sub("", text) if CREDIT_LABEL in text else text
