"""Fault suite, interrupts: Ctrl-C in a batch on the offline engine starts no new chunk and exits 130 promptly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, SHORT_ARTICLE


@pytest.mark.slow  # worker processes loading the real model
def test_ctrl_c_in_a_kokoro_batch_stops_after_the_chunk_in_flight(tmp_path, fresh_cache):
    paths = []
    for n in range(2):
        paths.append(tmp_path / f"a{n}.txt")
        paths[-1].write_text(SHORT_ARTICLE.replace("九月", f"{n + 8}月"), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-m", "tts.cli", "build", *map(str, paths), "--engine", "kokoro", "-o", str(out)]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "TTS_CACHE_DIR": str(fresh_cache)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        limit = time.time() + 120
        while not list((fresh_cache / "clips").rglob("*.pcm")) and time.time() < limit and proc.poll() is None:
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()
        cached_at_signal = len(list((fresh_cache / "clips").rglob("*.pcm")))
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)  # one chunk in flight at most; the whole batch would take minutes
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert len(list((fresh_cache / "clips").rglob("*.pcm"))) <= cached_at_signal + 1
    assert not list(out.iterdir())
