"""Files beside the audio, all from one Timeline: WebVTT and SRT captions, Podcasting 2.0 chapters JSON, and
word timings JSON (`NAME.words.json`, schema in README "Timings and sidecars").

Cue and word times come from the engine's marks where it gives them (Timeline.words); only without them are
a long sentence's cue boundaries shared out by characters. Text is written by each format's rules: control
characters removed everywhere, WebVTT's `&`, `<`, `>` escaped, no line breaks inside a cue.
"""

from __future__ import annotations

import json
import re
import unicodedata

from tts.model import Cue, Timeline, Word
from tts.speech.plan import split_chunk

MAX_CUE_CHARS = 32  # about two caption lines of Chinese
WORDS_VERSION = 1
_CLAUSE = re.compile(r"(?<=[，,、；;：:。！？!?])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\t\v\f]")


def clean_text(text: str) -> str:
    """One line of text with no control characters (C0/C1: NUL, ESC, BEL, …, and whole terminal escape
    sequences); line breaks become spaces."""
    from tts.speech.normalize import strip_controls  # the one owner of what counts as a control or escape

    text = _LINE_BREAKS.sub(" ", strip_controls(text))
    return "".join(c for c in text if unicodedata.category(c) != "Cc")


def _words_by_sentence(timeline: Timeline) -> dict[int, list[Word]]:
    grouped: dict[int, list[Word]] = {}
    for word in timeline.words:
        grouped.setdefault(word.sentence, []).append(word)
    return grouped


def caption_cues(timeline: Timeline, max_chars: int = MAX_CUE_CHARS) -> list[Cue]:
    """Sentence cues, long ones split at clause punctuation. A split cue starts where its first word is heard
    (engine marks); without marks, the sentence's time is shared out by characters."""
    words = _words_by_sentence(timeline)
    cues: list[Cue] = []
    for index, cue in enumerate(timeline.sentences):
        pieces = split_chunk(cue.text, max_chars, _CLAUSE)
        if index in words:
            cues.extend(_cues_from_words(cue, pieces, words[index]))
            continue
        total = sum(len(p) for p in pieces) or 1
        start = cue.start
        for piece in pieces:
            end = start + (cue.end - cue.start) * len(piece) / total
            cues.append(Cue(start, end, piece))
            start = end
    return cues


def _cues_from_words(cue: Cue, pieces: list[str], words: list[Word]) -> list[Cue]:
    bounds: list[tuple[float, float] | None] = []
    offset = 0
    for piece in pieces:
        inside = [w for w in words if offset <= w.start_char < offset + len(piece)]
        bounds.append((inside[0].start, inside[-1].end) if inside else None)
        offset += len(piece)
    out: list[Cue] = []
    previous_end = cue.start
    for n, (piece, heard) in enumerate(zip(pieces, bounds)):
        later = next((b[0] for b in bounds[n + 1 :] if b), cue.end)
        start, end = heard if heard else (previous_end, later)  # a piece with nothing to say fills its gap
        start = max(start, previous_end)
        end = max(end, start)
        out.append(Cue(start, end, piece))
        previous_end = end
    return out


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def vtt_text(text: str) -> str:
    """Cue text by the WebVTT rules: `&`, `<` and `>` as character references (so `-->` cannot appear either)."""
    return clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").strip()


def srt_text(text: str) -> str:
    """SRT cue text is plain: one line, no control characters, no timing arrow."""
    return clean_text(text).replace("-->", "→").strip()


def to_webvtt(timeline: Timeline) -> str:
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(caption_cues(timeline), 1):
        lines += [str(n), f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}", vtt_text(cue.text) or "…", ""]
    return "\n".join(lines)


def to_srt(timeline: Timeline) -> str:
    lines = []
    for n, cue in enumerate(caption_cues(timeline), 1):
        lines += [str(n), f"{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}", srt_text(cue.text) or "…", ""]
    return "\n".join(lines)


def to_chapters_json(timeline: Timeline) -> str:
    """Podcasting 2.0 chapters (version 1.2.0), ascending, with end times."""
    chapters = [
        {"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": clean_text(c.title)}
        for c in timeline.chapters
    ]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False, indent=2)


def to_words_json(timeline: Timeline) -> str:
    """Per sentence, per word: the written text and where it is heard (seconds). See README for the schema."""
    words = _words_by_sentence(timeline)
    sentences = []
    for index, cue in enumerate(timeline.sentences):
        mine = words.get(index, [])
        sentences.append(
            {
                "text": clean_text(cue.text),
                "start": round(cue.start, 3),
                "end": round(cue.end, 3),
                "exact": bool(mine),
                "words": [
                    {
                        "text": clean_text(cue.text[w.start_char : w.end_char]),
                        "char": len(clean_text(cue.text[: w.start_char])),
                        "start": round(w.start, 3),
                        "end": round(w.end, 3),
                    }
                    for w in mine
                ],
            }
        )
    data = {"version": WORDS_VERSION, "duration": round(timeline.duration, 3), "sentences": sentences}
    return json.dumps(data, ensure_ascii=False, indent=1)


WRITERS = {"vtt": to_webvtt, "srt": to_srt, "chapters.json": to_chapters_json, "words.json": to_words_json}
