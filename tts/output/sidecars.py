"""Files beside the audio, all from one Timeline: WebVTT and SRT captions, Podcasting 2.0 chapters JSON."""

from __future__ import annotations

import json
import re

from tts.model import Cue, Timeline
from tts.speech.plan import split_chunk

MAX_CUE_CHARS = 32  # about two caption lines of Chinese
_CLAUSE = re.compile(r"(?<=[，,、；;：:。！？!?])")


def caption_cues(timeline: Timeline, max_chars: int = MAX_CUE_CHARS) -> list[Cue]:
    """Sentence cues, long ones split at clause punctuation with time shared out by characters."""
    cues: list[Cue] = []
    for cue in timeline.sentences:
        pieces = split_chunk(cue.text, max_chars, _CLAUSE)
        total = sum(len(p) for p in pieces) or 1
        start = cue.start
        for piece in pieces:
            end = start + (cue.end - cue.start) * len(piece) / total
            cues.append(Cue(start, end, piece))
            start = end
    return cues


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_webvtt(timeline: Timeline) -> str:
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(caption_cues(timeline), 1):
        lines += [str(n), f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}", cue.text.replace("-->", "→"), ""]
    return "\n".join(lines)


def to_srt(timeline: Timeline) -> str:
    lines = []
    for n, cue in enumerate(caption_cues(timeline), 1):
        lines += [str(n), f"{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}", cue.text, ""]
    return "\n".join(lines)


def to_chapters_json(timeline: Timeline) -> str:
    """Podcasting 2.0 chapters (version 1.2.0), ascending, with end times."""
    chapters = [{"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title} for c in timeline.chapters]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False, indent=2)


WRITERS = {"vtt": to_webvtt, "srt": to_srt, "chapters.json": to_chapters_json}
