"""Throughput of the offline voice on this machine's cores, side by side in one run (the machine is shared and noisy:
compare ratios within a run, never seconds across runs).

  cores    the same sentences through Kokoro in several ways of using the cores, each in its own process,
           interleaved over repetitions: one session with N intra-op threads (today's plain loop), one thread,
           threads sharing one single-thread session, N processes with one single-thread session each, and
           onnxruntime session options (thread spinning, memory arena, graph optimisation level)
  workers  articles/hour for a batch of short corpus articles: today's sequential `tts build` batch against the
           local executor with 1, 2 and 4 worker processes, plus a single cold article against the plain loop;
           and the 10k-articles/day sizing on paper from the measured per-article cost

Run:  uv run python -m benchmarks.throughput [cores|workers|cpu|sizing|all]      (about 10-20 minutes on 2 shared cores)
Results: benchmarks/results/throughput.json (each part replaces its own key).
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
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "throughput.json"
CORPUS = ROOT / "tests" / "corpus" / "raw"
# The shortest corpus articles (3-7 sentences each): a batch that fits a bounded run on a shared machine.
BATCH = ["029_henan-daily.txt", "016_gov-cn.txt", "024_tibet-daily.txt", "014_zj-fzggw.txt"]
# Every corpus article and the seed sample: their planned characters turn the batch's cost into the full corpus's.
FULL_CORPUS = sorted(p.name for p in CORPUS.glob("*.txt"))
OPTIONS = dict(engine="kokoro", announce=False)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sentences(limit: int) -> list[str]:
    from tts import pipeline
    from tts.options import BuildOptions

    spoken = []
    for name in BATCH:
        spoken += [c.spoken for c in pipeline.prepare(CORPUS / name, BuildOptions(**OPTIONS)).plan.chunks]
    # Sentences of typical length (10-40 characters) keep each configuration's run short on a shared machine.
    return [s for s in spoken if 10 <= len(s) <= 40][:limit]


# -- part 1: cores --------------------------------------------------------------------------------------------

CONFIGS = {
    # name: (sessions/processes, intra-op threads, how sentences are shared, extra session config)
    "loop_2threads": dict(workers=1, threads=2, mode="loop"),  # today's plain loop
    "loop_2threads_nospin": dict(workers=1, threads=2, mode="loop", spin=False),
    "loop_1thread": dict(workers=1, threads=1, mode="loop"),
    "threads_2x1_shared_session": dict(workers=2, threads=1, mode="threads"),
    "processes_2x1": dict(workers=2, threads=1, mode="processes"),
    "loop_2threads_noarena": dict(workers=1, threads=2, mode="loop", arena=False),
    "loop_2threads_basic_opt": dict(workers=1, threads=2, mode="loop", opt="basic"),
}


def _session(threads: int, spin: bool = True, arena: bool = True, opt: str = "all"):
    import onnxruntime as ort

    from tts.engines import kokoro_assets

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = arena
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    options.graph_optimization_level = {
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    }[opt]
    return ort.InferenceSession(str(kokoro_assets.model_path()), options, providers=["CPUExecutionProvider"])


def core_child(config: str, sentences: list[str]) -> dict:
    """Synthesise SENTENCES one configuration's way; time from session creation to the last clip."""
    from tts.engines import get_engine

    spec = CONFIGS[config]
    start = time.perf_counter()
    engine = get_engine("kokoro")
    engine._session = _session(spec["threads"], spec.get("spin", True), spec.get("arena", True), spec.get("opt", "all"))
    loaded = time.perf_counter() - start
    samples = 0
    if spec["mode"] == "loop":
        for text in sentences:
            samples += len(engine.synthesize(text, engine.default_voice).samples)
    else:  # threads on one shared single-thread session, sentences taken in turn
        queue = list(enumerate(sentences))
        lock = threading.Lock()
        lengths = []

        def run():
            while True:
                with lock:
                    if not queue:
                        return
                    _, text = queue.pop(0)
                clip = engine.synthesize(text, engine.default_voice)
                with lock:
                    lengths.append(len(clip.samples))

        pool = [threading.Thread(target=run) for _ in range(spec["workers"])]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        samples = sum(lengths)
    return {
        "wall_s": time.perf_counter() - start,
        "load_s": loaded,
        "speech_s": samples / 24_000,
        "peak_mb": _peak_mb(),
    }


def _run_child(part: str, *args: str, env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.throughput", "--child", part, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    if proc.returncode:
        raise SystemExit(f"{part} {args[:1]} failed: {proc.stderr.strip().splitlines()[-3:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _run_config(config: str, sentences: list[str]) -> dict:
    spec = CONFIGS[config]
    if spec["mode"] != "processes":
        return _run_child("core", config, json.dumps(sentences))
    # N processes, each a one-thread loop over its share of the sentences (dealt in turn), started together.
    start = time.perf_counter()
    shares = [sentences[i :: spec["workers"]] for i in range(spec["workers"])]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.throughput", "--child", "core", "loop_1thread", json.dumps(share)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for share in shares
    ]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    return {
        "wall_s": time.perf_counter() - start,
        "load_s": max(o["load_s"] for o in outs),
        "speech_s": sum(o["speech_s"] for o in outs),
        "peak_mb": sum(o["peak_mb"] for o in outs),
    }


def part_cores(count: int = 4, reps: int = 2) -> dict:
    sentences = _sentences(count)
    names = list(CONFIGS)
    runs: dict[str, list[dict]] = {n: [] for n in names}
    for rep in range(reps):  # interleaved, alternating order, so drifting load falls on every configuration
        for name in names if rep % 2 == 0 else reversed(names):
            runs[name].append(_run_config(name, sentences))
            print(f"  {name}: {runs[name][-1]['wall_s']:.1f}s", file=sys.stderr, flush=True)
    base = statistics.median(r["wall_s"] for r in runs["loop_2threads"])
    summary = {}
    for name, results in runs.items():
        wall = statistics.median(r["wall_s"] for r in results)
        summary[name] = {
            "wall_s": round(wall, 2),
            "over_plain_loop": round(wall / base, 3),
            "walls_s": [round(r["wall_s"], 2) for r in results],
            "load_s": round(statistics.median(r["load_s"] for r in results), 2),
            "peak_mb": round(max(r["peak_mb"] for r in results)),
            "speech_s": round(results[0]["speech_s"], 1),
        }
    return {
        "sentences": len(sentences),
        "characters": sum(len(s) for s in sentences),
        "reps": reps,
        "configs": {n: CONFIGS[n] for n in names},
        "results": summary,
    }


# -- part 2: workers ------------------------------------------------------------------------------------------


def workers_child(mode: str, out: str, *sources: str) -> dict:
    """One batch: 'sequential' is today's `tts build` of several articles; 'local-N' the local executor."""
    from tts.options import BuildOptions

    options = BuildOptions(output=Path(out), **OPTIONS)
    start = time.perf_counter()
    if mode == "sequential":  # as before this issue: one article at a time, each sentence over every core
        from tts.batch import build_many

        old = replace(options, engine_options={"kokoro": {"threads": os.cpu_count()}})
        items = build_many(list(sources), old, jobs=1)
    elif mode == "plain-loop":
        from tts import pipeline
        from tts.engines import get_engine

        engine = get_engine("kokoro", threads=os.cpu_count())
        for source in sources:
            for chunk in pipeline.prepare(source, options).plan.chunks:
                engine.synthesize(chunk.spoken, engine.default_voice)
        return {"wall_s": time.perf_counter() - start, "peak_mb": _peak_mb()}
    else:
        from tts.batch import build_many

        items = build_many(list(sources), options, jobs=int(mode.split("-")[1]), executor="local")
    failed = [str(i.error) for i in items if i.error]
    if failed:
        raise SystemExit("; ".join(failed))
    audio = sum(i.result.timeline.duration for i in items)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    chars = sum(len(c.spoken) for i in items for c in i.result.plan.chunks)
    return {
        "wall_s": time.perf_counter() - start,
        "audio_s": audio,
        "peak_mb": _peak_mb(),
        "cpu_s": cpu,
        "characters": chars,
        "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _corpus_characters(names: list[str]) -> int:
    from tts import pipeline
    from tts.options import BuildOptions

    return sum(
        sum(len(c.spoken) for c in pipeline.prepare(CORPUS / n, BuildOptions(**OPTIONS)).plan.chunks) for n in names
    )


def part_workers(reps: int = 1) -> dict:
    from tts.engines import kokoro_assets

    modes = ["sequential", "local-1", "local-2", "local-4"]
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    single: dict[str, list[dict]] = {"plain-loop": [], "build": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        articles = []
        for name in BATCH:
            shutil.copy(CORPUS / name, work / name)
            articles.append(str(work / name))
        for rep in range(reps):
            for mode in modes if rep % 2 == 0 else reversed(modes):
                env = _fresh_cache(work / f"cache-{mode}-{rep}", kokoro_assets.kokoro_dir())
                out = work / f"out-{mode}-{rep}"
                out.mkdir()
                runs[mode].append(_run_child("workers", mode, str(out), *articles, env=env))
                print(f"  {mode}: {runs[mode][-1]['wall_s']:.1f}s", file=sys.stderr, flush=True)
            # A single cold article: the pipeline (with what this issue chose) against the plain loop.
            for mode in ("plain-loop", "build"):
                env = _fresh_cache(work / f"cache-single-{mode}-{rep}", kokoro_assets.kokoro_dir())
                out = work / f"single-{mode}-{rep}"
                out.mkdir()
                single[mode].append(
                    _run_child("workers", mode if mode == "plain-loop" else "local-1", str(out), articles[0], env=env)
                )
                print(f"  single {mode}: {single[mode][-1]['wall_s']:.1f}s", file=sys.stderr, flush=True)
    batch_chars = _corpus_characters(BATCH)
    corpus_chars = _corpus_characters(FULL_CORPUS)
    base = statistics.median(r["wall_s"] for r in runs["sequential"])
    results = {}
    for mode, rs in runs.items():
        wall = statistics.median(r["wall_s"] for r in rs)
        results[mode] = {
            "wall_s": round(wall, 1),
            "walls_s": [round(r["wall_s"], 1) for r in rs],
            "audio_s": round(rs[0].get("audio_s", 0), 1),
            "articles_per_hour": round(len(BATCH) * 3600 / wall, 1),
            "throughput_over_sequential": round(base / wall, 3),
            "peak_mb_parent": round(max(r["peak_mb"] for r in rs)),
            "peak_mb_largest_child": round(max(r.get("children_peak_mb", 0) for r in rs)),
        }
    seconds_per_char = {m: results[m]["wall_s"] / batch_chars for m in results}
    corpus_articles = len(FULL_CORPUS)
    for mode in results:  # the whole corpus at this batch's cost per planned character
        hours = seconds_per_char[mode] * corpus_chars / 3600
        results[mode]["corpus_articles_per_hour_extrapolated"] = round(corpus_articles / hours, 1)
    plain = statistics.median(r["wall_s"] for r in single["plain-loop"])
    build = statistics.median(r["wall_s"] for r in single["build"])
    return {
        "batch": BATCH,
        "batch_characters": batch_chars,
        "reps": reps,
        "corpus_articles": corpus_articles,
        "corpus_characters": corpus_chars,
        "results": results,
        "single_cold_article": {
            "article": BATCH[0],
            "plain_loop_s": round(plain, 1),
            "build_s": round(build, 1),
            "build_over_plain_loop": round(build / plain, 3),
            "target": "<= 1.0",
        },
        "targets": {"throughput_over_sequential": ">= 1.3"},
    }


def part_cpu() -> dict:
    """CPU seconds per spoken character with two local workers: what an article costs on any machine, whatever
    share of this shared machine the benchmark got (wall times here depend on the other work running)."""
    from tts.engines import kokoro_assets

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        articles = [str(Path(shutil.copy(CORPUS / name, work / name))) for name in BATCH[:2]]
        (work / "out").mkdir()
        run = _run_child(
            "workers",
            "local-2",
            str(work / "out"),
            *articles,
            env=_fresh_cache(work / "cache", kokoro_assets.kokoro_dir()),
        )
    return {
        "articles": BATCH[:2],
        "characters": run["characters"],
        "cpu_s": round(run["cpu_s"], 1),
        "wall_s": round(run["wall_s"], 1),
        "audio_s": round(run["audio_s"], 1),
        "cpu_s_per_character": round(run["cpu_s"] / run["characters"], 4),
        "audio_s_per_character": round(run["audio_s"] / run["characters"], 4),
    }


def sizing(workers: dict, cpu: dict | None = None, per_day: int = 10_000) -> dict:
    """What PER_DAY articles take, on paper, from the measured costs scaled to an average corpus article."""
    import math

    best = max(workers["results"], key=lambda m: workers["results"][m]["throughput_over_sequential"])
    measured = workers["results"][best]
    avg_chars = workers["corpus_characters"] / workers["corpus_articles"]
    out = {"average_article_characters": round(avg_chars), "articles_per_day": per_day}
    # (1) from wall time on this shared machine (an upper bound on machines: the benchmark got a fraction of the cores)
    seconds_per_article = measured["wall_s"] / workers["batch_characters"] * avg_chars
    out["from_shared_machine_wall_time"] = {
        "measured_with": best,
        "wall_s_per_average_article": round(seconds_per_article, 1),
        "machines_2core": math.ceil(per_day / (86_400 / seconds_per_article)),
    }
    if cpu:  # (2) from CPU seconds per character: what a dedicated machine's cores deliver
        cpu_per_article = cpu["cpu_s_per_character"] * avg_chars
        per_core_day = 86_400 / cpu_per_article
        cores = math.ceil(per_day / per_core_day)
        audio_day_s = cpu["audio_s_per_character"] * avg_chars * per_day
        out["from_cpu_seconds"] = {
            "cpu_s_per_average_article": round(cpu_per_article, 1),
            "articles_per_core_day": round(per_core_day),
            "cores_at_100pct": cores,
            "cores_at_70pct": math.ceil(cores / 0.7),
            "machines_2core_at_70pct": math.ceil(cores / 0.7 / 2),
            "worker_processes": math.ceil(cores / 0.7),
            "memory_per_worker_mb": measured.get("peak_mb_largest_child") or measured["peak_mb_parent"],
            "audio_hours_per_day": round(audio_day_s / 3600),
            # The clip cache keeps int16 mono 24 kHz speech (48 kB/s); the MP3s are 64 kbit/s (8 kB/s).
            "clip_cache_gb_per_day": round(audio_day_s * 48_000 / 1e9, 1),
            "mp3_gb_per_day": round(audio_day_s * 8_000 / 1e9, 1),
        }
    return out


def _fresh_cache(root: Path, kokoro_dir: Path) -> dict:
    root.mkdir(parents=True)
    os.symlink(kokoro_dir, root / "kokoro")
    return {**os.environ, "TTS_CACHE_DIR": str(root)}


def main() -> None:
    part = sys.argv[1] if len(sys.argv) > 1 else "all"
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results["machine"] = (
        f"{os.cpu_count()} cores, shared with other work (load average {os.getloadavg()[0]:.1f} at start)"
    )
    if part in ("cores", "all"):
        results["cores"] = part_cores()
    if part in ("workers", "all"):
        results["workers"] = part_workers()
    if part in ("cpu", "all"):
        results["cpu"] = part_cpu()
    if part in ("workers", "cpu", "all", "sizing") and "workers" in results:
        results["sizing_10k_per_day"] = sizing(results["workers"], results.get("cpu"))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "core":
            print(json.dumps(core_child(rest[0], json.loads(rest[1]))))
        else:
            print(json.dumps(workers_child(*rest)))
    else:
        main()
