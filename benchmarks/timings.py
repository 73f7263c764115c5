"""Caption timing against an independent recogniser, whole-episode CER, and what `--verify` costs.

On the seed sample (Kokoro, default options), in one run:
  1. a cold build (empty clip cache): wall time;
  2. Whisper-base transcribes the finished MP3 with word times; for every caption cue, the time the recogniser
     hears the cue's first character is compared with the cue's start — cues placed from the engine's marks
     ("after") and, for the same audio, cues placed the old way (sentence = clip edges, split cues shared out by
     characters: "before"); p50 / p90 / max of |cue start - heard start|, over all cues and over cues that
     split a sentence;
  3. the whole-episode character error rate, and per sentence;
  4. a rebuild without and with --verify (clips cached): the verify step's seconds against the cold build (wall
     time, and CPU time of the process, steadier on a shared machine), and the CER of the verified episode
     (transcribed again as a whole).

Needs the verify extra:  uv run --extra verify python -m benchmarks.timings   (about 10 minutes on 2 cores)
Writes benchmarks/results/timings.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "articles" / "gansu-tianjin-wuqing-jingning.txt"
RESULTS = ROOT / "benchmarks" / "results" / "timings.json"


def heard_starts(cues, heard) -> list[float | None]:
    """For each cue, when the recogniser hears its first character (None when that character was not heard)."""
    from tts.speech.verify import comparable

    ref, firsts = [], []
    for cue in cues:
        firsts.append(len(ref))
        ref.extend(comparable(cue.text))
    hyp, times = [], []
    for word in heard:
        chars = comparable(word.text)
        for j, c in enumerate(chars):
            hyp.append(c)
            times.append(word.start + (word.end - word.start) * j / len(chars))
    matched: dict[int, int] = {}
    for block in SequenceMatcher(None, "".join(ref), "".join(hyp), autojunk=False).get_matching_blocks():
        for k in range(block.size):
            matched[block.a + k] = block.b + k
    out = []
    for n, first in enumerate(firsts):
        empty = n + 1 < len(firsts) and firsts[n + 1] == first
        out.append(None if empty or first not in matched else times[matched[first]])
    return out


def errors(cues, heard) -> dict:
    rows = [(cue.start - h, n) for n, (cue, h) in enumerate(zip(cues, heard_starts(cues, heard))) if h is not None]
    absolute = sorted(abs(e) for e, _ in rows)
    if not absolute:
        return {"cues": 0}

    def pct(p: float) -> float:
        return round(absolute[min(len(absolute) - 1, int(p * len(absolute)))], 3)

    return {
        "cues": len(cues),
        "measured": len(rows),
        "p50_s": pct(0.5),
        "p90_s": pct(0.9),
        "max_s": round(absolute[-1], 3),
        "mean_signed_s": round(statistics.fmean(e for e, _ in rows), 3),
    }


def onset_errors(audio: Path, cues, search_s: float = 0.3) -> dict:
    """Sentence starts against the audio itself: each sentence follows a planned pause (digital silence before
    encoding), so where the sound begins is unambiguous. From search_s before the cue start, the first 10 ms frame
    louder than -40 dBFS is the onset."""
    import numpy as np

    from tts.output.ffmpeg import decode_pcm_bytes

    rate = 24_000
    pcm = np.frombuffer(decode_pcm_bytes(audio.read_bytes(), rate), dtype="<i2").astype(np.float32) / 32768
    frame = rate // 100
    rms = np.sqrt(np.mean(pcm[: len(pcm) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    loud = rms > 10 ** (-40 / 20)
    rows = []
    for cue in cues:
        first = max(0, int((cue.start - search_s) * 100))
        hits = np.flatnonzero(loud[first : first + int(2 * search_s * 100) + 1])
        if hits.size:
            rows.append(cue.start - (first + hits[0]) / 100)
    absolute = sorted(abs(e) for e in rows)
    return {
        "cues": len(cues),
        "measured": len(rows),
        "p50_s": round(absolute[len(absolute) // 2], 3),
        "p90_s": round(absolute[min(len(absolute) - 1, int(0.9 * len(absolute)))], 3),
        "max_s": round(absolute[-1], 3),
        "mean_signed_s": round(statistics.fmean(rows), 3),
    }


def split_only(cues, sentence_starts: set[float]):
    """Cues that begin inside a sentence (not at its first word)."""
    return [c for c in cues if all(abs(c.start - s) > 1e-6 for s in sentence_starts)]


def main() -> None:
    from tts.engines import kokoro_assets
    from tts.speech import verify

    kokoro_assets.model_path()
    kokoro_assets.timed_model_path()
    whisper = verify.whisper_dir()
    real_kokoro = kokoro_assets.kokoro_dir()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        cache.mkdir()
        os.symlink(real_kokoro, cache / "kokoro")
        os.symlink(whisper, cache / "whisper-base")
        os.environ["TTS_CACHE_DIR"] = str(cache)
        report = run(Path(tmp), Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE)
    if len(sys.argv) > 1:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "sentences"}, ensure_ascii=False, indent=2))


def run(tmp: Path, sample: Path = SAMPLE) -> dict:
    from tts import pipeline
    from tts.model import Clip, Timeline
    from tts.output.assemble import assemble
    from tts.output.sidecars import caption_cues
    from tts.speech import verify

    options = pipeline.BuildOptions(engine="kokoro", output=tmp / "cold.mp3", sidecars=frozenset({"vtt", "words.json"}))
    started, cpu = time.perf_counter(), time.process_time()
    result = pipeline.build(sample, options)
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"cold build {cold:.1f}s", file=sys.stderr)

    started = time.perf_counter()
    heard = verify.transcribe(result.audio)
    transcribe_s = time.perf_counter() - started
    if os.environ.get("TIMINGS_KEEP"):  # keep what was heard, to look at the alignment afterwards
        Path(os.environ["TIMINGS_KEEP"]).write_text(
            json.dumps([[w.text, w.start, w.end] for w in heard], ensure_ascii=False)
        )

    # The same clips laid out again, once with the engine's marks and once without (the estimate it replaces).
    prepared = pipeline.prepare(sample, options)
    engine, voice, speed = pipeline.open_engine(result.engine, prepared.profile)
    clips, made = pipeline.synthesize_chunks(result.plan.chunks, engine, voice, speed)
    assert made == 0, "every clip should come from the cache"
    pauses = prepared.profile.pauses
    after_tl = assemble(result.plan, clips, pauses).timeline
    before_tl = assemble(result.plan, [Clip(c.samples, c.sample_rate) for c in clips], pauses).timeline
    assert abs(after_tl.duration - result.timeline.duration) < 1e-6
    after, before = (
        caption_cues(after_tl),
        caption_cues(Timeline(before_tl.duration, before_tl.sentences, before_tl.chapters)),
    )
    sentence_starts_after = {c.start for c in after_tl.sentences}
    sentence_starts_before = {c.start for c in before_tl.sentences}
    checked = verify.check(heard, after_tl)

    started, cpu = time.perf_counter(), time.process_time()
    pipeline.build(sample, pipeline.BuildOptions(engine="kokoro", output=tmp / "warm.mp3"))
    warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    verified = pipeline.build(sample, pipeline.BuildOptions(engine="kokoro", output=tmp / "verified.mp3", verify=True))
    warm_verify, warm_verify_cpu = time.perf_counter() - started, time.process_time() - cpu
    v = verified.verification
    heard_after = verify.transcribe(verified.audio)
    checked_after = verify.check(heard_after, verified.timeline)

    return {
        "article": sample.name,
        "audio_s": round(result.timeline.duration, 1),
        "cold_build_s": round(cold, 1),
        "cold_build_cpu_s": round(cold_cpu, 1),  # this machine is shared: CPU seconds are the steadier measure
        "cue_start_vs_heard": {
            "before_estimate": errors(before, heard),
            "after_marks": errors(after, heard),
            "split_cues_before": errors(split_only(before, sentence_starts_before), heard),
            "split_cues_after": errors(split_only(after, sentence_starts_after), heard),
            "sentence_starts_after": errors(after_tl.sentences, heard),
            "sentence_starts_vs_audio_onset_before": onset_errors(result.audio, before_tl.sentences[1:]),
            "sentence_starts_vs_audio_onset_after": onset_errors(result.audio, after_tl.sentences[1:]),
        },
        "whisper_transcribe_s": round(transcribe_s, 1),
        "cer_episode": round(checked.cer, 4),
        "sentences_over_50pct": sum(s.cer > 0.5 for s in checked.sentences),
        "verify": {
            "rebuild_cached_s": round(warm, 1),
            "rebuild_cached_with_verify_s": round(warm_verify, 1),
            "verify_step_s": round(v.transcribe_seconds + v.repair_seconds, 1),
            "overhead_vs_cold_build": round((v.transcribe_seconds + v.repair_seconds) / cold, 3),
            "rebuild_cached_cpu_s": round(warm_cpu, 1),
            "rebuild_cached_with_verify_cpu_s": round(warm_verify_cpu, 1),
            "overhead_vs_cold_build_cpu": round((warm_verify_cpu - warm_cpu) / cold_cpu, 3),
            "sentences_over_threshold": len(v.garbled),
            "resynthesized": [s.index for s in v.sentences if s.take != "first"],
            "takes": {s.index: s.tried for s in v.sentences if s.tried},
            "cer_episode_after": round(checked_after.cer, 4),
            "sentences_over_50pct_after": sum(s.cer > 0.5 for s in checked_after.sentences),
        },
        "sentences": [{"text": s.text[:30], "cer": round(s.cer, 3), "heard": s.heard[:40]} for s in checked.sentences],
    }


if __name__ == "__main__":
    main()
