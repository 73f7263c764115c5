"""Small sample-level helpers shared by engines: trimming and decoding."""

from __future__ import annotations


def trim_silence(samples, rate: int, threshold: float = 0.01, margin_s: float = 0.04):
    """Cut leading/trailing near-silence so the planned pauses, not the engine, set the rhythm."""
    import numpy as np

    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples
    margin = int(rate * margin_s)
    return samples[max(0, loud[0] - margin) : min(samples.size, loud[-1] + margin)]


def decode_mp3(data: bytes, rate: int):
    """MP3 bytes -> mono float32 samples at rate (through the project's ffmpeg)."""
    import numpy as np

    from tts.output.ffmpeg import decode_pcm_bytes

    pcm = decode_pcm_bytes(data, rate)
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32767


def to_int16(samples):
    """Samples as little-endian int16: float [-1, 1] is scaled, int16 passes through untouched."""
    import numpy as np

    if samples.dtype == np.int16:
        return samples
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
