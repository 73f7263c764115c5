"""The embedded offline voice: Kokoro-82M (int8 ONNX) with misaki's Mandarin G2P, run by onnxruntime."""

from __future__ import annotations

import json
import os
import re
import threading
from importlib import resources
from typing import ClassVar

from tts.engines import kokoro_assets, kokoro_text
from tts.engines.base import Engine, VoiceInfo
from tts.errors import AssetError, EngineError
from tts.model import Clip, Mark

SAMPLE_RATE = 24_000
MAX_TOKENS = 500  # the model's style table has 510 rows; keep a margin below it
_VOICES = [
    VoiceInfo("zf_xiaobei", "female", "zh-CN", "female, bright"),
    VoiceInfo("zf_xiaoni", "female", "zh-CN", "female, soft; tones often wrong (not for news)"),
    VoiceInfo("zf_xiaoxiao", "female", "zh-CN", "female, warm"),
    VoiceInfo("zf_xiaoyi", "female", "zh-CN", "female, young; less clear"),
    VoiceInfo("zm_yunjian", "male", "zh-CN", "male, steady newsreader (default; fewest recogniser errors overall)"),
    VoiceInfo("zm_yunxi", "male", "zh-CN", "male, lively"),
    VoiceInfo("zm_yunxia", "male", "zh-CN", "male, young"),
    VoiceInfo("zm_yunyang", "male", "zh-CN", "male, deep"),
]


class KokoroEngine(Engine):
    name: ClassVar[str] = "kokoro"
    # The timed model (durations exposed) sounds the same, but its clips carry marks: a new identity re-synthesises.
    version: ClassVar[str] = (
        f"kokoro-v1.0-int8/{kokoro_assets.MODEL_SHA256[:12]}/{kokoro_assets.TIMED_VERSION}+onsets"
        "/misaki-zh+sandhi+en-lexicon"
    )
    concurrency: int = 1  # set per instance in __init__: as many sentences at once as it has cores
    # A batch builds one article per core in worker processes: 1.2x the throughput of one process running
    # sentences in parallel, at one model's memory per worker (benchmarks/throughput.py).
    batch_jobs: ClassVar[int] = max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 4))
    lexicon_style: ClassVar[str] = "pinyin"  # reads {word|pin1 yin1} markup exactly
    default_voice: ClassVar[str] = "zm_yunjian"
    seconds_per_syllable: ClassVar[float] = 0.185  # measured on the sample article (288 s of speech, 1560 syllables)
    auto_priority: ClassVar[int | None] = 1  # offline fallback when the online voice cannot be reached
    sample_rate: ClassVar[int] = SAMPLE_RATE
    build_flags: ClassVar[dict[str, str]] = {"kokoro_model": "model", "kokoro_voices": "voices"}
    file_options: ClassVar[tuple[str, ...]] = ("model", "voices")

    def __init__(self, model: str | None = None, voices: str | None = None, threads: int | None = None) -> None:
        self._model_path = str(model) if model else None  # a path given as str or Path
        self._voices_path = str(voices) if voices else None
        # The cores this engine may use: all (up to 4), or a batch worker process's share (TTS_ENGINE_THREADS). Spent
        # as sentences in parallel on one single-threaded session rather than one sentence over several threads:
        # measured 0.93x the wall time (benchmarks/throughput.py). An explicit THREADS means one sentence at a time.
        cores = int(os.environ.get("TTS_ENGINE_THREADS") or 0) or min(_cores(), 4)
        self.concurrency = 1 if threads else cores
        self._threads = threads or 1
        self._session = None
        self._run_options = None  # onnxruntime.RunOptions shared by the runs in flight, so cancel() can stop them
        self._vocab: dict[str, int] = json.loads(
            resources.files(__package__).joinpath("kokoro_vocab.json").read_text("utf-8")
        )
        self._styles: dict[str, object] = {}
        self._pause_ids = {self._vocab[c] for c in ';:,.!?—…"()“” ' if c in self._vocab}

    @property
    def identity(self) -> str:
        # A user's own model or voices (by option or environment) sound different from the bundled ones;
        # the files' size and modification time stand for their content without hashing 300 MB per build.
        return "|".join(
            [
                self.version,
                kokoro_text.reading_identity(),  # G2P rules and word readings: a changed reading re-synthesises
                kokoro_assets.user_file_identity(self._model_path, "TTS_KOKORO_MODEL"),
                kokoro_assets.user_file_identity(self._voices_path, "TTS_KOKORO_VOICES"),
            ]
        )

    def voices(self) -> list[VoiceInfo]:
        return list(_VOICES)

    def synthesize(self, text: str, voice: str, speed: float = 1.0) -> Clip:
        """Speech for text, with a Mark per character (per Latin word) where the model gives durations."""
        import numpy as np

        ids, spans = self._tokens(text)
        if not any(i not in self._pause_ids for i in ids):
            raise EngineError(f"nothing speakable in {text!r}")
        pieces, frames = [], []
        for begin, end in _split_tokens(ids, self._vocab):
            audio, durations = self._infer(ids[begin:end], voice, speed)
            pieces.append(audio)
            frames.append(durations)
        audio = np.concatenate(pieces)
        lo, hi = _speech_bounds(audio, SAMPLE_RATE, margin_s=0.025)
        marks = _marks(spans, pieces, frames, lo, hi) if all(f is not None for f in frames) else ()
        return Clip(audio[lo:hi], SAMPLE_RATE, _sound_onsets(marks, audio[lo:hi], SAMPLE_RATE, text))

    # -- internals -----------------------------------------------------------------------------

    def _token_ids(self, text: str) -> list[int]:
        return self._tokens(text)[0]

    def _tokens(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids and, for each, the span of text it speaks (empty for spaces between words)."""
        try:
            atoms = kokoro_text.phoneme_atoms(text)
        except Exception as exc:  # misaki has known crashes on some pinyin; fail this chunk clearly
            raise EngineError(f"G2P failed on {text[:30]!r}: {exc}") from None
        chars = [(c, (a.start, a.end)) for a in atoms for c in a.phonemes]
        # As phonemize(): runs of whitespace become one space, none at either end.
        collapsed: list[tuple[str, tuple[int, int]]] = []
        for c, span in chars:
            if c.isspace():
                if collapsed and collapsed[-1][0] != " ":
                    collapsed.append((" ", span))
            else:
                collapsed.append((c, span))
        while collapsed and collapsed[-1][0] == " ":
            collapsed.pop()
        kept = [(self._vocab[c], span) for c, span in collapsed if c in self._vocab]
        return [i for i, _ in kept], [span for _, span in kept]

    def phonemize(self, text: str) -> str:
        """The phonemes the model receives for text (Chinese, lexicon markup and Latin words; see kokoro_text)."""
        try:
            phonemes = kokoro_text.phonemize(text)
        except Exception as exc:  # misaki has known crashes on some pinyin; fail this chunk clearly
            raise EngineError(f"G2P failed on {text[:30]!r}: {exc}") from None
        return re.sub(r"\s+", " ", phonemes).strip()

    def _infer(self, ids: list[int], voice: str, speed: float):
        """(audio, frames per token including the two pads, or None when the model gives no durations)."""
        import numpy as np

        style = self._style(voice)[len(ids) - 1]
        feeds = {
            "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
            "style": style.astype(np.float32),
            "speed": np.array([speed], dtype=np.float32),
        }
        session = self._ort()
        run_options = self._run_options
        try:
            outputs = session.run(None, feeds, run_options)
        except Exception as exc:
            if run_options is not None and run_options.terminate:
                raise EngineError("interrupted") from None
            raise EngineError(f"Kokoro inference failed: {exc}") from None
        audio = np.asarray(outputs[0], dtype=np.float32).reshape(-1)
        if len(outputs) < 2:
            return audio, None
        durations = np.rint(np.asarray(outputs[1], dtype=np.float64).reshape(-1)).astype(np.int64)
        if len(durations) != len(ids) + 2 or int(durations.sum()) * kokoro_assets.FRAME_SAMPLES != len(audio):
            return audio, None  # not the tensor we expect: no timings rather than wrong ones
        return audio, durations

    def cancel(self) -> None:
        """Ctrl-C or a failed chunk: onnxruntime stops the inferences in flight at their next operator, so the build
        ends in moments. Only work in flight is ended (the pipeline starts nothing new); later calls run normally."""
        in_flight = self._run_options
        if in_flight is not None:
            import onnxruntime as ort

            self._run_options = ort.RunOptions()
            in_flight.terminate = True

    def _ort(self):
        if self._session is None:
            import onnxruntime as ort

            self._run_options = ort.RunOptions()
            path = kokoro_assets.timed_model_path(self._model_path) or kokoro_assets.model_path(self._model_path)
            self._session = _shared_session(str(path), self._threads)
        return self._session

    def _style(self, voice: str):
        if voice not in self._styles:
            self._styles[voice] = kokoro_assets.load_voice(voice, self._voices_path)
        return self._styles[voice]


def _split_tokens(ids: list[int], vocab: dict[str, int]) -> list[tuple[int, int]]:
    """Split an over-long token list at the last pause or space before the limit; nothing is dropped.
    Returns [begin, end) index ranges."""
    breaks = {vocab[c] for c in ",.;:!? " if c in vocab}
    parts: list[tuple[int, int]] = []
    begin = 0
    while len(ids) - begin > MAX_TOKENS:
        window = range(begin + MAX_TOKENS // 2, begin + MAX_TOKENS)
        cut = max((i + 1 for i in window if ids[i] in breaks), default=begin + MAX_TOKENS)
        parts.append((begin, cut))
        begin = cut
    if begin < len(ids):
        parts.append((begin, len(ids)))
    return parts


def _speech_bounds(samples, rate: int, threshold: float = 0.01, margin_s: float = 0.04) -> tuple[int, int]:
    """[lo, hi) without leading/trailing near-silence (as tts.audio.trim_silence cuts), so marks can shift with it."""
    import numpy as np

    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return 0, len(samples)
    margin = int(rate * margin_s)
    return max(0, int(loud[0]) - margin), min(len(samples), int(loud[-1]) + margin)


def _marks(spans: list[tuple[int, int]], pieces: list, frames: list, lo: int, hi: int) -> tuple[Mark, ...]:
    """One Mark per distinct text span, from the frames its tokens take, shifted by the trimmed start."""
    hop = kokoro_assets.FRAME_SAMPLES
    timed: dict[tuple[int, int], list[int]] = {}
    offset, index = 0, 0
    for audio, durations in zip(pieces, frames):
        start = offset + int(durations[0]) * hop  # the leading pad token's frames come first
        for n in durations[1:-1]:
            span = spans[index]
            if span[0] < span[1]:
                bounds = timed.setdefault(span, [start, start + int(n) * hop])
                bounds[1] = start + int(n) * hop
            start += int(n) * hop
            index += 1
        offset += len(audio)
    length = (hi - lo) / SAMPLE_RATE

    def clamp(sample: int) -> float:
        return min(length, max(0.0, (sample - lo) / SAMPLE_RATE))

    return tuple(Mark(a, b, clamp(s), clamp(e)) for (a, b), (s, e) in sorted(timed.items()))


def _sound_onsets(
    marks: tuple[Mark, ...],
    samples,
    rate: int,
    text: str | None = None,
    quiet: float = 0.01,
    frame_s: float = 0.005,
    reach_s: float = 0.12,
) -> tuple[Mark, ...]:
    """A word after silence starts where its sound starts. The duration predictor puts a token's first frame ~40 ms
    after the audible onset when a pause (or the clip's start) comes before it: the decoder begins the sound during
    the pause token's last frames (benchmarks/results/whisper_bias.json: marks vs energy onset, median +0.038 s).
    So a word mark that follows a gap — or a pause mark (punctuation in `text`) — is moved back over the frames
    still louder than `quiet` (RMS of `frame_s` frames), at most `reach_s` and never before the previous word's end;
    a pause mark before it ends where it now starts. Marks inside continuous speech stay as they are."""
    import numpy as np

    if not marks:
        return marks
    frame = max(1, int(rate * frame_s))
    x = np.asarray(samples, dtype=np.float32)
    rms = np.sqrt(np.mean(x[: len(x) // frame * frame].reshape(-1, frame) ** 2, axis=1))

    def is_pause(mark: Mark) -> bool:
        return text is not None and not re.search(r"\w", text[mark.start_char : mark.end_char])

    out: list[Mark] = []
    word_end: float | None = None  # the previous word's end; None before the first word
    for mark in marks:
        if is_pause(mark):
            out.append(mark)
            continue
        start = mark.start
        if word_end is None or mark.start - word_end > frame_s:
            floor = max(word_end or 0.0, mark.start - reach_s)
            first = index = min(int(mark.start / frame_s), len(rms))  # the frame the mark starts in
            while index > 0 and (index - 1) * frame_s >= floor - 1e-9 and rms[index - 1] > quiet:
                index -= 1
            if index < first:
                start = max(floor, index * frame_s)
        if out and is_pause(out[-1]) and out[-1].end > start:  # a pause before it ends where the word starts
            pause = out.pop()
            out.append(Mark(pause.start_char, pause.end_char, min(pause.start, start), start))
        out.append(Mark(mark.start_char, mark.end_char, start, mark.end))
        word_end = mark.end
    return tuple(out)


_SESSIONS: dict[tuple[str, int], object] = {}
_SESSIONS_LOCK = threading.Lock()


def _shared_session(path: str, threads: int):
    """One onnxruntime session per model file and thread count in a process: a worker building many articles loads
    the model once (onnxruntime runs one session from several threads safely)."""
    with _SESSIONS_LOCK:
        if (path, threads) not in _SESSIONS:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            try:
                _SESSIONS[(path, threads)] = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
            except Exception as exc:
                raise AssetError(f"cannot load the Kokoro model {path}: {exc}") from None
        return _SESSIONS[(path, threads)]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
