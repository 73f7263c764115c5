"""Text -> Kokoro phonemes: Chinese through misaki, lexicon markup through exact pinyin, Latin words through
misaki's English lexicons (the same multilingual model speaks them), so nothing is dropped or spelled as noise."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
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


def _jieba():
    from tts.speech.segment import jieba

    return jieba()


# Bump when a reading rule below changes what the voice says: cached speech made under the old rule is then a miss.
_READING_RULES = "jieba-words+names+zhuan"


def _jieba_words_text() -> str:
    return resources.files("tts.speech.normalize").joinpath("builtin_lexicon.toml").read_text("utf-8")


@lru_cache(maxsize=1)
def _word_readings() -> dict[str, list[str]]:
    """The built-in lexicon's [jieba_words]: readings that apply only where the text holds the word from one jieba word
    boundary to another, so a short word is safe from its lookalikes (当日 dàngrì, but 相当|日本 is untouched)."""
    import tomllib

    return {word: pinyin.split() for word, pinyin in tomllib.loads(_jieba_words_text()).get("jieba_words", {}).items()}


@lru_cache(maxsize=1)
def reading_identity() -> str:
    """What the reading rules and the built-in word readings say, for the engine's cache identity."""
    import hashlib

    return f"{_READING_RULES}/{hashlib.sha256(_jieba_words_text().encode('utf-8')).hexdigest()[:12]}"


# Surnames read otherwise than the character's common reading (曾国藩 Zēng, 单霁翔 Shàn, 任正非 Rén, 华春莹 Huà …).
_SURNAMES = {
    "曾": "zeng1", "单": "shan4", "解": "xie4", "仇": "qiu2", "查": "zha1", "区": "ou1", "朴": "piao2",
    "葛": "ge3", "任": "ren2", "华": "hua4", "翟": "zhai2", "缪": "miao4", "覃": "qin2",
}  # fmt: skip


# Characters of transliterated names (查尔斯, 华莱士) and of verbs, adverbs and counts that follow an adverb 曾/任 (曾有,
# 曾在, 任你选, 任两届): a word holding one is not a Chinese full name, whatever jieba's dictionary tags it.
_NOT_IN_NAMES = set("尔斯士特德克莱理维普曼兹森伦莫沃贝") | set(
    "有在用率学欲你是被经为于以与把将已得向对从就也都两届次个"
)


@lru_cache(maxsize=1)
def _dictionary_names() -> frozenset[str]:
    """jieba's dictionary words of three characters tagged nr (a person) that start with one of _SURNAMES, read from its
    dictionary file once (jieba.posseg would load every tag and its HMM tables: ~170 MB)."""
    with _jieba().dt.get_dict_file() as lines:
        return frozenset(
            word
            for line in lines
            if len(fields := line.decode("utf-8").split()) == 3
            and len(word := fields[0]) == 3
            and word[0] in _SURNAMES
            and fields[2] == "nr"
        )


def _is_full_name(word: str) -> bool:
    """A three-character jieba word that is a surname and a given name: neither its first two nor its last two
    characters are a word of their own (曾效力, 任教于, 任天堂, 华容道 are tagged nr in jieba's dictionary too), and it is
    tagged nr there or, not being there, was put together by jieba's HMM (as most names are: 曾国祥, 华春莹).
    Two-character words are left alone (华为 and 葛根 are tagged nr)."""
    freq = _jieba().dt.FREQ
    if set(word[1:]) & _NOT_IN_NAMES or freq.get(word[:2]) or freq.get(word[1:]):
        return False
    return word in _dictionary_names() if freq.get(word) else True


def _word_pinyin(word: str, syllables: list[str]) -> list[str]:
    """pypinyin reads a word it has no phrase for character by character, where 为 defaults to wèi; a word that ends in
    为 is the verb 'to be, as' (变为, 题为, 视为, 评为, 列为, 尤为, 称之为: wéi) — except 因为 (because, wèi).
    A [jieba_words] entry of the built-in lexicon wins; a full name takes its surname's reading."""
    from pypinyin.constants import PHRASES_DICT

    if (fixed := _word_readings().get(word)) is not None:
        return list(fixed)
    if len(word) == 3 and word[0] in _SURNAMES and word not in PHRASES_DICT and _is_full_name(word):
        return [_SURNAMES[word[0]], *syllables[1:]]
    if (
        len(word) > 1
        and word.endswith("为")
        and not word.endswith("因为")
        and word not in PHRASES_DICT
        and syllables[-1] == "wei4"
    ):
        return [*syllables[:-1], "wei2"]
    return syllables


def _join_split_words(words: list[str], syllables: list[list[str]]) -> None:
    """A [jieba_words] entry that jieba cut into pieces (长|达, 调|高) still takes its reading, as long as it starts and
    ends on jieba's word boundaries (成长|达 is not 长达)."""
    table = _word_readings()
    longest = max(map(len, table), default=0)
    for i in range(len(words)):
        joined = words[i]
        for j in range(i + 1, len(words)):
            joined += words[j]
            if len(joined) > longest:
                break
            if (fixed := table.get(joined)) is not None:
                at = 0
                for k in range(i, j + 1):
                    syllables[k] = fixed[at : at + len(words[k])]
                    at += len(words[k])
                break


def chinese_pinyin(segment: str, next_char: str = "") -> list[list[str]]:
    """Tone-numbered pinyin per jieba word, with the 一/不 tone sandhi a newsreader applies
    (不是 bú shì, 一样 yí yàng, 一起 yì qǐ; numbers such as 十一, 一月, 第一 keep yī). next_char: what follows the
    segment in the text (a run of Han characters is read on its own)."""
    from pypinyin import Style, lazy_pinyin

    words = _jieba().lcut(segment, cut_all=False)
    syllables = [_word_pinyin(w, lazy_pinyin(w, style=Style.TONE3, neutral_tone_with_five=True)) for w in words]
    _join_split_words(words, syllables)
    for n, word in enumerate(words):  # a biography closing a title: 《甄嬛传》, 《毛泽东传》 (zhuàn, not chuán)
        if word.endswith("传") and (words[n + 1] if n + 1 < len(words) else next_char).startswith("》"):
            syllables[n][-1] = "zhuan4"
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


@dataclass(frozen=True)
class Atom:
    """Phonemes for the span [start, end) of the input text (separators have an empty span)."""

    phonemes: str
    start: int
    end: int


def _sep(pos: int) -> Atom:
    return Atom(" ", pos, pos)


@lru_cache(maxsize=256)
def _punctuation(char: str) -> str:
    """misaki's punctuation mapping for one character, without its final strip (so spans stay per character)."""
    from misaki.zh import ZHG2P

    return ZHG2P.map_punctuation("x" + char + "x")[1:-1]


def chinese_atoms(text: str, offset: int = 0) -> list[Atom]:
    """misaki's Mandarin path (numbers in words, punctuation mapped, jieba words to IPA), plus tone sandhi,
    one atom per character (each Han character is one syllable) with a space between jieba words."""
    import cn2an

    converted = cn2an.transform(text, "an2cn")
    if converted != text:  # digits read by cn2an: the spans inside are no longer per character
        phonemes = "".join(a.phonemes for a in _han_atoms(converted, 0))
        return [Atom(phonemes, offset, offset + len(text))] if phonemes else []
    return _han_atoms(text, offset)


def _han_atoms(text: str, offset: int) -> list[Atom]:
    _jieba()  # configured before misaki segments with it
    from misaki.zh import ZHG2P

    def ipa(syllables: list[str]) -> str:
        return "".join(ZHG2P.py2ipa(p) for p in syllables).replace(chr(815), "")

    atoms: list[Atom] = []
    pos = 0
    for segment in _HAN.findall(text):
        at = offset + pos
        if "\u4e00" <= segment[0] <= "\u9fff":
            words = chinese_pinyin(segment, text[pos + len(segment) : pos + len(segment) + 1])
            if sum(len(w) for w in words) != len(segment):  # not one syllable per character: time it as a whole
                atoms.append(Atom(" ".join(ipa(w) for w in words), at, at + len(segment)))
            else:
                for n, word in enumerate(words):
                    if n:
                        atoms.append(_sep(at))
                    for syllable in word:
                        atoms.append(Atom(ipa([syllable]), at, at + 1))
                        at += 1
        else:
            atoms.extend(Atom(_punctuation(c).replace(chr(815), ""), at + i, at + i + 1) for i, c in enumerate(segment))
        pos += len(segment)
    return _strip(atoms)


def chinese_phonemes(text: str) -> str:
    """misaki's Mandarin path (numbers in words, punctuation mapped, jieba words to IPA), plus tone sandhi."""
    return "".join(a.phonemes for a in chinese_atoms(text))


def _strip(atoms: list[Atom]) -> list[Atom]:
    text = "".join(a.phonemes for a in atoms)
    if text == text.strip():
        return atoms
    out = list(atoms)
    while out and not out[0].phonemes.lstrip():
        out.pop(0)
    if out:
        out[0] = Atom(out[0].phonemes.lstrip(), out[0].start, out[0].end)
    while out and not out[-1].phonemes.rstrip():
        out.pop()
    if out:
        out[-1] = Atom(out[-1].phonemes.rstrip(), out[-1].start, out[-1].end)
    return out


def phonemize(text: str, chinese=None) -> str:
    """Phonemes for text: Chinese via chinese_phonemes (or the given callable), Latin words via English lexicons."""
    return "".join(a.phonemes for a in phoneme_atoms(text, chinese))


def phoneme_atoms(text: str, chinese=None) -> list[Atom]:
    """phonemize(), keeping which span of text each piece of the phoneme string speaks (for exact timings)."""
    from misaki.zh import ZHG2P

    pieces: list[list[Atom]] = []
    pos = 0
    for m in MARKUP.finditer(text):
        pieces.append(_mixed(text, pos, m.start(), chinese))
        word = m.start("word")
        # A lexicon word has one syllable per character: each is timed on its own.
        pieces.append(
            [Atom(ZHG2P.py2ipa(syllable), word + i, word + i + 1) for i, syllable in enumerate(m["pinyin"].split())]
        )
        pos = m.end()
    pieces.append(_mixed(text, pos, len(text), chinese))
    return _joined(pieces)


def _joined(pieces: list[list[Atom]]) -> list[Atom]:
    """Non-empty pieces joined by single spaces (as " ".join would)."""
    out: list[Atom] = []
    for piece in pieces:
        if not "".join(a.phonemes for a in piece):
            continue
        if out:
            out.append(_sep(piece[0].start))
        out.extend(piece)
    return out


def _mixed(text: str, begin: int, end: int, chinese) -> list[Atom]:
    def han(a: int, b: int) -> list[Atom]:
        if chinese is None:
            return chinese_atoms(text[a:b], a)
        return [Atom(chinese(text[a:b])[0] or "", a, b)]

    pieces: list[list[Atom]] = []
    pos = begin
    for m in _LATIN.finditer(text, begin, end):
        if text[pos : m.start()].strip():
            pieces.append(han(pos, m.start()))
        pieces.append([Atom(english_phonemes(m.group(0)), m.start(), m.end())])
        pos = m.end()
    if text[pos:end].strip():
        pieces.append(han(pos, end))
    return _joined(pieces)
