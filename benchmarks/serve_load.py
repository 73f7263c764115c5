"""Load check for `tts serve`: 200 concurrent clients on loopback fetching pages and byte ranges, bounded in time.

    uv run python -m benchmarks.serve_load [--clients 200] [--seconds 20] [--saturate-seconds 8]

Builds one short episode with Kokoro (cached after the first run) into a temporary library, copies it to 60
episodes (three index pages), starts the real `tts serve` on a free loopback port and runs two phases:

1. listeners: each client loops over index, search, an episode page, the stylesheet and script, and a random
   64 KB byte range of the audio (as a browser seeking does), with 0-1 s think time between requests (clients
   arrive spread over the first second);
2. saturation: the same clients with no think time, for the server's ceiling in requests per second.

Reports requests/s, p50/p99 latency per kind and errors, to benchmarks/results/serve_load.json. Targets (issue 14):
0 errors, p99 < 200 ms for pages in phase 1 on 2 cores. Only 127.0.0.1 is contacted; every loop stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "serve_load.json"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def client(session, base: str, size: int, stop_at: float, think: bool, records: list, errors: list) -> None:
    import aiohttp

    rng = random.Random()
    plan = [
        ("index", "/"),
        ("search", "/?q=%E5%85%AC%E5%9B%AD"),
        ("episode", "/episodes/ep-{n:03d}"),
        ("static", "/static/style.css"),
        ("static", "/static/player.js"),
        ("range", "/ep-{n:03d}.mp3"),
        ("index", "/?page=2"),
    ]
    step = rng.randrange(len(plan))
    await asyncio.sleep(rng.uniform(0, 1.0))  # listeners arrive over a second, not all in the same millisecond
    while time.monotonic() < stop_at:
        kind, path = plan[step % len(plan)]
        step += 1
        path = path.format(n=rng.randrange(60))
        headers = {}
        expected = 200
        if kind == "range":
            start = rng.randrange(0, max(1, size - 65536))
            headers["Range"] = f"bytes={start}-{start + 65535}"
            expected = 206
        began = time.perf_counter()
        try:
            async with session.get(base + path, headers=headers) as answer:
                await answer.read()
                if answer.status != expected:
                    errors.append(f"{kind} {path}: HTTP {answer.status}")
        except (TimeoutError, aiohttp.ClientError) as exc:
            errors.append(f"{kind} {path}: {type(exc).__name__}")
        records.append((kind, time.perf_counter() - began))
        if think:
            await asyncio.sleep(rng.uniform(0, 1.0))


async def lag_probe(stop_at: float, lags: list) -> None:
    while time.monotonic() < stop_at:
        began = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - began - 0.01)


async def phase(base: str, clients: int, seconds: float, size: int, think: bool) -> dict:
    import aiohttp

    records: list[tuple[str, float]] = []
    errors: list[str] = []
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    lags: list[float] = []
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        began = time.monotonic()
        stop_at = began + seconds
        await asyncio.gather(
            lag_probe(stop_at, lags),
            *(client(session, base, size, stop_at, think, records, errors) for _ in range(clients)),
        )
        elapsed = time.monotonic() - began
    kinds = {}
    for kind in sorted({k for k, _ in records}):
        times = [t for k, t in records if k == kind]
        kinds[kind] = {
            "requests": len(times),
            "p50_ms": round(percentile(times, 50) * 1000, 1),
            "p99_ms": round(percentile(times, 99) * 1000, 1),
        }
    pages = [t for k, t in records if k in ("index", "search", "episode")]
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "think_time_s": "0-1" if think else 0,
        "requests": len(records),
        "requests_per_s": round(len(records) / elapsed, 1),
        "p50_ms": round(percentile([t for _, t in records], 50) * 1000, 1),
        "p99_ms": round(percentile([t for _, t in records], 99) * 1000, 1),
        "pages_p99_ms": round(percentile(pages, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean([t for _, t in records]) * 1000, 1) if records else 0,
        "errors": len(errors),
        "error_examples": errors[:5],
        "by_kind": kinds,
        # how late the client's own 10 ms timer fires: delay no server could cause (a busy or shared machine)
        "client_timer_lag_p50_ms": round(percentile(lags, 50) * 1000, 1),
        "client_timer_lag_p99_ms": round(percentile(lags, 99) * 1000, 1),
    }


def make_library(root: Path) -> Path:
    from tests.serve_fixtures import PARK, build_episode, copy_library
    from tts.paths import cache_dir

    library = root / "library"
    library.mkdir()
    build_episode(PARK, library, "ep-000", cache_dir())  # the user's clip cache: a rerun synthesises nothing
    copy_library(library / "ep-000", library, [f"ep-{n:03d}" for n in range(1, 60)])
    return library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--saturate-seconds", type=float, default=8.0)
    args = parser.parse_args()
    if args.seconds + args.saturate_seconds > 30:
        parser.error("the two phases together are bounded to 30 s")

    from tests.serve_fixtures import start_server, stop_server

    with tempfile.TemporaryDirectory() as tmp:
        library = make_library(Path(tmp))
        process, base = start_server(library, dict(os.environ), "--workers", "0")
        try:
            size = (library / "ep-000.mp3").stat().st_size
            listeners = asyncio.run(phase(base, args.clients, args.seconds, size, think=True))
            saturation = asyncio.run(phase(base, args.clients, args.saturate_seconds, size, think=False))
        finally:
            stop_server(process)
    result = {
        "benchmark": "serve_load",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        },
        "server": "tts serve --workers 0 (one uvicorn process), library of 60 episodes",
        "listeners": listeners,
        "saturation": saturation,
        "targets": {"errors": 0, "pages_p99_ms": 200},
        "met": listeners["errors"] == 0 and saturation["errors"] == 0 and listeners["pages_p99_ms"] < 200,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
