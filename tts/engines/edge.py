"""Microsoft's online neural voices through the real `edge_tts` client, hardened for whole articles.

The project splits text itself (the plan keeps chunks far below the service's 4096-byte limit and never
sends a chunk without speakable characters). Here each chunk gets bounded retries with exponential backoff
and jitter and a fresh `Communicate` per attempt, and an answer counts only when it is complete:

- the service said so: its `turn.end` arrived. edge_tts ends its stream quietly when the socket closes or
  drops early, so completeness is read from the client's public `state` (on turn.end it moves the chunk's
  audio bytes into `cumulative_audio_bytes`);
- the audio covers the last word boundary the service reported (word boundaries are asked for, and also
  give the clip's exact word timings, `Clip.marks`);
- it arrived in time: a stall deadline between messages and an overall deadline per request.

A truncated, stalled or late answer is a retried fault, counted in `stats()`. Requests in flight are
limited per process (all engines together, so a batch never exceeds `concurrency`), and `cancel()` (see
also tts.engines.base.cancel_all) ends in-flight requests and backoff waits at once.
"""

from __future__ import annotations

import asyncio
import contextvars
import random
import re
import threading
from collections import Counter
from contextlib import aclosing, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from tts.audio import decode_mp3, trim_silence
from tts.engines.base import Engine, EngineStats, VoiceInfo
from tts.errors import ConfigError, EngineError
from tts.model import Clip, Mark

if TYPE_CHECKING:
    from edge_tts.typing import Voice

SAMPLE_RATE = 24_000
MP3_BITRATE = 48_000  # the service always answers audio-24khz-48kbitrate-mono-mp3 (CBR)
TICKS_PER_SECOND = 10_000_000
# Slowest plausible newsreading: audio shorter than this per speakable character is treated as truncated.
MIN_SECONDS_PER_CHAR = 0.09
# The audio may end this much before the last boundary's end (an MP3 frame is 24 ms) and still be whole.
BOUNDARY_SLACK_S = 0.05
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
# Faults that mean the answer was incomplete: never accepted, even on the last attempt.
INCOMPLETE = ("no-turn-end", "short-of-boundary", "stall", "deadline")


class _Retryable(Exception):
    """A failure worth another attempt; `kind` names it for the final message."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


@dataclass
class Attempts:
    """What happened to one chunk, for warnings and the run report."""

    tries: int = 0  # requests this engine made for the chunk
    faults: list[str] = field(default_factory=list)  # one kind per fault met, in order
    short_audio: bool = False  # kept on the last attempt although it looked short
    client_retries: int = 0  # requests edge_tts repeated by itself (after an HTTP 403 handshake)
    failed: bool = False


@dataclass
class _Reply:
    audio: bytes
    boundaries: list[tuple[float, float, str]]  # (offset, duration) in ticks, and the word
    turn_end: bool | None  # None: this edge_tts version does not let us tell


class _Slots:
    """Requests in flight across the whole process, so a batch of articles never exceeds the limit."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.busy = 0
        self.peak = 0

    @contextmanager
    def hold(self, limit: int, cancelled: threading.Event):
        with self._cond:
            while self.busy >= limit:
                if cancelled.is_set():
                    raise EngineError("interrupted")
                self._cond.wait(0.1)
            self.busy += 1
            self.peak = max(self.peak, self.busy)
        try:
            yield
        finally:
            with self._cond:
                self.busy -= 1
                self._cond.notify_all()


SLOTS = _Slots()
# The chunk whose request is running in this task, for the client-side 403 counter below.
_CURRENT: contextvars.ContextVar[Attempts | None] = contextvars.ContextVar("edge_attempt", default=None)
_HOOK_LOCK = threading.Lock()


def _count_client_retries() -> None:
    """edge_tts repeats a request by itself after an HTTP 403 handshake (clock skew), out of our sight; wrap
    the one function it calls on that path so such 403s reach the report too. Behaviour is unchanged."""
    from edge_tts.drm import DRM

    with _HOOK_LOCK:
        original = DRM.handle_client_response_error
        if getattr(original, "counted_by_tts", False):
            return

        def counting(error):  # type: ignore[no-untyped-def]
            record = _CURRENT.get()
            if record is not None:
                record.faults.append(f"http-{error.status}")
                record.client_retries += 1
            return original(error)

        counting.counted_by_tts = True  # type: ignore[attr-defined]
        # Monkeypatching edge-tts's retry hook on purpose (mypy forbids assigning to a method).
        DRM.handle_client_response_error = staticmethod(counting)  # type: ignore[method-assign,assignment]


class EdgeEngine(Engine):
    name: ClassVar[str] = "edge"
    default_voice: ClassVar[str] = "zh-CN-YunyangNeural"
    sample_rate: ClassVar[int] = SAMPLE_RATE
    lexicon_style: ClassVar[str] = "say"  # the service takes no SSML: homophones replace misread words
    batch_jobs: ClassVar[int] = 2  # articles wait on the network, so two overlap well
    cpu_bound: ClassVar[bool] = False  # batch articles run in threads sharing the process-wide connection limit
    auto_priority: ClassVar[int | None] = 0  # preferred when the service answers
    build_flags: ClassVar[dict[str, str]] = {f: f for f in ("concurrency", "retries", "pitch", "volume")}

    def __init__(
        self,
        pitch: str = "+0Hz",
        volume: str = "+0%",
        concurrency: int = 4,
        retries: int = 5,
        backoff: float = 1.0,
        connect_timeout: int = 10,
        receive_timeout: float = 20,
        deadline: float = 90,
        proxy: str | None = None,
    ) -> None:
        if not re.fullmatch(r"[+-]\d+Hz", pitch):
            raise ConfigError(f"edge pitch must look like +0Hz or -5Hz, got {pitch!r}")
        if not re.fullmatch(r"[+-]\d+%", volume):
            raise ConfigError(f"edge volume must look like +0% or -10%, got {volume!r}")
        if not 1 <= int(concurrency) <= 16:
            raise ConfigError(f"edge concurrency must be 1-16 (the service blocks floods), got {concurrency}")
        if not 0 < float(receive_timeout) <= float(deadline):
            raise ConfigError(
                f"edge stall timeout must be positive and within the deadline, got {receive_timeout}/{deadline}"
            )
        self.pitch, self.volume = pitch, volume
        self.concurrency = int(concurrency)
        self.retries = max(1, int(retries))
        self.backoff = float(backoff)
        self.connect_timeout = max(1, int(connect_timeout))
        self.receive_timeout = float(receive_timeout)  # longest silence between two messages of one answer
        self.deadline = float(deadline)  # longest a whole request may take
        self.proxy = proxy
        self.log: list[Attempts] = []  # one record per chunk (read by stats())
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._tasks: set[tuple[asyncio.AbstractEventLoop, asyncio.Task]] = set()

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
            raise ConfigError(
                f"edge voice {voice!r} is not offered by the service (any more); available: {', '.join(live)}"
            )
        if not live and not re.fullmatch(r"[a-z]{2,3}-[A-Z]{2}(?:-\w+)?-\w+Neural", voice):
            raise ConfigError(f"unknown edge voice {voice!r}; known: {', '.join(v.id for v in _VOICES)}")

    # -- what happened --------------------------------------------------------------------------

    def stats(self) -> EngineStats:
        """Retries (the ones edge_tts made by itself after a 403 included), every fault seen by kind (incomplete
        answers too: no-turn-end, short-of-boundary, stall, deadline), and warnings for the report."""
        with self._lock:
            records = list(self.log)
        faults = dict(Counter(kind for r in records for kind in r.faults))
        retries = sum(max(0, r.tries - 1) + r.client_retries for r in records)
        warnings = [f"chunk audio looked short after {r.tries} tries and was kept" for r in records if r.short_audio]
        return EngineStats(retries, faults, warnings)

    # -- cancellation ---------------------------------------------------------------------------

    def cancel(self) -> None:
        """End this engine's requests in flight and its backoff waits now; later calls fail at once."""
        self._cancelled.set()
        with self._lock:
            tasks = list(self._tasks)
        for loop, task in tasks:
            try:
                loop.call_soon_threadsafe(_cancel_until_done, loop, task)
            except RuntimeError:  # that request's loop has just finished
                pass

    def _check_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise EngineError("interrupted")

    # -- synthesis ------------------------------------------------------------------------------

    def synthesize(self, text: str, voice: str, speed: float = 1.0) -> Clip:
        rate = f"{round((speed - 1) * 100):+d}%"
        record = Attempts()
        with self._lock:
            self.log.append(record)
        last: _Retryable | None = None
        for attempt in range(self.retries):
            self._check_cancelled()
            record.tries = attempt + 1
            try:
                with SLOTS.hold(self.concurrency, self._cancelled):
                    reply = asyncio.run(self._guarded(self._request(text, voice, rate, record)))
                return self._clip(text, reply, final=attempt == self.retries - 1, record=record)
            except _Retryable as exc:
                record.faults.append(exc.kind)
                last = exc
                if attempt < self.retries - 1 and self._cancelled.wait(
                    self.backoff * (2**attempt) * (0.5 + random.random())
                ):
                    break
        self._check_cancelled()
        record.failed = True
        raise EngineError(_advice(last))

    async def _guarded(self, request):  # type: ignore[no-untyped-def]
        """Run one request where cancel() can reach it."""
        key = (asyncio.get_running_loop(), asyncio.current_task())
        with self._lock:
            self._tasks.add(key)
        try:
            self._check_cancelled()
            return await request
        except asyncio.CancelledError:
            if self._cancelled.is_set():
                raise EngineError("interrupted") from None
            raise
        finally:
            request.close()  # never started when cancelled first: no "never awaited" warning
            with self._lock:
                self._tasks.discard(key)

    async def _request(self, text: str, voice: str, rate: str, record: Attempts) -> _Reply:
        import aiohttp
        import edge_tts
        from edge_tts import exceptions as edge_errors

        _count_client_retries()
        token = _CURRENT.set(record)
        communicate = edge_tts.Communicate(
            text,
            voice,
            rate=rate,
            pitch=self.pitch,
            volume=self.volume,
            proxy=self.proxy,
            boundary="WordBoundary",
            connect_timeout=self.connect_timeout,
            receive_timeout=max(1, int(self.receive_timeout)),
        )
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self.deadline
        audio = bytearray()
        boundaries: list[tuple[float, float, str]] = []
        try:
            async with asyncio.timeout_at(min(give_up_at, loop.time() + self.receive_timeout)) as timer:
                async with aclosing(communicate.stream()) as stream:
                    async for chunk in stream:
                        timer.reschedule(min(give_up_at, loop.time() + self.receive_timeout))
                        if chunk["type"] == "audio":
                            audio += chunk["data"]
                        elif chunk["type"] in ("SentenceBoundary", "WordBoundary"):
                            boundaries.append((chunk["offset"], chunk["duration"], chunk.get("text", "")))
        except TimeoutError:
            if not timer.expired():  # a timeout inside the client (connecting)
                raise _Retryable("timeout", "the connection timed out") from None
            if loop.time() >= give_up_at - 0.01:
                raise _Retryable("deadline", f"no complete answer within {self.deadline:g} s") from None
            raise _Retryable(
                "stall", f"the answer stalled for {self.receive_timeout:g} s after {len(audio)} bytes of audio"
            ) from None
        except aiohttp.ClientResponseError as exc:
            raise _Retryable(f"http-{exc.status}", f"HTTP {exc.status} {exc.message}") from None
        except edge_errors.NoAudioReceived:
            raise _Retryable("no-audio", "the service sent no audio") from None
        except (edge_errors.EdgeTTSException, aiohttp.ClientError, ConnectionError, OSError) as exc:
            raise _Retryable("connection", _in_words(exc)) from None
        finally:
            _CURRENT.reset(token)
        return _Reply(bytes(audio), boundaries, _turn_ended(communicate, len(audio)))

    def _clip(self, text: str, reply: _Reply, final: bool, record: Attempts) -> Clip:
        audio, boundaries = reply.audio, reply.boundaries
        seconds = len(audio) * 8 / MP3_BITRATE  # exact for the service's CBR stream
        if reply.turn_end is False:
            raise _Retryable(
                "no-turn-end", f"the answer ended without the service's turn end, after {seconds:.2f} s of audio"
            )
        if boundaries:
            heard_to = max(o + d for o, d, _ in boundaries) / TICKS_PER_SECOND
            if seconds < heard_to - BOUNDARY_SLACK_S:
                raise _Retryable(
                    "short-of-boundary", f"{seconds:.2f} s of audio but words reported up to {heard_to:.2f} s"
                )
        speakable = len(_SPEAKABLE.findall(text))
        if seconds < speakable * MIN_SECONDS_PER_CHAR:
            if not final:
                raise _Retryable("short-audio", f"{seconds:.2f}s of audio for {speakable} characters")
            record.short_audio = True  # complete by every signal the service gives: kept, reported as a warning
        try:
            samples = decode_mp3(audio, SAMPLE_RATE)
        except Exception as exc:  # a torn MP3 frame stream
            raise _Retryable("bad-audio", str(exc)) from None
        start = 0
        if boundaries:
            # Boundary events say where speech is; keep a breath either side of it.
            start = max(0, int(min(o for o, _, _ in boundaries) / TICKS_PER_SECOND * SAMPLE_RATE) - SAMPLE_RATE // 20)
            end = int(max(o + d for o, d, _ in boundaries) / TICKS_PER_SECOND * SAMPLE_RATE) + SAMPLE_RATE // 10
            samples = samples[start:end]
        trimmed = trim_silence(samples, SAMPLE_RATE)
        start += _offset_within(samples, trimmed)
        return Clip(trimmed, SAMPLE_RATE, _marks(text, boundaries, start / SAMPLE_RATE, len(trimmed) / SAMPLE_RATE))

    # -- service checks -------------------------------------------------------------------------

    @classmethod
    def probe(cls, timeout: float = 4.0) -> tuple[bool, str]:
        """Does the service answer a tiny request quickly? (True, why) or (False, why not)."""
        engine = cls(retries=1, connect_timeout=max(1, int(timeout)), receive_timeout=timeout, deadline=timeout)

        async def attempt() -> None:
            await asyncio.wait_for(engine._request("你好", cls.default_voice, "+0%", Attempts()), timeout)

        try:
            asyncio.run(attempt())
        except _Retryable as exc:
            return False, f"edge-tts service unreachable ({exc})"
        except TimeoutError:
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

        async def fetch() -> list[Voice]:
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


def _cancel_until_done(loop: asyncio.AbstractEventLoop, task: asyncio.Task) -> None:
    """Cancel now, and again every half second until the task ends: a cancel may only reach a polite close handshake
    (the websocket's close waits up to 10 s for a stalled peer), and on a loaded machine a single second retry could
    land before that handshake began."""
    if not task.done():
        task.cancel()
        loop.call_later(0.5, _cancel_until_done, loop, task)


def _turn_ended(communicate, audio_bytes: int) -> bool | None:  # type: ignore[no-untyped-def]
    """Did the service's turn.end arrive? edge_tts moves the chunk's audio bytes into its cumulative count
    exactly when it reads turn.end (our chunks are one request each, far below its 4096-byte split)."""
    state = getattr(communicate, "state", None)
    if not isinstance(state, dict) or "cumulative_audio_bytes" not in state or "chunk_audio_bytes" not in state:
        return None
    return state["chunk_audio_bytes"] == 0 and state["cumulative_audio_bytes"] == audio_bytes


def _offset_within(samples, part) -> int:  # type: ignore[no-untyped-def]
    """Where the view `part` (as trim_silence returns it) starts inside `samples`, in samples."""
    import numpy as np

    if part.size == 0 or not np.shares_memory(samples, part):
        return 0
    return (part.__array_interface__["data"][0] - samples.__array_interface__["data"][0]) // samples.itemsize


def _marks(
    text: str, boundaries: list[tuple[float, float, str]], clip_start: float, clip_seconds: float
) -> tuple[Mark, ...]:
    """Exact word timings: each reported word found in order in the text we sent, its time moved onto the clip."""
    marks, cursor = [], 0
    for offset, duration, word in boundaries:
        at = text.find(word, cursor) if word else -1
        if at < 0:
            continue  # the service reported a word in a form we did not send (rare): no mark for it
        cursor = at + len(word)
        start = min(clip_seconds, max(0.0, offset / TICKS_PER_SECOND - clip_start))
        end = min(clip_seconds, max(start, (offset + duration) / TICKS_PER_SECOND - clip_start))
        marks.append(Mark(at, cursor, round(start, 4), round(end, 4)))
    return tuple(marks)


def _advice(exc: _Retryable | None) -> str:
    """One line that says what failed and what the user can do."""
    kind, detail = (exc.kind, str(exc)) if exc else ("unknown", "")
    if kind == "http-403":
        return f"the edge-tts service refused the handshake ({detail}); upgrade edge-tts (uv lock --upgrade-package edge-tts) or use --engine kokoro"
    if kind in ("http-429", "http-503"):
        return f"the edge-tts service is rate-limiting ({detail}); lower --concurrency, wait a few minutes, or use --engine kokoro"
    if kind in INCOMPLETE:
        return f"the edge-tts service kept sending incomplete answers ({kind}: {detail}); check the network, lower --concurrency, or use --engine kokoro"
    if kind in ("connection", "timeout") or kind.startswith("http-"):
        return f"cannot reach the edge-tts service ({detail}); check the network or proxy (HTTPS_PROXY), or use --engine kokoro"
    return f"the edge-tts service kept failing ({kind}: {detail}); try again later or use --engine kokoro"
