"""Text normalisation: written Chinese news text -> what a newsreader says.

`spoken_form(text)` rewrites numbers, dates, times, ranges, ratios, percentages, money, units, phone
numbers and symbols into words; `Speaker` adds the pronunciation lexicon in the style the engine takes.
Transcripts keep the written text; only the audio uses the spoken form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from tts.speech.normalize.lexicon import MARKUP, Lexicon
from tts.speech.normalize.rules import RULES

_FULLWIDTH = re.compile(r"[０-９Ａ-Ｚａ-ｚ％＋－＝／～＄￠]|(?<=\d)[．：](?=\d)")


def spoken_form(text: str) -> str:
    """Numbers, dates, units and symbols in words; everything else as written."""
    text = _FULLWIDTH.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    for rule in RULES:
        text = rule.pattern.sub(rule.replace, text)
    return text.strip()


@dataclass
class Speaker:
    """Turns written text into an engine's input: lexicon first (so its words are protected), then rules."""

    lexicon: Lexicon = field(default_factory=Lexicon)
    style: str = "pinyin"  # 'pinyin' for engines that read markup (kokoro), 'say' for homophones (edge)
    normalize: bool = True

    def __call__(self, text: str) -> str:
        text = self.lexicon.apply(text, self.style)
        if not self.normalize:
            return text
        # Keep lexicon markup out of the rules' reach.
        parts = MARKUP.split(text)
        if len(parts) == 1:
            return spoken_form(text)
        out, pos = [], 0
        for m in MARKUP.finditer(text):
            out.append(spoken_form(text[pos : m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(spoken_form(text[pos:]))
        return "".join(out)


__all__ = ["Lexicon", "Speaker", "spoken_form"]
