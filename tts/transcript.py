"""Timed transcripts: WebVTT with one cue per sentence (written form, not the spoken one)."""

from __future__ import annotations

from .model import Timeline


def timestamp(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_webvtt(timeline: Timeline) -> str:
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(timeline.sentences, 1):
        text = cue.text.replace("-->", "→")
        lines += [str(n), f"{timestamp(cue.start)} --> {timestamp(cue.end)}", text, ""]
    return "\n".join(lines)
