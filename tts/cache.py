"""Content-addressed store of synthesised chunks: the one owner of cache keys.

A key covers everything that changes the sound: engine and its version, voice, speed and the spoken text.
Entries are written atomically, so an interrupted build keeps every finished chunk and two builds can share it.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

from .model import Clip
from .paths import atomic_write_bytes, cache_dir

_MAGIC = b"TTSC"


def chunk_key(engine: str, engine_version: str, voice: str, speed: float, spoken: str) -> str:
    payload = json.dumps([engine, engine_version, voice, round(speed, 3), spoken], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ClipCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or cache_dir() / "clips"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pcm"

    def get(self, key: str) -> Clip | None:
        import numpy as np

        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        if len(data) < 8 or data[:4] != _MAGIC:
            return None  # not ours or damaged: synthesise again
        (rate,) = struct.unpack("<I", data[4:8])
        samples = np.frombuffer(data[8:], dtype="<i2").astype(np.float32) / 32767
        return Clip(samples, rate)

    def put(self, key: str, clip: Clip) -> None:
        import numpy as np

        pcm = (np.clip(clip.samples, -1, 1) * 32767).astype("<i2").tobytes()
        atomic_write_bytes(self._path(key), _MAGIC + struct.pack("<I", clip.sample_rate) + pcm)
