"""Text normalisation: written Chinese news text -> what a newsreader says.

`spoken_form(text)` rewrites numbers, dates, times, ranges, ratios, percentages, money, units, phone
numbers and symbols into words; `Speaker` adds the pronunciation lexicon in the style the engine takes.
Transcripts keep the written text; only the audio uses the spoken form.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from tts.hanzi import simplified
from tts.speech.normalize.lexicon import MARKUP, Lexicon
from tts.speech.normalize.rules import RULES

# Full-width forms, and compatibility characters whose NFKC form the rules read: ㎡ -> m2, ㎞ -> km, ½ -> 1⁄2.
_FULLWIDTH = re.compile(r"[０-９Ａ-Ｚａ-ｚ％＋－＝／～＄￠]|(?<=\d)[．：](?=\d)|[\u3380-\u33df²³]")
_VULGAR_FRACTION = re.compile(r"(?P<whole>\d)?(?P<f>[\u00bc-\u00be\u2150-\u215e])")
# Terminal escape sequences (CSI such as \x1b[31m, OSC such as \x1b]0;title\x07, and two-byte ESC forms), then
# every C0/C1 control except newline and tab, and the invisible format characters that carry no sound.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2060\ufeff]")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def strip_controls(text: str) -> str:
    """Text without terminal escape sequences or control characters (newline and tab kept; CR LF becomes LF), so
    nothing invisible is ever spoken (\\x1b[31m is not 三十一米) or cuts a downstream format (NUL in ID3)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


_LINE_SEPARATORS = re.compile(r"[\n\t\u2028\u2029\x85]+")


def _prepare(text: str) -> str:
    text = _LINE_SEPARATORS.sub(" ", strip_controls(text))  # an engine's input is one line
    text = _ENTITY.sub(lambda m: strip_controls(html.unescape(m.group(0))), text)  # &amp; left by a page's markup
    text = _VULGAR_FRACTION.sub(
        lambda m: (m["whole"] + "又" if m["whole"] else "") + unicodedata.normalize("NFKC", m["f"]), text
    )
    text = _FULLWIDTH.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    # Digits of other scripts (Arabic-Indic, mathematical bold, …) as ASCII: the rules read numbers with \d.
    text = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)
    # The minus sign (U+2212) is a minus; 〇 among other numerals is zero (二〇二四年), said 零 like the years the rules
    # read (a run of 〇 alone, as in 张〇〇, is a placeholder and kept).
    text = text.replace("\u2212", "-")
    return _NUMERAL_RUN.sub(lambda m: m.group(0).replace("〇", "零") if m.group(0).strip("〇") else m.group(0), text)


_OTHER_DIGIT = re.compile(r"[^\x00-\x7f0-9０-９](?<=\d)")
_NUMERAL_RUN = re.compile(r"[〇零一二三四五六七八九]*〇[〇零一二三四五六七八九]*")
# Web and mail addresses are kept as written: the digits in www.12306.cn or news@163.com are not quantities.
_ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20“”‘’]+"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


def _rewrite(text: str) -> str:
    for rule in RULES:
        text = rule.pattern.sub(rule.replace, text)
    return text


def _outside(kept: re.Pattern[str], text: str, rewrite) -> str:
    """text with `rewrite` applied to each stretch between matches of `kept`; the matches stay as written."""
    out, pos = [], 0
    for m in kept.finditer(text):
        out.append(rewrite(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(rewrite(text[pos:]))
    return "".join(out)


def spoken_form(text: str) -> str:
    """Numbers, dates, units and symbols in words; everything else (and web or mail addresses) as written."""
    return _outside(_ADDRESS, _prepare(text), _rewrite).strip()


@dataclass
class Speaker:
    """Turns written text into an engine's input: lexicon first (so its words are protected), then rules."""

    lexicon: Lexicon = field(default_factory=Lexicon)
    style: str = "pinyin"  # 'pinyin' for engines that read markup (kokoro), 'say' for homophones (edge)
    normalize: bool = True

    def __call__(self, text: str) -> str:
        # Traditional characters are spoken from their Simplified form: the lexicon, the rules and the offline voice's
        # G2P are written for it ('2億' is 两亿, not 二億). Same length, so marks still line up with the written text.
        text = self.lexicon.apply(simplified(strip_controls(text)), self.style)
        if not self.normalize:
            return text
        return _outside(MARKUP, text, spoken_form)  # lexicon markup stays out of the rules' reach


__all__ = ["Lexicon", "Speaker", "spoken_form", "strip_controls"]
