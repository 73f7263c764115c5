"""The loudness policy, in one place: programme loudness (ITU-R BS.1770-4 / EBU R128) and a true-peak look-ahead
limiter, in numpy.

The whole episode gets one gain to the target integrated loudness; a limiter holds its *true* peaks (measured 4x
oversampled with the interpolation filter of BS.1770-4 Annex 2, as a meter does) under the ceiling, with room
where the codec will add noise (see CODEC_NOISE_FACTOR). So the encoded file meets the ceiling from the first
encode in the common case; the encode is checked once (ffmpeg's ebur128 on the decoded stream, alongside the encoder), and only
the rare programme the codec still pushes over gets the few milliseconds around the overshoot lowered and one more
encode. Everything works at block rate or through FFTs, so an hour of speech takes seconds, and nothing changes the
caller's track: `level` returns a new one.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tts.output.assemble import Track

if TYPE_CHECKING:
    import numpy as np

SEGMENT_S = 0.1  # 100 ms: four make a 400 ms gating block with 75 % overlap
LIMITER_BLOCK_S = 0.0025
RELEASE_DB_PER_S = 40.0
ATTACK_DB_PER_S = 400.0
# A lossy codec adds noise, and at 64 kbit/s mono it is loud (speech: ~18 dB under the signal, most of it in the
# upper bands): where it lands on a peak the decoded file peaks 1-3 dB higher than what went in, and a flat
# margin does not help (the lower the limiter's ceiling, the more peaks sit just under it for the noise to lift).
# So the limiter holds true peak + CODEC_NOISE_FACTOR x the local level of the high bands (the first difference's
# RMS over about an MP3 granule either side) under the ceiling: it gives way where the codec will add most.
# benchmarks/codec_overshoot.py (-> benchmarks/results/codec_overshoot.json), ceiling -1 dBTP, encoded true peak
# MP3 / M4B at factor 0, 1.5, 2: the hour -0.4/-0.4, -1.4/-1.4, -1.7/-1.5; a held-out article -0.7/-0.5,
# -1.4/-1.6, -1.4/-1.7. 1.75 leaves room for the encoder's run-to-run scatter (~0.3 dB) without limiting
# harder than needed (the hour reads -1.7 to -1.8 dBTP at 2.0, so 0.5 dB more limiting than it takes).
CODEC_NOISE_FACTOR = {"mp3": 1.75, "m4b": 1.75}
NOISE_SPREAD_S = 0.015
# A corrective pass (rare) levels again with CORRECTION_FACTOR_STEP more codec-noise allowance, and lowers every spot
# the codec took within NEAR_MISS_DB of the ceiling, not only those over it: the next encode adds fresh noise
# everywhere, and a near miss is the likeliest next overshoot.
CORRECTION_FACTOR_STEP = 1.5
NEAR_MISS_DB = 1.0

# ITU-R BS.1770-4 Annex 2: the 48-tap interpolation filter as 4 phases of 12 taps (phase p estimates the
# signal p/4 of a sample after the 7th tap's sample).
TRUE_PEAK_PHASES = (
    (
        0.0017089843750,
        0.0109863281250,
        -0.0196533203125,
        0.0332031250000,
        -0.0594482421875,
        0.1373291015625,
        0.9721679687500,
        -0.1022949218750,
        0.0476074218750,
        -0.0266113281250,
        0.0148925781250,
        -0.0083007812500,
    ),
    (
        -0.0291748046875,
        0.0292968750000,
        -0.0517578125000,
        0.0891113281250,
        -0.1665039062500,
        0.4650878906250,
        0.7797851562500,
        -0.2003173828125,
        0.1015625000000,
        -0.0582275390625,
        0.0330810546875,
        -0.0189208984375,
    ),
    (
        -0.0189208984375,
        0.0330810546875,
        -0.0582275390625,
        0.1015625000000,
        -0.2003173828125,
        0.7797851562500,
        0.4650878906250,
        -0.1665039062500,
        0.0891113281250,
        -0.0517578125000,
        0.0292968750000,
        -0.0291748046875,
    ),
    (
        -0.0083007812500,
        0.0148925781250,
        -0.0266113281250,
        0.0476074218750,
        -0.1022949218750,
        0.9721679687500,
        0.1373291015625,
        -0.0594482421875,
        0.0332031250000,
        -0.0196533203125,
        0.0109863281250,
        0.0017089843750,
    ),
)


def k_weighting(rate: int):
    """The K-weighting filter at `rate` as two biquads (b, a): the high shelf, then the high pass, designed as
    libebur128 and ffmpeg's ebur128 do (at 48 kHz these are the coefficients printed in BS.1770-4)."""
    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (
        [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0],
        [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0],
    )
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    high_pass = ([1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    return shelf, high_pass


def k_weighting_gain(rate: int, n: int):
    """|H(f)|^2 of the K-weighting filter at the rfft bins of n samples."""
    import numpy as np

    z = np.exp(-1j * 2 * np.pi * np.fft.rfftfreq(n))  # z^-1 on the unit circle
    h = np.ones_like(z)
    for b, a in k_weighting(rate):
        h *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    return np.abs(h) ** 2


def segment_energy(samples, rate: int, chunk_segments: int = 64):
    """Mean square of the K-weighted signal per 100 ms segment, from each segment's spectrum (Parseval): the
    filter's response lasts a few milliseconds, so filtering each segment on its own moves well under 0.1 LU,
    and an hour takes about a second."""
    import numpy as np

    seg = int(rate * SEGMENT_S)
    weight = k_weighting_gain(rate, seg).astype(np.float32)
    weight[1 : (seg + 1) // 2] *= 2  # the bins rfft folds: both halves of the spectrum
    weight /= np.float32(seg * seg)
    count = len(samples) // seg
    energy = np.zeros(count, dtype=np.float64)
    for first in range(0, count, chunk_segments):
        last = min(count, first + chunk_segments)
        x = np.asarray(samples[first * seg : last * seg], dtype=np.float32).reshape(-1, seg) * np.float32(1 / 32768)
        spectrum = np.fft.rfft(x, axis=1)
        energy[first:last] = (spectrum.real**2 + spectrum.imag**2) @ weight
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


def true_peak_blocks(samples, block: int, chunk: int = 1 << 15):
    """Largest absolute value per block of `block` samples, of the samples and of the signal between them
    (4x oversampled with the BS.1770-4 Annex 2 filter), in full scale (1.0 = int16 full scale). Phase 0 of the
    filter estimates the sample instants themselves, where the samples are exact, so the samples stand in for
    it. Float32, in small chunks that stay in the CPU cache: about a second for an hour at 24 kHz."""
    import numpy as np

    taps = np.asarray(TRUE_PEAK_PHASES[1:], dtype=np.float32)
    hist = taps.shape[1] - 1
    count = -(-len(samples) // block)
    chunk = max(block, chunk // block * block)
    peak = np.zeros(count, dtype=np.float32)
    buf = np.zeros(hist + chunk, dtype=np.float32)  # the previous chunk's last samples, then this chunk
    acc, tmp, top = (np.empty(chunk, dtype=np.float32) for _ in range(3))
    for start in range(0, len(samples), chunk):
        n = min(chunk, len(samples) - start)
        x = buf[hist : hist + n]
        np.multiply(samples[start : start + n], np.float32(1 / 32768), out=x)
        t, a, b = top[:n], acc[:n], tmp[:n]
        np.abs(x, out=t)
        for phase in taps:  # a[i] = sum_k h[k] * x[i - k]
            np.multiply(x, phase[0], out=a)
            for k in range(1, hist + 1):
                np.multiply(buf[hist - k : hist - k + n], phase[k], out=b)
                a += b
            np.maximum(t, np.abs(a, out=a), out=t)
        buf[:hist] = buf[n : n + hist]
        whole = n // block * block
        first = start // block
        peak[first : first + whole // block] = t[:whole].reshape(-1, block).max(axis=1)
        if whole < n:
            peak[first + whole // block] = t[whole:].max()
    # The filter's centre lags its input by half its length: a peak shows up to 6 samples late; move it back
    # (by whole blocks is enough: the limiter's attack and the guard below cover the rest).
    lag = -(-(hist // 2 + 1) // block)
    if lag:
        peak[:-lag] = np.maximum(peak[:-lag], peak[lag:])
    return peak


def codec_noise_blocks(samples, block: int, spread: int, chunk: int = 1 << 20):
    """Per block, the RMS of the first difference (a plain high-pass: codec noise follows the upper bands),
    the largest within `spread` blocks either side, in full scale."""
    import numpy as np

    count = -(-len(samples) // block)
    rms = np.zeros(count, dtype=np.float32)
    chunk = max(block, chunk // block * block)
    last = np.float32(0)
    for start in range(0, len(samples), chunk):
        x = np.asarray(samples[start : start + chunk], dtype=np.float32) / 32768
        d = np.diff(x, prepend=last)
        last = x[-1]
        d = np.pad(d, (0, (-len(d)) % block))
        rms[start // block : start // block + len(d) // block] = np.sqrt((d * d).reshape(-1, block).mean(axis=1))
    out = rms.copy()
    for k in range(1, spread + 1):  # a running maximum, k blocks either way
        np.maximum(out[k:], rms[:-k], out=out[k:])
        np.maximum(out[:-k], rms[k:], out=out[:-k])
    return out


def limiter_envelope(samples, rate: int, noise_factor: float):
    """What the limiter holds under its ceiling, per block: the true peak, plus noise_factor x the codec-noise
    estimate."""
    n = max(1, int(rate * LIMITER_BLOCK_S))
    peak = true_peak_blocks(samples, n)
    if noise_factor:
        peak = peak + noise_factor * codec_noise_blocks(samples, n, max(1, round(NOISE_SPREAD_S / LIMITER_BLOCK_S)))
    return peak


def true_peak_dbtp(samples) -> float:
    """True peak of int16 samples in dBTP."""
    import numpy as np

    peak = float(true_peak_blocks(samples, 4096).max(initial=0.0))
    return float(20 * np.log10(max(peak, 1e-9)))


def limiter_gains(peak, block: int, gain: float, limit: float):
    """Per-block linear gains (≤ 1) that keep gain·peak under limit, with look-ahead attack and smooth release."""
    import numpy as np

    need_db = np.minimum(0.0, 20 * np.log10(limit / np.maximum(peak * gain, 1e-9)))
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
    return 10 ** (guarded / 20)


@dataclass(frozen=True)
class GainPlan:
    gain: float  # overall linear gain
    blocks: np.ndarray  # limiter gains per block (≤ 1)
    block_size: int
    input_lufs: float
    output_lufs: float

    def gains(self, start: int, stop: int):
        """Per-sample gains of [start, stop): linear from each block's start to the next (a block's guarded
        gain is no more than its neighbours allow, so every sample stays under the limit)."""
        import numpy as np

        n = self.block_size
        first, last = start // n, -(-stop // n)
        knots = np.asarray(self.blocks[first : last + 1], dtype=np.float32)
        if len(knots) < last - first + 1:
            knots = np.append(
                knots, np.full(last - first + 1 - len(knots), knots[-1] if len(knots) else 1.0, dtype=np.float32)
            )
        ramp = np.arange(n, dtype=np.float32) / np.float32(n)
        g = knots[:-1, None] + (knots[1:] - knots[:-1])[:, None] * ramp[None, :]
        return g.ravel()[start - first * n : stop - first * n] * np.float32(self.gain)

    def apply(self, samples, start: int = 0, stop: int | None = None):
        """The processed int16 samples of [start, stop) (a new array)."""
        import numpy as np

        stop = len(samples) if stop is None else stop
        y = np.asarray(samples[start:stop], dtype=np.float32) * self.gains(start, stop)
        return np.clip(y, -32768, 32767, out=y).astype("<i2")

    def apply_all(self, samples, chunk: int = 1 << 16):
        import numpy as np

        out = np.empty(len(samples), dtype="<i2")
        for start in range(0, len(samples), chunk):
            stop = min(len(samples), start + chunk)
            out[start:stop] = self.apply(samples, start, stop)
        return out


def plan_gain(
    samples,
    rate: int,
    target_lufs: float,
    limit_dbtp: float,
    energy=None,
    noise_factor: float = 0.0,
    envelope=None,
    weights=None,
) -> GainPlan:
    """One gain for the programme and the limiter's block gains, so that it measures target_lufs with true
    peaks (plus noise_factor x the codec-noise estimate) under limit_dbtp."""
    import numpy as np

    energy = segment_energy(samples, rate) if energy is None else energy
    measured = integrated_lufs(energy)
    n = max(1, int(rate * LIMITER_BLOCK_S))
    if measured <= -69:  # silence: nothing to normalise
        return GainPlan(1.0, np.ones(max(1, -(-len(samples) // n))), n, measured, measured)
    peak = limiter_envelope(samples, rate, noise_factor) if envelope is None else envelope
    limit = 10 ** (limit_dbtp / 20)
    gain = 10 ** ((target_lufs - measured) / 20)
    seg = int(rate * SEGMENT_S)
    weights = block_energy(samples, n) if weights is None else weights
    achieved = measured
    for _ in range(4):  # the limiter lowers loudness a little: raise the gain to make up for it
        blocks = limiter_gains(peak, n, gain, limit)
        achieved = integrated_lufs(energy, _segment_gain_sq(blocks, weights, n, seg, len(energy)) * gain**2)
        if abs(achieved - target_lufs) < 0.05:
            break
        gain *= 10 ** ((target_lufs - achieved) / 20)
    return GainPlan(gain, blocks, n, measured, achieved)


def block_energy(samples, block: int, chunk: int = 1 << 16):
    """Sum of squares per block (unweighted): how much each block counts within its segment's loudness."""
    import numpy as np

    count = -(-len(samples) // block)
    out = np.zeros(count, dtype=np.float32)
    chunk = max(block, chunk // block * block)
    for start in range(0, len(samples), chunk):
        x = np.asarray(samples[start : start + chunk], dtype=np.float32) * np.float32(1 / 32768)
        x = np.pad(x, (0, (-len(x)) % block))
        out[start // block : start // block + len(x) // block] = (x * x).reshape(-1, block).sum(axis=1)
    return out


def _segment_gain_sq(blocks, weights, n: int, seg: int, segments: int):
    """Per 100 ms segment, the limiter's squared gain averaged over its blocks, weighted by their energy: the
    limiter works on the loud blocks, which carry most of a segment's loudness."""
    import numpy as np

    per = seg // n
    if per * n != seg:  # blocks do not tile segments (odd rates): fall back to the gain at each segment's centre
        centres = (np.arange(segments) + 0.5) * seg
        return np.interp(centres, np.arange(len(blocks)) * n, blocks) ** 2
    g2 = np.asarray(blocks[: segments * per], dtype=np.float64) ** 2
    w = np.asarray(weights[: segments * per], dtype=np.float64) + 1e-12
    return (g2 * w).reshape(segments, per).sum(axis=1) / w.reshape(segments, per).sum(axis=1)


@dataclass(frozen=True)
class Levelled:
    track: Track  # a new track; the input is left as it was
    measured: dict[str, float]


def level(
    track: Track,
    target_lufs: float,
    ceiling_dbtp: float,
    container: str = "mp3",
    bitrate: str = "64k",
    out_rate: int = 44_100,
    extra_factor: float = 0.0,
) -> Levelled:
    """The track at target_lufs as the encoded file will measure, its true peaks plus the codec-noise allowance
    (CODEC_NOISE_FACTOR, plus extra_factor on a corrective pass) held under ceiling_dbtp. The codec's own effect on
    loudness (-0.2 to -0.5 LU for speech at 64 kbit/s) is measured on a one-minute excerpt encoded in memory,
    and made up."""
    import numpy as np

    rate = track.sample_rate
    factor = CODEC_NOISE_FACTOR.get(container, max(CODEC_NOISE_FACTOR.values())) + extra_factor
    with ThreadPoolExecutor(max_workers=3) as pool:  # numpy lets go of the GIL: the three passes share the cores
        energy = pool.submit(segment_energy, track.pcm, rate)
        envelope = pool.submit(limiter_envelope, track.pcm, rate, factor)
        weights = pool.submit(block_energy, track.pcm, max(1, int(rate * LIMITER_BLOCK_S)))
        energy, envelope, weights = energy.result(), envelope.result(), weights.result()
    plan = plan_gain(track.pcm, rate, target_lufs, ceiling_dbtp, energy=energy, envelope=envelope, weights=weights)
    loss = 0.0
    if plan.input_lufs > -69:
        loss = codec_loss(track.pcm, rate, plan, "aac" if container == "m4b" else "mp3", bitrate, out_rate)
        if abs(loss) >= 0.1:
            plan = plan_gain(
                track.pcm, rate, target_lufs + loss, ceiling_dbtp, energy=energy, envelope=envelope, weights=weights
            )
    measured = {
        "input_lufs": round(plan.input_lufs, 2),
        "gain_db": round(float(20 * np.log10(plan.gain)), 2),
        "codec_loss_lu": round(loss, 2),
        "codec_noise_factor": factor,
        "limited_blocks": int((np.asarray(plan.blocks) < 0.999).sum()),
    }
    return Levelled(replace(track, pcm=plan.apply_all(track.pcm)), measured)


def codec_loss(
    samples, rate: int, plan: GainPlan, codec: str, bitrate: str, out_rate: int, spans: int = 20, span_s: float = 3.0
) -> float:
    """How much quieter (LU) the codec makes the levelled programme: spans spread through it, levelled, encoded
    in memory and measured by ffmpeg's ebur128 (the meter the file will be judged by) against the target."""
    import numpy as np

    from tts.output.ffmpeg import encode_to

    width = int(rate * span_s)
    if len(samples) <= width * spans * 2:
        cuts = [(0, len(samples))]
    else:
        cuts = [(int(s), int(s) + width) for s in np.linspace(0, len(samples) - width, spans)]
    excerpt = np.concatenate([plan.apply(samples, a, b) for a, b in cuts])
    ours = integrated_lufs(segment_energy(excerpt, rate))
    heard = encode_to(excerpt, rate, None, codec=codec, bitrate=bitrate, out_rate=out_rate)
    return ours - heard["integrated_lufs"]


def overshoots(decoded_chunks, rate: int, threshold_dbtp: float, block_s: float = 0.001):
    """Where a decoded file's true peak passes threshold_dbtp: (sample indices at `rate`, true peak there in dBTP)."""
    import numpy as np

    block = max(1, int(rate * block_s))
    limit = 10 ** (threshold_dbtp / 20)
    where, levels, offset, tail = [], [], 0, np.zeros(0, dtype="<i2")
    for data in decoded_chunks:
        chunk = np.concatenate([tail, np.frombuffer(data, dtype="<i2")])
        whole = len(chunk) // block * block
        peak = true_peak_blocks(chunk[:whole], block) if whole else np.zeros(0, dtype=np.float32)
        over = np.flatnonzero(peak > limit)
        where.append(offset + over * block + block // 2)
        levels.append(20 * np.log10(peak[over]))
        offset += whole
        tail = chunk[whole:]
    if not where:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(where), np.concatenate(levels)


def duck(track: Track, centres, reductions_db, radius_s: float = 0.02, ramp_s: float = 0.005) -> Track:
    """A copy of the track with short regions around `centres` (sample indices) lowered by reductions_db (one
    each), with ramps: the rare-case correction of codec overshoot."""
    import numpy as np

    samples = np.array(track.pcm, dtype="<i2", copy=True)
    rate = track.sample_rate
    radius, ramp = int(rate * radius_s), max(1, int(rate * ramp_s))
    # Merge nearby centres into regions (keeping the deepest reduction), then shape each region on its own.
    regions: list[list[float]] = []
    order = np.argsort(np.asarray(centres, dtype=np.int64), kind="stable")
    for c, r in zip(np.asarray(centres, dtype=np.int64)[order].tolist(), np.asarray(reductions_db)[order].tolist()):
        lo, hi = max(0, c - radius), min(len(samples), c + radius)
        if regions and lo <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], hi)
            regions[-1][2] = max(regions[-1][2], r)
        else:
            regions.append([lo, hi, r])
    for lo, hi, reduction in regions:
        lo, hi = int(lo), int(hi)
        factor = 10 ** (-reduction / 20)
        shape = np.full(hi - lo, factor, dtype=np.float32)
        n = min(ramp, len(shape) // 2)
        if n:
            edge = np.linspace(1.0, factor, n, dtype=np.float32)
            shape[:n], shape[-n:] = edge, edge[::-1]
        samples[lo:hi] = np.clip(samples[lo:hi].astype(np.float32) * shape, -32768, 32767).astype("<i2")
    return replace(track, pcm=samples)
