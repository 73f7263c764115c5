"""Per-sentence CER that `--verify` reports, with heard words split between sentences by time only vs by time and text
(verify._settle_boundaries), rescored from the words Whisper-base heard in benchmarks/intelligibility.py's runs (no new
transcription). Writes benchmarks/results/verify_boundaries.json.

Run:  uv run python -m benchmarks.verify_boundaries
"""

from __future__ import annotations

import json
from pathlib import Path

from tts.model import Chapter, Cue, Timeline
from tts.speech import verify

ROOT = Path(__file__).resolve().parent.parent
RUNS = ROOT / "benchmarks" / "results" / "intelligibility_articles"
RESULTS = ROOT / "benchmarks" / "results" / "verify_boundaries.json"


def sentences(run: dict) -> list[Cue]:
    """The run's sentences, each the cues from its start to the next sentence's start."""
    starts, cues = run["sentence_starts"], run["cues"]
    out = []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else float("inf")
        group = [c for c in cues if start - 1e-6 <= c[0] < stop - 1e-6]
        out.append(Cue(group[0][0], group[-1][1], "".join(c[2] for c in group)))
    return out


def stats(result: verify.Verification) -> dict:
    rates = [s.cer for s in result.sentences]
    return {
        "sentences": len(rates),
        "over_25pct": sum(r > 0.25 for r in rates),
        "over_50pct": sum(r > 0.5 for r in rates),
        "mean_cer": round(sum(rates) / len(rates), 4),
        "worst_cer": round(max(rates), 3),
    }


def main() -> None:
    results = {}
    for path in sorted(RUNS.glob("*.product+onsets.json")):
        run = json.loads(path.read_text(encoding="utf-8"))
        cues = sentences(run)
        timeline = Timeline(cues[-1].end + 1, cues, [Chapter(0, cues[-1].end + 1, "all")])
        heard = [verify.Heard(text, start, end) for text, start, end in run["heard_words"]]
        settle = verify._settle_boundaries
        verify._settle_boundaries = lambda *args, **kwargs: None  # the split by time alone, as before
        try:
            by_time = verify.check(heard, timeline)
        finally:
            verify._settle_boundaries = settle
        by_time_and_text = verify.check(heard, timeline)
        name = path.name.removesuffix(".product+onsets.json")
        results[name] = {"by_time": stats(by_time), "by_time_and_text": stats(by_time_and_text)}
        print(name, results[name])
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
