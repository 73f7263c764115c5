"""Text -> Kokoro phonemes: Chinese through misaki, lexicon markup through exact pinyin, Latin words through
misaki's English lexicons (the same multilingual model speaks them), so nothing is dropped or spelled as noise."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from ..normalize.lexicon import MARKUP

_LATIN = re.compile(r"[A-Za-z][A-Za-z']*")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


@lru_cache(maxsize=1)
def _english_lexicon() -> dict[str, object]:
    data: dict[str, object] = {}
    for name in ("us_silver.json", "us_gold.json"):  # gold wins
        data.update(json.loads(resources.files("misaki").joinpath("data", name).read_text("utf-8")))
    return data


def _lookup(word: str) -> str | None:
    lexicon = _english_lexicon()
    for form in (word, word.lower(), word.capitalize()):
        value = lexicon.get(form)
        if isinstance(value, dict):
            value = value.get("DEFAULT")
        if isinstance(value, str):
            return value
    return None


def english_phonemes(word: str) -> str:
    """A Latin-script word: the dictionary form, else its camel-case parts, else letter by letter."""
    if not (word.isupper() and len(word) <= 3):  # short acronyms (GPU, IFA, ID) are spelled out
        found = _lookup(word)
        if found:
            return found
        parts = _CAMEL.findall(word)
        if len(parts) > 1:
            return " ".join(english_phonemes(p) for p in parts)
        if len(word) == 1 and word.islower():
            return _lookup(word.upper()) or ""
    return " ".join(_lookup(letter.upper()) or "" for letter in word)


def phonemize(text: str, chinese) -> str:
    """Phonemes for text; `chinese` is misaki's ZHG2P (called on Chinese runs only)."""
    from misaki.zh import ZHG2P

    out: list[str] = []
    pos = 0
    for m in MARKUP.finditer(text):
        out.append(_mixed(text[pos : m.start()], chinese))
        out.append("".join(ZHG2P.py2ipa(syllable) for syllable in m["pinyin"].split()))
        pos = m.end()
    out.append(_mixed(text[pos:], chinese))
    return " ".join(p for p in out if p)


def _mixed(text: str, chinese) -> str:
    out: list[str] = []
    pos = 0
    for m in _LATIN.finditer(text):
        if text[pos : m.start()].strip():
            out.append(chinese(text[pos : m.start()])[0] or "")
        out.append(english_phonemes(m.group(0)))
        pos = m.end()
    if text[pos:].strip():
        out.append(chinese(text[pos:])[0] or "")
    return " ".join(p for p in out if p)
