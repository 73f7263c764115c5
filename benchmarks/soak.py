"""Soak: random kill -9 / Ctrl-C points across real builds, and 4 builds at once on one cold clip cache.

1. Kill points. The destination holds a complete older episode. Each round starts a real build (Kokoro, the
   real ffmpeg) of a newer version of the article and, at a random moment of its run, either kills the
   process with SIGKILL or sends SIGINT to its process group (what a terminal's Ctrl-C does). Checked: the
   destination (audio and .vtt) is byte-for-byte the old or the complete new file, never anything else;
   after SIGINT the exit code is 130 (or 0 when the build had finished); every cache entry still passes its
   checksum; and after the next (complete) run nothing is left behind: no hidden temporary file beside the
   output, no `*.tmp` in the cache, nothing in the build's private TMPDIR.
   Rounds alternate between a warm cache (kills land in assembly, encoding and renames) and a cold one
   (kills land in synthesis and cache writes).
2. Concurrency. Four processes build four different articles (one sentence shared by all) at the same time
   on one empty clip cache that shares the already-prepared model. Checked: all succeed; the cache holds only
   intact entries and no temporary files; each episode is byte-identical to a rebuild from that cache.

Bounded: --points rounds (default 20) within --budget seconds (default 900). Run it niced:
    nice uv run python -m benchmarks.soak [--points 20] [--budget 900] [--seed 1]
Results: benchmarks/results/soak.json. Exit status 1 when any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "soak.json"

OLD = """静宁苹果丰收季 果农喜笑颜开
2021-09-15 15:09 来源：中国甘肃网
　　九月的静宁，满山苹果挂满枝头。果农们正忙着采摘。
　　今年全县苹果产量预计达到一百万吨。
"""
NEW = OLD.replace("果农们正忙着采摘。", "果农们正忙着采摘，一派丰收景象。").replace(
    "一百万吨。", "一百万吨，比去年增长百分之五。"
)

SHARED = "记者从县农业农村局了解到，这一做法将在全省推广。"
ARTICLES = [
    "武清对口帮扶静宁 产业项目落地\n2021-09-16 来源：天津日报\n　　武清区在静宁县安排实施产业发展项目。{s}\n",
    "静宁果园迎来机械化采摘\n2021-09-17 来源：甘肃日报\n　　新型采摘机械在果园试用，效率提高三成。{s}\n",
    "电商平台助力苹果远销\n2021-09-18 来源：中国甘肃网\n　　电商平台订单不断，苹果远销全国各地。{s}\n",
    "合作社统一收购稳价格\n2021-09-19 来源：平凉日报\n　　合作社统一收购，价格稳定，果农收入增加。{s}\n",
]


def _env(cache: Path, tmp: Path) -> dict[str, str]:
    return {**os.environ, "TTS_CACHE_DIR": str(cache), "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}


def _build_command(article: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "tts.cli", "build", str(article), "-o", str(out), "--engine", "kokoro"]


def _fresh_cache(root: Path, model_dir: Path) -> Path:
    cache = root / "cache"
    if cache.exists():
        shutil.rmtree(cache)
    cache.mkdir()
    os.symlink(model_dir, cache / "kokoro")
    return cache


def _damaged_entries(cache: Path) -> list[str]:
    from tts.speech.cache import _MAGIC, decode_entry

    bad = []
    for entry in (cache / "clips").rglob("*.pcm") if (cache / "clips").exists() else []:
        data = entry.read_bytes()
        if data.startswith(_MAGIC) and decode_entry(data)[0] is None:
            bad.append(entry.name)
    return bad


def _leftovers(out_dir: Path, expected: set[str], cache: Path, tmp: Path, persistent: set[str]) -> list[str]:
    """Files no finished build should leave: beside the output, in the cache, or in the build's TMPDIR (less what a
    complete build leaves there by design, `persistent`: jieba's dictionary cache, a library's session file)."""
    found = [f"out/{p.name}" for p in out_dir.iterdir() if p.name not in expected]
    clips = cache / "clips"
    found += (
        [f"cache/{p.relative_to(cache)}" for p in clips.rglob("*") if p.is_file() and not p.name.endswith(".pcm")]
        if clips.exists()
        else []
    )
    found += [f"tmp/{p.relative_to(tmp)}" for p in tmp.rglob("*") if str(p.relative_to(tmp)) not in persistent]
    return found


def _run(command: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def kill_points(work: Path, model_dir: Path, points: int, budget: float, rng: random.Random) -> dict:
    out_dir, tmp = work / "out", work / "tmp"
    out_dir.mkdir()
    tmp.mkdir()
    article = work / "article.txt"
    mp3, vtt = out_dir / "episode.mp3", out_dir / "episode.vtt"
    expected = {mp3.name, vtt.name}

    # The old and the new episode, and how long a cold and a warm build of the new one take.
    cache = _fresh_cache(work, model_dir)
    env = _env(cache, tmp)
    article.write_text(OLD, encoding="utf-8")
    assert _run(_build_command(article, mp3), env).returncode == 0
    old = (mp3.read_bytes(), vtt.read_bytes())
    persistent = {str(p.relative_to(tmp)) for p in tmp.rglob("*")}  # what one complete build leaves in TMPDIR
    article.write_text(NEW, encoding="utf-8")
    started = time.perf_counter()
    assert _run(_build_command(article, mp3), env).returncode == 0
    cold_s = time.perf_counter() - started
    new = (mp3.read_bytes(), vtt.read_bytes())
    started = time.perf_counter()
    assert _run(_build_command(article, mp3), env).returncode == 0
    warm_s = time.perf_counter() - started
    assert (mp3.read_bytes(), vtt.read_bytes()) == new, "an unchanged rebuild is not byte-identical"

    rounds, failures = [], []
    deadline = time.monotonic() + budget
    for n in range(points):
        if time.monotonic() > deadline:
            break
        cold = n % 2 == 1
        if cold:
            cache = _fresh_cache(work, model_dir)
            env = _env(cache, tmp)
        mp3.write_bytes(old[0])
        vtt.write_bytes(old[1])
        how = rng.choice(["SIGKILL", "SIGINT"])
        at = rng.uniform(0.3, (cold_s if cold else warm_s) * 1.1)
        proc = subprocess.Popen(
            _build_command(article, mp3),
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            proc.wait(at)
        except subprocess.TimeoutExpired:
            if how == "SIGKILL":
                proc.kill()  # the build's process only, as `kill -9 PID` or the OOM killer does
            else:
                os.killpg(proc.pid, signal.SIGINT)  # the whole foreground group, as Ctrl-C does
        signalled = time.perf_counter()
        try:
            stderr = proc.communicate(timeout=30)[1]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stderr = proc.communicate()[1]
            failures.append(f"round {n}: {how} at {at:.1f}s: no exit within 30 s")
        time.sleep(0.5)  # orphaned children (ffmpeg) see their pipes close and end
        state = (
            "old"
            if (mp3.read_bytes(), vtt.read_bytes()) == old
            else "new"
            if (mp3.read_bytes(), vtt.read_bytes()) == new
            else "torn"
        )
        row = {
            "round": n,
            "cache": "cold" if cold else "warm",
            "signal": how,
            "at_s": round(at, 2),
            "exit": proc.returncode,
            "exit_after_s": round(time.perf_counter() - signalled - 0.5, 1),
            "destination": state,
        }
        if proc.returncode not in (0, -9):
            row["stderr"] = stderr.strip()[-200:]
        if state == "torn" or (state == "new" and mp3.read_bytes() != new[0]):
            failures.append(f"round {n}: destination is neither the old nor the new file")
        if how == "SIGINT" and proc.returncode not in (0, 130):
            failures.append(f"round {n}: SIGINT gave exit {proc.returncode}: {stderr.strip()[-300:]}")
        if how == "SIGINT" and proc.returncode == 130 and "Traceback" in stderr:
            failures.append(f"round {n}: traceback on SIGINT")
        if how == "SIGINT":
            row["left_after_clean_exit"] = _leftovers(out_dir, expected, cache, tmp, persistent)
        damaged = _damaged_entries(cache)
        if damaged:
            failures.append(f"round {n}: damaged cache entries {damaged[:3]}")
        next_run = _run(_build_command(article, mp3), env)
        row["next_run_exit"] = next_run.returncode
        row["left_after_next_run"] = _leftovers(out_dir, expected, cache, tmp, persistent)
        if next_run.returncode != 0 or (mp3.read_bytes(), vtt.read_bytes()) != new:
            failures.append(f"round {n}: the next run did not give the new episode: {next_run.stderr.strip()[-300:]}")
        if row["left_after_next_run"]:
            failures.append(f"round {n}: left behind after the next run: {row['left_after_next_run'][:4]}")
        rounds.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return {
        "cold_build_s": round(cold_s, 1),
        "warm_build_s": round(warm_s, 1),
        "tmpdir_after_a_complete_build": sorted(persistent),
        "rounds": rounds,
        "destination": {s: sum(r["destination"] == s for r in rounds) for s in ("old", "new", "torn")},
        "failures": failures,
    }


def four_at_once(work: Path, model_dir: Path) -> dict:
    from tts.speech.cache import ClipCache

    cache = _fresh_cache(work, model_dir)
    tmp = work / "tmp4"
    tmp.mkdir()
    env = _env(cache, tmp)
    paths = []
    for n, text in enumerate(ARTICLES):
        paths.append(work / f"article{n}.txt")
        paths[-1].write_text(text.format(s=SHARED), encoding="utf-8")
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            _build_command(p, p.with_suffix(".mp3")),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in paths
    ]
    results = [(proc.wait(900), proc.stderr.read()) for proc in procs]
    wall = time.perf_counter() - started
    failures = [f"article {n}: exit {code}: {err.strip()[-300:]}" for n, (code, err) in enumerate(results) if code != 0]
    first = [p.with_suffix(".mp3").read_bytes() if p.with_suffix(".mp3").exists() else b"" for p in paths]
    damaged = _damaged_entries(cache)
    stray = [
        str(p.relative_to(cache)) for p in (cache / "clips").rglob("*") if p.is_file() and not p.name.endswith(".pcm")
    ]
    entries = ClipCache(cache / "clips").info().entries
    rebuilt = []
    for p in paths:
        run = _run(_build_command(p, p.with_suffix(".again.mp3")), env)
        rebuilt.append(
            run.returncode == 0 and "0 synthesised" in run.stdout and p.with_suffix(".again.mp3").read_bytes()
        )
    identical = [a == b for a, b in zip(first, rebuilt)]
    failures += [f"damaged cache entries: {damaged[:3]}"] if damaged else []
    failures += [f"temporary files left in the cache: {stray[:3]}"] if stray else []
    failures += [
        f"article {n}: a rebuild from the cache differs or synthesised again"
        for n, ok in enumerate(identical)
        if not ok
    ]
    return {
        "processes": len(paths),
        "wall_s": round(wall, 1),
        "exit_codes": [code for code, _ in results],
        "cache_entries": entries,
        "damaged_entries": len(damaged),
        "stray_files": stray,
        "identical_to_cached_rebuild": identical,
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument(
        "--budget", type=float, default=900, help="seconds for the kill rounds (the setup comes on top)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-concurrency", action="store_true")
    args = parser.parse_args()

    from tts.engines import kokoro_assets

    kokoro_assets.model_path()  # the model and a voice prepared once, shared by every build below
    kokoro_assets.load_voice("zm_yunjian")
    model_dir = kokoro_assets.kokoro_dir()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    report: dict = {"commit": commit, "seed": args.seed, "points": args.points, "machine": f"{os.cpu_count()} cores"}
    with tempfile.TemporaryDirectory(prefix="tts-soak-") as tmp:
        work = Path(tmp)
        (work / "kill").mkdir()
        report["kill_points"] = kill_points(
            work / "kill", model_dir, args.points, args.budget, random.Random(args.seed)
        )
        if not args.skip_concurrency:
            (work / "four").mkdir()
            report["four_processes_cold_cache"] = four_at_once(work / "four", model_dir)
    failures = report["kill_points"]["failures"] + report.get("four_processes_cold_cache", {}).get("failures", [])
    report["passed"] = not failures
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "kill_points"}, ensure_ascii=False, indent=2))
    print(f"kill points: {report['kill_points']['destination']}; failures: {len(failures)}; wrote {RESULTS}")
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
