"""A deterministic speech engine for tests, installed the way any third-party engine is: a module plus an entry
point in the group `tts.engines` (see tts_tone_engine-1.0.dist-info/entry_points.txt; pytest puts this folder on
sys.path). Each syllable becomes a short tone whose pitch follows the character, so clips differ by text, and the
engine reports exact marks, so output-side tests run in milliseconds instead of a neural model's seconds.
Tests of the real engines use Kokoro and the loopback edge peer; this engine never stands in for them.
"""

from __future__ import annotations

import re
from typing import ClassVar

import numpy as np

from tts.engines.base import Engine, VoiceInfo
from tts.model import Clip, Mark

SYLLABLE = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d")
SECONDS_PER_SYLLABLE = 0.12
GAP = 0.03


class ToneEngine(Engine):
    name: ClassVar[str] = "tone"
    default_voice: ClassVar[str] = "low"
    sample_rate: ClassVar[int] = 24_000
    seconds_per_syllable: ClassVar[float] = SECONDS_PER_SYLLABLE + GAP
    concurrency = 2
    calls = 0  # how many chunks were synthesised (cache tests count them)

    def __init__(self, identity: str = "tone/1") -> None:
        self._identity = identity

    @property
    def identity(self) -> str:
        return self._identity

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo("low", "male", "zh-CN", "tones from 180 Hz"),
            VoiceInfo("high", "female", "zh-CN", "tones from 320 Hz"),
        ]

    def synthesize(self, text: str, voice: str, speed: float = 1.0) -> Clip:
        type(self).calls += 1
        base = 180.0 if voice == "low" else 320.0
        rate = self.sample_rate
        length, gap = SECONDS_PER_SYLLABLE / speed, GAP / speed
        pieces, marks, t = [], [], 0.0
        for match in SYLLABLE.finditer(text):
            n = int(length * rate)
            freq = base + 10 * (ord(match.group()[0]) % 12)
            envelope = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (0.01 * rate))
            pieces.append((0.3 * envelope * np.sin(2 * np.pi * freq * np.arange(n) / rate)).astype(np.float32))
            pieces.append(np.zeros(int(gap * rate), dtype=np.float32))
            marks.append(Mark(match.start(), match.end(), round(t, 6), round(t + n / rate, 6)))
            t += (n + int(gap * rate)) / rate
        if not pieces:
            from tts.errors import EngineError

            raise EngineError(f"nothing speakable in {text!r}")
        return Clip(np.concatenate(pieces), rate, tuple(marks))
