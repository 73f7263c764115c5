"""The property tests of tests/test_properties.py at scale: ≥ 10,000 generated inputs per component.

Unlike the test run, a violated property does not stop the run: every input is checked and the outcome
counted as `ok`, `violation` (a property failed: a control character out, a sidecar that does not parse
back to its cue's words, a chunk cut inside a word) or `crash` (any other exception), with the first few
inputs of each kind kept. Results: benchmarks/results/properties.json.

Run:  nice uv run python -m benchmarks.properties [--examples 10000] [--only cleaner,normalize]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from tests import test_properties as props

RESULTS = Path(__file__).parent / "results" / "properties.json"
KEEP = 3


def run_component(name: str, examples: int) -> dict:
    strategy, check = props.COMPONENTS[name]
    counts: Counter[str] = Counter()
    samples: dict[str, list[dict]] = {"violation": [], "crash": []}

    def one(case) -> None:  # type: ignore[no-untyped-def]
        counts["inputs"] += 1
        try:
            check(case)
        except AssertionError as exc:
            counts["violation"] += 1
            if len(samples["violation"]) < KEEP:
                samples["violation"].append({"input": repr(case)[:300], "why": str(exc)[:300]})
        except Exception as exc:  # a crash: the stage raised something it does not document
            counts["crash"] += 1
            if len(samples["crash"]) < KEEP:
                samples["crash"].append({"input": repr(case)[:300], "why": f"{type(exc).__name__}: {exc}"[:300]})
        else:
            counts["ok"] += 1

    runner = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(given(strategy)(one))
    started = time.perf_counter()
    runner()
    seconds = time.perf_counter() - started
    return {
        "inputs": counts["inputs"],
        "ok": counts["ok"],
        "violations": counts["violation"],
        "crashes": counts["crash"],
        "seconds": round(seconds, 1),
        "ms_per_input": round(1000 * seconds / max(1, counts["inputs"]), 2),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--only", default=",".join(props.COMPONENTS))
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    import hypothesis

    report = {
        "what": "property checks on generated hostile text; violations are counted, not fatal",
        "commit": commit,
        "python": platform.python_version(),
        "hypothesis": hypothesis.__version__,
        "examples_requested": args.examples,
        "sidecar_escaping_merged": props._sidecar_escaping_merged(),
        "control_removal_merged": props._control_removal_merged(),
        "components": {},
    }
    if RESULTS.exists() and args.only != ",".join(props.COMPONENTS):  # a partial run updates the components it ran
        previous = json.loads(RESULTS.read_text(encoding="utf-8"))
        report["components"] = previous.get("components", {})
    for name in args.only.split(","):
        report["components"][name] = result = run_component(name, args.examples)
        print(
            f"{name:12} {result['inputs']:6} inputs  {result['ok']:6} ok  {result['violations']:6} violations  "
            f"{result['crashes']:4} crashes  {result['seconds']:7.1f} s",
            flush=True,
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
