"""Content-addressed store of synthesised chunks: the one owner of cache keys.

A key covers everything that changes the sound: the engine and its identity (model version, options), the
voice, the speed and the spoken text (which already carries normalisation and lexicon choices). Entries are
written atomically, so an interrupted build keeps every finished chunk and two builds can share the cache.
Least-recently-used entries are evicted beyond a size limit (TTS_CACHE_LIMIT_MB, default 4096).

An entry is `TTS2`, the sha256 of the rest, then the rest: a 4-byte header length, a JSON header (sample
rate, sample count, the engine's timing marks) and the int16 samples. A torn or bit-flipped entry fails the
checksum: it is dropped with a warning and synthesised again, never used. Entries in an older format are misses.
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

_MAGIC = b"TTS2"
_DIGEST = 32  # sha256
_OVERHEAD = len(_MAGIC) + _DIGEST + 4 + 60  # magic, checksum, header length, a typical header without marks
DEFAULT_LIMIT_MB = 4096


def chunk_key(engine: str, engine_identity: str, voice: str, speed: float, spoken: str) -> str:
    payload = json.dumps([engine, engine_identity, voice, round(speed, 3), spoken], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def limit_bytes() -> int:
    try:
        return int(float(os.environ.get("TTS_CACHE_LIMIT_MB", DEFAULT_LIMIT_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_LIMIT_MB * 1024 * 1024


def encode_entry(clip: Clip) -> bytes:
    from tts.audio import to_int16

    pcm = to_int16(clip.samples).tobytes()
    marks = [[m.start_char, m.end_char, m.start, m.end] for m in clip.marks]
    header = json.dumps({"rate": clip.sample_rate, "samples": len(pcm) // 2, "marks": marks}).encode()
    body = struct.pack("<I", len(header)) + header + pcm
    return _MAGIC + hashlib.sha256(body).digest() + body


def decode_entry(data: bytes) -> tuple[Clip | None, str]:
    """(clip, "") for an intact entry, else (None, what is wrong)."""
    import numpy as np

    start = len(_MAGIC) + _DIGEST
    if len(data) < start + 4:
        return None, f"{len(data)} bytes, too short"
    body = memoryview(data)[start:]
    if hashlib.sha256(body).digest() != data[len(_MAGIC) : start]:
        return None, "checksum mismatch"
    (size,) = struct.unpack_from("<I", body)
    try:
        header = json.loads(bytes(body[4 : 4 + size]))
        rate, count = int(header["rate"]), int(header["samples"])
        marks = tuple(Mark(int(a), int(b), float(s), float(e)) for a, b, s, e in header.get("marks", []))
    except (ValueError, KeyError, TypeError) as exc:
        return None, f"bad header: {exc}"
    if len(body) - 4 - size != 2 * count:
        return None, "sample count does not match"
    return Clip(np.frombuffer(data, dtype="<i2", offset=start + 4 + size), rate, marks), ""


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
        # One line per damaged entry met (dropped and synthesised again), for the run's warnings.
        self.warnings: list[str] = []

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pcm"

    def get(self, key: str) -> Clip | None:
        """The cached clip (int16 samples, read without conversion), or None when absent, old or damaged."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if not data.startswith(_MAGIC):
            return None  # an older format (or not ours): a miss, overwritten by the next put
        clip, problem = decode_entry(data)
        if clip is None:
            self.warnings.append(f"cache entry {path.name} is damaged ({problem}); synthesising it again")
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
        return clip

    def put(self, key: str, clip: Clip) -> None:
        atomic_write_bytes(self._path(key), encode_entry(clip))

    def _entries(self) -> list[os.DirEntry]:
        out: list[os.DirEntry] = []
        if not self.root.is_dir():
            return out
        for sub in os.scandir(self.root):
            if sub.is_dir():
                out += [e for e in os.scandir(sub.path) if e.name.endswith(".pcm")]
        return out

    def info(self) -> CacheInfo:
        entries = self._entries()
        size = sum(e.stat().st_size for e in entries)
        # A small header, then 16-bit samples; engines here speak at 24 kHz.
        seconds = sum(max(0, e.stat().st_size - _OVERHEAD) for e in entries) / 2 / 24_000
        return CacheInfo(self.root, len(entries), size, limit_bytes(), seconds)

    def clear(self) -> int:
        removed = 0
        for entry in self._entries():
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                pass
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
            total -= size
            removed += 1
        return removed


__all__ = ["CacheInfo", "ClipCache", "chunk_key", "decode_entry", "encode_entry", "limit_bytes"]
