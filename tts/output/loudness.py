"""Programme loudness (ITU-R BS.1770 / EBU R128) and a look-ahead peak limiter, in numpy.

The whole episode gets one gain to the target integrated loudness; a limiter holds peaks under the true-peak
ceiling. Everything works on arrays at block rate or through FFTs, so an hour of speech takes seconds and the
encoder then runs without filters (ffmpeg's loudnorm resamples to 192 kHz and is several times slower).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SEGMENT_S = 0.1  # 100 ms: four make a 400 ms gating block with 75 % overlap
LIMITER_BLOCK_S = 0.0025
RELEASE_DB_PER_S = 40.0
ATTACK_DB_PER_S = 400.0
SAMPLE_MARGIN_DB = 2.0  # sample peaks are held this far under the ceiling: inter-sample and codec overshoot (measured ~1-2 dB for MP3)


def _biquad_response(b, a, n: int):
    import numpy as np

    x = np.zeros(n)
    x[0] = 1.0
    y = np.zeros(n)
    x1 = x2 = y1 = y2 = 0.0
    for i in range(n):
        y[i] = (b[0] * x[i] + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2) / a[0]
        x2, x1, y2, y1 = x1, x[i], y1, y[i]
    return y


def k_weighting_ir(rate: int, n: int = 4096):
    """Impulse response of the K-weighting filter (high shelf, then high pass) at `rate`."""
    import numpy as np

    gain, q1, fc1 = 3.999843853973347, 0.7071752369554196, 1681.974450955533
    a_ = 10 ** (gain / 40)
    w0 = 2 * math.pi * fc1 / rate
    alpha = math.sin(w0) / (2 * q1)
    c, sa = math.cos(w0), 2 * math.sqrt(a_) * alpha
    shelf_b = [a_ * ((a_ + 1) + (a_ - 1) * c + sa), -2 * a_ * ((a_ - 1) + (a_ + 1) * c), a_ * ((a_ + 1) + (a_ - 1) * c - sa)]
    shelf_a = [(a_ + 1) - (a_ - 1) * c + sa, 2 * ((a_ - 1) - (a_ + 1) * c), (a_ + 1) - (a_ - 1) * c - sa]
    q2, fc2 = 0.5003270373238773, 38.13547087602444
    w0 = 2 * math.pi * fc2 / rate
    alpha, c = math.sin(w0) / (2 * q2), math.cos(w0)
    hp_b = [(1 + c) / 2, -(1 + c), (1 + c) / 2]
    hp_a = [1 + alpha, -2 * c, 1 - alpha]
    shelf = _biquad_response(shelf_b, shelf_a, n)
    return np.convolve(shelf, _biquad_response(hp_b, hp_a, n))[:n]


def segment_energy(samples, rate: int):
    """Mean square of the K-weighted signal per 100 ms segment (overlap-add FFT convolution, chunk by chunk,
    so an hour of speech needs tens of megabytes, not gigabytes)."""
    import numpy as np

    ir = k_weighting_ir(rate)
    seg = int(rate * SEGMENT_S)
    size = 1 << 15  # small FFTs stay in cache: about 3 s per hour of audio
    while size - len(ir) + 1 < seg:
        size <<= 1
    block = seg * ((size - len(ir) + 1) // seg)  # whole segments per chunk
    spectrum = np.fft.rfft(ir, size)
    count = len(samples) // seg
    energy = np.zeros(count, dtype=np.float64)
    tail = np.zeros(len(ir) - 1)
    for start in range(0, count * seg, block):
        x = np.asarray(samples[start : min(start + block, count * seg)], dtype=np.float64) / 32768
        y = np.fft.irfft(np.fft.rfft(x, size) * spectrum, size)[: len(x) + len(ir) - 1]
        y[: len(tail)] += tail[: len(y)]
        tail = y[len(x) :].copy()
        energy[start // seg : start // seg + len(x) // seg] = (y[: len(x)] ** 2).reshape(-1, seg).mean(axis=1)
    return energy


def integrated_lufs(energy, gain_sq=None) -> float:
    """Gated integrated loudness from 100 ms segment energies (optionally scaled per segment)."""
    import numpy as np

    e = energy if gain_sq is None else energy * gain_sq
    if len(e) < 4:
        return -70.0
    blocks = (e[:-3] + e[1:-2] + e[2:-1] + e[3:]) / 4
    loud = -0.691 + 10 * np.log10(np.maximum(blocks, 1e-12))
    above = blocks[loud > -70]
    if not len(above):
        return -70.0
    relative = -0.691 + 10 * np.log10(above.mean()) - 10
    gated = blocks[(loud > -70) & (loud > relative)]
    return float(-0.691 + 10 * np.log10(gated.mean()))


@dataclass(frozen=True)
class Envelopes:
    """Per-block peak level, computed once per programme and reused by every limiter iteration."""

    peak: object
    block_size: int


def envelopes(samples, rate: int, chunk_blocks: int = 1 << 14) -> Envelopes:
    import numpy as np

    n = max(1, int(rate * LIMITER_BLOCK_S))
    blocks = -(-len(samples) // n)
    peak = np.zeros(blocks)
    for b0 in range(0, blocks, chunk_blocks):
        lo, hi = b0 * n, min(len(samples), (b0 + chunk_blocks) * n)
        x = np.asarray(samples[lo:hi], dtype=np.int32)
        frames = np.pad(x, (0, (-len(x)) % n)).reshape(-1, n)
        peak[b0 : b0 + len(frames)] = np.abs(frames).max(axis=1) / 32768
    return Envelopes(peak, n)


def limiter_gains(env: Envelopes, gain: float, limit: float):
    """Per-block linear gains (≤ 1) that keep gain·|x| under limit, with look-ahead attack and smooth release."""
    import numpy as np

    n = env.block_size
    need_db = np.minimum(0.0, 20 * np.log10(limit / np.maximum(env.peak * gain, 1e-9)))
    idx = np.arange(len(need_db))
    release = RELEASE_DB_PER_S * LIMITER_BLOCK_S
    attack = ATTACK_DB_PER_S * LIMITER_BLOCK_S
    # g[i] = min(need[i], g[i-1] + release) == i*r + cummin(need[k] - k*r): the release recursion, vectorised.
    forward = idx * release + np.minimum.accumulate(need_db - idx * release)
    # The same backwards with the attack slope: gain falls before a peak arrives (look-ahead).
    rev = forward[::-1]
    backward = (idx * attack + np.minimum.accumulate(rev - idx * attack))[::-1]
    smooth = np.minimum(forward, backward)
    # Samples between block centres get interpolated gains: take each block's smaller neighbour so that no
    # sample near a block edge is let through louder than its own block allows.
    guarded = np.minimum(smooth, np.minimum(np.roll(smooth, 1), np.roll(smooth, -1)))
    return 10 ** (guarded / 20), n


def peaks_over(samples, ceiling_dbtp: float):
    """Indices of samples louder than the ceiling (sample peaks of a decoded file)."""
    import numpy as np

    limit = int(32768 * 10 ** (ceiling_dbtp / 20))
    found = []
    for start in range(0, len(samples), 1 << 20):  # in chunks: an hour decoded is 160 M samples
        chunk = np.asarray(samples[start : start + (1 << 20)])
        found.append(np.flatnonzero((chunk > limit) | (chunk < -limit)) + start)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def duck(samples, rate: int, centres, reduction_db: float, radius_s: float = 0.02, ramp_s: float = 0.005) -> None:
    """Lower short regions around `centres` (sample indices) in place, with ramps, to take out codec overshoot."""
    import numpy as np

    radius, ramp = int(rate * radius_s), max(1, int(rate * ramp_s))
    factor = 10 ** (-reduction_db / 20)
    # Merge nearby centres into regions, then shape each region's gain on its own (no full-length array).
    regions: list[list[int]] = []
    for c in np.unique(np.asarray(centres, dtype=np.int64)).tolist():
        lo, hi = max(0, c - radius), min(len(samples), c + radius)
        if regions and lo <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], hi)
        else:
            regions.append([lo, hi])
    for lo, hi in regions:
        shape = np.full(hi - lo, factor, dtype=np.float32)
        n = min(ramp, len(shape) // 2)
        if n:
            edge = np.linspace(1.0, factor, n, dtype=np.float32)
            shape[:n], shape[-n:] = edge, edge[::-1]
        samples[lo:hi] = np.clip(np.asarray(samples[lo:hi], dtype=np.float32) * shape, -32768, 32767).astype("<i2")


@dataclass(frozen=True)
class GainPlan:
    gain: float  # overall linear gain
    blocks: object  # limiter gains per block (numpy array, ≤ 1)
    block_size: int
    input_lufs: float
    output_lufs: float

    def apply(self, samples, start: int = 0, stop: int | None = None):
        """The processed int16 samples of [start, stop) (a new array)."""
        import numpy as np

        stop = len(samples) if stop is None else stop
        centres = (np.arange(len(self.blocks)) + 0.5) * self.block_size
        g = np.interp(np.arange(start, stop), centres, self.blocks) * self.gain
        return np.clip(np.asarray(samples[start:stop], dtype=np.float32) * g, -32768, 32767).astype("<i2")


def plan_gain(samples, rate: int, target_lufs: float, ceiling_dbtp: float, margin_db: float = SAMPLE_MARGIN_DB,
              energy=None) -> GainPlan:
    """One gain for the programme and the limiter's block gains, so that it measures target_lufs."""
    import numpy as np

    energy = segment_energy(samples, rate) if energy is None else energy
    measured = integrated_lufs(energy)
    env = envelopes(samples, rate)
    n = env.block_size
    if measured <= -69:  # silence: nothing to normalise
        return GainPlan(1.0, np.ones(max(1, len(samples) // n + 1)), n, measured, measured)
    limit = 10 ** ((ceiling_dbtp - margin_db) / 20)
    gain = 10 ** ((target_lufs - measured) / 20)
    seg = int(rate * SEGMENT_S)
    achieved = measured
    for _ in range(4):  # the limiter lowers loudness a little: raise the gain to make up for it
        blocks, n = limiter_gains(env, gain, limit)
        achieved = integrated_lufs(energy, _segment_gain_sq(blocks, n, seg, len(energy)) * gain**2)
        if abs(achieved - target_lufs) < 0.05:
            break
        gain *= 10 ** ((target_lufs - achieved) / 20)
    return GainPlan(gain, blocks, n, measured, achieved)


def _segment_gain_sq(blocks, n: int, seg: int, segments: int):
    """Mean squared limiter gain per 100 ms segment, from block gains (no per-sample array)."""
    import numpy as np

    centres = (np.arange(segments) + 0.5) * seg
    return np.interp(centres, (np.arange(len(blocks)) + 0.5) * n, blocks) ** 2


def excerpt_spans(samples, rate: int, plan: GainPlan, count: int = 20, seconds: float = 3.0) -> list[tuple[int, int]]:
    """Short spans that represent the programme for a trial encode: where the limiter works hardest (where a
    codec's overshoot shows first), plus spans spread evenly through it."""
    import numpy as np

    width = int(rate * seconds)
    windows = len(samples) // width
    if windows <= count * 2:
        return [(0, len(samples))]
    per_window = width // plan.block_size
    score = (np.asarray(plan.blocks[: windows * per_window]) < 0.999).reshape(windows, per_window).sum(axis=1)
    hardest = set(np.argsort(score)[-(count * 2) // 3 :].tolist())
    spread = set(np.linspace(0, windows - 1, count - len(hardest)).astype(int).tolist())
    return [(w * width, (w + 1) * width) for w in sorted(hardest | spread)]
