"""Nothing is lost: outputs never replace inputs or each other, options are checked before any work, and
environmental failures give one `error:` line, a documented exit code and the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SHORT_ARTICLE, plugin_env


def tts(*args: str, cache: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = plugin_env(TTS_CACHE_DIR=str(cache))
    return subprocess.run(
        [sys.executable, "-m", "tts.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(SHORT_ARTICLE, encoding="utf-8")
    return path


def one_error_line(done: subprocess.CompletedProcess, code: int) -> str:
    assert done.returncode == code, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in done.stderr, done.stderr
    return errors[0]


@pytest.mark.parametrize("target", ["a.txt", "A.TXT", "a.vtt", "link.mp3"])
def test_an_output_that_is_the_input_or_another_output_is_refused(tmp_path, article, target):
    (tmp_path / "link.mp3").symlink_to(article)
    before = article.read_bytes()
    done = tts("build", str(article), "-e", "tone", "-o", str(tmp_path / target), cache=tmp_path / "c")
    assert "overwrite the input" in one_error_line(done, 2) or "both be written" in done.stderr
    assert article.read_bytes() == before


def test_the_report_may_not_replace_the_audio_or_the_article(tmp_path, article):
    for target in (tmp_path / "a.mp3", article, tmp_path / "a.vtt"):
        done = tts("build", str(article), "-e", "tone", "--report", str(target), cache=tmp_path / "c")
        one_error_line(done, 2)
    assert article.read_text(encoding="utf-8") == SHORT_ARTICLE and not (tmp_path / "a.mp3").exists()


def test_a_batch_whose_articles_share_a_name_in_one_folder_is_refused_before_any_work(tmp_path):
    for folder, suffix in (("d1", ".txt"), ("d2", ".html")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"x{suffix}").write_text(SHORT_ARTICLE, encoding="utf-8")
    (tmp_path / "out").mkdir()
    done = tts(
        "build",
        str(tmp_path / "d1" / "x.txt"),
        str(tmp_path / "d2" / "x.html"),
        "-e",
        "tone",
        "-o",
        str(tmp_path / "out"),
        cache=tmp_path / "c",
    )
    assert "both be written" in one_error_line(done, 2)
    assert list((tmp_path / "out").iterdir()) == []


def test_the_output_suffix_chooses_the_container(tmp_path, article):
    done = tts("build", str(article), "-e", "tone", "-o", str(tmp_path / "x.m4b"), "--no-vtt", cache=tmp_path / "c")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "x.m4b").read_bytes()[4:8] == b"ftyp"
    clash = tts(
        "build", str(article), "-e", "tone", "-o", str(tmp_path / "y.m4b"), "--format", "mp3", cache=tmp_path / "c"
    )
    assert "make them agree" in one_error_line(clash, 2)


@pytest.mark.parametrize(
    "flags",
    [
        ["--bitrate", "abc"],
        ["--bitrate", "1k"],
        ["--bitrate", "5000k"],
        ["--sample-rate", "8000"],
        ["--loudness", "loud"],
        ["--true-peak", "3"],
    ],
)
def test_option_values_are_checked_before_any_work_even_in_a_dry_run(tmp_path, article, flags):
    for extra in ([], ["--dry-run"]):
        done = tts("build", str(article), "-e", "tone", *flags, *extra, cache=tmp_path / "c")
        one_error_line(done, 2)
    assert not (tmp_path / "c").exists() and not (tmp_path / "a.mp3").exists()


def test_usage_errors_are_one_line_too(tmp_path):
    assert "see tts build --help" in one_error_line(tts("build", "--no-such-flag", "x", cache=tmp_path), 2)
    assert "Missing argument" in one_error_line(tts("build", cache=tmp_path), 2)
    assert tts("--version", cache=tmp_path).stdout.startswith("tts ")


def test_an_unwritable_cache_is_exit_5_with_advice_and_a_report(tmp_path, article):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    report = tmp_path / "r.json"
    done = tts("build", str(article), "-e", "tone", "--report", str(report), cache=blocker / "cache")
    assert "TTS_CACHE_DIR" in one_error_line(done, 5)
    assert json.loads(report.read_text(encoding="utf-8"))["exit_code"] == 5
    assert not (tmp_path / "a.mp3").exists()


def test_an_unwritable_report_folder_after_the_audio_is_exit_5_and_keeps_the_audio(tmp_path, article):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = tts("build", str(article), "-e", "tone", "--report", str(blocker / "r.json"), cache=tmp_path / "c")
    assert done.returncode == 5 and "cannot write the report" in done.stderr
    assert (tmp_path / "a.mp3").stat().st_size > 1000


def test_a_lexicon_with_a_wrong_type_is_a_clear_error(tmp_path, article):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[words]\n"行长" = 5\n', encoding="utf-8")
    assert "行长" in one_error_line(
        tts("build", str(article), "-e", "tone", "--lexicon", str(lexicon), cache=tmp_path / "c"), 2
    )
    assert "行长" in one_error_line(tts("say", "行长", "--lexicon", str(lexicon), cache=tmp_path / "c"), 2)


def test_control_characters_in_a_page_reach_no_tag_transcript_or_report(tmp_path):
    from mutagen.id3 import ID3

    article = tmp_path / "ctl.txt"
    article.write_text(SHORT_ARTICLE.replace("静宁苹果丰收季", "静宁\x07苹果\x1b[31m丰收季\x00"), encoding="utf-8")
    report = tmp_path / "r.json"
    done = tts("build", str(article), "-e", "tone", "--sidecars", "all", "--report", str(report), cache=tmp_path / "c")
    assert done.returncode == 0, done.stderr
    assert ID3(tmp_path / "ctl.mp3")["TIT2"].text == ["静宁苹果丰收季 果农喜笑颜开"]
    for path in [report, *tmp_path.glob("ctl.*")]:
        if path.suffix != ".mp3" and path != article:
            text = path.read_text(encoding="utf-8")
            assert not any(c in text for c in "\x00\x07\x1b"), path


@pytest.mark.parametrize("flag", ["--kokoro-model", "--kokoro-voices"])
def test_an_output_never_replaces_a_file_the_engine_reads(tmp_path, article, flag):
    model = tmp_path / "own.mp3"  # a user's model file, named so that -o could land on it
    model.write_bytes(b"not really a model")
    done = tts("build", str(article), "--engine", "kokoro", flag, str(model), "-o", str(model), cache=tmp_path)
    assert "overwrite the input" in one_error_line(done, 2)
    assert model.read_bytes() == b"not really a model"
