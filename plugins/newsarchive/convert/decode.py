"""Turn the bytes of an archived file into text."""

from __future__ import annotations

from charset_normalizer import from_bytes

from .errors import fail

MAX_BYTES = 10 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
# Encodings archived Chinese news arrives in besides UTF-8.
_FALLBACKS = ("gb18030", "big5", "utf_16", "utf_32")
# charset-normalizer's "mess" ratio: above this the guess is not trusted.
_MAX_CHAOS = 0.1


def decode(data: bytes, path: str = "<input>") -> tuple[str, str | None]:
    """Return ``(text, warning)``: UTF-8 (with or without BOM), else a confidently detected encoding.

    ``warning`` says which encoding was detected when the file was not UTF-8.
    Raises :class:`ArchiveError` for oversized, binary or undecodable input.
    """
    if len(data) > MAX_BYTES:
        raise fail(
            path,
            1,
            f"file is {len(data) / 1_048_576:.1f} MB, over the 10 MB limit",
            "archive the article text only; keep images as links",
        )
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail(path, 1, "file is binary, not text", "save the article as an HTML text file")
    best = from_bytes(data, cp_isolation=list(_FALLBACKS)).best()
    if best is not None and best.chaos <= _MAX_CHAOS and best.encoding in _FALLBACKS:
        text = str(best)
        return text, f"file is not UTF-8; decoded as {best.encoding} (re-save it as UTF-8)"
    line = data[: utf8_error.start].count(b"\n") + 1
    raise fail(
        path,
        line,
        f"bytes are not valid UTF-8 (byte {utf8_error.start}) "
        "and no other encoding could be detected with confidence",
        "re-save the file as UTF-8",
    )
