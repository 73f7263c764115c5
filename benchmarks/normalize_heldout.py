"""Share of the held-out normalisation cases (tests/data/normalize_heldout.toml) read as a newsreader would.

The list was written before the families were implemented and is never tuned on; each run is recorded under a label
in benchmarks/results/normalize_heldout.json so before/after sit side by side. `--cases` scores another list of the
same schema (e.g. tests/data/normalize_heldout2.toml, written blind for issue 11 part 3); its runs go to
benchmarks/results/<list name>.json.
Run:  uv run python -m benchmarks.normalize_heldout --label after [--cases tests/data/normalize_heldout2.toml]
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
RESULTS_DIR = ROOT / "benchmarks" / "results"


def score(cases_path: Path = CASES) -> dict:
    from tts.speech.normalize import spoken_form

    cases = tomllib.loads(cases_path.read_text("utf-8"))["case"]
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
    parser.add_argument("--cases", type=Path, default=CASES, help="TOML list of [[case]] family/written/spoken")
    args = parser.parse_args()
    cases_path = args.cases.resolve()
    result = score(cases_path)
    results = RESULTS_DIR / f"{cases_path.stem}.json"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    runs = json.loads(results.read_text("utf-8")) if results.exists() else {}
    runs[args.label] = {"commit": commit, **result}
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{args.label}: {result['correct']}/{result['cases']} ({result['share']:.1%}) held-out cases read right")
    for family, share in result["by_family"].items():
        print(f"  {family}: {share}")


if __name__ == "__main__":
    main()
