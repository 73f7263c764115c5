"""The local executor: worker processes give the same bytes as one process, failures stay per article, and a build
is described without the working directory so any process can run it. The tone plugin engine keeps these fast; the
real Kokoro engine runs through the executors in tests/test_distributed.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tts.batch import build_many
from tts.cli import app
from tts.executors import open_executor
from tts.executors.task import portable
from tts.options import BuildOptions, TagOptions

runner = CliRunner()
TONE = BuildOptions(engine="tone", sidecars=frozenset({"vtt", "srt"}))


def article(title: str, body: str) -> str:
    return f"{title}\n\n2021-09-15 15:09 来源：中国甘肃网\n\n　　{body}\n"


ARTICLES = {
    "a.txt": article("静宁苹果丰收季 果农喜笑颜开", "九月的静宁，满山苹果挂满枝头。果农们正忙着采摘。"),
    "b.txt": article("全县产量预计增长 百分之五", "今年全县苹果产量预计达到一百万吨。比去年增长百分之五。"),
    "c.txt": article("果园里的丰收 记者走访", "记者走访了三个果园。每个果园都在忙着装车。"),
}


def write_articles(folder: Path, poisoned: bool = False) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    if poisoned:
        (folder / "poison.txt").write_text("only latin letters, nothing to speak\n", encoding="utf-8")
    return sorted(str(p) for p in folder.glob("*.txt"))


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".mp3", ".vtt", ".srt")}


@pytest.mark.slow  # worker processes each loading the library
def test_worker_processes_build_the_same_bytes_as_one_process_and_a_poisoned_article_fails_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("TTS_CACHE_DIR", str(tmp_path / "cache-one"))
    one = build_many(write_articles(tmp_path / "one", poisoned=True), TONE, jobs=1)
    monkeypatch.setenv("TTS_CACHE_DIR", str(tmp_path / "cache-many"))  # nothing to reuse: every clip made again
    seen: list[tuple[str, int, int]] = []
    many = build_many(
        write_articles(tmp_path / "many", poisoned=True),
        TONE,
        jobs=3,
        progress=lambda source, done, total: seen.append((Path(source).name, done, total)),
    )

    for items in (one, many):
        assert [Path(i.source).name for i in items] == ["a.txt", "b.txt", "c.txt", "poison.txt"]
        assert [i.error is None for i in items] == [True, True, True, False]
        assert items[3].error.exit_code == 2 and "Chinese" in str(items[3].error)
        assert all(i.result.synthesized > 0 for i in items[:3])  # each cache started empty
    assert outputs(tmp_path / "one") == outputs(tmp_path / "many")
    assert len(outputs(tmp_path / "many")) == 9
    # Chunk progress crossed the process boundary: every good article reported its last chunk.
    finished = {name for name, done, total in seen if done == total and total > 0}
    assert finished == {"a.txt", "b.txt", "c.txt"}


@pytest.mark.slow  # worker processes each loading the library
def test_the_cli_builds_a_folder_on_worker_processes_with_a_report(tmp_path, monkeypatch):
    monkeypatch.setenv("TTS_CACHE_DIR", str(tmp_path / "cache"))
    write_articles(tmp_path / "in", poisoned=True)
    report = tmp_path / "report.json"
    result = runner.invoke(
        app,
        ["build", str(tmp_path / "in"), "--engine", "tone", "--executor", "local", "-j", "2", "--report", str(report)],
    )
    assert result.exit_code == 6, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["built"], data["failed"]) == (3, 1)
    failed = next(a for a in data["articles"] if "error" in a)
    assert failed["input"].endswith("poison.txt") and failed["exit_code"] == 2
    assert sorted(p.name for p in (tmp_path / "in").glob("*.mp3")) == ["a.mp3", "b.mp3", "c.mp3"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--executor", "ray"], "unknown executor 'ray'"),
        (["--executor", "local", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler is for --executor dask"),
        pytest.param(
            ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"],
            "cannot reach the Dask scheduler",
            marks=pytest.mark.slow,  # waits out the connect timeout
        ),
    ],
)
def test_a_wrong_executor_is_one_error_line(tmp_path, monkeypatch, args, message):
    monkeypatch.setenv("TTS_CACHE_DIR", str(tmp_path / "cache"))
    sources = write_articles(tmp_path / "in")
    result = runner.invoke(app, ["build", *sources, "--engine", "tone", *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert not list((tmp_path / "in").glob("*.mp3"))


def test_a_build_is_described_without_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "desk.toml").write_text('engine = "tone"\n[tone]\nvoice = "high"\n', encoding="utf-8")
    (tmp_path / "lexicon.toml").write_text('[words]\n"行长" = "hang2 zhang3"\n', encoding="utf-8")
    (tmp_path / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "a.txt").write_text(ARTICLES["a.txt"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    source, options = portable("a.txt", BuildOptions(profile="desk", tags=TagOptions(cover=Path("cover.png"))))
    assert source == str(tmp_path / "a.txt")
    assert options.output == tmp_path / "a.mp3"
    assert options.lexicon == tmp_path / "lexicon.toml"
    assert options.profile == str(tmp_path / "voices" / "desk.toml")
    assert options.tags.cover == tmp_path / "cover.png"
    with pytest.raises(Exception, match="standard input"):
        portable("-", BuildOptions())


def test_the_executor_interface_submits_one_article_at_a_time(tmp_path, monkeypatch):
    """What the web service does: open an executor once, submit articles as they come, read each outcome."""
    monkeypatch.setenv("TTS_CACHE_DIR", str(tmp_path / "cache"))
    sources = write_articles(tmp_path / "in", poisoned=True)
    with open_executor("local", workers=2) as executor:
        futures = [executor.submit(s, TONE) for s in sources]
        outcomes = [f.result(timeout=300) for f in futures]
    assert [o.source for o in outcomes] == sources
    assert [o.error is None for o in outcomes] == [True, True, True, False]
    assert all(Path(o.result.audio).is_file() for o in outcomes[:3])
