"""The online engine drives the real edge_tts client against a loopback protocol peer, faults included."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tts import pipeline
from tts.cli import app
from tts.engines import get_engine
from tts.engines.base import choose_engine
from tts.engines.edge import EdgeEngine
from tts.errors import EngineError

ARTICLE = """首页 > 新闻 > 正文
静宁苹果丰收季 果农喜笑颜开
2021-09-15 15:09 来源：中国甘肃网 编辑：宋芳科
　　九月的静宁，满山苹果挂满枝头。果农们正忙着采摘，一派丰收景象。
　　果园里的丰收
　　今年全县苹果产量预计达到一百万吨，比去年增长百分之五。合作社统一收购，价格稳定。
　　销路不愁
　　电商平台订单不断，苹果远销全国各地。果农的腰包越来越鼓。
版权声明：凡注有稿件来源为“中国甘肃网”的稿件，均为中国甘肃网版权稿件。
"""
FAST = {"backoff": 0.01, "receive_timeout": 1, "deadline": 4, "connect_timeout": 2}


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def build_edge(article: Path, out: Path, **edge_options):
    options = pipeline.BuildOptions(engine="edge", output=out, engine_options={"edge": {**FAST, **edge_options}})
    return pipeline.build(article, options)


def test_a_chunk_round_trips_through_the_real_client(edge_peer, peer_audio):
    peer = edge_peer()
    clip = EdgeEngine(**FAST).synthesize("九月的静宁，满山苹果挂满枝头。", "zh-CN-YunyangNeural")
    assert clip.sample_rate == 24_000
    assert 1.5 < len(clip.samples) / clip.sample_rate < 2.8  # 13 characters at the peer's 0.2 s each, a breath after
    assert peer.texts == ["九月的静宁，满山苹果挂满枝头。"]


def test_speed_pitch_and_volume_reach_the_service(edge_peer):
    peer = edge_peer()
    EdgeEngine(pitch="-5Hz", volume="+10%", **FAST).synthesize("你好，世界。", "zh-CN-XiaoxiaoNeural", speed=1.2)
    assert peer.served["ok"] == 1


def test_peer_down_fails_clearly_and_rerun_synthesises_only_what_is_missing(article, tmp_path, fresh_cache, edge_peer):
    peer = edge_peer()
    total = len(pipeline.prepare(article).plan.chunks)
    runner = CliRunner()

    def stop_peer_soon(done: int, _total: int) -> None:
        if done == 3 and peer._loop is not None:
            peer.stop()

    options = pipeline.BuildOptions(
        engine="edge", output=tmp_path / "out.mp3", engine_options={"edge": {**FAST, "retries": 2}}
    )
    with pytest.raises(EngineError, match="cannot reach the edge-tts service"):
        pipeline.build(article, options, progress=stop_peer_soon)
    assert not (tmp_path / "out.mp3").exists()
    cached = len(list((fresh_cache / "clips").rglob("*.pcm")))
    assert 3 <= cached < total

    result = runner.invoke(
        app, ["build", str(article), "-o", str(tmp_path / "out.mp3"), "--engine", "edge", "--retries", "1"]
    )
    assert result.exit_code == 4
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "--engine kokoro" in errors[0]

    edge_peer(port=peer.port)
    rerun = build_edge(article, tmp_path / "out.mp3")
    assert rerun.synthesized == total - cached and rerun.from_cache == cached


def test_persistent_403_says_to_upgrade_edge_tts(edge_peer):
    edge_peer(faults={"http-403": 1.0})
    with pytest.raises(EngineError, match="upgrade edge-tts"):
        EdgeEngine(**{**FAST, "retries": 2}).synthesize("你好。", "zh-CN-YunyangNeural")


def test_auto_chooses_edge_when_the_service_answers_and_kokoro_otherwise(edge_peer):
    assert choose_engine("auto")[0] == "kokoro"  # nothing listens on loopback yet
    edge_peer()
    name, reason = choose_engine("auto")
    assert name == "edge" and "answered" in reason


def test_voices_are_checked_against_the_live_list(edge_peer):
    from tts.errors import ConfigError

    edge_peer()
    engine = EdgeEngine(**FAST)
    assert [v.id for v in engine.service_voices()] == ["zh-CN-XiaoxiaoNeural", "zh-CN-YunyangNeural"]
    engine.check_voice("zh-CN-YunyangNeural")
    with pytest.raises(ConfigError, match="not offered"):
        engine.check_voice("zh-CN-XiaochenNeural")


def test_invalid_edge_options_are_config_errors():
    from tts.errors import ConfigError

    with pytest.raises(ConfigError, match="pitch"):
        get_engine("edge", pitch="loud")
    with pytest.raises(ConfigError, match="concurrency"):
        get_engine("edge", concurrency=100)


def test_real_service_when_reachable():
    """The one test that talks to Microsoft's service; skipped with the reason when it cannot be reached."""
    import edge_tts.communicate

    from . import conftest

    edge_tts.communicate.WSS_URL = conftest.REAL_WSS_URL  # restored by the autouse fixture afterwards
    ok, why = EdgeEngine.probe(timeout=5)
    if not ok:
        pytest.skip(f"real edge-tts service not reachable from this machine: {why}")
    clip = EdgeEngine().synthesize("今天天气晴朗。", "zh-CN-YunyangNeural")
    assert len(clip.samples) / clip.sample_rate > 0.8
