"""The loudness stage against ffmpeg's own meter (ebur128): true peak, integrated loudness, the limiter."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tts.model import Timeline
from tts.output import loudness
from tts.output.assemble import Track
from tts.output.ffmpeg import _run, ebur128

RATE = 24_000


def wav(path: Path, samples, rate: int = RATE) -> Path:
    _run(
        ["-y", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", str(path)],
        stdin=np.asarray(samples, dtype="<i2"),
    )
    return path


def test_true_peak_sees_between_the_samples():
    # A sine at a quarter of the sample rate, sampled 45 degrees off its crests: every sample is at 0.707 of
    # the real peak (-3 dB), which a sample-peak meter misses and a true-peak meter must see.
    n = np.arange(RATE * 2)
    x = (0.5 * np.sin(np.pi / 2 * n + np.pi / 4) * 32767).astype("<i2")
    sample_peak = 20 * math.log10(np.abs(x.astype(np.int32)).max() / 32768)
    ours = loudness.true_peak_dbtp(x)
    assert abs(sample_peak - (-9.03)) < 0.05
    assert abs(ours - 20 * math.log10(0.5)) <= 0.2  # the sine's real crest: -6.02 dBFS


def test_integrated_loudness_agrees_with_ffmpeg(tmp_path):
    rng = np.random.default_rng(7)
    t = np.arange(RATE * 12) / RATE
    # Bursts of a 997 Hz tone and noise at different levels, with silences the gate must skip.
    envelope = np.repeat(rng.choice([0.0, 0.05, 0.2, 0.5], size=24), RATE // 2)
    x = envelope * (0.6 * np.sin(2 * np.pi * 997 * t) + 0.2 * rng.standard_normal(len(t)))
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
    ours = loudness.integrated_lufs(loudness.segment_energy(pcm, RATE))
    assert (
        abs(ours - ebur128(wav(tmp_path / "bursts.wav", pcm))["integrated_lufs"]) <= 0.15
    )  # ffmpeg prints 0.1 LU steps


@pytest.fixture(scope="module")
def speech(kokoro):
    clip = kokoro.synthesize(
        "今年全县苹果产量预计达到一百万吨，比去年增长百分之五。果农们正忙着采摘。", kokoro.default_voice, 1.0
    )
    pcm = (np.asarray(clip.samples, dtype=np.float32) * 32767 * 0.5).astype("<i2")  # quieter than the target
    return Track(pcm, clip.sample_rate, Timeline(len(pcm) / clip.sample_rate, [], []))


def test_level_returns_a_new_track_at_the_target_with_true_peaks_held(tmp_path, speech):
    before = speech.pcm.copy()
    levelled = loudness.level(speech, -16.0, -1.0, "mp3")
    assert levelled.track is not speech and np.array_equal(speech.pcm, before)  # the input is left alone
    assert levelled.measured["limited_blocks"] > 0  # this speech needs the limiter to reach -16 LUFS
    heard = ebur128(wav(tmp_path / "levelled.wav", levelled.track.pcm, speech.sample_rate))
    assert heard["true_peak_dbtp"] <= -1.0
    # The gain makes up for the codec's measured loss, so the PCM sits that much above the target.
    assert abs(heard["integrated_lufs"] - (-16.0 + levelled.measured["codec_loss_lu"])) <= 0.5


def test_the_limiter_gives_way_where_the_codec_adds_noise(speech):
    rate = speech.sample_rate
    plain = loudness.limiter_envelope(speech.pcm, rate, 0.0)
    aware = loudness.limiter_envelope(speech.pcm, rate, 1.5)
    noise = loudness.codec_noise_blocks(speech.pcm, int(rate * loudness.LIMITER_BLOCK_S), 6)
    assert np.allclose(aware, plain + 1.5 * noise, atol=1e-6)
    # Sibilants (much high-band energy) get a larger allowance than vowels of the same peak.
    loud = plain > np.percentile(plain, 90)
    assert noise[loud].max() > 3 * noise[loud].min()


def test_duck_lowers_only_around_the_given_spots(speech):
    centre = len(speech.pcm) // 2
    ducked = loudness.duck(speech, [centre], [6.0])
    far = slice(0, centre - speech.sample_rate // 10)
    assert np.array_equal(ducked.pcm[far], speech.pcm[far])
    near = slice(centre - 100, centre + 100)
    ratio = np.abs(ducked.pcm[near].astype(float)).sum() / max(1.0, np.abs(speech.pcm[near].astype(float)).sum())
    assert abs(20 * math.log10(ratio) + 6.0) < 0.3
    assert not np.shares_memory(ducked.pcm, speech.pcm)


def test_a_codec_overshoot_is_corrected_without_leaving_files(tmp_path, short_article, real_cache, monkeypatch):
    # Without the codec-noise allowance, and louder than usual, a 64 kbit/s MP3 overshoots the ceiling: the
    # rare-case path must find the spots, lower them and encode again until the file meets it.
    from tts import pipeline
    from tts.output.episode import AudioSettings

    from .test_encode_signals import long_article

    pipeline.build(short_article, pipeline.BuildOptions(engine="kokoro", announce=False))  # sentences cached
    article = long_article(tmp_path, repeats=8)
    monkeypatch.setitem(loudness.CODEC_NOISE_FACTOR, "mp3", 0.0)
    out = tmp_path / "out" / "loud.mp3"
    out.parent.mkdir()
    result = pipeline.build(
        article, pipeline.BuildOptions(engine="kokoro", announce=False, output=out, audio=AudioSettings(loudness=-14.0))
    )
    assert result.synthesized == 0
    assert result.loudness["corrective_reencodes"] >= 1
    level = ebur128(out)
    assert level["true_peak_dbtp"] <= -1.0 and abs(level["integrated_lufs"] - (-14.0)) <= 0.5
    assert sorted(p.name for p in out.parent.iterdir()) == ["loud.mp3", "loud.vtt"]
