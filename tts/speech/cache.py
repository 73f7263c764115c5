"""Content-addressed store of synthesised chunks: the one owner of cache keys.

A key covers everything that changes the sound: the engine and its identity (model version, options), the
voice, the speed and the spoken text (which already carries normalisation and lexicon choices). Entries are
written atomically, so an interrupted build keeps every finished chunk and two builds can share the cache.
Least-recently-used entries are evicted beyond a size limit (TTS_CACHE_LIMIT_MB, default 4096).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from tts.model import Clip, Mark
from tts.paths import atomic_write_bytes, cache_dir

_MAGIC = b"TTSC"
DEFAULT_LIMIT_MB = 4096


def chunk_key(engine: str, engine_identity: str, voice: str, speed: float, spoken: str) -> str:
    payload = json.dumps([engine, engine_identity, voice, round(speed, 3), spoken], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def limit_bytes() -> int:
    try:
        return int(float(os.environ.get("TTS_CACHE_LIMIT_MB", DEFAULT_LIMIT_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_LIMIT_MB * 1024 * 1024


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    bytes: int
    limit: int
    seconds_of_audio: float


class ClipCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or cache_dir() / "clips"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pcm"

    def get(self, key: str) -> Clip | None:
        """The cached clip (int16 samples, read without conversion), or None."""
        import numpy as np

        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if len(data) < 8 or data[:4] != _MAGIC or len(data) % 2:
            return None  # not ours or damaged: synthesise again
        (rate,) = struct.unpack("<I", data[4:8])
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
        return Clip(np.frombuffer(data, dtype="<i2", offset=8), rate, _read_marks(path))

    def put(self, key: str, clip: Clip) -> None:
        from tts.audio import to_int16

        if clip.marks:  # written first: an entry whose audio exists has its timings too
            atomic_write_bytes(_marks_path(self._path(key)), _marks_json(clip.marks))
        atomic_write_bytes(self._path(key), _MAGIC + struct.pack("<I", clip.sample_rate) + to_int16(clip.samples).tobytes())

    def _entries(self) -> list[os.DirEntry]:
        out = []
        if not self.root.is_dir():
            return out
        for sub in os.scandir(self.root):
            if sub.is_dir():
                out += [e for e in os.scandir(sub.path) if e.name.endswith(".pcm")]
        return out

    def info(self) -> CacheInfo:
        entries = self._entries()
        size = sum(e.stat().st_size for e in entries)
        # 8-byte header, then 16-bit samples; engines here speak at 24 kHz.
        seconds = sum(max(0, e.stat().st_size - 8) for e in entries) / 2 / 24_000
        return CacheInfo(self.root, len(entries), size, limit_bytes(), seconds)

    def clear(self) -> int:
        removed = 0
        for entry in self._entries():
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                pass
            _marks_path(Path(entry.path)).unlink(missing_ok=True)
        return removed

    def trim(self, limit: int | None = None) -> int:
        """Evict least-recently-used entries until the cache fits the limit; returns how many went."""
        limit = limit_bytes() if limit is None else limit
        entries = [(e.stat().st_mtime, e.stat().st_size, e.path) for e in self._entries()]
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= limit:
                break
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
            _marks_path(Path(path)).unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed


# Engine timings (Clip.marks) live beside the audio entry as small JSON: [[start_char, end_char, start, end], …].
def _marks_path(entry: Path) -> Path:
    return entry.with_suffix(".marks.json")


def _marks_json(marks: tuple[Mark, ...]) -> bytes:
    return json.dumps([[m.start_char, m.end_char, round(m.start, 4), round(m.end, 4)] for m in marks]).encode()


def _read_marks(entry: Path) -> tuple[Mark, ...]:
    try:
        rows = json.loads(_marks_path(entry).read_bytes())
        return tuple(Mark(int(a), int(b), float(s), float(e)) for a, b, s, e in rows)
    except (FileNotFoundError, ValueError, TypeError):
        return ()  # no timings (or unreadable ones): callers fall back to estimates


__all__ = ["CacheInfo", "ClipCache", "chunk_key", "limit_bytes"]
