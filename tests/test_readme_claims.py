"""The README says only what was measured: every figure in its Measured section is a value recorded in
benchmarks/results/*.json (as written, or as a percentage), and its example commands run."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# Figures of earlier runs, quoted for comparison beside the recorded ones (their runs' JSON was replaced).
EARLIER = {"1.01", "1.25", "1.32", "1.54", "2.14", "4.2", "13.7", "-19.1"}


def _recorded() -> list[float]:
    values: list[float] = []

    def walk(item: object) -> None:
        if isinstance(item, bool):
            return
        if isinstance(item, int | float):
            values.append(float(item))
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)
        elif isinstance(item, str):
            values.extend(float(m) for m in re.findall(r"-?\d+\.\d+", item))

    for path in sorted((ROOT / "benchmarks" / "results").glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return values


def test_every_figure_in_measured_comes_from_the_results():
    section = README[README.index("## Measured") :]
    section = section[: section.index("\n## ", 5)].replace("−", "-")
    figures = set(re.findall(r"(?<![\w.])-?\d+\.\d+(?![\w.])", section))
    recorded = _recorded()

    def found(figure: str) -> bool:
        places = len(figure.split(".")[1])
        target = float(figure)
        return any(
            abs(round(candidate, places) - target) < 10**-places / 2 + 1e-9
            for value in recorded
            for candidate in (value, value * 100, -value)
        )

    missing = sorted(f for f in figures - EARLIER if not found(f))
    assert len(figures) > 50 and not missing, missing


def test_the_say_example_prints_what_the_readme_says():
    match = re.search(r"`uv run tts say \"([^\"]+)\"` prints\s+`([^`]+)`", README)
    assert match, "the README's tts say example"
    done = subprocess.run([sys.executable, "-m", "tts.cli", "say", match.group(1)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == match.group(2)


def test_the_setup_build_command_plans_the_sample():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tts.cli",
            "build",
            "articles/gansu-tianjin-wuqing-jingning.txt",
            "--dry-run",
            "-e",
            "kokoro",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "chapters" in done.stdout
