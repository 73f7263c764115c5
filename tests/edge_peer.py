"""A protocol peer for the real `edge_tts` client, on loopback, with fault injection.

It speaks the service's WebSocket framing (speech.config + ssml in; turn.start, binary audio frames,
audio.metadata, turn.end out) and answers with real MP3 audio made by `audio_for(text)`.
Faults are drawn per request with a seeded generator, so runs are reproducible.
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

FAULT_KINDS = ("drop", "http-403", "http-503", "no-audio", "slow", "truncated")
FRAME_BYTES = 1024


class EdgePeer:
    def __init__(self, audio_for: Callable[[str], bytes], faults: dict[str, float] | None = None,
                 latency: float = 0.0, slow_seconds: float = 3.0, seed: int = 1) -> None:
        self.audio_for = audio_for
        self.faults = faults or {}
        self.latency = latency
        self.slow_seconds = slow_seconds
        self.rng = random.Random(seed)
        self.requests = 0
        self.served: Counter[str] = Counter()  # 'ok' or the fault kind, per request
        self.texts: list[str] = []
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
            for name, gender in (("zh-CN-XiaoxiaoNeural", "Female"), ("zh-CN-YunyangNeural", "Male"), ("en-US-AriaNeural", "Female"))
        ]
        return web.json_response(voices)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/edge/v1?TrustedClientToken=loopback"

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    # -- protocol ----------------------------------------------------------------------------

    def _draw_fault(self) -> str | None:
        with self._lock:
            self.requests += 1
            for kind, rate in self.faults.items():
                if self.rng.random() < rate:
                    return kind
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        fault = self._draw_fault()
        if fault in ("http-403", "http-503"):
            self.served[fault] += 1
            status = int(fault[-3:])
            return web.Response(status=status, headers={"Date": formatdate(usegmt=True)}, text="refused")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        text = await self._read_request(ws)
        if text is None:
            return ws
        if self.latency:
            await asyncio.sleep(self.latency)
        if fault == "slow":
            await asyncio.sleep(self.slow_seconds)
        request_id = uuid.uuid4().hex
        await ws.send_str(_text_frame(request_id, "turn.start", {"context": {"serviceTag": "loopback"}}))
        audio = b"" if fault == "no-audio" else self.audio_for(text)
        if fault in ("drop", "truncated"):
            audio = audio[: max(FRAME_BYTES, len(audio) // 4)]
        for i in range(0, len(audio), FRAME_BYTES):
            await ws.send_bytes(_audio_frame(request_id, audio[i : i + FRAME_BYTES]))
        if fault == "drop":
            self.served[fault] += 1
            await ws.close()
            return ws
        if audio:
            duration = int(len(audio) * 8 / 48_000 * 10_000_000)
            await ws.send_str(_text_frame(request_id, "audio.metadata", {"Metadata": [{
                "Type": "SentenceBoundary",
                "Data": {"Offset": 1_000_000, "Duration": max(0, duration - 1_500_000),
                         "text": {"Text": text, "Length": len(text), "BoundaryType": "SentenceBoundary"}},
            }]}))
        await ws.send_str(_text_frame(request_id, "turn.end", {}))
        self.served[fault or "ok"] += 1
        if fault is None:
            with self._lock:
                self.texts.append(text)
        await ws.close()
        return ws

    async def _read_request(self, ws: web.WebSocketResponse) -> str | None:
        """Read speech.config then ssml; return the text to speak."""
        paths = []
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                return None
            headers, _, body = message.data.partition("\r\n\r\n")
            path = re.search(r"Path:([\w.]+)", headers)
            paths.append(path.group(1) if path else "")
            if paths[-1] == "ssml":
                m = re.search(r"<prosody[^>]*>(.*)</prosody>", body, re.S)
                return html.unescape(m.group(1)) if m else ""
        return None


def speech_audio_for(engine, seconds_per_char: float = 0.2) -> Callable[[str], bytes]:
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
            n = max(1, len(re.findall(r"[\u4e00-\u9fff]|[A-Za-z]+|\d", text)))
            pcm = (np.resize(base, int(24_000 * seconds_per_char * n)) * 32767).astype("<i2").tobytes()
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "speech.mp3"
                encode_mp3(pcm, 24_000, out, bitrate="48k", out_rate=24_000)
                made[text] = out.read_bytes()
        return made[text]

    return audio_for


def _text_frame(request_id: str, path: str, body: dict) -> str:
    return (f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n"
            + json.dumps(body, ensure_ascii=False))


def _audio_frame(request_id: str, data: bytes) -> bytes:
    header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nX-StreamId:1\r\nPath:audio\r\n".encode()
    return len(header).to_bytes(2, "big") + header + data
