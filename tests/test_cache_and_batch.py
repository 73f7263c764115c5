"""Fast rebuilds and whole folders: partial rebuilds, concurrent builds sharing the cache, batch failures, cache upkeep."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from tts import pipeline
from tts.cli import app
from tts.speech.cache import ClipCache

from .conftest import SHORT_ARTICLE, plugin_env

runner = CliRunner()
# Cache and batch mechanics on the deterministic tone plugin engine (the real voices are tested elsewhere).
TONE = pipeline.BuildOptions(engine="tone", announce=False)


def test_an_edited_paragraph_resynthesises_only_its_sentences(short_article, fresh_cache):
    first = pipeline.build(short_article, TONE)
    short_article.write_text(SHORT_ARTICLE.replace("比去年增长百分之五。", "比去年增长百分之六。"), encoding="utf-8")
    second = pipeline.build(short_article, TONE)
    assert first.synthesized == len(first.plan.chunks)
    assert second.synthesized == 1 and second.from_cache == len(second.plan.chunks) - 1


def test_two_builds_sharing_the_cache_at_once_both_succeed(tmp_path, fresh_cache):
    article = tmp_path / "a.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    env = plugin_env(TTS_CACHE_DIR=str(fresh_cache))
    command = [
        sys.executable,
        "-m",
        "tts.cli",
        "build",
        str(article),
        "--engine",
        "tone",
        "--no-announce",
        "--no-vtt",
    ]
    procs = [
        subprocess.Popen(command + ["-o", str(tmp_path / f"{n}.mp3")], env=env, stderr=subprocess.PIPE) for n in (1, 2)
    ]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    assert (tmp_path / "1.mp3").read_bytes() == (tmp_path / "2.mp3").read_bytes()
    entries = list((fresh_cache / "clips").rglob("*"))
    assert not [e for e in entries if e.name.endswith(".tmp")]
    third = pipeline.build(
        article, pipeline.BuildOptions(engine="tone", announce=False, output=tmp_path / "3.mp3", sidecars=frozenset())
    )
    assert third.synthesized == 0


def test_a_folder_builds_every_article_and_a_bad_one_does_not_stop_the_rest(tmp_path, fresh_cache):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    report = tmp_path / "batch.json"
    result = runner.invoke(app, ["build", str(folder), "--engine", "tone", "--no-announce", "--report", str(report)])
    assert result.exit_code == 6, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["built"], data["failed"]) == (1, 1)
    assert (folder / "good.mp3").exists() and not (folder / "empty.mp3").exists()
    failed = next(a for a in data["articles"] if "error" in a)
    assert failed["input"].endswith("empty.txt") and failed["exit_code"] == 2


def test_several_articles_need_a_folder_for_output(tmp_path, short_article):
    result = runner.invoke(
        app, ["build", str(short_article), str(short_article), "-o", str(tmp_path / "x.mp3"), "--engine", "tone"]
    )
    assert result.exit_code == 5 and "existing folder" in result.stderr


def test_cache_info_and_clear(short_article, fresh_cache):
    pipeline.build(short_article, TONE)
    info = json.loads(runner.invoke(app, ["cache", "info", "--json"]).stdout)
    assert info["entries"] > 0 and info["bytes"] > 0 and info["audio_seconds"] > 5
    assert "removed" in runner.invoke(app, ["cache", "clear"]).stdout
    assert json.loads(runner.invoke(app, ["cache", "info", "--json"]).stdout)["entries"] == 0


def test_least_recently_used_sentences_are_evicted_beyond_the_limit(fresh_cache):
    import numpy as np

    from tts.model import Clip

    cache = ClipCache()
    for n in range(5):
        cache.put(f"{n:064x}", Clip(np.zeros(24_000, dtype=np.float32), 24_000))
        os.utime(cache._path(f"{n:064x}"), (1000 + n, 1000 + n))
    cache.get(f"{0:064x}")  # used just now: kept
    removed = cache.trim(limit=3 * cache._path(f"{0:064x}").stat().st_size)
    assert removed == 2
    assert cache.get(f"{0:064x}") is not None and cache.get(f"{1:064x}") is None and cache.get(f"{4:064x}") is not None


def test_a_damaged_cache_entry_is_synthesised_again(short_article, fresh_cache):
    """Issue 12 item 2: a clip truncated to an even byte count used to pass; now the checksum catches it."""
    first = pipeline.build(short_article, TONE)
    entry = sorted((fresh_cache / "clips").rglob("*.pcm"))[0]
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2 & ~1])  # an even length, as a torn write leaves it
    second = pipeline.build(short_article, TONE)
    assert second.synthesized == 1 and second.mp3.read_bytes() == first.mp3.read_bytes()
    assert any("damaged" in w and entry.name in w for w in second.warnings)
    assert entry.read_bytes() == data  # re-synthesised and stored whole again
