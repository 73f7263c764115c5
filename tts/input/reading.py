"""Read an article from a path, standard input or a URL: detect the encoding, and keep HTML for the extractor."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tts.errors import InputError
from tts.input.encoding import decode_bytes

_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p)\b", re.I)
_URL = re.compile(r"^https?://", re.I)


@dataclass(frozen=True)
class Page:
    """The page as text, ready for the cleaner (and its HTML, when it is a web page)."""

    text: str  # the visible text, one block per line
    name: str  # file stem, URL's last path segment, or 'stdin'
    is_html: bool = False
    html_title: str | None = None
    html: str | None = None
    url: str | None = None  # where it was fetched from
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


def is_url(source: str | Path) -> bool:
    return bool(_URL.match(str(source)))


def read_page(source: str | Path) -> Page:
    """Read a page from a path, from standard input when source is '-', or from an http(s) URL."""
    header_charset = url = None
    content_type = ""
    if is_url(source):
        from tts.input.fetch import fetch

        fetched = fetch(str(source))
        data, url, header_charset, content_type = fetched.data, fetched.url, fetched.charset, fetched.content_type
        name, suffix = fetched.name, ".html" if "html" in content_type else ""
    elif str(source) == "-":
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
    decoded = decode_bytes(data, header_charset)
    text = decoded.text
    if suffix in (".html", ".htm") or (
        suffix != ".txt" and "text/plain" not in content_type and _HTML_SNIFF.search(text[:4096])
    ):
        body, title = html_to_text(text)
        return Page(body, name, True, title, text, url, decoded.encoding, decoded.warnings)
    return Page(text, name, url=url, encoding=decoded.encoding, warnings=decoded.warnings)


def decode(data: bytes) -> str:
    """Decode bytes as a browser would (see tts.input.encoding); raises InputError for binary data."""
    return decode_bytes(data).text


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page, one block per line, plus its <title>."""
    from tts.input.html import page_text

    return page_text(html)
