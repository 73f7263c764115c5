"""Read an article from a path or standard input: detect the encoding, and turn HTML into text lines."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from tts.errors import InputError

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p)\b", re.I)


@dataclass(frozen=True)
class Page:
    """The page as text, ready for the cleaner."""

    text: str
    name: str  # file stem, or 'stdin'
    is_html: bool = False
    html_title: str | None = None


def read_page(source: str | Path) -> Page:
    """Read a page from a path, or from standard input when source is '-'."""
    if str(source) == "-":
        data, name, suffix = sys.stdin.buffer.read(), "stdin", ""
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(f"input file not found: {path}")
        if path.is_dir():
            raise InputError(f"input is a folder, not a file: {path}")
        data, name, suffix = path.read_bytes(), path.stem, path.suffix.lower()
    if not data.strip():
        raise InputError(f"input is empty: {source}")
    text = decode(data)
    if suffix in (".html", ".htm") or (suffix not in (".txt",) and _HTML_SNIFF.search(text[:4096])):
        body, title = html_to_text(text)
        return Page(body, name, is_html=True, html_title=title)
    return Page(text, name)


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with or without BOM) or GB18030/GBK/GB2312.

    Without a BOM, every plausible decoding is scored by how much of it is common text (ASCII, CJK
    punctuation, the 3,755 most frequent hanzi); binary data scores low everywhere and is refused.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    candidates = ["utf-8"]
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        candidates.append(_canonical(declared.group(1).decode("ascii").lower()))
    candidates.append("gb18030")
    if len(data) % 2 == 0:
        candidates += ["utf-16-le", "utf-16-be"]
    best, best_score = None, 0.0
    for encoding in dict.fromkeys(candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _plausibility(text)
        if encoding == "utf-8" and score > 0.6:
            return text  # strict UTF-8 that reads as text is never a coincidence
        if score > best_score:
            best, best_score = text, score
    if best is None or best_score < 0.6:
        raise InputError("input looks like a binary file: it reads as neither UTF-8, UTF-16 nor GB18030 text")
    return best


def _canonical(encoding: str) -> str:
    # GBK and GB2312 are subsets of GB18030; decoding with the superset never loses characters.
    return "gb18030" if encoding in ("gbk", "gb2312", "gb_2312-80", "x-gbk") else encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(f"input claims {encoding} but does not decode: {exc.reason}") from None


def _plausibility(text: str) -> float:
    sample = text[:4000]
    if not sample:
        return 0.0
    return sum(1 for c in sample if _is_common(c)) / len(sample)


def _is_common(c: str) -> bool:
    if c in "\n\r\t" or " " <= c <= "~" or "\u3000" <= c <= "\u303f" or "\uff01" <= c <= "\uff5e":
        return True
    if "\u4e00" <= c <= "\u9fff":
        try:
            return 0xB0 <= c.encode("gb2312")[0] <= 0xD7  # GB2312 level 1: the common hanzi
        except UnicodeEncodeError:
            return False
    return c in "“”‘’—…·、"


# -- HTML -> innerText-like lines --------------------------------------------------------------

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "header", "footer", "nav", "aside", "blockquote", "figure", "figcaption", "dd", "dt", "dl",
    "form", "hr", "pre", "center", "td", "th", "title", "main",
}
# Containers whose text is never shown as article text. (Not <option>: its end tag is optional and often omitted.)
_SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "textarea", "title"}
# Form widgets whose end tag pages often forget; a block element starting closes them, as in browsers.
_WIDGETS = {"select", "button"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.widget_depth = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _WIDGETS:
            self.widget_depth += 1
        elif tag in _BLOCK:
            self.widget_depth = 0
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag in _WIDGETS and self.widget_depth:
            self.widget_depth -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        if not self.skip_depth and not self.widget_depth:
            self.parts.append(data.replace("\n", " "))


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page, one block per line, plus its <title>."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts), parser.title
