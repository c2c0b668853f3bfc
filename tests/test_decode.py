import pytest
from newsarchive.convert.decode import MAX_BYTES, decode
from newsarchive.convert.errors import ArchiveError
from newsarchive.convert.language import to_traditional

TEXT = (
    "<!--1694605502000-->\n[金正恩与普京会晤 中国如何看](https://www.rfi.fr/cn/a)\n------\n\n"
    + (
        "<p>据路透社报道，普京说，“我很高兴见到你”，并与金正恩握手超过半分钟。金正恩则感谢普京的邀请和热情款待。</p>"
        * 3
    )
)


def test_utf8_with_and_without_bom():
    assert decode(TEXT.encode()) == (TEXT, None)
    assert decode(b"\xef\xbb\xbf" + TEXT.encode()) == (TEXT, None)


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_chinese_legacy_encodings_are_detected_with_a_warning(encoding):
    text = TEXT if encoding == "gb18030" else to_traditional(TEXT)
    data = text.encode(encoding)
    decoded, warning = decode(data, "a.md")
    assert decoded == text
    assert warning and encoding in warning and "UTF-8" in warning


def test_binary_is_refused():
    with pytest.raises(ArchiveError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "x.html")


def test_oversized_is_refused():
    with pytest.raises(ArchiveError, match="over the 10 MB limit"):
        decode(b"a" * (MAX_BYTES + 1), "big.md")


def test_undecodable_bytes_name_the_line():
    data = b"<!--1694605502000-->\n[T](https://x.org)\n------\n\xff\xfe\xfa\xfb\xfc"
    with pytest.raises(ArchiveError) as caught:
        decode(data, "bad.md")
    assert caught.value.problem.line == 4
    assert "re-save the file as UTF-8" in str(caught.value)
