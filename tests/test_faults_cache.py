"""Fault suite, cache: every entry carries a checksum; a damaged entry is never used (issue 12, item 2)."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from tts.model import Clip, Mark
from tts.speech.cache import ClipCache, decode_entry, encode_entry

KEY = "ab" + "0" * 62


def _clip() -> Clip:
    rng = np.random.default_rng(3)
    samples = (rng.standard_normal(24_000) * 3000).astype("<i2")
    return Clip(samples, 24_000, (Mark(0, 2, 0.05, 0.41), Mark(2, 5, 0.41, 0.93)))


def test_an_entry_round_trips_with_its_marks(tmp_path):
    cache = ClipCache(tmp_path)
    clip = _clip()
    cache.put(KEY, clip)
    back = cache.get(KEY)
    assert back is not None and back.sample_rate == 24_000 and back.marks == clip.marks
    assert np.array_equal(back.samples, clip.samples)
    assert cache.warnings == []


def _damaged_variants(data: bytes) -> dict[str, bytes]:
    rng = np.random.default_rng(11)
    variants = {
        "truncated-even": data[: (len(data) * 3 // 4) & ~1],
        "truncated-odd": data[: len(data) - 1],
        "truncated-header": data[:30],
        "appended": data + b"\0\0",
    }
    for n, where in enumerate(rng.integers(4, len(data), size=6)):  # bit flips anywhere after the magic
        flipped = bytearray(data)
        flipped[where] ^= 1 << (n % 8)
        variants[f"bitflip-{where}"] = bytes(flipped)
    return variants


@pytest.mark.parametrize("kind", list(_damaged_variants(encode_entry(_clip()))))
def test_a_damaged_entry_is_never_used_and_says_so(tmp_path, kind):
    cache = ClipCache(tmp_path)
    cache.put(KEY, _clip())
    path = cache._path(KEY)
    path.write_bytes(_damaged_variants(path.read_bytes())[kind])
    assert cache.get(KEY) is None
    assert len(cache.warnings) == 1 and "damaged" in cache.warnings[0]
    assert not path.exists()  # dropped, so the next put stores a whole entry


def test_every_single_bit_flip_in_a_small_entry_is_caught():
    data = encode_entry(Clip(np.arange(-50, 50, dtype="<i2"), 24_000, (Mark(0, 1, 0.0, 0.001),)))
    for byte in range(4, len(data)):  # the magic itself is checked separately (old-format path)
        for bit in range(8):
            flipped = bytearray(data)
            flipped[byte] ^= 1 << bit
            clip, problem = decode_entry(bytes(flipped))
            assert clip is None and problem, (byte, bit)


def test_an_old_format_entry_is_a_quiet_miss(tmp_path):
    cache = ClipCache(tmp_path)
    path = cache._path(KEY)
    path.parent.mkdir(parents=True)
    path.write_bytes(
        b"TTSC" + struct.pack("<I", 24_000) + np.zeros(100, "<i2").tobytes()
    )  # the format before checksums
    assert cache.get(KEY) is None and cache.warnings == []
    cache.put(KEY, _clip())
    assert cache.get(KEY) is not None
