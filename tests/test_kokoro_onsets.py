"""A word after silence starts where its sound starts: Kokoro's marks moved back to the audible onset."""

from __future__ import annotations

import numpy as np
import pytest

from tts.engines.kokoro import _sound_onsets
from tts.model import Mark

RATE = 24_000


def _onset(samples, rate: int, after: float, quiet: float = 0.01) -> float:
    """Where the sound starts again after the first quiet 5 ms frame from `after` on (RMS above `quiet`)."""
    frame = rate // 200
    x = np.asarray(samples, dtype=np.float32)
    rms = np.sqrt(np.mean(x[: len(x) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    first = int(after * 200)
    if after > 0:
        first += int(np.flatnonzero(rms[first:] <= quiet)[0])
    return (first + int(np.flatnonzero(rms[first:] > quiet)[0])) / 200


def test_a_mark_after_silence_moves_back_to_the_sound_and_no_further():
    rng = np.random.default_rng(1)
    samples = np.zeros(RATE, dtype=np.float32)
    samples[int(0.30 * RATE) : int(0.60 * RATE)] = 0.2 * rng.standard_normal(int(0.30 * RATE))
    samples[int(0.60 * RATE) : int(0.90 * RATE)] = 0.2 * rng.standard_normal(int(0.30 * RATE))
    marks = (
        Mark(0, 1, 0.34, 0.60),  # the sound began at 0.30
        Mark(1, 2, 0.60, 0.90),  # continuous speech: stays
    )
    first, second = _sound_onsets(marks, samples, RATE)
    assert first.start == pytest.approx(0.30, abs=0.006) and first.end == 0.60
    assert second == marks[1]
    # Loud all the way back: moved at most the reach, and never before the previous word's end.
    loud = 0.2 * rng.standard_normal(RATE).astype(np.float32)
    moved = _sound_onsets((Mark(0, 1, 0.0, 0.2), Mark(1, 2, 0.5, 0.7)), loud, RATE)
    assert moved[1].start == pytest.approx(0.5 - 0.12, abs=0.006)
    moved = _sound_onsets((Mark(0, 1, 0.0, 0.45), Mark(1, 2, 0.5, 0.7)), loud, RATE)
    assert moved[1].start >= 0.45


def test_real_marks_start_where_the_sound_starts(kokoro):
    text = "九月的静宁，满山苹果挂满枝头。"
    clip = kokoro.synthesize(text, "zm_yunjian")
    timed = {m.start_char: m for m in clip.marks}
    assert timed[0].start == pytest.approx(_onset(clip.samples, clip.sample_rate, 0.0), abs=0.011)  # 九
    after_comma = _onset(clip.samples, clip.sample_rate, timed[text.index("宁")].end)
    assert timed[text.index("满")].start == pytest.approx(after_comma, abs=0.03)
    starts = [m.start for m in clip.marks]
    assert starts == sorted(starts)
    assert all(b.start >= a.end - 1e-9 for a, b in zip(clip.marks, clip.marks[1:]))
