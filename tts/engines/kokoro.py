"""The embedded offline voice: Kokoro-82M (int8 ONNX) with misaki's Mandarin G2P, run by onnxruntime."""

from __future__ import annotations

import json
import os
import re
import threading
from importlib import resources
from typing import ClassVar

from tts.audio import trim_silence
from tts.errors import AssetError, EngineError
from tts.model import Clip
from tts.engines import kokoro_assets, kokoro_text
from tts.engines.base import Engine, VoiceInfo

SAMPLE_RATE = 24_000
MAX_TOKENS = 500  # the model's style table has 510 rows; keep a margin below it
_VOICES = [
    VoiceInfo("zf_xiaobei", "female", "zh-CN", "female, bright"),
    VoiceInfo("zf_xiaoni", "female", "zh-CN", "female, soft"),
    VoiceInfo("zf_xiaoxiao", "female", "zh-CN", "female, warm"),
    VoiceInfo("zf_xiaoyi", "female", "zh-CN", "female, young"),
    VoiceInfo("zm_yunjian", "male", "zh-CN", "male, steady newsreader (default; clearest in recogniser tests)"),
    VoiceInfo("zm_yunxi", "male", "zh-CN", "male, lively"),
    VoiceInfo("zm_yunxia", "male", "zh-CN", "male, young"),
    VoiceInfo("zm_yunyang", "male", "zh-CN", "male, deep"),
]


class KokoroEngine(Engine):
    name: ClassVar[str] = "kokoro"
    version: ClassVar[str] = f"kokoro-v1.0-int8/{kokoro_assets.MODEL_SHA256[:12]}/misaki-zh+sandhi+en-lexicon"
    concurrency: int = 1  # set per instance in __init__: as many sentences at once as it has cores
    # A batch builds one article per core in worker processes: 1.2x the throughput of one process running
    # sentences in parallel, at one model's memory per worker (benchmarks/throughput.py).
    batch_jobs: ClassVar[int] = max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 4))
    lexicon_style: ClassVar[str] = "pinyin"  # reads {word|pin1 yin1} markup exactly
    default_voice: ClassVar[str] = "zm_yunjian"
    seconds_per_syllable: ClassVar[float] = 0.185  # measured on the sample article (288 s of speech, 1560 syllables)
    auto_priority: ClassVar[int | None] = 1  # offline fallback when the online voice cannot be reached
    sample_rate: ClassVar[int] = SAMPLE_RATE

    def __init__(self, model: str | None = None, voices: str | None = None, threads: int | None = None) -> None:
        self._model_path = model
        self._voices_path = voices
        # The cores this engine may use: all (up to 4), or a batch worker process's share (TTS_ENGINE_THREADS). Spent
        # as sentences in parallel on one single-threaded session rather than one sentence over several threads:
        # measured 0.93x the wall time (benchmarks/throughput.py). An explicit THREADS means one sentence at a time.
        cores = int(os.environ.get("TTS_ENGINE_THREADS") or 0) or min(_cores(), 4)
        self.concurrency = 1 if threads else cores
        self._threads = threads or 1
        self._session = None
        self._vocab: dict[str, int] = json.loads(resources.files(__package__).joinpath("kokoro_vocab.json").read_text("utf-8"))
        self._styles: dict[str, object] = {}
        self._pause_ids = {self._vocab[c] for c in ';:,.!?—…"()“” ' if c in self._vocab}

    @property
    def identity(self) -> str:
        # A user's own model or voices (by option or environment) sound different from the bundled ones;
        # the files' size and modification time stand for their content without hashing 300 MB per build.
        return "|".join([self.version, kokoro_assets.user_file_identity(self._model_path, "TTS_KOKORO_MODEL"),
                         kokoro_assets.user_file_identity(self._voices_path, "TTS_KOKORO_VOICES")])

    def voices(self) -> list[VoiceInfo]:
        return list(_VOICES)

    def synthesize(self, text: str, voice: str, speed: float = 1.0) -> Clip:
        import numpy as np

        ids = self._token_ids(text)
        if not any(i not in self._pause_ids for i in ids):
            raise EngineError(f"nothing speakable in {text!r}")
        pieces = [self._infer(part, voice, speed) for part in _split_tokens(ids, self._vocab)]
        return Clip(trim_silence(np.concatenate(pieces), SAMPLE_RATE, margin_s=0.025), SAMPLE_RATE)

    # -- internals -----------------------------------------------------------------------------

    def _token_ids(self, text: str) -> list[int]:
        phonemes = self.phonemize(text)
        return [self._vocab[c] for c in phonemes if c in self._vocab]

    def phonemize(self, text: str) -> str:
        """The phonemes the model receives for text (Chinese, lexicon markup and Latin words; see kokoro_text)."""
        try:
            phonemes = kokoro_text.phonemize(text)
        except Exception as exc:  # misaki has known crashes on some pinyin; fail this chunk clearly
            raise EngineError(f"G2P failed on {text[:30]!r}: {exc}") from None
        return re.sub(r"\s+", " ", phonemes).strip()

    def _infer(self, ids: list[int], voice: str, speed: float):
        import numpy as np

        style = self._style(voice)[len(ids) - 1]
        feeds = {
            "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
            "style": style.astype(np.float32),
            "speed": np.array([speed], dtype=np.float32),
        }
        session = self._ort()
        try:
            audio = session.run(None, feeds)[0]
        except Exception as exc:
            raise EngineError(f"Kokoro inference failed: {exc}") from None
        return np.asarray(audio, dtype=np.float32).reshape(-1)

    def _ort(self):
        if self._session is None:
            self._session = _shared_session(str(kokoro_assets.model_path(self._model_path)), self._threads)
        return self._session

    def _style(self, voice: str):
        if voice not in self._styles:
            self._styles[voice] = kokoro_assets.load_voice(voice, self._voices_path)
        return self._styles[voice]


def _split_tokens(ids: list[int], vocab: dict[str, int]) -> list[list[int]]:
    """Split an over-long token list at the last pause or space before the limit; nothing is dropped."""
    breaks = {vocab[c] for c in ",.;:!? " if c in vocab}
    parts: list[list[int]] = []
    while len(ids) > MAX_TOKENS:
        cut = max((i + 1 for i in range(MAX_TOKENS // 2, MAX_TOKENS) if ids[i] in breaks), default=MAX_TOKENS)
        parts.append(ids[:cut])
        ids = ids[cut:]
    if ids:
        parts.append(ids)
    return parts


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
