"""Bytes -> text the way a browser does it: BOM, declared charset (HTTP header, then the page's <meta>),
then statistical detection (charset-normalizer). A page with a handful of invalid bytes is read with those
bytes replaced and a warning; only data that looks binary is refused as binary."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from tts.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Supersets decode every page their subset labels declare (browsers do the same: gb2312 is read as GBK/GB18030).
_SUPERSET = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
}
# How many bad bytes a page may have and still be read (with a warning): stray bytes from a CMS, a cut character.
_MAX_BAD_SHARE = 0.005
_MAX_BAD_FLOOR = 16  # a short page may still carry a dozen
_MIN_PLAUSIBLE = 0.6


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def canonical(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when the label names no known codec."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _SUPERSET.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first bytes (<meta charset>, <meta http-equiv>, <?xml encoding>)."""
    head = data[:4096]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii") if m else None


def decode_bytes(data: bytes, header_charset: str | None = None) -> Decoded:
    """Decode as a browser would; raise InputError only for data that is not text in any encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _lenient(data[len(bom) :], encoding, "byte-order mark") or _refuse(data)
    labels = [
        (canonical(header_charset), "Content-Type header"),
        (canonical(declared_charset(data)), "page's <meta>"),
    ]
    declared = [(enc, why) for enc, why in labels if enc]
    # Strict decodings first: a declared charset, UTF-8, GB18030 and (for even lengths) UTF-16 without BOM.
    candidates = [enc for enc, _ in declared] + ["utf-8", "gb18030"]
    if len(data) % 2 == 0:
        candidates += ["utf-16-le", "utf-16-be"]
    best: Decoded | None = None
    best_score = 0.0
    for encoding in dict.fromkeys(candidates):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = plausibility(text)
        if score >= _MIN_PLAUSIBLE and (encoding in dict(declared) or encoding == "utf-8"):
            return Decoded(text, encoding)  # what the page says, and it reads as text
        if score > best_score:
            best, best_score = Decoded(text, encoding), score
    if best is not None and best_score >= _MIN_PLAUSIBLE:
        return best
    if _looks_binary(data):
        raise InputError("input looks like a binary file, not text")
    detected = _detect(data)
    if detected is not None:
        return detected
    # A few invalid bytes in an otherwise readable page: read it as the browser does, with replacements.
    for encoding, why in declared + [("utf-8", "UTF-8"), ("gb18030", "GB18030"), ("big5hkscs", "Big5")]:
        decoded = _lenient(data, encoding, why)
        if decoded is not None:
            return decoded
    return _refuse(data)


def _detect(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data[:200_000]).best()
    if match is None or match.encoding is None:
        return None
    encoding = canonical(match.encoding) or match.encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return Decoded(text, encoding) if plausibility(text) >= _MIN_PLAUSIBLE else None


def _lenient(data: bytes, encoding: str, why: str) -> Decoded | None:
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        return None
    bad = text.count("\ufffd")
    if bad > max(_MAX_BAD_FLOOR, _MAX_BAD_SHARE * len(text)) or plausibility(text) < _MIN_PLAUSIBLE:
        return None
    warnings = (
        [f"{bad} invalid byte sequence(s) in {encoding} text ({why}) could not be read and were left out"]
        if bad
        else []
    )
    return Decoded(text.replace("\ufffd", "") if bad else text, encoding, warnings)


def _looks_binary(data: bytes) -> bool:
    """Control bytes other than whitespace and ESC are rare in any text encoding but UTF-16/32 (tried before)."""
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27 or b == 127)
    return controls > 0.02 * len(sample)


def _refuse(data: bytes) -> Decoded:
    if _looks_binary(data):
        raise InputError("input looks like a binary file, not text")
    raise InputError(
        "input is not text in any encoding tried (declared charset, UTF-8, UTF-16, GB18030, Big5, detection)"
    )


def plausibility(text: str) -> float:
    """Share of common text characters in a sample: a wrong decoding yields rare hanzi, symbols and controls."""
    sample = text[:4000]
    if not sample:
        return 0.0
    return sum(1 for c in sample if _is_common(c)) / len(sample)


def _is_common(c: str) -> bool:
    if c in "\n\r\t" or " " <= c <= "~" or "\u3000" <= c <= "\u303f" or "\uff01" <= c <= "\uff5e" or c == "\ufffd":
        return True
    if "\u4e00" <= c <= "\u9fff":
        return _is_frequent_hanzi(c)
    return c in "“”‘’—…·、\u00a0" or "\u00c0" <= c <= "\u024f"


def _is_frequent_hanzi(c: str) -> bool:
    try:
        if 0xB0 <= c.encode("gb2312")[0] <= 0xD7:  # GB2312 level 1: the 3,755 common simplified hanzi
            return True
    except UnicodeEncodeError:
        pass
    try:
        return 0xA440 <= int.from_bytes(c.encode("big5"), "big") <= 0xC67E  # Big5 level 1: 5,401 common traditional
    except UnicodeEncodeError:
        return False
