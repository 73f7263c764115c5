"""Input is read from files or stdin in any common Chinese encoding; bad input fails with InputError."""

from __future__ import annotations

import io
import sys

import pytest

from tts.errors import InputError
from tts.input.reading import decode, read_page

TEXT = "静宁苹果丰收季\n九月的静宁，满山苹果挂满枝头。\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        TEXT.encode("utf-16"),  # with BOM
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16-bom", "utf16le", "utf16be"],
)
def test_common_encodings_are_detected(data):
    assert decode(data) == TEXT


def test_binary_data_is_refused():
    with pytest.raises(InputError, match="binary"):
        decode(bytes(range(256)) * 10)


def test_missing_and_empty_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_page(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    with pytest.raises(InputError, match="empty"):
        read_page(empty)


def test_standard_input_is_read(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("gb18030"))))
    page = read_page("-")
    assert page.text == TEXT and page.name == "stdin"


def test_html_is_detected_and_reduced_to_text(tmp_path):
    page_file = tmp_path / "page.htm"
    page_file.write_bytes(
        '<html><head><meta charset="gbk"><title>标题 - 网站</title><script>var x="脚本";</script></head>'
        "<body><div>导航</div><p>第一段，正文。</p><p>第二段。</p></body></html>".encode("gbk")
    )
    page = read_page(page_file)
    assert page.is_html and page.html_title == "标题 - 网站"
    lines = [l.strip() for l in page.text.splitlines() if l.strip()]
    assert lines == ["导航", "第一段，正文。", "第二段。"]


def test_an_unclosed_form_widget_does_not_hide_the_rest_of_the_page():
    from tts.input.reading import html_to_text

    text, _ = html_to_text("<div><select><option>2021<option>2022</div><p>正文第一段。</p>")
    assert "正文第一段。" in text and "2021" not in text


# -- encodings as a browser reads them ----------------------------------------------------------

ARTICLE = (
    "九月的静宁，满山苹果挂满枝头。果农们正忙着采摘，今年全县苹果产量预计达到一百万吨。" * 300
)  # a real page: tens of thousands of bytes


def _with_bad_bytes(data: bytes, count: int) -> bytes:
    """Stray bytes a CMS leaves in a page: a lone lead byte of a two-byte character, every so often."""
    step = len(data) // (count + 1)
    out = bytearray(data)
    for n in range(count, 0, -1):
        at = n * step
        while out[at] < 0x80 or not (0x81 <= out[at] <= 0xFE):
            at += 1  # land on a lead byte so the damage is a real invalid sequence
        out[at + 1 : at + 1] = b"\xff"
    return bytes(out)


@pytest.mark.parametrize("declared", ["", '<meta charset="gb2312">'], ids=["undeclared", "declared-gb2312"])
def test_a_gbk_page_with_a_few_invalid_bytes_is_read_with_a_warning(tmp_path, declared):
    from tts.input.encoding import decode_bytes

    html = f"<html><head>{declared}<title>静宁苹果丰收季</title></head><body><p>{ARTICLE}</p></body></html>"
    data = _with_bad_bytes(html.encode("gbk"), 12)
    decoded = decode_bytes(data)
    assert decoded.encoding == "gb18030" and decoded.warnings and "invalid byte" in decoded.warnings[0]
    assert "满山苹果挂满枝头" in decoded.text and "\ufffd" not in decoded.text
    page_file = tmp_path / "page.html"
    page_file.write_bytes(data)
    assert read_page(page_file).warnings == decoded.warnings


def test_big5_traditional_pages_keep_their_characters(tmp_path):
    traditional = (
        "<html><head><meta charset='big5'><title>靜寧蘋果豐收季</title></head><body><h1>靜寧蘋果豐收季</h1>"
        "<p>九月的靜寧，滿山蘋果掛滿枝頭，果農們正忙著採摘。</p><p>今年全縣蘋果產量預計達到一百萬噸，比去年增長百分之五。</p></body></html>"
    )
    page_file = tmp_path / "big5.html"
    page_file.write_bytes(traditional.encode("big5"))
    from tts.input.extract import read_article

    page, article = read_article(page_file)
    assert page.encoding.startswith("big5")
    assert (
        article.title == "靜寧蘋果豐收季"
        and article.paragraphs[0] == "九月的靜寧，滿山蘋果掛滿枝頭，果農們正忙著採摘。"
    )


def test_undeclared_big5_text_is_detected():
    text = (
        "九月的靜寧，滿山蘋果掛滿枝頭，果農們正忙著採摘。今年全縣蘋果產量預計達到一百萬噸，比去年增長百分之五。\n" * 5
    )
    assert decode(text.encode("big5")) == text


def test_the_header_charset_wins_over_the_pages_own_declaration():
    from tts.input.encoding import decode_bytes

    html = "<meta charset='utf-8'><p>九月的静宁，满山苹果挂满枝头。</p>"
    assert "满山苹果" in decode_bytes(html.encode("gbk"), header_charset="gbk").text


def test_text_that_decodes_nowhere_is_not_called_binary():
    from tts.input.encoding import decode_bytes

    with pytest.raises(InputError) as caught:
        decode_bytes(bytes(range(0x80, 0x100)) * 40)
    assert "binary" not in str(caught.value)


def test_a_utf8_page_with_a_broken_character_is_read_with_a_warning():
    from tts.input.encoding import decode_bytes

    data = ("<p>" + ARTICLE + "</p>").encode("utf-8")
    data = data[:9001] + b"\xff" + data[9001:20000] + b"\xe4\xb8" + data[20000:]
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8" and decoded.warnings
    assert decoded.text.count("满山苹果挂满枝头") >= 295
