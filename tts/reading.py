"""Read an article from a path or standard input: detect the encoding, and turn HTML into text lines."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError

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
    """Decode bytes as UTF-8 (with or without BOM), UTF-16, or GB18030; binary data is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    if _looks_utf16(data):
        return _strict(data, "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    if b"\x00" in data:
        raise InputError("input looks like a binary file, not text or HTML")
    declared = _META_CHARSET.search(data[:4096])
    candidates = ["utf-8"]
    if declared:
        candidates.append(declared.group(1).decode("ascii").lower())
    candidates.append("gb18030")
    for encoding in candidates:
        try:
            text = data.decode(_canonical(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
        if _control_share(text) < 0.01:
            return text
    raise InputError("input looks like a binary file: it decodes as neither UTF-8, UTF-16 nor GB18030")


def _canonical(encoding: str) -> str:
    # GBK and GB2312 are subsets of GB18030; decoding with the superset never loses characters.
    return "gb18030" if encoding in ("gbk", "gb2312", "gb_2312-80", "x-gbk") else encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(f"input claims {encoding} but does not decode: {exc.reason}") from None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:2000]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) > 0.3 * len(even) or odd.count(0) > 0.3 * len(odd)


def _control_share(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return bad / max(1, len(sample))


# -- HTML -> innerText-like lines --------------------------------------------------------------

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "header", "footer", "nav", "aside", "blockquote", "figure", "figcaption", "dd", "dt", "dl",
    "form", "hr", "pre", "center", "td", "th", "title", "main",
}
_SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "head", "select", "option", "button"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        if tag == "img":
            alt = dict(attrs).get("alt")
            _ = alt  # images are not read; captions come from surrounding text

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        if not self.skip_depth:
            self.parts.append(data.replace("\n", " "))


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page, one block per line, plus its <title>."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts), parser.title
