"""How much a codec adds to the true peak of limited speech, and what it does to loudness: the measurement behind
loudness.CODEC_NOISE_FACTOR.

Each programme is levelled to -16 LUFS with the limiter's ceiling at exactly -1 dBTP, once holding true peaks
only (factor 0) and once holding true peak + the codec-noise allowance (the product's factor), then encoded at the product's settings (MP3 and M4B, 64 kbit/s mono, 44.1 kHz), and measured by ffmpeg's ebur128 on
the encoded file; overshoot = encoded true peak - (-1). Per 30-second window too (numpy, BS.1770-4 Annex 2 true
peak on the decoded audio), to see how the overshoot is spread: the whole-file figure is the largest of many.

  tuned on:  the seed sample (articles/gansu-...), and the hour made of it (benchmarks/pipeline_bench.py)
  held out:  any other programme given on the command line (articles, text files), built from the clip cache

Run:  uv run python -m benchmarks.codec_overshoot [ARTICLE ...]   (the sample's sentences must be cached: TTS_CACHE_DIR)
Writes benchmarks/results/codec_overshoot.json.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "articles" / "gansu-tianjin-wuqing-jingning.txt"
RESULTS = ROOT / "benchmarks" / "results" / "codec_overshoot.json"
WINDOW_S = 30.0
FACTORS = [float(f) for f in os.environ.get("NOISE_FACTORS", "").split(",") if f]  # more factors to try


def track_of(article: Path, repeat: int = 1):
    from tts import pipeline
    from tts.engines import get_engine
    from tts.model import Section
    from tts.output.assemble import assemble
    from tts.speech.cache import ClipCache, chunk_key
    from tts.speech.plan import make_plan
    from tts.speech.profiles import load_profile

    options = pipeline.BuildOptions(engine="kokoro", announce=False)
    prepared = pipeline.prepare(article, options)
    a = prepared.article
    long = type(a)(
        title=a.title,
        date=a.date,
        source=a.source,
        sections=[Section(s.heading, list(s.paragraphs)) for _ in range(repeat) for s in a.sections],
    )
    plan = make_plan(long, speaker=prepared.speaker)
    engine = get_engine("kokoro")
    cache = ClipCache()
    clips = [cache.get(chunk_key("kokoro", engine.identity, engine.default_voice, 1.0, c.spoken)) for c in plan.chunks]
    if any(c is None for c in clips):
        raise SystemExit(f"{article}: sentences not cached; build it once with this TTS_CACHE_DIR")
    return assemble(plan, clips, load_profile("news").pauses)


def measure(name: str, track, factor: float) -> dict:
    import numpy as np

    from tts.output import ffmpeg, loudness

    ceiling = -1.0
    plan = loudness.plan_gain(track.pcm, track.sample_rate, -16.0, ceiling, noise_factor=factor)
    pcm = plan.apply_all(track.pcm)
    ours = {
        "lufs": round(loudness.integrated_lufs(loudness.segment_energy(pcm, track.sample_rate)), 2),
        "true_peak_dbtp": round(loudness.true_peak_dbtp(pcm), 2),
    }
    row = {
        "programme": name,
        "noise_factor": factor,
        "minutes": round(len(pcm) / track.sample_rate / 60, 1),
        "before_encoding": ours,
    }
    with tempfile.TemporaryDirectory() as work:
        wav = Path(work) / "pcm.wav"
        ffmpeg._run(
            ["-y", "-f", "s16le", "-ar", str(track.sample_rate), "-ac", "1", "-i", "pipe:0", str(wav)], stdin=pcm
        )
        row["ffmpeg_on_pcm"] = ffmpeg.ebur128(wav)
        for codec in ("mp3", "m4b"):
            out = Path(work) / f"x.{codec}"
            if codec == "mp3":
                heard = ffmpeg.encode_to(pcm, track.sample_rate, out)
            else:
                meta = Path(work) / "m.txt"
                meta.write_text(";FFMETADATA1\n", encoding="utf-8")
                ffmpeg.encode_m4b(pcm, track.sample_rate, out, meta)
                heard = ffmpeg.ebur128(out)
            decoded = np.frombuffer(b"".join(ffmpeg.stream_pcm(out, 44_100)), dtype="<i2")
            width = int(WINDOW_S * 44_100)
            windows = [
                loudness.true_peak_dbtp(decoded[i : i + width]) for i in range(0, len(decoded) - width + 1, width)
            ]
            row[codec] = {
                "encoded": heard,
                "overshoot_db": round(heard["true_peak_dbtp"] - ceiling, 2),
                "codec_loudness_change_lu": round(
                    heard["integrated_lufs"] - row["ffmpeg_on_pcm"]["integrated_lufs"], 2
                ),
                "window_overshoot_db": {
                    q: round(float(np.percentile(windows, p)) - ceiling, 2)
                    for q, p in (("median", 50), ("p90", 90), ("max", 100))
                }
                if windows
                else None,
            }
    return row


def main(extra: list[str]) -> None:
    from tts.output.loudness import CODEC_NOISE_FACTOR

    programmes = [
        ("seed sample", SAMPLE, 1, "tuned on"),
        ("seed sample x12 (the benchmark hour)", SAMPLE, 12, "tuned on"),
    ]
    programmes += [(Path(p).name, Path(p), 1, "held out") for p in extra]
    rows = []
    for name, path, repeat, kind in programmes:
        track = track_of(path, repeat)
        for factor in sorted({0.0, CODEC_NOISE_FACTOR["mp3"], *FACTORS}):
            rows.append(dict(measure(name, track, factor), set=kind))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
