"""Assembly: engine clips + planned pauses -> one PCM track and its timeline (the one owner of timings)."""

from __future__ import annotations

from dataclasses import dataclass

from tts.model import Chapter, Clip, Cue, SpeechPlan, Timeline, Word
from tts.speech.profiles import Pauses


@dataclass(frozen=True)
class Track:
    pcm: object  # mono int16 samples (numpy array; passed to ffmpeg without copying)
    sample_rate: int
    timeline: Timeline


def assemble(plan: SpeechPlan, clips: list[Clip], pauses: Pauses, lead_in_ms: int = 300, tail_ms: int = 800) -> Track:
    """Lay clips and silences into one preallocated int16 buffer (linear time, no repeated concatenation,
    two bytes a sample: an hour of speech is about 170 MB)."""
    import numpy as np

    from tts.audio import to_int16

    chunks = plan.chunks
    if len(clips) != len(chunks) or not clips:
        raise ValueError("one clip per planned chunk is required")
    rate = clips[0].sample_rate
    if any(c.sample_rate != rate for c in clips):
        raise ValueError("clips must share one sample rate")

    def samples(ms: int) -> int:
        return rate * ms // 1000

    gaps = [samples(pauses.after(c.after)) for c in chunks]
    gaps[-1] = samples(tail_ms)
    total = samples(lead_in_ms) + sum(len(c.samples) for c in clips) + sum(gaps)
    track = np.zeros(total, dtype="<i2")

    starts: list[int] = []
    ends: list[int] = []
    pos = samples(lead_in_ms)
    for clip, gap in zip(clips, gaps):
        n = len(clip.samples)
        track[pos : pos + n] = to_int16(clip.samples)
        starts.append(pos)
        ends.append(pos + n)
        pos += n + gap

    return Track(track, rate, _timeline(plan, clips, starts, ends, total, rate))


def _timeline(
    plan: SpeechPlan, clips: list[Clip], starts: list[int], ends: list[int], total: int, rate: int
) -> Timeline:
    """Sentence cues and chapters where the engine's marks say the words are heard (the clip edges otherwise)."""
    duration = total / rate
    words = sentence_words(plan, clips, [s / rate for s in starts])
    heard: dict[int, list[float]] = {}
    for word in words:
        span = heard.setdefault(word.sentence, [word.start, word.end])
        span[1] = max(span[1], word.end)
    spans: dict[int, list[float]] = {}
    for chunk, start, end in zip(plan.chunks, starts, ends):
        span = spans.setdefault(chunk.sentence, [start / rate, end / rate])
        span[1] = end / rate
    spans.update(heard)
    cues = [Cue(s, e, plan.sentences[i].text) for i, (s, e) in sorted(spans.items())]

    chapters: list[Chapter] = []
    for n, section in enumerate(plan.sections):
        first = spans[section.chunks[0].sentence][0]
        # A chapter begins a little before its first word, so a player's jump lands on a breath, not mid-syllable.
        begin = 0.0 if n == 0 else max(chapters[-1].start, first - 0.25)
        if chapters:
            chapters[-1] = Chapter(chapters[-1].start, begin, chapters[-1].title)
        chapters.append(Chapter(begin, duration, section.title))
    return Timeline(duration, cues, chapters, words)


def sentence_words(plan: SpeechPlan, clips: list[Clip], clip_starts: list[float]) -> list[Word]:
    """Each written word of each chunk whose clip has marks, placed in the track (clip start + mark times).

    Marks index the engine's input (the spoken form); written words are mapped to it through an Alignment."""
    from tts.speech.align import Alignment, marks_within, word_spans

    words: list[Word] = []
    cursor: dict[int, int] = {}
    for chunk, clip, offset in zip(plan.chunks, clips, clip_starts):
        sentence = plan.sentences[chunk.sentence].text
        base = sentence.find(chunk.text, cursor.get(chunk.sentence, 0))
        base = base if base >= 0 else cursor.get(chunk.sentence, 0)
        cursor[chunk.sentence] = base + len(chunk.text)
        if not clip.marks:
            continue
        alignment = Alignment(chunk.text, chunk.spoken)
        for a, b in word_spans(chunk.text):
            heard = marks_within(clip.marks, *alignment.spoken_span(a, b))
            if heard:
                words.append(Word(chunk.sentence, base + a, base + b, offset + heard[0], offset + heard[1]))
    return words
