"""Round-trip intelligibility of the embedded voice, with and without text normalisation.

Number-heavy paragraphs from the corpus and the seed sample are spoken by Kokoro (zm_yunjian), transcribed by
Whisper-base, and compared with the written text (traditional->simplified, digits->numerals, no punctuation).
Needs `uv sync --group bench`.  Run:  uv run python -m benchmarks.intelligibility

Whole episodes (`--article PATH`, repeatable): each article is planned and synthesised as `tts build --engine kokoro`
does (clips from the per-user cache where present), levelled and encoded to MP3, and the MP3 is transcribed as a
whole with word times (as `--verify` does): whole-episode CER, the worst sentences, and caption cue starts against
where the recogniser hears them. `--label`, `--voice`, `--max-chunk`, `--speed`, `--clause-pause` name and set a
variant of the product's settings (`--voice NAME` alone labels the run `voice-NAME`); results are merged into
benchmarks/results/intelligibility_articles.json under `articles[NAME][LABEL]`.

`--verify` (label `verify`): the same plan, then the product's own repair path before the episode is assembled for
the whole-episode transcription — tts.speech.verify.verify_and_repair, the call `tts build --verify` makes, with its
defaults (`--threshold`, `--max-repairs` set a variant). The clips are synthesised cold (the clip cache neither read
nor written, the repair's takes too) so that the verify step's seconds can be set against a cold build's in the same
run: `verify.build_ratio` = (transcription + repair) / (prepare + synthesis + assembly + MP3), wall and CPU time.
`--warm` reads and fills the cache instead (cheap reruns of a settings study; its ratios are not a cold build's).
`--leads 0.7,1.9` transcribes the same episode again after that much silence: Whisper's 30 s windows then fall
elsewhere, which is the spread of the measure itself (`window_leads` in the row).
Caveat: the repair picks takes with Whisper-base, the same recogniser that then scores the episode, so the verified
figure is optimistic; the syllable error rates are reported beside it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path

from benchmarks.recognise import cer, transcribe
from tts.engines import get_engine
from tts.speech.normalize import Speaker
from tts.speech.plan import split_chunk, split_sentences

# (written paragraph, what a newsreader says — written out by hand, not by the normaliser)
PARAGRAPHS = [
    (
        "1-10月，全县固定资产投资完成246.79亿元，完成年度计划82.3%，同比增长15.3%，位列三县两区第一。",
        "一至十月，全县固定资产投资完成二百四十六点七九亿元，完成年度计划百分之八十二点三，同比增长百分之十五点三，位列三县两区第一。",
    ),
    (
        "2018年中国集成电路设计业销售收入为2519.3亿元，比2017年的2073.5亿元增长21.5%，增速比上年的26.1%回落4.6个百分点。",
        "二零一八年中国集成电路设计业销售收入为两千五百一十九点三亿元，比二零一七年的两千零七十三点五亿元增长百分之二十一点五，增速比上年的百分之二十六点一回落四点六个百分点。",
    ),
    (
        "2017年以来，武清区在静宁县安排实施产业发展、特困户危房改造、安全饮水等方面项目9大类117个，落实财政帮扶资金2.02亿元。",
        "二零一七年以来，武清区在静宁县安排实施产业发展、特困户危房改造、安全饮水等方面项目九大类一百一十七个，落实财政帮扶资金二点零二亿元。",
    ),
    (
        "9日、10日两天全国铁路仅能保证15%至20%的运力，大巴黎地区交通堵塞造成的车流长达创纪录的631公里。",
        "九日、十日两天全国铁路仅能保证百分之十五至百分之二十的运力，大巴黎地区交通堵塞造成的车流长达创纪录的六百三十一公里。",
    ),
    (
        "三次产业投资占比由去年同期的1.1:50.3:48.6调整为0.7:50.7:48.6，生产性服务业完成投资39.66亿元。",
        "三次产业投资占比由去年同期的一点一比五十点三比四十八点六调整为零点七比五十点七比四十八点六，生产性服务业完成投资三十九点六六亿元。",
    ),
    (
        "5月20日至31日，京沪高速北京方向将进行封闭施工，请拨打12345热线咨询，发布时间为21-09-15 15:09。",
        "五月二十日至三十一日，京沪高速北京方向将进行封闭施工，请拨打幺二三四五热线咨询，发布时间为二零二一年九月十五日十五点零九分。",
    ),
]


def speak(engine, text: str, normalize: bool, path: Path) -> None:
    import numpy as np

    speaker = Speaker(normalize=normalize)
    pieces = [
        engine.synthesize(speaker(chunk), "zm_yunjian").samples
        for sentence in split_sentences(text)
        for chunk in split_chunk(sentence, 120)
    ]
    audio = np.concatenate([np.concatenate([p, np.zeros(6000, dtype=np.float32)]) for p in pieces])
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(24_000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--article", action="append", type=Path, help="whole-episode study of this article")
    parser.add_argument("--label", default=None, help="name of the variant measured (default: product)")
    parser.add_argument("--voice", default=None, help="engine voice (default: the profile's)")
    parser.add_argument("--max-chunk", type=int, default=None, help="plan: longest chunk in characters")
    parser.add_argument("--speed", type=float, default=None, help="speaking speed (default: the profile's)")
    parser.add_argument("--clause-pause", type=int, default=None, help="pause after a split clause, ms")
    parser.add_argument("--both", action="store_true", help="also transcribe with the previous text as prompt")
    parser.add_argument("--verify", action="store_true", help="repair garbled sentences as `tts build --verify` does")
    parser.add_argument("--threshold", type=float, default=None, help="--verify: sentence CER that is repaired")
    parser.add_argument("--max-repairs", type=int, default=None, help="--verify: most sentences re-synthesised")
    parser.add_argument("--warm", action="store_true", help="--verify: use the clip cache (no cold-build timing)")
    parser.add_argument("--no-budget", action="store_true", help="--verify: repairs without the time budget")
    parser.add_argument("--passes", action="store_true", help="time the recogniser passes --verify could make")
    parser.add_argument(
        "--leads", default="", help="also transcribe after these seconds of silence (comma-separated): the spread"
    )
    parser.add_argument(
        "--no-fallback", action="store_true", help="measure with Whisper at temperature 0 only (deterministic)"
    )
    parser.add_argument(
        "--summarise-verify", action="store_true", help="write the verify-vs-product summary from the recorded rows"
    )
    args = parser.parse_args()
    if args.passes:
        data = json.loads(PASSES.read_text("utf-8")) if PASSES.exists() else {"articles": {}}
        for article in args.article or []:
            data["articles"][article.name] = pass_study(article)
            PASSES.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    if args.summarise_verify:
        record_verify_summary(VERIFY_NOTES)
        print(json.dumps(verify_summary(), ensure_ascii=False, indent=2))
        return
    label = args.label or ("verify" if args.verify else f"voice-{args.voice}" if args.voice else "product")
    repair = Repair(args.threshold, args.max_repairs, not args.warm, not args.no_budget) if args.verify else None
    leads = [float(x) for x in args.leads.split(",") if x.strip()]
    if args.article:
        for article in args.article:
            row = episode_study(
                article,
                args.max_chunk,
                args.speed,
                args.clause_pause,
                args.both,
                args.voice,
                repair,
                leads,
                not args.no_fallback,
            )
            record(article.name, label, row)
            shown = {k: v for k, v in row.items() if k not in ("sentences", "cues", "heard_words", "sentence_starts")}
            print(json.dumps(shown, ensure_ascii=False, indent=2), flush=True)
        return
    paragraphs()


ARTICLES = Path(__file__).resolve().parent / "results" / "intelligibility_articles.json"
# What was heard and the cues, per run, beside the summary (a folder: the README's figures are checked only against
# the summaries, not against thousands of word times).
RAW = ARTICLES.with_suffix("")
RAW_KEYS = ("cues", "sentence_starts", "heard_words", "sentences")


def record(article: str, label: str, row: dict) -> None:
    """Merge one article's result into the results file (other articles and variants are kept)."""
    data = json.loads(ARTICLES.read_text("utf-8")) if ARTICLES.exists() else {"articles": {}}
    raw = {k: row.pop(k) for k in RAW_KEYS if k in row}
    if raw:
        RAW.mkdir(exist_ok=True)
        (RAW / f"{article}.{label}.json").write_text(json.dumps(raw, ensure_ascii=False) + "\n", encoding="utf-8")
    data["articles"].setdefault(article, {})[label] = row
    ARTICLES.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def raw_run(article: str, label: str) -> dict:
    """The cues and heard words of one recorded run."""
    return json.loads((RAW / f"{article}.{label}.json").read_text("utf-8"))


def transcribe_words(audio: Path, conditioned: bool, lead: float = 0.0, fallback: bool = True):
    """The recogniser's words with times, as `--verify` asks for them. `conditioned=False` decodes each 30 s window
    without the previous window's text as a prompt: Whisper then cannot carry a failure forward (with it, it skipped
    14 s of the sample's last sentence in one run), so a variant's score depends less on one unlucky window.
    `lead` seconds of silence before the audio move every 30 s window boundary (times are given back unshifted).
    `fallback=False` decodes at temperature 0 only: faster-whisper's default retries a window that fails its
    compression-ratio / log-probability checks by sampling at rising temperatures, unseeded, so such a window can
    come back different on every run."""
    from tts.speech.verify import Heard, _model

    source = str(audio)
    if lead:
        import numpy as np
        from faster_whisper import decode_audio

        samples = decode_audio(source, sampling_rate=16_000)
        source = np.concatenate([np.zeros(round(lead * 16_000), dtype=samples.dtype), samples])
    segments, _ = _model().transcribe(
        source,
        language="zh",
        beam_size=5,
        word_timestamps=True,
        condition_on_previous_text=conditioned,
        **({} if fallback else {"temperature": 0.0}),
    )
    return [
        Heard(w.word.strip(), w.start - lead, w.end - lead) for s in segments for w in (s.words or []) if w.word.strip()
    ]


def window_spread(audio: Path, timeline, leads: list[float], fallback: bool = True) -> dict:
    """The measure's own spread: the same audio with silence before it, so Whisper's 30 s windows cut it elsewhere
    (whole-episode CER and syllable errors per lead). Audio that changes anywhere moves the later windows the same way,
    so a variant's difference smaller than this spread is not a difference the measure can see."""
    from tts.speech import verify

    written = "".join(s.text for s in timeline.sentences)
    out = {}
    for lead in leads:
        heard = transcribe_words(audio, conditioned=False, lead=lead, fallback=fallback)
        checked = verify.check(heard, timeline)
        out[f"{lead:g}"] = {
            "cer_episode": round(checked.cer, 4),
            "syllable_error_rate": syllable_error_rates(written, "".join(w.text for w in heard)),
            "sentences_over_50pct": sum(s.cer > 0.5 for s in checked.sentences),
            "skipped_speech_s": skipped_speech(heard, timeline),
        }
    return out


def skipped_speech(heard, timeline, gap: float = 3.0) -> float:
    """Seconds of sentences the recogniser heard nothing in for at least `gap` seconds (it skipped audio)."""
    from itertools import accumulate

    words = sorted((w.start, w.end) for w in heard)
    ends = list(accumulate([0.0] + [end for _, end in words], max))  # the latest end so far
    starts = [start for start, _ in words] + [timeline.duration]
    total = 0.0
    for a, b in zip(ends, starts):  # from one word's end to the next word's start
        if b - a >= gap:
            spoken = sum(max(0.0, min(b, c.end) - max(a, c.start)) for c in timeline.sentences)
            total += spoken if spoken >= gap / 2 else 0.0
    return round(total, 1)


@dataclass(frozen=True)
class Repair:
    """The `--verify` variant: the product's repair path with these settings (None: the product's defaults)."""

    threshold: float | None = None
    max_repairs: int | None = None
    cold: bool = True  # clips and takes synthesised without the cache, so the build can be timed cold
    budgeted: bool = True  # the product's time budget (False: every garbled sentence up to max_repairs)


def repaired(repair: Repair, plan, clips, pauses, engine, voice: str, speed: float, track, synthesis=(None, 0)):
    """The product's repair (tts.speech.verify.verify_and_repair, as `tts build --verify` calls it, its time budget
    set from SYNTHESIS = (seconds, chunks synthesised) of this run): (track, Verification, seconds and CPU seconds)."""
    from tts.speech import verify

    settings = {
        "budget": verify.repair_budget(synthesis[0], synthesis[1], len(plan.chunks)) if repair.budgeted else None
    }
    if repair.threshold is not None:
        settings["threshold"] = repair.threshold
    if repair.max_repairs is not None:
        settings["max_repairs"] = repair.max_repairs
    started, cpu = time.perf_counter(), time.process_time()
    track, _, result = verify.verify_and_repair(
        plan, list(clips), pauses, engine, voice, speed, track, use_cache=not repair.cold, **settings
    )
    return track, result, time.perf_counter() - started, time.process_time() - cpu


def repair_row(result, repair: Repair, cost: tuple[float, float], build: tuple[float, float]) -> dict:
    """What the repair did and cost (wall, CPU seconds), set against the build it is part of."""
    from tts.speech import verify

    (seconds, cpu), (build_s, build_cpu) = cost, build
    fixed = [s for s in result.sentences if s.take != "first"]
    return {
        "threshold": result.threshold,
        "max_repairs": repair.max_repairs if repair.max_repairs is not None else verify.MAX_REPAIRS,
        "slower_speed_factor": verify.SLOWER,
        "alternatives": list(verify.ALTERNATIVES),
        "budget_share": verify.BUDGET_SHARE,
        "budget_s": None if result.budget_seconds is None else round(result.budget_seconds, 1),
        "unrepaired": [
            {"index": s.index, "cer": round(s.cer, 3), "reason": s.left} for s in result.sentences if s.left
        ],
        "cer_first_heard": round(result.cer, 4),  # verify's own pass (in memory, conditioned): what it acted on
        "sentences_over_threshold": len(result.garbled),
        "tried": len([s for s in result.sentences if s.tried]),
        "repairs": len(fixed),
        "takes_kept": {name: sum(s.take == name for s in fixed) for name in ("clauses", "slower")},
        "transcribe_s": round(result.transcribe_seconds, 1),
        "repair_s": round(result.repair_seconds, 1),
        "verify_s": round(seconds, 1),
        "verify_cpu_s": round(cpu, 1),
        "cold": repair.cold,
        "build_s": round(build_s, 1),
        "build_cpu_s": round(build_cpu, 1),
        # a warm build (clips from the cache) is no yardstick for the budget, which is set against a cold one
        "build_ratio": {"wall": round(seconds / build_s, 3), "cpu": round(cpu / build_cpu, 3)} if repair.cold else None,
        "sentences": [
            {"index": s.index, "text": s.text[:30], "cer": round(s.cer, 3), "take": s.take, "tried": s.tried}
            for s in result.sentences
            if s.tried
        ],
    }


def cached_equal(chunks, clips, engine, voice: str, speed: float) -> dict:
    """Cold clips against the clip cache's (where it holds them): is the engine's audio the same run to run?"""
    import numpy as np

    from tts.audio import to_int16
    from tts.speech.cache import ClipCache, chunk_key

    cache = ClipCache()
    held = [
        (cache.get(chunk_key(engine.name, engine.identity, voice, speed, c.spoken)), clip)
        for c, clip in zip(chunks, clips)
    ]
    compared = [(old, new) for old, new in held if old is not None]
    return {
        "compared": len(compared),
        "identical": sum(
            len(old.samples) == len(new.samples) and np.array_equal(to_int16(old.samples), to_int16(new.samples))
            for old, new in compared
        ),
    }


def episode_study(
    article: Path,
    max_chunk: int | None = None,
    speed: float | None = None,
    clause_pause: int | None = None,
    both: bool = False,
    voice: str | None = None,
    repair: Repair | None = None,
    leads: list[float] | None = None,
    fallback: bool = True,
) -> dict:
    """Plan, synthesise (cached), assemble, encode and transcribe one article; CER and cue timing. With `repair`,
    the product's `--verify` repair runs on the assembled track before it is encoded and transcribed."""
    import dataclasses

    from benchmarks.timings import errors, onset_errors, split_only
    from tts import pipeline
    from tts.options import BuildOptions
    from tts.output.assemble import assemble
    from tts.output.episode import Metadata, write_audio
    from tts.output.sidecars import caption_cues
    from tts.speech import verify
    from tts.speech.plan import PlanOptions, make_plan

    cold = repair is not None and repair.cold
    started, cpu = time.perf_counter(), time.process_time()
    options = BuildOptions(engine="kokoro", speed=speed, voice=voice)
    prepared = pipeline.prepare(article, options)
    pauses = prepared.profile.pauses
    if clause_pause is not None:
        pauses = dataclasses.replace(pauses, clause=clause_pause)
    plan = prepared.plan
    if max_chunk is not None or clause_pause is not None:
        engine_cls = type(pipeline.open_engine(prepared.engine, prepared.profile)[0])
        plan_options = PlanOptions(
            max_chunk_chars=max_chunk or PlanOptions.max_chunk_chars,
            announce=options.announce,
            seconds_per_syllable=engine_cls.seconds_per_syllable,
            speed=prepared.profile.for_engine(prepared.engine).speed,
            pauses=pauses,
        )
        plan = make_plan(prepared.article, plan_options, prepared.speaker)
    engine, voice_used, speed_used = pipeline.open_engine(prepared.engine, prepared.profile)
    prepare_s, prepare_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    clips, made = pipeline.synthesize_chunks(plan.chunks, engine, voice_used, speed_used, use_cache=not cold)
    synth_s, synth_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    track = assemble(plan, clips, pauses)
    assemble_s, assemble_cpu = time.perf_counter() - started, time.process_time() - cpu
    same_as_cache = cached_equal(plan.chunks, clips, engine, voice_used, speed_used) if cold else None
    verified = None
    if repair is not None:
        load_before = os.getloadavg()
        track, result, verify_s, verify_cpu = repaired(
            repair, plan, clips, pauses, engine, voice_used, speed_used, track, (synth_s, made)
        )
    with tempfile.TemporaryDirectory() as tmp:
        audio = Path(tmp) / "episode.mp3"
        started, cpu = time.perf_counter(), time.process_time()
        write_audio(audio, track, prepared.article, options.audio, Metadata())
        encode_s, encode_cpu = time.perf_counter() - started, time.process_time() - cpu
        if repair is not None:  # a build without --verify: prepare, synthesis, assembly, MP3
            build_s = prepare_s + synth_s + assemble_s + encode_s
            build_cpu = prepare_cpu + synth_cpu + assemble_cpu + encode_cpu
            verified = repair_row(result, repair, (verify_s, verify_cpu), (build_s, build_cpu))
            verified["cold_clips_same_as_cached"] = same_as_cache
            # other work on the machine skews both sides: 1-minute load average before and after the verify step
            verified["load_average"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
            # the verified track checked again as --verify checks (deterministic greedy windows; not timed): beside
            # cer_first_heard, the repair's effect without the whole-track pass's skipped windows
            again = verify.check_audio(verify._at_16k(track.pcm, track.sample_rate), track.timeline, result.threshold)
            verified["cer_rechecked"] = round(again.cer, 4)
            verified["sentences_over_threshold_rechecked"] = len(again.garbled)
        started = time.perf_counter()
        heard = transcribe_words(audio, conditioned=False, fallback=fallback)
        transcribe_s = time.perf_counter() - started
        conditioned = transcribe_words(audio, conditioned=True) if both else None
        spread = window_spread(audio, track.timeline, leads, fallback) if leads else None
        onsets = onset_errors(audio, track.timeline.sentences[1:])  # sentence starts vs where the sound begins
    checked = verify.check(heard, track.timeline)
    cues = caption_cues(track.timeline)
    starts = {c.start for c in track.timeline.sentences}
    worst = sorted(checked.sentences, key=lambda s: -s.cer)[:5]
    return {
        "settings": {
            "voice": voice_used,
            "max_chunk_chars": max_chunk or PlanOptions.max_chunk_chars,
            "speed": speed_used,
            "clause_pause_ms": pauses.clause,
            **({} if fallback else {"recogniser_temperature_fallback": False}),
        },
        "characters": sum(len(s.text) for s in plan.sentences),
        "chunks": len(plan.chunks),
        "audio_s": round(track.timeline.duration, 1),
        "synthesized_chunks": made,
        "synthesis_s": round(synth_s, 1),
        "transcribe_s": round(transcribe_s, 1),
        "cer_episode": round(checked.cer, 4),
        "syllable_error_rate": syllable_error_rates(
            "".join(s.text for s in track.timeline.sentences), "".join(w.text for w in heard)
        ),
        "skipped_speech_s": skipped_speech(heard, track.timeline),
        "conditioned": None
        if conditioned is None
        else {
            "cer_episode": round(verify.check(conditioned, track.timeline).cer, 4),
            "sentences_over_50pct": sum(s.cer > 0.5 for s in verify.check(conditioned, track.timeline).sentences),
            "skipped_speech_s": skipped_speech(conditioned, track.timeline),
        },
        "sentences_over_50pct": sum(s.cer > 0.5 for s in checked.sentences),
        "sentences_over_25pct": sum(s.cer > 0.25 for s in checked.sentences),
        **({"verify": verified} if verified is not None else {}),
        **({"window_leads": spread} if spread is not None else {}),
        "worst": [{"text": s.text, "cer": round(s.cer, 3), "heard": s.heard} for s in worst],
        "cue_start_vs_heard": {"all": errors(cues, heard), "split": errors(split_only(cues, starts), heard)},
        "sentence_starts_vs_audio_onset": onsets,
        "cues": [[round(c.start, 3), round(c.end, 3), c.text] for c in cues],
        "sentence_starts": sorted(round(s, 3) for s in starts),
        "heard_words": [[w.text, round(w.start, 3), round(w.end, 3)] for w in heard],
        "sentences": [{"text": s.text[:30], "cer": round(s.cer, 3), "heard": s.heard[:40]} for s in checked.sentences],
    }


def syllable_error_rates(reference: str, hypothesis: str) -> dict:
    """Error rates over pinyin syllables (pypinyin in context, both sides alike): with tones, and without. A
    recogniser that writes a homophone (武清 -> 五清, both wǔ qīng) makes a character error but no syllable error,
    so these separate what the voice said wrong from what the recogniser spelt differently."""
    from pypinyin import Style, lazy_pinyin

    from benchmarks.recognise import comparable
    from tts.speech.verify import edit_distance

    codes: dict[str, str] = {}

    def encoded(text: str, style) -> str:
        return "".join(codes.setdefault(p, chr(0x4E00 + len(codes))) for p in lazy_pinyin(comparable(text), style))

    out = {}
    for name, style in (("toned", Style.TONE3), ("toneless", Style.NORMAL)):
        ref, hyp = encoded(reference, style), encoded(hypothesis, style)
        out[name] = round(edit_distance(ref, hyp) / max(1, len(ref)), 4)
    return out


TUNED = ("gansu-tianjin-wuqing-jingning.txt", "001_xinhuanet.txt", "014_zj-fzggw.txt", "016_gov-cn.txt")
HELD_OUT = ("cjddsb-1.txt", "023_yndaily.txt")


def sentence_lengths(run: dict) -> list[int]:
    """Each sentence's length as scored (comparable characters), from a raw run's cues and sentence starts (the
    raw per-sentence rows keep only the first 30 characters)."""
    from bisect import bisect_right

    from tts.speech.verify import comparable

    starts = run["sentence_starts"]
    texts = [""] * len(starts)
    for start, _, text in run["cues"]:
        texts[bisect_right(starts, start + 1e-6) - 1] += text
    return [len(comparable(t)) for t in texts]


def chars_wrong(sentences: list[dict], lengths: list[int], indexes) -> int:
    """Characters wrong in these sentences: each one's CER times its length."""
    return round(sum(sentences[n]["cer"] * lengths[n] for n in indexes))


def verify_summary(label: str = "verify", base: str = "product") -> dict:
    """`label` (a --verify run) against `base` per article, from the recorded rows: whole-episode CER, syllable
    errors, sentences over 50 %, what the repair did and cost, and the repaired sentences' own error in the episode
    (characters wrong before -> after, read from the raw runs) beside the change in all the other sentences (whose
    audio did not change: only Whisper's windows moved)."""
    data = json.loads(ARTICLES.read_text("utf-8"))["articles"]
    out: dict = {}
    for group, names in (("tuned", TUNED), ("held_out", HELD_OUT)):
        rows = {}
        for name in names:
            if label not in data.get(name, {}) or base not in data[name]:
                continue
            before, after = data[name][base], data[name][label]
            repair = after["verify"]
            fixed = {s["index"] for s in repair["sentences"] if s["take"] != "first"}
            was, now = raw_run(name, base)["sentences"], raw_run(name, label)["sentences"]

            lengths = sentence_lengths(raw_run(name, base))
            rest = [n for n in range(len(was)) if n not in fixed]
            rows[name] = {
                "cer": [before["cer_episode"], after["cer_episode"]],
                "toned_syllable_error": [before["syllable_error_rate"]["toned"], after["syllable_error_rate"]["toned"]],
                "toneless_syllable_error": [
                    before["syllable_error_rate"]["toneless"],
                    after["syllable_error_rate"]["toneless"],
                ],
                "sentences_over_50pct": [before["sentences_over_50pct"], after["sentences_over_50pct"]],
                "sentences_over_threshold": repair["sentences_over_threshold"],
                "repairs": repair["repairs"],
                "takes_kept": repair["takes_kept"],
                "repaired_sentences_chars_wrong": [chars_wrong(was, lengths, fixed), chars_wrong(now, lengths, fixed)],
                "other_sentences_chars_wrong": [chars_wrong(was, lengths, rest), chars_wrong(now, lengths, rest)],
                "verify_s": repair["verify_s"],
                "build_s": repair["build_s"],
                "build_ratio": repair["build_ratio"],
                "unrepaired": [u["index"] for u in repair.get("unrepaired", [])],
                "check_cer_first_then_rechecked": [repair["cer_first_heard"], repair.get("cer_rechecked")],
                "check_over_threshold_first_then_rechecked": [
                    repair["sentences_over_threshold"],
                    repair.get("sentences_over_threshold_rechecked"),
                ],
                "load_average": repair.get("load_average"),
            }
            for old in (f"{label}-v1", f"{label}-v1-rerun"):  # last round's --verify (whole-track pass, no budget)
                if old in data[name]:
                    was_repair = data[name][old]["verify"]
                    rows[name][old] = {
                        "cer": data[name][old]["cer_episode"],
                        "sentences_over_threshold": was_repair["sentences_over_threshold"],
                        "repairs": was_repair["repairs"],
                        "verify_s": was_repair["verify_s"],
                        "build_s": was_repair["build_s"],
                        "build_ratio": was_repair["build_ratio"],
                    }
            for side, run in (("cer_by_window_lead", base), ("verified_cer_by_window_lead", label)):
                by_lead = window_leads(data[name], run)
                if len(by_lead) > 1:
                    rows[name][side] = lead_summary(by_lead)
        out[group] = rows
    return out


def window_leads(runs: dict, label: str) -> dict[str, tuple[float, float]]:
    """(whole-episode CER, seconds of speech skipped) of one variant's audio by lead silence: the run itself (lead
    0) and any reruns of the same audio recorded as LABEL-rerun / LABEL-warm with `--leads`."""
    out = {"0": (runs[label]["cer_episode"], runs[label]["skipped_speech_s"])}
    for name, row in runs.items():
        if name in (f"{label}-rerun", f"{label}-warm"):
            out |= {
                lead: (r["cer_episode"], r.get("skipped_speech_s")) for lead, r in row.get("window_leads", {}).items()
            }
    return out


def lead_summary(by_lead: dict[str, tuple[float, float]]) -> dict:
    """CER by lead, with the median and the mean of the transcriptions in which Whisper skipped no speech (a skip
    of tens of seconds is a failure of the recogniser's decoding, not a property of the voice)."""
    from statistics import mean, median

    clean = [cer for cer, skipped in by_lead.values() if skipped == 0]
    return {
        "cer": {lead: cer for lead, (cer, _) in by_lead.items()},
        "skipped_speech_s": {lead: skipped for lead, (_, skipped) in by_lead.items() if skipped},
        "median": round(median(cer for cer, _ in by_lead.values()), 4),
        "mean": round(mean(cer for cer, _ in by_lead.values()), 4),
        "mean_without_skips": round(mean(clean), 4) if clean else None,
        "range_without_skips": [min(clean), max(clean)] if clean else None,
    }


VERIFY_NOTES = [
    "verify: the product's --verify (tts.speech.verify.verify_and_repair with its defaults: the windowed greedy "
    "check, repairs with the slower take within the time budget, BUDGET_SHARE of the cold synthesis) on the "
    "assembled track, then the episode encoded and transcribed whole like product. Clips and takes synthesised cold "
    "(cache unused), so build_ratio = verify step / (prepare + synthesis + assembly + MP3) of the same run, wall and "
    "CPU seconds; load_average: the machine's 1-minute load before and after the verify step (2 cores, shared).",
    "verify-v1: last round's --verify (whole track at beam 5 with word times, up to 5 repairs with two alternative "
    "takes each, no budget), recorded then; verify-v1-rerun: the same code rerun on the sample this round.",
    "Optimistic: the repair picks takes with Whisper-base, the recogniser that then scores the episode; the "
    "syllable error rates (toned/toneless) are reported beside the CER.",
    "cer_by_window_lead: the same audio transcribed after 0 s and each --leads silence, so Whisper's 30 s windows "
    "fall elsewhere: the spread of the measure itself (a rerun on identical audio gives the identical figure).",
    "repaired_sentences_chars_wrong / other_sentences_chars_wrong: characters wrong in the episode's transcript, "
    "product -> verify, in the repaired sentences and in all the others (whose audio did not change).",
    "Tuned: the sample and three keyed corpus pages; held out: cjddsb-1 and 023_yndaily.",
]


def record_verify_summary(notes: list[str]) -> None:
    """The --verify comparison into the results file's summary (recomputed from the recorded rows)."""
    data = json.loads(ARTICLES.read_text("utf-8"))
    data.setdefault("summary", {})["verify"] = {"notes": notes, **verify_summary()}
    ARTICLES.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


PASSES = ARTICLES.with_name("intelligibility_verify_passes.json")


def pass_study(article: Path) -> dict:
    """The recogniser passes `--verify` could make over one episode, timed one after another on the same in-memory
    track (clips from the cache: the audio is the product's, only the passes differ): seconds, whole-episode CER and
    the sentences each flags, with how far each agrees with the pass the last round used (whole track, beam 5, word
    timestamps: sentences by time)."""
    from tts import pipeline
    from tts.options import BuildOptions
    from tts.output.assemble import assemble
    from tts.speech import verify

    options = BuildOptions(engine="kokoro")
    prepared = pipeline.prepare(article, options)
    engine, voice, speed = pipeline.open_engine(prepared.engine, prepared.profile)
    clips, _ = pipeline.synthesize_chunks(prepared.plan.chunks, engine, voice, speed, use_cache=True)
    track = assemble(prepared.plan, clips, prepared.profile.pauses)
    verify._model()  # loaded once, outside every pass's time
    audio = verify._at_16k(track.pcm, track.sample_rate)

    def whole(beam: int):
        segments, _ = verify._model().transcribe(audio, language="zh", beam_size=beam, word_timestamps=True)
        heard = [
            verify.Heard(w.word.strip(), w.start, w.end) for s in segments for w in s.words or [] if w.word.strip()
        ]
        return verify.check(heard, track.timeline)

    passes = {
        "whole track, beam 5, word times (last round)": lambda: whole(5),
        "whole track, beam 1, word times": lambda: whole(1),
        "sentence windows, beam 1, one at a time": lambda: verify.check_audio(audio, track.timeline, batch=1),
        "sentence windows, beam 1, batched (product)": lambda: verify.check_audio(audio, track.timeline),
        "sentence windows, beam 5, batched": lambda: verify.check_audio(audio, track.timeline, beam=5),
    }
    rows, first = {}, None
    for name, run in passes.items():
        load = os.getloadavg()[0]
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
        cers = [s.cer for s in result.sentences]
        first = first or (cers, {s.index for s in result.garbled})
        flagged = {s.index for s in result.garbled}
        rows[name] = {
            "seconds": round(seconds, 1),
            "x_audio": round(seconds / track.timeline.duration, 3),
            "cer_episode": round(result.cer, 4),
            "flagged": sorted(flagged),
            "flagged_also_by_last_round": len(flagged & first[1]),
            "mean_abs_sentence_cer_difference": round(sum(abs(a - b) for a, b in zip(cers, first[0])) / len(cers), 3),
            "load_average": round(load, 2),
        }
        print(name, json.dumps(rows[name], ensure_ascii=False), flush=True)
    return {"audio_s": round(track.timeline.duration, 1), "sentences": len(track.timeline.sentences), "passes": rows}


def paragraphs() -> None:
    engine = get_engine("kokoro")
    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n, (text, reading) in enumerate(PARAGRAPHS):
            row = {"paragraph": text[:24] + "…"}
            for normalize, label in ((False, "raw"), (True, "normalized")):
                path = Path(tmp) / f"{n}-{label}.wav"
                speak(engine, text, normalize, path)
                heard = transcribe(path)
                row[f"heard_{label}"] = heard
                row[f"cer_vs_written_{label}"] = round(cer(text, heard), 3)
                row[f"cer_vs_reading_{label}"] = round(cer(reading, heard), 3)
            rows.append(row)
    summary = {
        key: round(sum(r[key] for r in rows) / len(rows), 3)
        for key in (
            "cer_vs_written_raw",
            "cer_vs_written_normalized",
            "cer_vs_reading_raw",
            "cer_vs_reading_normalized",
        )
    }
    print(
        json.dumps(
            {"paragraphs": rows, "mean": summary, "seconds": round(time.perf_counter() - started, 1)},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
