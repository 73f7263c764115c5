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
from dataclasses import dataclass, replace

from tts.output.assemble import Track

SEGMENT_S = 0.1  # 100 ms: four make a 400 ms gating block with 75 % overlap
LIMITER_BLOCK_S = 0.0025
RELEASE_DB_PER_S = 40.0
ATTACK_DB_PER_S = 400.0
# A lossy codec adds noise, and at 64 kbit/s mono it is loud (speech: ~18 dB under the signal, most of it in the
# upper bands): where it lands on a peak the decoded file peaks 1-3 dB higher than what went in, and a flat
# margin does not help (the lower the limiter's ceiling, the more peaks sit just under it for the noise to lift).
# So the limiter holds true peak + CODEC_NOISE_FACTOR x the local level of the high bands (the first difference's
# RMS over about an MP3 granule either side) under the ceiling: it gives way where the codec will add most.
# Measured with benchmarks/codec_overshoot.py (benchmarks/results/codec_overshoot.json).
CODEC_NOISE_FACTOR = {"mp3": 1.5, "m4b": 1.5}
NOISE_SPREAD_S = 0.015
# The correction lowers every spot the codec took within NEAR_MISS_DB of the ceiling, not only those over it:
# the next encode adds fresh noise everywhere, and a near miss is the likeliest next overshoot.
NEAR_MISS_DB = 1.0

# ITU-R BS.1770-4 Annex 2: the 48-tap interpolation filter as 4 phases of 12 taps (phase p estimates the
# signal p/4 of a sample after the 7th tap's sample).
TRUE_PEAK_PHASES = (
    (0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
     0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500),
    (-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
     0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375),
    (-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
     0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875),
    (-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
     0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750),
)


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


def true_peak_blocks(samples, block: int, chunk: int = 1 << 20):
    """Largest absolute value per block of `block` samples, of the samples and of the signal between them
    (4x oversampled, BS.1770-4 Annex 2), in full scale (1.0 = int16 full scale). Chunk by chunk, float32:
    about 2 s for an hour at 24 kHz."""
    import numpy as np

    taps = np.asarray(TRUE_PEAK_PHASES, dtype=np.float32)
    width = taps.shape[1]
    count = -(-len(samples) // block)
    chunk = max(block, chunk // block * block)
    peak = np.zeros(count, dtype=np.float32)
    history = np.zeros(width - 1, dtype=np.float32)
    for start in range(0, len(samples), chunk):
        x = np.asarray(samples[start : start + chunk], dtype=np.float32) / 32768
        padded = np.concatenate([history, x])
        n = len(x)
        top = np.abs(x)
        for phase in taps:
            acc = np.zeros(n, dtype=np.float32)
            for k, h in enumerate(phase):  # y[i] = sum_k h[k] * x[i - k], x ending at the current sample
                acc += h * padded[width - 1 - k : width - 1 - k + n]
            np.maximum(top, np.abs(acc, out=acc), out=top)
        history = padded[-(width - 1) :].copy()
        top = np.pad(top, (0, (-n) % block))
        first = start // block
        peak[first : first + len(top) // block] = top.reshape(-1, block).max(axis=1)
    # The filter's centre lags its input by half its length: a peak shows up to 6 samples late; move it back
    # (by whole blocks is enough: the limiter's attack and the guard below cover the rest).
    lag = -(-(width // 2) // block)
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
    blocks: object  # limiter gains per block (numpy array, ≤ 1)
    block_size: int
    input_lufs: float
    output_lufs: float

    def apply(self, samples, start: int = 0, stop: int | None = None):
        """The processed int16 samples of [start, stop) (a new array)."""
        import numpy as np

        stop = len(samples) if stop is None else stop
        centres = (np.arange(len(self.blocks)) + 0.5) * self.block_size
        g = np.interp(np.arange(start, stop), centres, self.blocks).astype(np.float32) * np.float32(self.gain)
        return np.clip(np.asarray(samples[start:stop], dtype=np.float32) * g, -32768, 32767).astype("<i2")

    def apply_all(self, samples, chunk: int = 1 << 20):
        import numpy as np

        out = np.empty(len(samples), dtype="<i2")
        for start in range(0, len(samples), chunk):
            stop = min(len(samples), start + chunk)
            out[start:stop] = self.apply(samples, start, stop)
        return out


def plan_gain(samples, rate: int, target_lufs: float, limit_dbtp: float, energy=None, noise_factor: float = 0.0,
              envelope=None) -> GainPlan:
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
    achieved = measured
    for _ in range(4):  # the limiter lowers loudness a little: raise the gain to make up for it
        blocks = limiter_gains(peak, n, gain, limit)
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


@dataclass(frozen=True)
class Levelled:
    track: Track  # a new track; the input is left as it was
    measured: dict[str, float]


def level(track: Track, target_lufs: float, ceiling_dbtp: float, container: str = "mp3", bitrate: str = "64k",
          out_rate: int = 44_100) -> Levelled:
    """The track at target_lufs as the encoded file will measure, its true peaks plus the codec-noise allowance
    held under ceiling_dbtp. The codec's own effect on loudness (-0.2 to -0.5 LU for speech at 64 kbit/s) is
    measured on a one-minute excerpt encoded in memory, and made up."""
    import numpy as np

    rate = track.sample_rate
    factor = CODEC_NOISE_FACTOR.get(container, max(CODEC_NOISE_FACTOR.values()))
    energy = segment_energy(track.pcm, rate)
    envelope = limiter_envelope(track.pcm, rate, factor)
    plan = plan_gain(track.pcm, rate, target_lufs, ceiling_dbtp, energy=energy, envelope=envelope)
    loss = 0.0
    if plan.input_lufs > -69:
        loss = codec_loss(track.pcm, rate, plan, "aac" if container == "m4b" else "mp3", bitrate, out_rate)
        if abs(loss) >= 0.1:
            plan = plan_gain(track.pcm, rate, target_lufs + loss, ceiling_dbtp, energy=energy, envelope=envelope)
    measured = {"input_lufs": round(plan.input_lufs, 2), "gain_db": round(float(20 * np.log10(plan.gain)), 2),
                "codec_loss_lu": round(loss, 2), "codec_noise_factor": factor,
                "limited_blocks": int((np.asarray(plan.blocks) < 0.999).sum())}
    return Levelled(replace(track, pcm=plan.apply_all(track.pcm)), measured)


def codec_loss(samples, rate: int, plan: GainPlan, codec: str, bitrate: str, out_rate: int,
               spans: int = 20, span_s: float = 3.0) -> float:
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
