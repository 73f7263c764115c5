"""`tts build` end to end on the real Kokoro voice, plus its error paths, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from typer.testing import CliRunner

from tts import pipeline
from tts.cli import app
from tts.output.ffmpeg import decoded_duration

from . import id3raw

runner = CliRunner()
BOILERPLATE = ["首页", "编辑：宋芳科", "版权声明", "分享到"]


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_build_writes_a_chaptered_mp3_and_a_transcript(short_article, real_cache):  # shares the session's clips
    result = run("build", str(short_article), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    mp3, vtt = Path(report["outputs"]["audio"]), Path(report["outputs"]["vtt"])
    assert mp3 == short_article.with_suffix(".mp3") and vtt.exists()

    chapters = id3raw.chapters(mp3)
    assert [c.title for c in chapters] == ["静宁苹果丰收季 果农喜笑颜开", "果园里的丰收"]
    assert chapters[0].start_ms == 0 and chapters[0].end_ms == chapters[1].start_ms
    played = decoded_duration(mp3)
    assert abs(chapters[-1].end_ms / 1000 - played) < 0.05
    assert abs(MP3(mp3).info.length - played) < 0.06
    tags = ID3(mp3)
    assert tags.version[:2] == (2, 3) and tags["TPE1"].text == ["中国甘肃网"]

    cues = vtt.read_text(encoding="utf-8")
    assert cues.startswith("WEBVTT")
    assert "九月的静宁，满山苹果挂满枝头。" in cues and "今年全县苹果产量预计达到一百万吨，比去年增长百分之五。" in cues
    for junk in BOILERPLATE:
        assert junk not in cues


TONE = pipeline.BuildOptions(engine="tone")  # the deterministic plugin engine: cache mechanics, not voices


def test_rebuild_reuses_cached_sentences(short_article, fresh_cache):
    first = pipeline.build(short_article, TONE)
    second = pipeline.build(short_article, TONE)
    assert first.synthesized == len(first.plan.chunks) and second.synthesized == 0
    assert second.mp3.read_bytes() == first.mp3.read_bytes()


def test_interrupted_build_keeps_finished_sentences_and_no_partial_mp3(short_article, fresh_cache):
    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipeline.build(
            short_article,
            pipeline.BuildOptions(engine="tone", engine_options={"tone": {"identity": "slow"}}),
            progress=stop_after_two,
        )
    assert not short_article.with_suffix(".mp3").exists()
    assert not list(short_article.parent.glob(".*partial*"))
    resumed = pipeline.build(
        short_article, pipeline.BuildOptions(engine="tone", engine_options={"tone": {"identity": "slow"}})
    )
    # Chunks finished before the interrupt (two, plus any the engine had in flight) are kept.
    assert resumed.from_cache >= 2 and resumed.synthesized == len(resumed.plan.chunks) - resumed.from_cache


@pytest.mark.parametrize(
    "content, message",
    [(None, "not found"), (b"", "empty"), (b"Only English here.", "no Chinese"), (bytes(range(256)) * 8, "binary")],
    ids=["missing", "empty", "no-chinese", "binary"],
)
def test_bad_input_gives_one_line_error_and_no_mp3(tmp_path, content, message):
    article = tmp_path / "bad.txt"
    if content is not None:
        article.write_bytes(content)
    result = run("build", str(article))
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.mp3"))


def test_unknown_voice_lists_the_real_ones(short_article):
    result = run("build", str(short_article), "--voice", "nobody")
    assert result.exit_code == 2 and "zf_xiaoxiao" in result.stderr


def test_dry_run_shows_the_plan_without_synthesising(short_article, fresh_cache):
    result = run("build", str(short_article), "--dry-run", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["title"] == "静宁苹果丰收季 果农喜笑颜开"
    assert [c["chapter"] for c in data["plan"]] == ["静宁苹果丰收季 果农喜笑颜开", "果园里的丰收"]
    assert not short_article.with_suffix(".mp3").exists()
