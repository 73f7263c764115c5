"""--verify: the real recogniser (Whisper-base from PyPI parts) scores each sentence; garbled takes are replaced."""

from __future__ import annotations

import json
import os
import random
import statistics
from difflib import SequenceMatcher

import pytest

from tts.errors import ConfigError
from tts.model import Article, Chapter, Cue, Section, Timeline
from tts.output.assemble import assemble
from tts.speech import verify
from tts.speech.plan import PlanOptions, make_plan
from tts.speech.profiles import Pauses


@pytest.fixture(scope="session")
def recogniser(real_cache):
    """Whisper-base joined once into the user's cache (as a user's first --verify would)."""
    return verify.whisper_dir()


@pytest.fixture
def cache_with_recogniser(fresh_cache, recogniser):
    os.symlink(recogniser, fresh_cache / "whisper-base")
    return fresh_cache


def test_cer_compares_characters_not_script_digits_or_punctuation():
    assert verify.cer("九月的静宁，满山苹果。", "9月的靜寧滿山蘋果") == 0
    assert verify.cer("静宁县", "进宁线") == pytest.approx(2 / 3)
    assert verify.cer("静宁", "") == 1


def _plain_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def test_edit_distance_agrees_with_the_textbook_programme():
    rng = random.Random(7)
    for _ in range(400):
        a = "".join(rng.choice("静宁苹果ab") for _ in range(rng.randint(0, 12)))
        b = "".join(rng.choice("静宁苹果ab") for _ in range(rng.randint(0, 12)))
        assert verify.edit_distance(a, b) == _plain_distance(a, b), (a, b)


def test_heard_words_go_to_the_sentence_whose_time_holds_them():
    timeline = Timeline(6.0, [Cue(0.3, 2.0, "静宁苹果"), Cue(2.6, 5.0, "果农采摘")], [Chapter(0, 6, "t")])
    heard = [
        verify.Heard("静宁", 0.3, 0.9),
        verify.Heard("苹果", 1.0, 2.2),
        verify.Heard("果农", 2.4, 3.0),
        verify.Heard("采债", 3.1, 4.0),
    ]
    result = verify.check(heard, timeline, threshold=0.2)
    assert [s.heard for s in result.sentences] == ["静宁苹果", "果农采债"]
    assert [s.cer for s in result.sentences] == [0, 0.25]
    assert [s.index for s in result.garbled] == [1]
    assert result.cer == pytest.approx(1 / 8)


@pytest.mark.slow  # the real recogniser
def test_the_recogniser_hears_a_real_sentence(kokoro, recogniser):
    text = "今年全县苹果产量预计达到一百万吨，比去年增长百分之五。"
    clip = kokoro.synthesize(text, "zm_yunjian")
    heard = verify.transcribe(clip.samples, clip.sample_rate)
    assert verify.cer(text, "".join(h.text for h in heard)) < 0.3
    assert 0 <= heard[0].start < heard[-1].end <= len(clip.samples) / clip.sample_rate + 0.5


@pytest.mark.slow  # the real recogniser
def test_word_marks_agree_with_where_the_recogniser_hears_the_words(kokoro, recogniser):
    """The engine's character marks against the recogniser's own word times, on the same real audio."""
    text = "今年全县苹果产量预计达到一百万吨，比去年增长百分之五，果农们正忙着采摘。"
    clip = kokoro.synthesize(text, "zm_yunjian")
    heard = verify.transcribe(clip.samples, clip.sample_rate)
    ours = [m for m in clip.marks if text[m.start_char : m.end_char].strip("，。")]
    ref = "".join(text[m.start_char : m.end_char] for m in ours)
    hyp, times = [], []
    for word in heard:
        chars = verify.comparable(word.text)
        for j, c in enumerate(chars):
            hyp.append(c)
            times.append(word.start + (word.end - word.start) * j / len(chars))
    offsets = []
    for block in SequenceMatcher(None, ref, "".join(hyp), autojunk=False).get_matching_blocks():
        offsets += [abs(ours[block.a + k].start - times[block.b + k]) for k in range(block.size)]
    assert len(offsets) >= len(ref) * 0.6
    assert statistics.median(offsets) < 0.2


@pytest.mark.slow  # the real recogniser
def test_a_garbled_take_is_replaced_by_a_better_one(kokoro, cache_with_recogniser):
    """A sentence whose audio says something else comes back garbled and is re-synthesised; the track follows."""
    from tts.pipeline import synthesize_chunks

    article = Article(
        title="静宁苹果", sections=[Section(None, ["今年全县苹果产量预计达到一百万吨，比去年增长百分之五。"])]
    )
    plan = make_plan(article, PlanOptions())
    clips, _ = synthesize_chunks(plan.chunks, kokoro, "zm_yunjian", 1.0)
    wrong = kokoro.synthesize("果园里的丰收", "zm_yunjian")
    clips[1] = wrong  # the body sentence's take says something else entirely
    pauses = Pauses()
    track = assemble(plan, clips, pauses)
    repaired, new_clips, result = verify.verify_and_repair(
        plan, clips, pauses, kokoro, "zm_yunjian", 1.0, track, alternatives=("slower", "clauses")
    )
    body = result.sentences[1]
    assert body.cer > result.threshold
    assert body.take in ("clauses", "slower") and set(body.tried) >= {"first", "slower", "clauses"}
    assert body.cer_after < body.cer and body.cer_after < 0.3
    assert new_clips[1] is not wrong and repaired.timeline.duration > track.timeline.duration
    assert repaired.timeline.words and repaired.timeline.words[-1].sentence == 1
    report = result.to_dict()
    assert report["resynthesized"] == [1] and len(report["sentences"]) == 2


@pytest.mark.slow  # a whole build, transcribed and repaired
def test_build_verify_reports_each_sentence(cache_with_recogniser, short_article, tmp_path):
    from typer.testing import CliRunner

    from tts.cli import app

    out = tmp_path / "ep.mp3"
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(short_article),
            "-o",
            str(out),
            "--engine",
            "kokoro",
            "--verify",
            "--no-announce",
            "--loudness",
            "off",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{") :])
    check = report["verification"]
    assert len(check["sentences"]) == 5 and 0 <= check["cer"] < 0.5
    assert all(0 <= s["cer"] <= 1 and s["end"] > s["start"] for s in check["sentences"])


def test_verify_without_the_recogniser_is_a_bad_option_before_any_work(monkeypatch, short_article, tmp_path):
    import importlib.util

    from tts import pipeline

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "faster_whisper" else real(name, *a)
    )
    with pytest.raises(ConfigError, match="uv sync --extra verify"):
        pipeline.build(short_article, pipeline.BuildOptions(engine="kokoro", output=tmp_path / "x.mp3", verify=True))
    assert not list(tmp_path.glob("*.mp3"))


def test_a_first_word_stamped_early_goes_back_to_its_sentence():
    # The recogniser put 果农 (the second sentence's first word) before the pause's middle, in the first one's time.
    timeline = Timeline(6.0, [Cue(0.3, 2.0, "静宁苹果"), Cue(2.6, 5.0, "果农采摘")], [Chapter(0, 6, "t")])
    heard = [
        verify.Heard("静宁", 0.3, 0.9),
        verify.Heard("苹果", 1.0, 1.9),
        verify.Heard("果农", 2.0, 2.2),
        verify.Heard("采摘", 2.7, 4.0),
    ]
    result = verify.check(heard, timeline, threshold=0.2)
    assert [s.heard for s in result.sentences] == ["静宁苹果", "果农采摘"]
    assert [s.cer for s in result.sentences] == [0, 0]


def test_alignment_shares_what_was_heard_among_the_sentences():
    shares = verify.align(["静宁苹果", "果农采摘"], "静宁平果果农采摘了")
    assert shares == [("静宁平果", 1), ("果农采摘了", 1)]
    assert verify.align(["静宁", "苹果"], "") == [("", 2), ("", 2)]


def test_alignment_edits_add_up_to_the_edit_distance():
    rng = random.Random(11)
    for _ in range(300):
        refs = ["".join(rng.choice("静宁苹果") for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 4))]
        hyp = "".join(rng.choice("静宁苹果农") for _ in range(rng.randint(0, 14)))
        shares = verify.align(refs, hyp)
        assert "".join(heard for heard, _ in shares) == hyp
        if "".join(refs):
            assert sum(e for _, e in shares) == _plain_distance("".join(refs), hyp), (refs, hyp)


def test_sentences_are_packed_into_windows_whisper_hears_whole():
    cues = [Cue(0, 10, "a"), Cue(10.5, 20, "b"), Cue(20.5, 29, "c"), Cue(29.5, 70, "d"), Cue(70.5, 75, "e")]
    assert verify.windows(cues, 28.0) == [[0, 1], [2], [3], [4]]


def test_windows_are_cut_in_the_pauses_and_never_overlap():
    cues = [Cue(0.3, 10, "a"), Cue(10.4, 20, "b"), Cue(21, 29, "c")]
    assert verify._span(cues, 0, 0) == (pytest.approx(0.15), pytest.approx(10.2))  # half of a short pause
    assert verify._span(cues, 1, 1) == (pytest.approx(10.25), pytest.approx(20.3))  # a long one: 0.3 s of it
    assert verify._span(cues, 2, 2) == (pytest.approx(20.85), pytest.approx(29.3))


def test_the_budget_is_a_share_of_a_cold_synthesis():
    assert verify.repair_budget(100.0, 40, 40) == pytest.approx(100 * verify.BUDGET_SHARE)
    assert verify.repair_budget(10.0, 10, 40) == pytest.approx(40 * verify.BUDGET_SHARE)  # scaled up to every chunk
    assert verify.repair_budget(0.5, 0, 40) is None  # every clip from the cache: no cold build to go by


@pytest.mark.slow  # real synthesis and the real recogniser
def test_repairs_stop_when_the_budget_is_spent_and_the_report_says_so(kokoro, cache_with_recogniser):
    """Two garbled sentences and a budget smaller than the check itself: both stay flagged, none is re-synthesised,
    and the report names each one and why."""
    from tts.pipeline import synthesize_chunks

    article = Article(
        title="静宁苹果", sections=[Section(None, ["今年全县苹果产量预计达到一百万吨。", "果农们正忙着采摘。"])]
    )
    plan = make_plan(article, PlanOptions(announce=False))
    clips, _ = synthesize_chunks(plan.chunks, kokoro, "zm_yunjian", 1.0)
    wrong = kokoro.synthesize("天气晴朗", "zm_yunjian")
    garbled = [n for n, c in enumerate(plan.chunks) if c.sentence > 0]
    for n in garbled:
        clips[n] = wrong
    pauses = Pauses()
    track = assemble(plan, clips, pauses)
    same, kept, result = verify.verify_and_repair(plan, clips, pauses, kokoro, "zm_yunjian", 1.0, track, budget=0.01)
    flagged = [s.index for s in result.garbled]
    assert flagged and set(flagged) >= {plan.chunks[n].sentence for n in garbled}
    report = result.to_dict()
    assert report["resynthesized"] == [] and same is track and all(a is b for a, b in zip(kept, clips))
    assert report["unrepaired"] == [{"index": n, "reason": "time budget spent"} for n in sorted(flagged)]
    assert report["budget_seconds"] == 0.01 and len(report["sentences"]) == len(track.timeline.sentences)
    assert all("cer" in s for s in report["sentences"])
    assert "left (time budget spent)" in verify.summary(result)


@pytest.mark.slow  # real synthesis and the real recogniser
def test_the_check_hears_every_sentence_even_one_a_window_skips(kokoro, recogniser):
    """Greedy decoding of this title + sentence window skips the short title (measured: the window's text begins
    with the body); the check hears such a sentence again on its own, so every sentence has what was heard."""
    from tts.pipeline import synthesize_chunks

    article = Article(title="静宁苹果", sections=[Section(None, ["今年全县苹果产量预计达到一百万吨。"])])
    plan = make_plan(article, PlanOptions())
    clips, _ = synthesize_chunks(plan.chunks, kokoro, "zm_yunjian", 1.0)
    track = assemble(plan, clips, Pauses())
    result = verify.check_audio(verify._at_16k(track.pcm, track.sample_rate), track.timeline)
    assert len(result.sentences) == len(track.timeline.sentences) == 2
    assert all(len(s.heard) >= len(verify.comparable(s.text)) / 2 for s in result.sentences)
    assert result.sentences[1].cer < 0.3
    total = sum(len(verify.comparable(s.text)) for s in result.sentences)
    assert result.cer == pytest.approx(sum(s.cer * len(verify.comparable(s.text)) for s in result.sentences) / total)
