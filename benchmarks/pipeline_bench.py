"""The pipeline's cost, side by side in one run (this machine is shared and noisy: compare ratios, not seconds).

  (a) cold build of the seed sample with the embedded voice: wall time, audio length, real-time factor, chars/s
  (b) the same engine called chunk by chunk in a plain loop, no pipeline around it: the floor for (a)
  (c) rebuild with nothing changed
  (d) rebuild with one paragraph changed, and how many engine calls it made
  (e) assembly + loudness + encoding + tagging of a 60-minute programme from cached audio,
      against ffmpeg alone encoding the same PCM to MP3 at the same settings
  (f) peak memory (RSS) of each, every case in its own process
  and `tts --help` start-up time.

Run:  uv run python -m benchmarks.pipeline_bench        (about 10 minutes on 2 cores)
      uv run python -m benchmarks.pipeline_bench --hour (case e only, hour and ffmpeg alternating BENCH_ROUNDS=2
      times; the sample's sentences must already be in TTS_CACHE_DIR)
Results are printed and written to benchmarks/results/pipeline.json.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "articles" / "gansu-tianjin-wuqing-jingning.txt"
RESULTS = ROOT / "benchmarks" / "results" / "pipeline.json"
OPTIONS = dict(engine="kokoro", announce=False)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (ffmpeg): the cost that does not depend on how
    many cores were free."""
    return sum(
        r.ru_utime + r.ru_stime
        for r in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


# -- cases, each run in a child process ------------------------------------------------------------


def case_build(article: str, out: str) -> dict:
    from tts import pipeline

    start = time.perf_counter()
    result = pipeline.build(article, pipeline.BuildOptions(output=Path(out), **OPTIONS))
    wall = time.perf_counter() - start
    chars = sum(len(c.text) for c in result.plan.chunks)
    return {
        "wall_s": wall,
        "audio_s": result.timeline.duration,
        "rtf": wall / result.timeline.duration,
        "chars_per_s": chars / wall,
        "engine_calls": result.synthesized,
        "chunks": len(result.plan.chunks),
    }


def case_raw_loop(article: str) -> dict:
    from tts import pipeline
    from tts.engines import get_engine

    chunks = pipeline.prepare(article, pipeline.BuildOptions(**OPTIONS)).plan.chunks
    engine = get_engine("kokoro")
    start = time.perf_counter()
    audio = 0.0
    for chunk in chunks:
        clip = engine.synthesize(chunk.spoken, engine.default_voice, 1.0)
        audio += len(clip.samples) / clip.sample_rate
    return {"wall_s": time.perf_counter() - start, "speech_s": audio, "engine_calls": len(chunks)}


def _hour(article: str):
    """A 60-minute programme (the sample's sections twelve times) assembled from cached sentences."""
    from tts import pipeline
    from tts.engines import get_engine
    from tts.model import Section
    from tts.output.assemble import assemble
    from tts.speech.cache import ClipCache, chunk_key
    from tts.speech.plan import make_plan
    from tts.speech.profiles import load_profile

    prepared = pipeline.prepare(article, pipeline.BuildOptions(**OPTIONS))
    a = prepared.article
    long = type(a)(
        title=a.title,
        date=a.date,
        source=a.source,
        sections=[Section(s.heading, list(s.paragraphs)) for _ in range(12) for s in a.sections],
    )
    plan = make_plan(long, speaker=prepared.speaker)
    engine = get_engine("kokoro")
    clips = [
        ClipCache().get(chunk_key("kokoro", engine.identity, engine.default_voice, 1.0, c.spoken)) for c in plan.chunks
    ]
    if any(c is None for c in clips):
        raise SystemExit("the sample's sentences are not cached; run case a first")
    return long, plan, lambda: assemble(plan, clips, load_profile("news").pauses)


def case_hour(article: str, out: str) -> dict:
    """Assembly + loudness + encoding + tagging of the hour, timed from cached clips to the tagged MP3."""
    from tts.output.episode import AudioSettings, Metadata, write_audio
    from tts.output.ffmpeg import ebur128

    long, plan, build_track = _hour(article)
    start, cpu = time.perf_counter(), _cpu_s()
    track = build_track()
    loudness = write_audio(Path(out), track, long, AudioSettings(), Metadata())
    wall, cpu = time.perf_counter() - start, _cpu_s() - cpu
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "audio_s": track.timeline.duration,
        "sections": len(plan.sections),
        "loudness": loudness,
        "file_ebur128": ebur128(Path(out)),
    }


def case_ffmpeg_alone(article: str, out: str) -> dict:
    """ffmpeg encoding the same hour of PCM to MP3 at the same settings (no loudness, no tags)."""
    from tts.output.ffmpeg import encode_mp3

    _, _, build_track = _hour(article)
    pcm = build_track().pcm
    start, cpu = time.perf_counter(), _cpu_s()
    encode_mp3(pcm, 24_000, Path(out))
    return {"wall_s": time.perf_counter() - start, "cpu_s": _cpu_s() - cpu}


CASES = {"build": case_build, "raw_loop": case_raw_loop, "hour": case_hour, "ffmpeg_alone": case_ffmpeg_alone}


def child(case: str, *args: str) -> None:
    result = CASES[case](*args)
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))


# -- the driver --------------------------------------------------------------------------------------


def run_case(case: str, env: dict, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.pipeline_bench", "--child", case, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode:
        raise SystemExit(f"case {case} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def help_time() -> float:
    exe = Path(sys.executable).with_name("tts")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def hour_only() -> None:
    """Case (e) alone, hour and ffmpeg alternating `rounds` times in one run; updates only the (e) entries.
    Needs the sample's sentences in TTS_CACHE_DIR (run the full benchmark, or case `build`, once)."""
    rounds = int(os.environ.get("BENCH_ROUNDS", "2"))
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        article = work / "sample.txt"
        shutil.copy(SAMPLE, article)
        hours, plain = [], []
        for _ in range(rounds):
            hours.append(run_case("hour", env, str(article), str(work / "hour.mp3")))
            plain.append(run_case("ffmpeg_alone", env, str(article), str(work / "hour-plain.mp3")))
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    # The round with the median ratio stands for the run (each round is hour then ffmpeg, back to back).
    by_ratio = sorted(range(rounds), key=lambda i: hours[i]["wall_s"] / plain[i]["wall_s"])
    e, e_ffmpeg = hours[by_ratio[rounds // 2]], plain[by_ratio[rounds // 2]]
    results["e_hour_assembly"], results["e_ffmpeg_alone"] = e, e_ffmpeg
    results["e_rounds"] = {
        "hour_wall_s": [round(r["wall_s"], 2) for r in hours],
        "ffmpeg_wall_s": [round(r["wall_s"], 2) for r in plain],
        "ratio_per_round": [round(h["wall_s"] / f["wall_s"], 2) for h, f in zip(hours, plain)],
        "cpu_ratio_per_round": [round(h["cpu_s"] / f["cpu_s"], 2) for h, f in zip(hours, plain)],
        "load_average_1min": round(os.getloadavg()[0], 1),
    }
    ratios = results.setdefault("ratios", {})
    ratios["e_over_ffmpeg"] = round(e["wall_s"] / e_ffmpeg["wall_s"], 2)
    ratios["e_cpu_over_ffmpeg"] = round(e["cpu_s"] / e_ffmpeg["cpu_s"], 2)
    ratios["hour_peak_mb"] = round(e["peak_mb"])
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps({k: results[k] for k in ("e_hour_assembly", "e_ffmpeg_alone", "e_rounds")}, indent=2))
    print("e_over_ffmpeg", ratios["e_over_ffmpeg"])


def main() -> None:
    from tts.engines import kokoro_assets

    kokoro_assets.model_path()
    kokoro_assets.load_voice("zm_yunjian")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = work / "cache"
        cache.mkdir()
        os.symlink(kokoro_assets.kokoro_dir(), cache / "kokoro")
        env = {**os.environ, "TTS_CACHE_DIR": str(cache)}
        article = work / "sample.txt"
        shutil.copy(SAMPLE, article)
        out = str(work / "sample.mp3")

        a = run_case("build", env, str(article), out)
        b = run_case("raw_loop", env, str(article))
        c = run_case("build", env, str(article), out)
        edited = SAMPLE.read_text(encoding="utf-8").replace("完成消费扶贫1.4亿元", "完成消费扶贫1.5亿元")
        article.write_text(edited, encoding="utf-8")
        d = run_case("build", env, str(article), out)
        article.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
        e = run_case("hour", env, str(article), str(work / "hour.mp3"))
        e_ffmpeg = run_case("ffmpeg_alone", env, str(article), str(work / "hour-plain.mp3"))
    results = {
        "machine": f"{os.cpu_count()} cores",
        "a_cold_build": a,
        "b_raw_engine_loop": b,
        "c_rebuild_unchanged": c,
        "d_rebuild_one_paragraph": d,
        "e_hour_assembly": e,
        "e_ffmpeg_alone": e_ffmpeg,
        "ratios": {
            "a_over_b": round(a["wall_s"] / b["wall_s"], 3),
            "c_over_a": round(c["wall_s"] / a["wall_s"], 4),
            "d_engine_calls": d["engine_calls"],
            "e_over_ffmpeg": round(e["wall_s"] / e_ffmpeg["wall_s"], 2),
            "e_cpu_over_ffmpeg": round(e["cpu_s"] / e_ffmpeg["cpu_s"], 2),
            "hour_peak_mb": round(e["peak_mb"]),
        },
        "targets": {
            "a_over_b": "<= 1.05",
            "c_over_a": "<= 0.05",
            "d_engine_calls": "only the changed sentences",
            "e_over_ffmpeg": "<= 1.5",
            "hour_peak_mb": "<= 800",
            "help_s": "<= 0.5",
        },
        "help_s": round(help_time(), 3),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], *sys.argv[3:])
    elif sys.argv[1:] == ["--hour"]:
        hour_only()
    else:
        main()
