"""Ctrl-C during encoding and the temporary files of killed builds, with a real `tts build` process and real ffmpeg."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tts.paths import remove_stale_temps, temp_sibling

from .conftest import SHORT_ARTICLE

TTS = str(Path(sys.executable).with_name("tts"))


def long_article(folder: Path, repeats: int = 30) -> Path:
    """About seven minutes of audio made only of the short article's sentences (cached once, then reused), so
    that encoding lasts long enough to be interrupted."""
    head, rest = SHORT_ARTICLE.split("\u3000\u3000九月的静宁")
    body = "\u3000\u3000九月的静宁" + rest.split("版权声明")[0]
    path = folder / "long.txt"
    path.write_text(head + body * repeats, encoding="utf-8")
    return path


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the encoder")
@pytest.mark.slow  # real builds in subprocesses, interrupted or killed
def test_ctrl_c_during_encoding_exits_130_and_leaves_nothing(tmp_path, short_article, real_cache):
    # The sentences are cached by a normal build first; the long build then only assembles and encodes.
    warm = subprocess.run(
        [TTS, "build", str(short_article), "--engine", "kokoro", "--no-announce", "-o", str(tmp_path / "warm.mp3")],
        capture_output=True,
        text=True,
    )
    assert warm.returncode == 0, warm.stderr
    out = tmp_path / "out"
    out.mkdir()
    temp = tmp_path / "tmp"
    temp.mkdir()
    article = long_article(tmp_path)
    env = {**os.environ, "TMPDIR": str(temp)}
    # Its own session, so that a signal to its group is what a terminal's Ctrl-C would be.
    build = subprocess.Popen(
        [
            TTS,
            "build",
            str(article),
            "--engine",
            "kokoro",
            "--no-announce",
            "-o",
            str(out / "long.mp3"),
            "--sidecars",
            "all",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    encoder = None
    deadline = time.monotonic() + 120
    while encoder is None and build.poll() is None and time.monotonic() < deadline:
        encoder = next((c for c in children_of(build.pid) if "libmp3lame" in cmdline(c) and "tee" in cmdline(c)), None)
        time.sleep(0.005)
    assert encoder is not None, "never saw the encoder running"
    # The encoder is out of the build's session, so the terminal's Ctrl-C cannot reach it (only Python does).
    assert os.getsid(encoder) != os.getsid(build.pid)
    time.sleep(0.3)  # well into the encode
    assert running(encoder), "the encode finished before the interrupt could be sent"
    os.killpg(build.pid, signal.SIGINT)  # the whole foreground group, as the terminal sends it
    _, err = build.communicate(timeout=60)
    err = err.decode("utf-8", "replace")
    assert build.returncode == 130, err
    assert "interrupted" in err
    assert "Broken pipe" not in err and "Traceback" not in err
    assert not running(encoder)
    assert sorted(p.name for p in out.iterdir()) == []  # no audio, no sidecars, no temporary files
    assert list(temp.iterdir()) == []


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_of_dead_processes_are_removed(tmp_path):
    dead = dead_pid()
    mine = temp_sibling(tmp_path / "episode.mp3")
    stale = [
        tmp_path / f".episode.mp3.{dead}.0a1b2c3d.partial.mp3",
        tmp_path / f".episode.{dead}.partial.mp3",  # the older names, and the audio file they carried along
        tmp_path / f".episode.{dead}.partial.mp3.audio.mp3",
    ]
    kept = [
        mine,
        tmp_path / "episode.mp3",
        tmp_path / ".hidden-notes.txt",
        tmp_path / f".episode.mp3.{os.getppid()}.0a1b2c3d.partial.mp3",
    ]
    for path in stale + kept:
        path.write_bytes(b"x")
    removed = remove_stale_temps(tmp_path)
    assert sorted(removed) == sorted(stale)
    assert all(p.exists() for p in kept) and not any(p.exists() for p in stale)


def test_temp_names_carry_the_pid_and_never_repeat(tmp_path):
    names = {temp_sibling(tmp_path / "a b[1]|x.mp3").name for _ in range(50)}
    assert len(names) == 50
    assert all(f".{os.getpid()}." in n and n.startswith(".a b[1]|x.mp3.") and n.endswith(".partial.mp3") for n in names)


@pytest.mark.slow  # real builds in subprocesses, interrupted or killed
def test_a_build_clears_leftovers_of_a_killed_build(tmp_path, short_article, real_cache):
    dead = dead_pid()
    leftover = short_article.parent / f".short.mp3.{dead}.0a1b2c3d.partial.mp3"
    leftover.write_bytes(b"half an mp3")
    result = subprocess.run([TTS, "build", str(short_article), "--engine", "kokoro"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not leftover.exists()
    assert [p.name for p in short_article.parent.iterdir() if p.name.startswith(".")] == []
