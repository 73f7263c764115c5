"""Is the recogniser's word timing biased? A controlled test with known onsets.

The chunks (sentences, or clauses of long ones) of some articles are synthesised by Kokoro (clips from the per-user cache where present; each clip
carries the engine's exact per-character marks) and laid end to end with known silences before each one
(0.2 / 0.5 / 1.0 s, in turn). So where every character starts is known exactly: the silence's length plus the
mark. The audio is transcribed as the benchmarks and `--verify` do it (Whisper-base, faster-whisper,
`word_timestamps=True`), and for every heard word its start is compared with

  * the known start of the character it was matched to (marks),
  * for a sentence's first word, also the audio's own energy onset (first 10 ms frame above -40 dBFS after the
    silence, the same rule as benchmarks/timings.py).

Reported: heard - known (signed; negative = the recogniser stamps the word early), for first words by the silence
before them, and for words inside continuous speech. Then the cue timings that benchmarks/intelligibility.py
recorded per article are re-scored with the measured bias removed (each cue's heard start minus the bias for the
pause before it). Cues are never moved: this corrects the yardstick, not the product.

Run:  uv run python -m benchmarks.whisper_bias [ARTICLE…]   (every chunk of the articles; default the sample)
      uv run python -m benchmarks.whisper_bias --rescore    (only re-score the recorded cue timings)
Writes benchmarks/results/whisper_bias.json.
"""

from __future__ import annotations

import json
import statistics
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "articles" / "gansu-tianjin-wuqing-jingning.txt"
RESULTS = ROOT / "benchmarks" / "results" / "whisper_bias.json"
ARTICLES = ROOT / "benchmarks" / "results" / "intelligibility_articles.json"
SILENCES = (0.2, 0.5, 1.0)
RATE = 24_000


def _stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    absolute = sorted(abs(v) for v in values)
    ordered = sorted(values)
    return {
        "n": len(values),
        "mean_s": round(statistics.fmean(values), 3),
        "median_s": round(ordered[len(ordered) // 2], 3),
        "p10_s": round(ordered[int(0.1 * len(ordered))], 3),
        "p90_s": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
        "abs_p90_s": round(absolute[min(len(absolute) - 1, int(0.9 * len(absolute)))], 3),
    }


def _chunks(articles: list[Path]):
    """Every chunk of the articles' plans (the engine input, lexicon markup removed, is the text heard), with
    the engine and voice to speak them."""
    from tts import pipeline
    from tts.options import BuildOptions

    out = []
    for article in articles:
        prepared = pipeline.prepare(article, BuildOptions(engine="kokoro"))
        out += [c for c in prepared.plan.chunks if len(c.text) >= 6]
    return prepared, out


def controlled(articles: list[Path]) -> dict:
    import numpy as np

    from tts import pipeline
    from tts.audio import to_int16
    from tts.speech import verify
    from tts.speech.align import _plain

    prepared, chunks = _chunks(articles)
    engine, voice, speed = pipeline.open_engine(prepared.engine, prepared.profile)
    clips, _ = pipeline.synthesize_chunks(chunks, engine, voice, speed)
    pieces, chars, times, firsts, silences, onsets = [], [], [], [], [], []
    at = 0.0
    for n, (chunk, clip) in enumerate(zip(chunks, clips)):
        silence = SILENCES[n % len(SILENCES)]
        pieces.append(np.zeros(round(silence * RATE), dtype=np.int16))
        at += round(silence * RATE) / RATE
        samples = to_int16(clip.samples)
        loud = np.flatnonzero(
            np.sqrt(
                np.mean(samples[: len(samples) // 240 * 240].astype(np.float64).reshape(-1, 240) ** 2 / 32768**2, 1)
            )
            > 10 ** (-40 / 20)
        )
        onsets.append(at + (loud[0] / 100 if loud.size else 0.0))
        firsts.append(len(chars))
        silences.append(silence)
        starts = {m.start_char: m.start for m in clip.marks}
        plain, where = _plain(chunk.spoken)
        for i, c in enumerate(plain):
            if where[i] in starts and verify.comparable(c):
                chars.append(verify.comparable(c))
                times.append(at + starts[where[i]])
        pieces.append(samples)
        at += len(samples) / RATE
    pieces.append(np.zeros(RATE // 2, dtype=np.int16))
    audio = np.concatenate(pieces)
    heard = verify.transcribe(audio.astype(np.float32) / 32768, RATE)

    # Heard characters (a word's time is its start for its first character) matched to the known characters.
    hyp, hyp_word_first = [], []
    for w, word in enumerate(heard):
        for j, c in enumerate(verify.comparable(word.text)):
            hyp.append(c)
            hyp_word_first.append((w, j == 0))
    matcher = SequenceMatcher(None, "".join(chars), "".join(hyp), autojunk=False)
    known_of_hyp: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            known_of_hyp[block.b + k] = block.a + k
    first_set = {f: n for n, f in enumerate(firsts)}
    by_silence: dict[float, list[float]] = {s: [] for s in SILENCES}
    by_silence_onset: dict[float, list[float]] = {s: [] for s in SILENCES}
    inside: list[float] = []
    for h, (w, is_first) in enumerate(hyp_word_first):
        if not is_first or h not in known_of_hyp:
            continue
        known = known_of_hyp[h]
        error = heard[w].start - times[known]
        if known in first_set:
            n = first_set[known]
            by_silence[silences[n]].append(error)
            by_silence_onset[silences[n]].append(heard[w].start - onsets[n])
        elif known - 1 >= 0 and times[known] - times[known - 1] < 0.6:  # no pause inside the sentence before it
            inside.append(error)
    marks_vs_onset = [times[f] - onsets[n] for n, f in enumerate(firsts)]
    return {
        "articles": [a.name for a in articles],
        "chunks": len(chunks),
        "audio_s": round(len(audio) / RATE, 1),
        "first_word_vs_marks_by_silence": {str(s): _stats(v) for s, v in by_silence.items()},
        "first_word_vs_energy_onset_by_silence": {str(s): _stats(v) for s, v in by_silence_onset.items()},
        "words_inside_speech_vs_marks": _stats(inside),
        "marks_first_char_vs_energy_onset": _stats(marks_vs_onset),
        "heard_text": "".join(w.text for w in heard),
    }


def bias_for(gap: float, measured: dict) -> float:
    """The recogniser's mean signed error for a word after a pause of `gap` seconds, linear between the points
    measured: inside continuous speech (against the marks, which are exact there) and after each silence tested
    (against the audio's own onset, which does not depend on our marks)."""
    points = [(0.0, measured["words_inside_speech_vs_marks"]["mean_s"])] + [
        (float(s), v["mean_s"]) for s, v in measured["first_word_vs_energy_onset_by_silence"].items() if v["n"]
    ]
    points.sort()
    if gap <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if gap <= x1:
            return y0 + (y1 - y0) * (gap - x0) / (x1 - x0)
    return points[-1][1]


def rescore(measured: dict) -> dict:
    """Cue start vs heard start per recorded article run, raw and with the recogniser's bias removed."""
    from benchmarks.intelligibility import raw_run
    from benchmarks.timings import errors, split_only
    from tts.model import Cue
    from tts.speech.verify import Heard

    if not ARTICLES.exists():
        return {}
    out: dict[str, dict] = {}
    for article, runs in json.loads(ARTICLES.read_text("utf-8"))["articles"].items():
        for label in runs:
            try:
                run = raw_run(article, label)
            except FileNotFoundError:
                continue
            cues = [Cue(a, b, t) for a, b, t in run["cues"]]
            heard = [Heard(t, a, b) for t, a, b in run["heard_words"]]
            starts = set(run["sentence_starts"])
            # Each cue's heard start, minus the bias for the pause before it: compare the cue with where the
            # recogniser would have put the word had it no bias. Equivalent: shift the heard words, not the cues.
            shifted = []
            for n, cue in enumerate(cues):
                gap = cue.start - cues[n - 1].end if n else 1.0
                shifted.append(Cue(cue.start + bias_for(gap, measured), cue.end, cue.text))
            out[f"{article}|{label}"] = {
                "raw": {"all": errors(cues, heard), "split": errors(split_only(cues, starts), heard)},
                "bias_removed": {
                    "all": errors(shifted, heard),
                    "split": errors(
                        [s for s, c in zip(shifted, cues) if all(abs(c.start - x) > 1e-6 for x in starts)], heard
                    ),
                },
            }
    return out


def main() -> None:
    import sys

    articles = [Path(a) for a in sys.argv[1:] if not a.startswith("--")] or [SAMPLE]
    measured = json.loads(RESULTS.read_text("utf-8"))["controlled"] if "--rescore" in sys.argv else controlled(articles)
    report = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else {}  # other entries are kept
    report.update({"controlled": measured, "cue_starts": rescore(measured)})
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
