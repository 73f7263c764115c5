"""Text -> Kokoro phonemes: Chinese through misaki, lexicon markup through exact pinyin, Latin words through
misaki's English lexicons (the same multilingual model speaks them), so nothing is dropped or spelled as noise."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from tts.speech.normalize.lexicon import MARKUP

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


_HAN = re.compile(r"[\u4e00-\u9fff]+|[^\u4e00-\u9fff]+")
_NUMERIC = set("零一二三四五六七八九十百千万亿两第")


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for our users
    return jieba


def _word_pinyin(word: str, syllables: list[str]) -> list[str]:
    """pypinyin reads a word it has no phrase for character by character, where 为 defaults to wèi; a word that ends in
    为 is the verb 'to be, as' (变为, 题为, 视为, 评为, 列为, 尤为, 称之为: wéi) — except 因为 (because, wèi)."""
    from pypinyin.constants import PHRASES_DICT

    if len(word) > 1 and word.endswith("为") and not word.endswith("因为") and word not in PHRASES_DICT and syllables[-1] == "wei4":
        return [*syllables[:-1], "wei2"]
    return syllables


def chinese_pinyin(segment: str) -> list[list[str]]:
    """Tone-numbered pinyin per jieba word, with the 一/不 tone sandhi a newsreader applies
    (不是 bú shì, 一样 yí yàng, 一起 yì qǐ; numbers such as 十一, 一月, 第一 keep yī)."""
    from pypinyin import Style, lazy_pinyin

    words = _jieba().lcut(segment, cut_all=False)
    syllables = [_word_pinyin(w, lazy_pinyin(w, style=Style.TONE3, neutral_tone_with_five=True)) for w in words]
    chars = [c for w in words for c in w]
    flat = [p for word in syllables for p in word]
    for i, (char, py) in enumerate(zip(chars, flat)):
        nxt = flat[i + 1] if i + 1 < len(flat) else None
        if nxt is None or not nxt[-1].isdigit():
            continue
        if char == "不" and py == "bu4" and nxt.endswith("4"):
            flat[i] = "bu2"
        elif char == "一" and py.startswith("yi"):
            prev_char = chars[i - 1] if i else ""
            next_char = chars[i + 1]
            if prev_char in _NUMERIC or next_char in _NUMERIC or next_char in "月号日点":
                flat[i] = "yi1"  # a number, date or ordinal (pypinyin's phrase data says yí for 一月)
            elif py == "yi1":
                flat[i] = "yi2" if nxt.endswith("4") else "yi4"
    out, pos = [], 0
    for word in syllables:
        out.append(flat[pos : pos + len(word)])
        pos += len(word)
    return out


def chinese_phonemes(text: str) -> str:
    """misaki's Mandarin path (numbers in words, punctuation mapped, jieba words to IPA), plus tone sandhi."""
    import cn2an
    from misaki.zh import ZHG2P

    text = ZHG2P.map_punctuation(cn2an.transform(text, "an2cn"))
    out = []
    for segment in _HAN.findall(text):
        if "\u4e00" <= segment[0] <= "\u9fff":
            out.append(" ".join("".join(ZHG2P.py2ipa(p) for p in word) for word in chinese_pinyin(segment)))
        else:
            out.append(segment)
    return "".join(out).replace(chr(815), "")


def phonemize(text: str, chinese=None) -> str:
    """Phonemes for text: Chinese via chinese_phonemes (or the given callable), Latin words via English lexicons."""
    from misaki.zh import ZHG2P

    chinese = chinese or (lambda t: (chinese_phonemes(t), None))

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
