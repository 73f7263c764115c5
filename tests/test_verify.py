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
    repaired, new_clips, result = verify.verify_and_repair(plan, clips, pauses, kokoro, "zm_yunjian", 1.0, track)
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
