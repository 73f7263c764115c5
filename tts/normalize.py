"""Written text -> what the engine should say. First version: character-level fixes the G2P needs."""

from __future__ import annotations

import re
import unicodedata

_FULLWIDTH_ALNUM = re.compile(r"[０-９Ａ-Ｚａ-ｚ％．：]")


def spoken_form(text: str) -> str:
    """The text the engine is given for `text`; transcripts keep the written form."""
    text = _FULLWIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return text.strip()
