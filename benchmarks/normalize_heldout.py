"""Share of the held-out normalisation cases (tests/data/normalize_heldout.toml) read as a newsreader would.

The list was written before the families were implemented and is never tuned on; each run is recorded under a label
in benchmarks/results/normalize_heldout.json so before/after sit side by side.
Run:  uv run python -m benchmarks.normalize_heldout --label after
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "normalize_heldout.toml"
RESULTS = ROOT / "benchmarks" / "results" / "normalize_heldout.json"


def score() -> dict:
    from tts.speech.normalize import spoken_form

    cases = tomllib.loads(CASES.read_text("utf-8"))["case"]
    total, right, misses = Counter(), Counter(), []
    for case in cases:
        got = spoken_form(case["written"])
        total[case["family"]] += 1
        if got == case["spoken"]:
            right[case["family"]] += 1
        else:
            misses.append(
                {"family": case["family"], "written": case["written"], "expected": case["spoken"], "got": got}
            )
    return {
        "correct": sum(right.values()),
        "cases": sum(total.values()),
        "share": round(sum(right.values()) / sum(total.values()), 3),
        "by_family": {f: f"{right[f]}/{n}" for f, n in total.items()},
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="latest")
    args = parser.parse_args()
    result = score()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    runs = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else {}
    runs[args.label] = {"commit": commit, **result}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{args.label}: {result['correct']}/{result['cases']} ({result['share']:.1%}) held-out cases read right")
    for family, share in result["by_family"].items():
        print(f"  {family}: {share}")


if __name__ == "__main__":
    main()
