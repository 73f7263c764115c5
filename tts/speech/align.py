"""Where each character of written text is spoken: written text <-> the engine's input after normalisation.

Normalisation rewrites spans (`2021年` -> `二零二一年`, `15%` -> `百分之十五`) and leaves everything else as it is,
and lexicon markup (`{行长|hang2 zhang3}`) wraps a word without changing it. So the two strings are aligned by
their unchanged characters (a diff), and each rewritten span maps to the span that replaced it as a whole.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from tts.hanzi import simplified
from tts.speech.normalize.lexicon import MARKUP


def _plain(spoken: str) -> tuple[str, list[int]]:
    """spoken without lexicon markup (the word stays), and where each kept character sits in spoken."""
    out: list[str] = []
    where: list[int] = []
    pos = 0
    for m in MARKUP.finditer(spoken):
        out.append(spoken[pos : m.start()])
        where.extend(range(pos, m.start()))
        out.append(m["word"])
        where.extend(range(m.start("word"), m.end("word")))
        pos = m.end()
    out.append(spoken[pos:])
    where.extend(range(pos, len(spoken)))
    return "".join(out), where


class Alignment:
    """Maps a span of written text to the span of spoken text (the engine's input) that says it."""

    def __init__(self, written: str, spoken: str) -> None:
        plain, where = _plain(spoken)
        self._where = where + [len(spoken)]
        # For each written character, the plain-spoken span [lo, hi) that says it.
        self._lo: list[int] = []
        self._hi: list[int] = []
        # The speaker speaks Traditional characters in Simplified (same length): compare like with like.
        matcher = SequenceMatcher(None, simplified(written), plain, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            for i in range(i1, i2):
                if tag == "equal":
                    self._lo.append(j1 + i - i1)
                    self._hi.append(j1 + i - i1 + 1)
                else:  # replaced as a whole (or dropped: an empty span)
                    self._lo.append(j1)
                    self._hi.append(j2)

    def spoken_span(self, start: int, end: int) -> tuple[int, int]:
        """The spoken span for written [start, end); empty when nothing of it is spoken."""
        if start >= end or start >= len(self._lo):
            return (0, 0)
        lo = min(self._lo[start:end])
        hi = max(self._hi[start:end])
        if lo >= hi:
            return (self._where[lo], self._where[lo])
        return (self._where[lo], self._where[hi - 1] + 1)


def marks_within(marks, start: int, end: int) -> tuple[float, float] | None:
    """(first start, last end) of the marks overlapping [start, end) of the engine input; None if none do.
    `marks` are sorted by start_char (as engines give them)."""
    found = [m for m in marks if m.start_char < end and m.end_char > start]
    if not found or start >= end:
        return None
    return min(m.start for m in found), max(m.end for m in found)


_SPEAKABLE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9０-９Ａ-Ｚａ-ｚ]")


def word_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each word of written text that has something to say (jieba's segmentation, which is
    also how the offline voice groups syllables); punctuation and spaces are not words."""
    from tts.engines.kokoro_text import _jieba

    return [(a, b) for _, a, b in _jieba().tokenize(text) if _SPEAKABLE.search(text[a:b])]


__all__ = ["Alignment", "marks_within", "word_spans"]
