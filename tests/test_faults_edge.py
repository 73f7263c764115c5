"""Fault suite, online engine (issue 12, items 9-11): the real edge_tts client against the loopback peer.

Every fault kind the peer can inject must leave the episode byte-identical to a clean run and the cache
holding exactly the clean run's entries; incomplete answers (no turn end, audio short of the last word,
stalls, missed deadlines) are retried and counted, never accepted; Ctrl-C ends a stalled build promptly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tts import pipeline
from tts.engines.edge import SLOTS, EdgeEngine
from tts.errors import EngineError

from .conftest import ROOT, SHORT_ARTICLE
from .edge_peer import FAULT_KINDS, SECONDS_PER_UNIT, EdgePeer

ARTICLE = """静宁苹果丰收季 果农喜笑颜开
2021-09-15 15:09 来源：中国甘肃网
　　九月的静宁，满山苹果挂满枝头。果农们正忙着采摘，一派丰收景象。
　　今年全县苹果产量预计达到一百万吨，比去年增长百分之五。合作社统一收购，价格稳定。
　　电商平台订单不断，苹果远销全国各地。
"""
FAST = {"backoff": 0.01, "receive_timeout": 1, "deadline": 3, "connect_timeout": 2}
VOICE = "zh-CN-YunyangNeural"


def _options(out: Path, **edge) -> pipeline.BuildOptions:
    return pipeline.BuildOptions(engine="edge", output=out, engine_options={"edge": {**FAST, **edge}})


def _entries(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (cache / "clips").rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, real_cache, peer_audio):
    """One clean build (episode bytes and cache entries) that every faulty build must reproduce exactly."""
    import edge_tts.communicate
    import edge_tts.voices

    root = tmp_path_factory.mktemp("reference")
    (root / "cache").mkdir()
    os.symlink(real_cache / "kokoro", root / "cache" / "kokoro")
    article = root / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    peer = EdgePeer(peer_audio)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TTS_CACHE_DIR", str(root / "cache"))
        mp.setattr(edge_tts.communicate, "WSS_URL", peer.start())
        mp.setattr(edge_tts.voices, "VOICE_LIST", peer.voices_url)
        try:
            result = pipeline.build(article, _options(root / "reference.mp3"))
        finally:
            peer.stop()
    return result.mp3.read_bytes(), _entries(root / "cache"), len(result.plan.chunks)


# The long ones (a stall waits out its limit, a drip its deadline) run with `-m slow`.
_SLOW_KINDS = {"drip", "slow", "stall", "stall@0.5"}


def _kinds(kinds):
    return [pytest.param(k, marks=pytest.mark.slow) if k in _SLOW_KINDS else k for k in kinds]


@pytest.mark.parametrize("kind", _kinds(FAULT_KINDS))
def test_every_fault_kind_gives_the_same_episode_and_caches_nothing_damaged(
    kind, reference, tmp_path, fresh_cache, edge_peer
):
    mp3, entries, chunks = reference
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    peer = edge_peer(faults={kind: 0.3}, slow_seconds=1.5, seed=7)
    result = pipeline.build(article, _options(tmp_path / "faulty.mp3", retries=10))
    injected = sum(n for k, n in peer.served.items() if k != "ok")
    assert peer.served[kind] > 0, "the fault was never injected"
    assert result.synthesized == chunks
    assert result.mp3.read_bytes() == mp3
    assert _entries(fresh_cache) == entries
    # Every fault the peer served is in the report: the client's own 403 retries and quiet truncations too.
    assert sum(result.faults.values()) == injected, (dict(peer.served), result.faults)
    assert result.retries == injected


@pytest.mark.parametrize(
    "kind", _kinds(["close@0.4", "close@0.9", "drop@0.5", "truncated", "stall", "stall@0.5", "drip"])
)
def test_an_incomplete_answer_is_never_accepted_even_on_the_last_attempt(kind, edge_peer, fresh_cache, tmp_path):
    peer = edge_peer(faults={kind: 1.0})
    peer.drip_seconds = 0.3
    engine = EdgeEngine(**{**FAST, "retries": 2})
    started = time.perf_counter()
    with pytest.raises(EngineError, match="incomplete answers"):
        engine.synthesize("九月的静宁，满山苹果挂满枝头。果农们正忙着采摘，一派丰收景象。", VOICE)
    assert time.perf_counter() - started < 2 * FAST["deadline"] + 3  # the deadlines bound every attempt
    stats = engine.stats()
    assert [(r.tries, r.failed) for r in engine.log] == [(2, True)]
    assert stats.retries == 1 and sum(stats.faults.values()) == 2
    expected = {"stall": "stall", "stall@0.5": "stall", "drip": "deadline", "truncated": "short-of-boundary"}
    assert set(stats.faults) <= {expected.get(kind, "no-turn-end"), "connection"}


def test_a_cut_off_build_fails_and_caches_nothing_from_the_bad_answers(edge_peer, fresh_cache, tmp_path):
    """Issue 12 item 9: audio cut at 40-50 % was accepted and cached; now the build fails and caches nothing bad."""
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    edge_peer(faults={"close@0.5": 1.0})
    with pytest.raises(EngineError, match="incomplete"):
        pipeline.build(article, _options(tmp_path / "out.mp3", retries=2))
    assert not (tmp_path / "out.mp3").exists()
    assert _entries(fresh_cache) == {}


def test_word_boundaries_give_exact_marks_that_survive_the_cache(edge_peer, fresh_cache):
    from tts.speech.cache import ClipCache

    edge_peer()
    text = "今年全县苹果产量达到100万吨，OpenAI也来了。"
    clip = EdgeEngine(**FAST).synthesize(text, VOICE)
    words = [text[m.start_char : m.end_char] for m in clip.marks]
    assert words == ["今年", "全县", "苹果", "产量", "达到", "100", "万吨", "OpenAI", "也来", "了"]
    seconds = len(clip.samples) / clip.sample_rate
    for a, b in zip(clip.marks, clip.marks[1:]):
        assert a.start < a.end <= b.start <= b.end <= seconds
    # The peer speaks SECONDS_PER_UNIT per character, Latin word or digit: durations follow the words' units.
    units = {"100": 3, "OpenAI": 1}
    for mark, word in zip(clip.marks, words):
        assert mark.end - mark.start == pytest.approx(units.get(word, len(word)) * SECONDS_PER_UNIT - 0.01, abs=0.002)
    cache = ClipCache()
    cache.put("ab" * 32, clip)
    assert cache.get("ab" * 32).marks == clip.marks


def test_the_concurrency_limit_holds_for_the_whole_process_across_a_batch(edge_peer, fresh_cache, tmp_path):
    from tts.batch import build_many

    peer = edge_peer(latency=0.3)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.txt").write_text(SHORT_ARTICLE.replace("九月", f"{n + 8}月"), encoding="utf-8")
    SLOTS.peak = 0
    options = pipeline.BuildOptions(engine="edge", announce=False, engine_options={"edge": {**FAST, "concurrency": 2}})
    items = build_many([str(p) for p in sorted(folder.iterdir())], options, jobs=3)
    assert all(item.error is None for item in items), [str(item.error) for item in items]
    assert peer.peak_active == 2 and SLOTS.peak == 2  # 3 jobs x 2 would allow 6


def test_cancel_ends_a_stalled_request_at_once(edge_peer):
    peer = edge_peer(faults={"stall": 1.0})
    engine = EdgeEngine(receive_timeout=60, deadline=120, backoff=0.01)
    failure: list[BaseException] = []

    def synthesize() -> None:
        try:
            engine.synthesize("你好，世界。", VOICE)
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=synthesize)
    worker.start()
    while peer.served["stall"] == 0:
        time.sleep(0.05)
    time.sleep(0.2)
    started = time.perf_counter()
    engine.cancel()
    worker.join(5)
    assert not worker.is_alive() and time.perf_counter() - started < 3
    assert isinstance(failure[0], EngineError) and "interrupted" in str(failure[0])
    deadline = time.time() + 3
    while peer.active and time.time() < deadline:
        time.sleep(0.05)
    assert peer.active == 0  # the client closed its socket


_CLI = (
    "import sys, edge_tts.communicate as c, edge_tts.voices as v; c.WSS_URL, v.VOICE_LIST = sys.argv[1:3]; "
    "sys.argv = ['tts'] + sys.argv[3:]; from tts.cli import main; main()"
)


@pytest.mark.parametrize("articles", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_ctrl_c_during_a_stalled_request_exits_130_within_seconds(articles, edge_peer, fresh_cache, tmp_path):
    """Issue 12 item 10: a stalled stream hung the build, and Ctrl-C waited on worker threads until SIGKILL."""
    peer = edge_peer(faults={"stall": 1.0})
    paths = []
    for n in range(articles):
        paths.append(tmp_path / f"a{n}.txt")
        paths[-1].write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    command = [
        sys.executable,
        "-c",
        _CLI,
        peer.url,
        peer.voices_url,
        "build",
        *map(str, paths),
        "--engine",
        "edge",
        "-o",
        str(out if articles > 1 else out / "a.mp3"),
    ]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "TTS_CACHE_DIR": str(fresh_cache)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        limit = time.time() + 60
        while peer.served["stall"] < articles and time.time() < limit and proc.poll() is None:
            time.sleep(0.05)
        assert peer.served["stall"] >= 1, proc.communicate(timeout=5)
        time.sleep(0.3)
        started = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=15)
        elapsed = time.perf_counter() - started
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert elapsed < 5, elapsed
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert not list(out.iterdir())


def test_probe_is_bounded_by_its_timeout_against_a_stalling_service(edge_peer):
    edge_peer(faults={"stall": 1.0})
    started = time.perf_counter()
    ok, why = EdgeEngine.probe(timeout=1.0)
    assert not ok and time.perf_counter() - started < 3
