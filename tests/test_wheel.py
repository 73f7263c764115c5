"""The package as a user installs it: build the wheel, install it into a fresh virtual environment (from uv's
cache only, no network), and run the installed `tts` from outside the source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile

import pytest

from .conftest import ROOT, SHORT_ARTICLE

UV = shutil.which("uv")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if UV is None:
        pytest.skip("uv is not installed (the README's set-up installs it)")
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [UV, "build", "--wheel", "--out-dir", str(work / "dist"), str(ROOT)], check=True, capture_output=True
    )
    wheel = next((work / "dist").glob("tts-*.whl"))
    # The locked dependencies go in from uv's cache (no network in tests), then the wheel itself, so what is
    # tested is the wheel's own content: modules, package data, metadata and the `tts` entry point.
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(work / "venv")}
    env.pop("VIRTUAL_ENV", None)
    deps = subprocess.run(
        [UV, "sync", "--locked", "--offline", "--no-dev", "--no-install-project", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert deps.returncode == 0, deps.stderr
    python = work / "venv" / "bin" / "python"
    done = subprocess.run(
        [UV, "pip", "install", "--offline", "--no-deps", "--quiet", "--python", str(python), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return wheel, work / "venv" / "bin" / "tts", work


def test_the_wheel_carries_the_voice_profiles(installed):
    wheel, _, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert {"tts/profiles/news.toml", "tts/profiles/warm.toml", "tts/engines/kokoro_vocab.json"} <= set(names)
    assert not [n for n in names if n.startswith("tests/")]


def test_the_installed_command_lists_voices_and_plans_an_article(installed):
    _, tts, work = installed
    article = work / "a.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    voices = subprocess.run(
        [str(tts), "voices", "--engine", "kokoro", "--json"], cwd=work, env=env, capture_output=True, text=True
    )
    assert voices.returncode == 0, voices.stderr
    listing = json.loads(voices.stdout)
    assert "zm_yunjian" in [v["id"] for v in listing["engines"]["kokoro"]["voices"]]
    assert {"news", "warm", "male"} <= set(listing["profiles"])
    plan = subprocess.run(
        [str(tts), "build", "--dry-run", "--json", "--engine", "kokoro", str(article)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert plan.returncode == 0, plan.stderr
    data = json.loads(plan.stdout)
    assert data["title"] == "静宁苹果丰收季 果农喜笑颜开" and data["plan"]
    version = subprocess.run([str(tts), "--version"], cwd=work, env=env, capture_output=True, text=True)
    assert version.stdout.startswith("tts ")
