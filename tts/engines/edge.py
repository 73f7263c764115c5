"""Microsoft's online neural voices through the real `edge_tts` client, hardened for whole articles.

The project splits text itself (the plan keeps chunks far below the service's 4096-byte limit and never
sends a chunk without speakable characters). Here each chunk gets bounded retries with exponential backoff
and jitter, a fresh `Communicate` per attempt, and a duration sanity check that retries suspiciously short
audio. The pipeline runs up to `concurrency` chunks at once.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass
from typing import ClassVar

from tts.audio import decode_mp3, trim_silence
from tts.errors import ConfigError, EngineError
from tts.model import Clip
from tts.engines.base import Engine, EngineStats, VoiceInfo

SAMPLE_RATE = 24_000
MP3_BITRATE = 48_000  # the service always answers audio-24khz-48kbitrate-mono-mp3 (CBR)
TICKS_PER_SECOND = 10_000_000
# Slowest plausible newsreading: audio shorter than this per speakable character is treated as truncated.
MIN_SECONDS_PER_CHAR = 0.09
_SPEAKABLE = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d")
_VOICES = [
    VoiceInfo("zh-CN-XiaoxiaoNeural", "female", "zh-CN", "warm, versatile"),
    VoiceInfo("zh-CN-XiaoyiNeural", "female", "zh-CN", "lively"),
    VoiceInfo("zh-CN-YunjianNeural", "male", "zh-CN", "passionate, sports"),
    VoiceInfo("zh-CN-YunxiNeural", "male", "zh-CN", "lively, sunny"),
    VoiceInfo("zh-CN-YunxiaNeural", "male", "zh-CN", "cute, young"),
    VoiceInfo("zh-CN-YunyangNeural", "male", "zh-CN", "professional news (default)"),
    VoiceInfo("zh-CN-liaoning-XiaobeiNeural", "female", "zh-CN-liaoning", "humorous, dialect"),
    VoiceInfo("zh-CN-shaanxi-XiaoniNeural", "female", "zh-CN-shaanxi", "bright, dialect"),
]


class _Retryable(Exception):
    """A failure worth another attempt; `kind` names it for the final message."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


@dataclass
class Attempts:
    """What happened to one chunk, for warnings and the run report."""

    tries: int = 0
    faults: list[str] | None = None
    short_audio: bool = False


class EdgeEngine(Engine):
    name: ClassVar[str] = "edge"
    default_voice: ClassVar[str] = "zh-CN-YunyangNeural"
    sample_rate: ClassVar[int] = SAMPLE_RATE
    lexicon_style: ClassVar[str] = "say"  # the service takes no SSML: homophones replace misread words
    batch_jobs: ClassVar[int] = 2  # articles wait on the network, so two overlap well
    auto_priority: ClassVar[int | None] = 0  # preferred when the service answers

    def __init__(
        self,
        pitch: str = "+0Hz",
        volume: str = "+0%",
        concurrency: int = 4,
        retries: int = 5,
        backoff: float = 1.0,
        connect_timeout: int = 10,
        receive_timeout: int = 60,
        proxy: str | None = None,
    ) -> None:
        if not re.fullmatch(r"[+-]\d+Hz", pitch):
            raise ConfigError(f"edge pitch must look like +0Hz or -5Hz, got {pitch!r}")
        if not re.fullmatch(r"[+-]\d+%", volume):
            raise ConfigError(f"edge volume must look like +0% or -10%, got {volume!r}")
        if not 1 <= int(concurrency) <= 16:
            raise ConfigError(f"edge concurrency must be 1-16 (the service blocks floods), got {concurrency}")
        self.pitch, self.volume = pitch, volume
        self.concurrency = int(concurrency)
        self.retries = max(1, int(retries))
        self.backoff = float(backoff)
        self.connect_timeout, self.receive_timeout = int(connect_timeout), int(receive_timeout)
        self.proxy = proxy
        self.log: list[Attempts] = []

    @property
    def version(self) -> str:
        import edge_tts

        return f"edge-tts/{edge_tts.__version__}"

    @property
    def identity(self) -> str:
        """Everything about this engine that changes the sound (part of cache keys)."""
        return f"{self.version}|pitch={self.pitch}|volume={self.volume}"

    def voices(self) -> list[VoiceInfo]:
        return list(_VOICES)

    def check_voice(self, voice: str) -> None:
        """Validate against the live list when the service answers (voices vanish without notice)."""
        try:
            live = [v.id for v in self.service_voices(timeout=4)]
        except EngineError:
            live = []
        if live and voice not in live:
            raise ConfigError(f"edge voice {voice!r} is not offered by the service (any more); available: {', '.join(live)}")
        if not live and not re.fullmatch(r"[a-z]{2,3}-[A-Z]{2}(?:-\w+)?-\w+Neural", voice):
            raise ConfigError(f"unknown edge voice {voice!r}; known: {', '.join(v.id for v in _VOICES)}")

    # -- synthesis ------------------------------------------------------------------------------

    def synthesize(self, text: str, voice: str, speed: float = 1.0) -> Clip:
        rate = f"{round((speed - 1) * 100):+d}%"
        record = Attempts(faults=[])
        self.log.append(record)
        last: _Retryable | None = None
        for attempt in range(self.retries):
            record.tries = attempt + 1
            try:
                audio, spans = asyncio.run(self._request(text, voice, rate))
                return self._clip(text, audio, spans, final=attempt == self.retries - 1, record=record)
            except _Retryable as exc:
                record.faults.append(exc.kind)
                last = exc
                if attempt < self.retries - 1:
                    time.sleep(self.backoff * (2**attempt) * (0.5 + random.random()))
        raise EngineError(_advice(last))

    async def _request(self, text: str, voice: str, rate: str) -> tuple[bytes, list[tuple[int, int]]]:
        import aiohttp
        import edge_tts
        from edge_tts import exceptions as edge_errors

        communicate = edge_tts.Communicate(
            text, voice, rate=rate, pitch=self.pitch, volume=self.volume, proxy=self.proxy,
            connect_timeout=self.connect_timeout, receive_timeout=self.receive_timeout,
        )
        audio = bytearray()
        spans: list[tuple[int, int]] = []
        try:
            async for chunk in communicate.stream():
                if chunk["type"] == "audio":
                    audio += chunk["data"]
                elif chunk["type"] in ("SentenceBoundary", "WordBoundary"):
                    spans.append((chunk["offset"], chunk["offset"] + chunk["duration"]))
        except aiohttp.ClientResponseError as exc:
            raise _Retryable(f"http-{exc.status}", f"HTTP {exc.status} {exc.message}") from None
        except edge_errors.NoAudioReceived:
            raise _Retryable("no-audio", "the service sent no audio") from None
        except (edge_errors.EdgeTTSException, aiohttp.ClientError, asyncio.TimeoutError, ConnectionError, OSError) as exc:
            kind = "timeout" if isinstance(exc, asyncio.TimeoutError) else "connection"
            raise _Retryable(kind, _in_words(exc)) from None
        return bytes(audio), spans

    def _clip(self, text: str, audio: bytes, spans: list[tuple[int, int]], final: bool, record: Attempts) -> Clip:
        seconds = len(audio) * 8 / MP3_BITRATE  # exact for the service's CBR stream
        speakable = len(_SPEAKABLE.findall(text))
        if seconds < speakable * MIN_SECONDS_PER_CHAR:
            if not final:
                raise _Retryable("short-audio", f"{seconds:.2f}s of audio for {speakable} characters")
            record.short_audio = True  # kept, but reported as a warning
        try:
            samples = decode_mp3(audio, SAMPLE_RATE)
        except Exception as exc:  # a torn MP3 frame stream
            raise _Retryable("bad-audio", str(exc)) from None
        if spans:
            # Boundary events say where speech is; keep a breath either side of it.
            start = max(0, int(min(s for s, _ in spans) / TICKS_PER_SECOND * SAMPLE_RATE) - SAMPLE_RATE // 20)
            end = int(max(e for _, e in spans) / TICKS_PER_SECOND * SAMPLE_RATE) + SAMPLE_RATE // 10
            samples = samples[start:end]
        return Clip(trim_silence(samples, SAMPLE_RATE), SAMPLE_RATE)

    # -- service checks -------------------------------------------------------------------------

    @classmethod
    def probe(cls, timeout: float = 4.0) -> tuple[bool, str]:
        """Does the service answer a tiny request quickly? (True, why) or (False, why not)."""
        engine = cls(retries=1, connect_timeout=max(1, int(timeout)), receive_timeout=max(1, int(timeout)))

        async def attempt() -> None:
            await asyncio.wait_for(engine._request("你好", cls.default_voice, "+0%"), timeout)

        try:
            asyncio.run(attempt())
        except _Retryable as exc:
            return False, f"edge-tts service unreachable ({exc})"
        except asyncio.TimeoutError:
            return False, f"edge-tts service unreachable (no answer within {timeout:g} s)"
        return True, "edge-tts service answered"

    def live_voices(self, timeout: float = 6.0) -> tuple[list[VoiceInfo], str]:
        """The service's current Chinese voices, or the known list when the service cannot be reached."""
        try:
            return self.service_voices(timeout), "live list"
        except EngineError:
            return self.voices(), "known list; the service could not be reached"

    @staticmethod
    def service_voices(timeout: float = 6.0) -> list[VoiceInfo]:
        """The service's current Chinese voices (raises EngineError when offline)."""
        import edge_tts

        async def fetch() -> list[dict]:
            return await asyncio.wait_for(edge_tts.list_voices(), timeout)

        try:
            voices = asyncio.run(fetch())
        except Exception as exc:
            raise EngineError(f"cannot list edge voices: {_in_words(exc)}") from None
        return [
            VoiceInfo(v["ShortName"], v.get("Gender", "").lower(), v["Locale"], v.get("FriendlyName", ""))
            for v in voices
            if v["Locale"].startswith("zh-")
        ]

    def stats(self) -> EngineStats:
        faults: dict[str, int] = {}
        for record in self.log:
            for kind in record.faults or []:
                faults[kind] = faults.get(kind, 0) + 1
        warnings = [f"chunk audio looked short after {r.tries} tries and was kept" for r in self.log if r.short_audio]
        return EngineStats(sum(max(0, r.tries - 1) for r in self.log), faults, warnings)


def _in_words(exc: BaseException) -> str:
    """A network failure as a person would say it (not an exception repr with objects in it)."""
    import socket

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return "DNS lookup failed"
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, asyncio.TimeoutError | TimeoutError):
            return "timed out"
        if isinstance(seen, ConnectionResetError):
            return "connection reset"
        seen = getattr(seen, "os_error", None) or seen.__cause__ or seen.__context__
    text = str(exc).split(" [", 1)[0].split(" ssl:", 1)[0]
    return text or type(exc).__name__


def _advice(exc: _Retryable | None) -> str:
    """One line that says what failed and what the user can do."""
    kind, detail = (exc.kind, str(exc)) if exc else ("unknown", "")
    if kind == "http-403":
        return f"the edge-tts service refused the handshake ({detail}); upgrade edge-tts (uv lock --upgrade-package edge-tts) or use --engine kokoro"
    if kind in ("http-429", "http-503"):
        return f"the edge-tts service is rate-limiting ({detail}); lower --concurrency, wait a few minutes, or use --engine kokoro"
    if kind in ("connection", "timeout") or kind.startswith("http-"):
        return f"cannot reach the edge-tts service ({detail}); check the network or proxy (HTTPS_PROXY), or use --engine kokoro"
    return f"the edge-tts service kept failing ({kind}: {detail}); try again later or use --engine kokoro"
