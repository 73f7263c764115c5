"""A protocol peer for the real `edge_tts` client, on loopback, with fault injection.

It speaks the service's WebSocket framing (speech.config + ssml in; turn.start, binary audio frames,
audio.metadata, turn.end out) and answers with real MP3 audio made by `audio_for(text)`. When the client asks
for word boundaries (speech.config `wordBoundaryEnabled`), each word's event is sent just before the audio
that holds it, as the service interleaves them; otherwise one sentence boundary follows the audio.
Faults are drawn per request with a seeded generator, so runs are reproducible:

- `http-403`, `http-503`: the handshake is refused.
- `no-audio`: turn.start, then turn.end without audio. `slow`: `slow_seconds` before answering.
- `truncated`: a quarter of the audio, then the full boundaries and turn.end (the service says it is done).
- `drop`: a quarter of the audio, then a clean close.
- `close@F`: the first fraction F of the audio (and the boundaries sent with it), then a clean WebSocket close.
- `drop@F`: the same, then the TCP connection is cut without a close frame.
- `stall`: the socket opens and the request is read, then nothing is sent until the client gives up.
- `stall@F`: the first fraction F of the audio, then nothing.
- `drip`: the whole answer, but `drip_seconds` between audio frames (never a stall, slow overall).
"""

from __future__ import annotations

import asyncio
import html
import json
import random
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from email.utils import formatdate

from aiohttp import WSMsgType, web

CUT_FRACTIONS = (0.4, 0.5, 0.9)
FAULT_KINDS = (
    "drop",
    "drip",
    "http-403",
    "http-503",
    "no-audio",
    "slow",
    "truncated",
    *(f"close@{f}" for f in CUT_FRACTIONS),
    *(f"drop@{f}" for f in CUT_FRACTIONS),
    "stall",
    "stall@0.5",
)
FRAME_BYTES = 1024
SECONDS_PER_UNIT = 0.2  # what speech_audio_for gives each CJK character, Latin word or digit
_UNIT = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d")
# The peer's "words": two CJK characters, a Latin word, or a run of digits.
_WORD = re.compile(r"[\u4e00-\u9fff]{1,2}|[A-Za-z]+|\d+")


class EdgePeer:
    def __init__(
        self,
        audio_for: Callable[[str], bytes],
        faults: dict[str, float] | None = None,
        latency: float = 0.0,
        slow_seconds: float = 3.0,
        seed: int = 1,
    ) -> None:
        self.audio_for = audio_for
        self.faults = faults or {}
        self.latency = latency
        self.slow_seconds = slow_seconds
        self.rng = random.Random(seed)
        self.requests = 0
        self.served: Counter[str] = Counter()  # 'ok' or the fault kind, per request
        self.texts: list[str] = []
        self.active = 0  # connections being answered now, and the most at once
        self.peak_active = 0
        self.stall_seconds = 600.0
        self.drip_seconds = 0.2
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_get("/edge/v1", self._handle)
            app.router.add_get("/voices/list", self._voices)
            self._runner = web.AppRunner(app, shutdown_timeout=0.5)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", port, reuse_address=True)
            self._loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self.url

    @property
    def voices_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/voices/list?trustedclienttoken=loopback"

    async def _voices(self, request: web.Request) -> web.Response:
        voices = [
            {"ShortName": name, "Gender": gender, "Locale": name.rsplit("-", 1)[0], "FriendlyName": name}
            for name, gender in (
                ("zh-CN-XiaoxiaoNeural", "Female"),
                ("zh-CN-YunyangNeural", "Male"),
                ("en-US-AriaNeural", "Female"),
            )
        ]
        return web.json_response(voices)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/edge/v1?TrustedClientToken=loopback"

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    async def _shutdown(self) -> None:
        """Stop listening, then end answers still running (stalls, slow ones) so nothing is left pending."""
        await self._runner.cleanup()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    # -- protocol ----------------------------------------------------------------------------

    def _draw_fault(self) -> str | None:
        """The fault for this request (counted in `served` now, whatever the client does next), or None."""
        with self._lock:
            self.requests += 1
            for kind, rate in self.faults.items():
                if self.rng.random() < rate:
                    self.served[kind] += 1
                    return kind
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        fault = self._draw_fault()
        if fault in ("http-403", "http-503"):
            status = int(fault[-3:])
            return web.Response(status=status, headers={"Date": formatdate(usegmt=True)}, text="refused")
        with self._lock:
            self.active += 1
            self.peak_active = max(self.peak_active, self.active)
        try:
            return await self._answer(request, fault)
        finally:
            with self._lock:
                self.active -= 1

    async def _answer(self, request: web.Request, fault: str | None) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        asked = await self._read_request(ws)
        if asked is None:
            return ws
        text, words_wanted = asked
        if self.latency:
            await asyncio.sleep(self.latency)
        if fault == "slow":
            await asyncio.sleep(self.slow_seconds)
        if fault == "stall":
            return await self._stall(ws, fault)
        request_id = uuid.uuid4().hex
        await ws.send_str(_text_frame(request_id, "turn.start", {"context": {"serviceTag": "loopback"}}))
        audio = b"" if fault == "no-audio" else self.audio_for(text)
        events = _word_events(text) if words_wanted else []
        kind, _, fraction = (fault or "").partition("@")
        if fault in ("drop", "truncated"):
            audio = audio[: max(FRAME_BYTES, len(audio) // 4)]
        elif fraction:
            audio = audio[: int(len(audio) * float(fraction))]
        sent_events = 0
        for i in range(0, len(audio), FRAME_BYTES):
            heard_until = (i + FRAME_BYTES) * 8 / 48_000 * 10_000_000
            while sent_events < len(events) and events[sent_events]["Data"]["Offset"] < heard_until:
                await ws.send_str(_text_frame(request_id, "audio.metadata", {"Metadata": [events[sent_events]]}))
                sent_events += 1
            await ws.send_bytes(_audio_frame(request_id, audio[i : i + FRAME_BYTES]))
            if fault == "drip":
                await asyncio.sleep(self.drip_seconds)
        if fault == "drop" or kind == "close":
            await ws.close()
            return ws
        if kind == "drop":
            request.transport.abort()  # no close frame, no FIN handshake: the connection is simply gone
            return ws
        if kind == "stall":
            return await self._stall(ws, fault)
        for event in events[sent_events:]:
            await ws.send_str(_text_frame(request_id, "audio.metadata", {"Metadata": [event]}))
        if audio and not words_wanted:
            duration = int(len(audio) * 8 / 48_000 * 10_000_000)
            await ws.send_str(
                _text_frame(
                    request_id,
                    "audio.metadata",
                    {
                        "Metadata": [
                            {
                                "Type": "SentenceBoundary",
                                "Data": {
                                    "Offset": 1_000_000,
                                    "Duration": max(0, duration - 1_500_000),
                                    "text": {"Text": text, "Length": len(text), "BoundaryType": "SentenceBoundary"},
                                },
                            }
                        ]
                    },
                )
            )
        await ws.send_str(_text_frame(request_id, "turn.end", {}))
        if fault is None:
            with self._lock:
                self.served["ok"] += 1
                self.texts.append(text)
        await ws.close()
        return ws

    async def _stall(self, ws: web.WebSocketResponse, fault: str) -> web.WebSocketResponse:
        """Send nothing more; wait until the client closes the socket (or stall_seconds pass)."""
        try:
            await asyncio.wait_for(ws.receive(), self.stall_seconds)
        except TimeoutError:
            pass
        await ws.close()
        return ws

    async def _read_request(self, ws: web.WebSocketResponse) -> tuple[str, bool] | None:
        """Read speech.config then ssml; return the text to speak and whether word boundaries were asked for."""
        words = False
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                return None
            headers, _, body = message.data.partition("\r\n\r\n")
            path = re.search(r"Path:([\w.]+)", headers)
            path = path.group(1) if path else ""
            if path == "speech.config":
                words = '"wordBoundaryEnabled":"true"' in body
            if path == "ssml":
                m = re.search(r"<prosody[^>]*>(.*)</prosody>", body, re.S)
                return (html.unescape(m.group(1)) if m else ""), words
        return None


def _word_events(text: str) -> list[dict]:
    """WordBoundary events timed as speech_audio_for lays the text out (SECONDS_PER_UNIT per unit)."""
    events, units = [], 0
    for word in _WORD.finditer(text):
        n = len(_UNIT.findall(word.group()))
        start = units * SECONDS_PER_UNIT
        units += n
        events.append(
            {
                "Type": "WordBoundary",
                "Data": {
                    "Offset": int(start * 10_000_000) + 50_000,
                    "Duration": int(n * SECONDS_PER_UNIT * 10_000_000) - 100_000,
                    "text": {"Text": word.group(), "Length": len(word.group()), "BoundaryType": "WordBoundary"},
                },
            }
        )
    return events


def speech_audio_for(engine, seconds_per_char: float = SECONDS_PER_UNIT) -> Callable[[str], bytes]:
    """Real speech for the peer: one clip from the offline engine, tiled to the text's length, encoded as
    the service encodes (MP3, 24 kHz mono, 48 kbit/s CBR). Deterministic, and cached per text."""
    import tempfile
    from pathlib import Path

    import numpy as np

    from tts.output.ffmpeg import encode_mp3

    base = engine.synthesize("新闻播报测试，今天天气晴朗。", "zf_xiaoxiao").samples
    made: dict[str, bytes] = {}

    def audio_for(text: str) -> bytes:
        if text not in made:
            n = max(1, len(_UNIT.findall(text)))
            pcm = (np.resize(base, int(24_000 * seconds_per_char * n)) * 32767).astype("<i2").tobytes()
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "speech.mp3"
                encode_mp3(pcm, 24_000, out, bitrate="48k", out_rate=24_000)
                made[text] = out.read_bytes()
        return made[text]

    return audio_for


def _text_frame(request_id: str, path: str, body: dict) -> str:
    return (
        f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n"
        + json.dumps(body, ensure_ascii=False)
    )


def _audio_frame(request_id: str, data: bytes) -> bytes:
    header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nX-StreamId:1\r\nPath:audio\r\n".encode()
    return len(header).to_bytes(2, "big") + header + data
