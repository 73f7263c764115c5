"""Text safe for XML 1.0: characters XML forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF) are removed;
C1 controls too, since no reader displays them. Escaping itself is left to the XML serialiser (lxml)."""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    return _FORBIDDEN.sub("", text or "")


def truncate_bytes(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut at a character boundary (with an ellipsis when cut)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"
