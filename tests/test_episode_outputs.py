"""A podcast-ready episode from the real Kokoro voice: loudness, tags, sidecars, M4B chapters, the run report."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
import srt
import webvtt
from mutagen.id3 import ID3
from typer.testing import CliRunner

from tts.cli import app
from tts.output.ffmpeg import chapters_of, ebur128

from . import id3raw

runner = CliRunner()


def png(path: Path, size: int) -> Path:
    """A real (tiny-content) PNG of size x size pixels."""
    raw = b"".join(b"\x00" + b"\x80\x20\x20" * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )
    return path


def seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.fixture(scope="module")
def episode(tmp_path_factory, real_cache):
    """One full build with every output, shared by the checks below."""
    from .conftest import SHORT_ARTICLE

    folder = tmp_path_factory.mktemp("episode")
    article = folder / "apples.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    report = folder / "report.json"
    cover = png(folder / "cover.png", 64)
    result = runner.invoke(
        app,
        [
            "build",
            str(article),
            "--engine",
            "kokoro",
            "--sidecars",
            "all",
            "--report",
            str(report),
            "--cover",
            str(cover),
            "--url",
            "https://example.org/a.html",
            "--album",
            "甘肃新闻",
        ],
    )
    assert result.exit_code == 0, result.output
    return folder / "apples.mp3", json.loads(report.read_text(encoding="utf-8"))


def test_whole_episode_meets_podcast_loudness(episode):
    mp3, report = episode
    level = ebur128(mp3)
    assert abs(level["integrated_lufs"] - (-16)) <= 0.5
    assert level["true_peak_dbtp"] <= -1.0
    # The build's own check of the encoded audio (ebur128 on the stream as it was encoded, before the decoder
    # trims the encoder's delay) is what ffmpeg reads from the file, to its 0.1 dB steps.
    measured = report["audio"]["measured_before"]
    assert abs(measured["encoded_true_peak_dbtp"] - level["true_peak_dbtp"]) <= 0.11
    assert abs(measured["encoded_lufs"] - level["integrated_lufs"]) <= 0.11
    assert measured["corrective_reencodes"] in (0, 1, 2)
    assert not [p.name for p in mp3.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_sections_are_level_with_each_other(episode):
    mp3, _ = episode
    levels = [ebur128(mp3, c.start_ms / 1000, c.end_ms / 1000)["integrated_lufs"] for c in id3raw.chapters(mp3)]
    assert max(levels) - min(levels) <= 1.0


def test_tags_carry_metadata_cover_and_full_text(episode):
    mp3, _ = episode
    tags = ID3(mp3)
    assert tags.version[:2] == (2, 3)
    assert tags["TALB"].text == ["甘肃新闻"] and tags["TCON"].text == ["Podcast"]
    assert tags.getall("COMM")[0].text == ["https://example.org/a.html"]
    assert "今年全县苹果产量" in tags.getall("USLT")[0].text
    assert tags.getall("APIC")[0].mime == "image/png"
    assert tags["TEXT"].text == ["李红军"]


def test_sidecars_parse_and_agree_with_the_chapters(episode):
    mp3, _ = episode
    chapters = id3raw.chapters(mp3)
    data = json.loads(mp3.with_suffix(".chapters.json").read_text(encoding="utf-8"))
    assert data["version"] == "1.2.0"
    assert [c["title"] for c in data["chapters"]] == [c.title for c in chapters]
    for theirs, ours in zip(data["chapters"], chapters):
        assert isinstance(theirs["startTime"], (int, float))
        assert abs(theirs["startTime"] - ours.start_ms / 1000) < 0.05
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts)

    vtt = webvtt.read(str(mp3.with_suffix(".vtt")))
    subs = list(srt.parse(mp3.with_suffix(".srt").read_text(encoding="utf-8")))
    assert len(vtt) == len(subs) > 4
    for cue, sub in zip(vtt, subs):
        assert cue.text == sub.content
        assert abs(seconds(cue.start) - sub.start.total_seconds()) < 0.002
        assert len(cue.text) <= 32
    end_of_audio = chapters[-1].end_ms / 1000
    assert subs[-1].end.total_seconds() <= end_of_audio + 0.05
    # The cue that opens a chapter starts right after the chapter mark.
    second = chapters[1].start_ms / 1000
    first_in_second = min(s.start.total_seconds() for s in subs if s.start.total_seconds() >= second - 0.05)
    assert first_in_second - second < 0.5


def test_announcement_tells_source_date_and_length(episode):
    mp3, _ = episode
    cues = [c.text for c in webvtt.read(str(mp3.with_suffix(".vtt")))]
    assert cues[1] == "中国甘肃网，2021年9月15日。本文不到一分钟。"


def test_report_describes_the_build(episode):
    mp3, report = episode
    assert report["engine"]["name"] == "kokoro" and report["outputs"]["audio"] == str(mp3)
    assert [s["title"] for s in report["sections"]] == ["静宁苹果丰收季 果农喜笑颜开", "果园里的丰收"]
    assert report["cleaning"]["removed_by_reason"]["copyright"] == 1
    assert report["synthesis"]["chunks"] == report["synthesis"]["synthesized"] + report["synthesis"]["from_cache"]
    assert any("cover is 64x64" in w for w in report["warnings"])
    assert report["audio"]["loudness_target_lufs"] == -16.0


def test_m4b_carries_the_same_chapters(tmp_path, short_article, real_cache):
    out = tmp_path / "book.m4b"
    result = runner.invoke(
        app, ["build", str(short_article), "--engine", "kokoro", "--format", "m4b", "-o", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    read_back = chapters_of(out)
    assert [c["title"] for c in read_back] == [s["title"] for s in report["sections"]]
    for theirs, ours in zip(read_back, report["sections"]):
        assert abs(theirs["start"] - ours["start"]) < 0.05
    level = ebur128(out)
    assert abs(level["integrated_lufs"] - (-16)) <= 0.5 and level["true_peak_dbtp"] <= -1.0
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # chapter list and cover files gone too


def test_a_non_image_cover_is_refused_before_synthesis(tmp_path, short_article):
    bad = tmp_path / "cover.jpg"
    bad.write_text("not an image")
    report = tmp_path / "r.json"
    result = runner.invoke(
        app, ["build", str(short_article), "--engine", "kokoro", "--cover", str(bad), "--report", str(report)]
    )
    assert result.exit_code == 2 and "JPEG or PNG" in result.stderr
    assert json.loads(report.read_text())["exit_code"] == 2


def test_loudness_can_be_switched_off_or_retargeted(tmp_path, short_article, real_cache):
    out = tmp_path / "quiet.mp3"
    result = runner.invoke(
        app, ["build", str(short_article), "--engine", "kokoro", "--loudness", "-19", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert abs(ebur128(out)["integrated_lufs"] - (-19)) <= 0.5
    result = runner.invoke(app, ["build", str(short_article), "--engine", "kokoro", "--loudness", "loud"])
    assert result.exit_code == 2
