"""A real library and a real `tts serve` for the serve and browser tests, made once per test session.

Episodes are built with the deterministic tone engine (tests/plugins: exact marks, no model to load), so these tests
are about the service — HTTP, jobs, workers, pages, the player — not about speech, which the build tests cover with
the real Kokoro engine. Builds go into a temporary folder, with a clip cache of their own. The server is the real
command, `python -m tts.cli serve`, on a free loopback port, with two worker processes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import plugin_env

# Three chapters (title and lead, then two numbered headings), six sentences.
PARK = """城市公园今日开放

2026-11-28 10:00 来源：测试日报

今天上午，城市公园正式向市民开放。

一、园区设施

公园里有步道和花园。

二、开放时间

公园每天早上六点开门。
"""
# One sentence under its title: what the submission tests send (its clips are cached by the library build).
BRIEF = """晨间简讯：城市公园开放

2026-11-29 来源：测试日报

今天上午，城市公园正式向市民开放。
"""
_SESSION: dict = {}
ENGINE = "tone"


@dataclass
class Served:
    library: Path
    url: str
    token: str
    process: subprocess.Popen
    env: dict
    artifacts: Path


@contextlib.contextmanager
def cache_env(cache: Path):
    old = os.environ.get("TTS_CACHE_DIR")
    os.environ["TTS_CACHE_DIR"] = str(cache)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TTS_CACHE_DIR", None)
        else:
            os.environ["TTS_CACHE_DIR"] = old


def build_episode(text: str, library: Path, stem: str, cache: Path) -> None:
    from tts.output.episode import AudioSettings
    from tts.output.report import report_dict, write_report
    from tts.pipeline import SIDECARS, BuildOptions, build

    source = library.parent / f"{stem}.txt"
    source.write_text(text, encoding="utf-8")
    options = BuildOptions(
        engine=ENGINE,
        announce=False,
        sidecars=frozenset(SIDECARS),
        output=library / f"{stem}.mp3",
        audio=AudioSettings(loudness=None),
    )
    with cache_env(cache):
        result = build(source, options)
    data = report_dict(result, source.name, options)
    data["outputs"] = {k: Path(v).name for k, v in data["outputs"].items()}
    write_report(library / f"{stem}.report.json", data)


def _private_cache(root: Path, real_cache: Path) -> Path:
    cache = root / "cache"
    cache.mkdir()
    os.symlink(real_cache / "kokoro", cache / "kokoro")
    return cache


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(library: Path, env: dict, *extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tts.cli", "serve", str(library), "--port", str(port), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("tts serve exited: " + process.stdout.read())
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("tts serve did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory, real_cache: Path) -> Served:
    """The session's library (park: 3 chapters; brief: 1 sentence) served by `tts serve --workers 2`."""
    if "served" not in _SESSION:
        root = tmp_path_factory.mktemp("serve")
        library = root / "library"
        library.mkdir()
        cache = _private_cache(root, real_cache)
        build_episode(PARK, library, "park", cache)
        build_episode(BRIEF, library, "brief", cache)
        env = plugin_env(TTS_CACHE_DIR=str(cache))
        token = (
            subprocess.run(
                [sys.executable, "-m", "tts.cli", "serve", str(library), "--create-token", "--token-name", "tests"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        process, url = start_server(library, env, "--workers", "2", "--engine", ENGINE)
        artifacts = Path(os.environ.get("TTS_TEST_ARTIFACTS") or root / "artifacts")
        artifacts.mkdir(parents=True, exist_ok=True)
        _SESSION["served"] = Served(library, url, token, process, env, artifacts)
    yield _SESSION["served"]
    stop_server(_SESSION["served"].process)


def copy_library(source: Path, target: Path, names: list[str]) -> None:
    """Copies of one built episode under other names (no synthesis), for listing and paging tests."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        for path in source.parent.glob(source.name + ".*"):
            shutil.copy2(path, target / (name + path.name[len(source.name) :]))
