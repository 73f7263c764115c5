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
