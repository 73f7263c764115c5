"""A real Dask cluster on loopback: a scheduler and two `tts worker` processes sharing one clip cache. Builds on it give
the same bytes as local builds, a poisoned article fails alone with its error in the report, and a worker killed
mid-article loses nothing it finished: another worker completes the article from the cache."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from .conftest import plugin_env

pytest.importorskip("distributed")

from tts.batch import build_many  # noqa: E402
from tts.cli import app  # noqa: E402
from tts.executors import open_executor  # noqa: E402
from tts.options import BuildOptions  # noqa: E402

from .test_executors import outputs, write_articles  # noqa: E402

pytestmark = pytest.mark.slow  # a Dask cluster of worker processes on loopback

STARTUP_S = 300  # generous: a shared 2-core machine imports Dask slowly
runner = CliRunner()


class Cluster:
    def __init__(self, root: Path, cache: Path, env: dict[str, str]) -> None:
        self.root, self.cache, self.env = root, cache, env
        self.procs: list[subprocess.Popen] = []
        self.address = ""

    def start(self, command: list[str], log: str) -> subprocess.Popen:
        out = open(self.root / log, "wb")
        proc = subprocess.Popen(command, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):  # each started in its own session: its process group is ours to end
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, real_cache):
    from distributed import Client

    root = tmp_path_factory.mktemp("cluster")
    cache = root / "cache"
    cache.mkdir()
    os.symlink(real_cache / "kokoro", cache / "kokoro")
    env = plugin_env(TTS_CACHE_DIR=str(cache))
    cluster = Cluster(root, cache, env)
    try:
        scheduler_file = root / "scheduler.json"
        cluster.start(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            "scheduler.log",
        )
        deadline = time.monotonic() + STARTUP_S
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        cluster.address = json.loads(scheduler_file.read_text())["address"]
        assert cluster.address.startswith("tcp://127.0.0.1:")
        for n in (1, 2):
            cluster.start([sys.executable, "-m", "tts.cli", "worker", cluster.address, "--name", f"w{n}"], f"w{n}.log")
        with Client(cluster.address, timeout="60s", set_as_default=False) as client:
            client.wait_for_workers(2, timeout=STARTUP_S)
        yield cluster
    finally:
        cluster.stop()


def test_a_cluster_build_is_byte_identical_to_a_local_one_and_a_poisoned_article_fails_alone(
    cluster, tmp_path, monkeypatch
):
    monkeypatch.setenv("TTS_CACHE_DIR", str(cluster.cache))
    folder = tmp_path / "cluster"
    write_articles(folder, poisoned=True)
    report = tmp_path / "report.json"
    result = runner.invoke(
        app,
        [
            "build",
            str(folder),
            "--engine",
            "tone",
            "--sidecars",
            "all",
            "--executor",
            "dask",
            "--scheduler",
            cluster.address,
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 6, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["built"], data["failed"]) == (3, 1)
    failed = next(a for a in data["articles"] if "error" in a)
    assert failed["input"].endswith("poison.txt") and failed["exit_code"] == 2 and "Chinese" in failed["error"]

    monkeypatch.setenv("TTS_CACHE_DIR", str(tmp_path / "local-cache"))  # made again here, from nothing
    local = tmp_path / "local"
    items = build_many(
        write_articles(local), BuildOptions(engine="tone", sidecars=frozenset({"vtt", "srt", "chapters.json"}))
    )
    assert all(i.error is None and i.result.synthesized for i in items)
    assert outputs(folder) == outputs(local) and len(outputs(local)) == 9
    assert (folder / "a.chapters.json").read_bytes() == (local / "a.chapters.json").read_bytes()


KOKORO_ARTICLE = (
    "静宁苹果丰收\n\n2021-09-15 来源：中国甘肃网\n\n　　九月的静宁满山苹果。果农们正忙着采摘。今年产量增长百分之五。\n"
)


@pytest.mark.slow  # a real Kokoro article on a cluster, one worker killed
def test_a_worker_killed_mid_article_loses_nothing_finished_and_another_completes_it(cluster, tmp_path, monkeypatch):
    """Real Kokoro: kill the worker building the article once its first sentence is cached."""
    monkeypatch.setenv("TTS_CACHE_DIR", str(cluster.cache))
    article = tmp_path / "apples.txt"
    article.write_text(KOKORO_ARTICLE, encoding="utf-8")
    options = BuildOptions(engine="kokoro", announce=False)
    clips = cluster.cache / "clips"
    before = set(clips.rglob("*.pcm"))
    with open_executor("dask", scheduler=cluster.address) as executor:
        future = executor.submit(str(article), options)
        client, key = executor._client, future.remote.key
        deadline = time.monotonic() + 600
        while not set(clips.rglob("*.pcm")) - before:  # finished sentences only (written atomically)
            assert time.monotonic() < deadline and not future.done(), (
                "no sentence was cached before the article finished"
            )
            time.sleep(0.2)
        building = [worker for worker, keys in client.processing().items() if key in keys]
        assert len(building) == 1
        pid = client.run(os.getpid, workers=building)[building[0]]
        os.kill(pid, signal.SIGKILL)  # a descendant of a `tts worker` this test started
        outcome = future.result(timeout=600)
    assert outcome.error is None, outcome.error
    result = outcome.result
    assert result.from_cache >= 1 and result.synthesized < len(result.plan.chunks)
    # What the cluster made, sentence by sentence across two workers, is what one local build makes from nothing.
    monkeypatch.setenv("TTS_CACHE_DIR", str(_fresh_cache(tmp_path / "local-cache", cluster.cache)))
    local = build_many([str(_copy(article, tmp_path / "local"))], options)[0]
    assert local.error is None and local.result.from_cache == 0
    assert Path(local.result.audio).read_bytes() == Path(result.audio).read_bytes()


def _fresh_cache(root: Path, model_from: Path) -> Path:
    root.mkdir()
    os.symlink(os.readlink(model_from / "kokoro"), root / "kokoro")
    return root


def _copy(path: Path, folder: Path) -> Path:
    folder.mkdir()
    return Path(shutil.copy(path, folder / path.name))
