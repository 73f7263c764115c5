"""The yardsticks of the speech benchmarks: syllable error rates, skipped speech, the recogniser's bias by pause."""

from __future__ import annotations

import pytest

from benchmarks.intelligibility import skipped_speech, syllable_error_rates
from benchmarks.whisper_bias import bias_for
from tts.model import Cue, Timeline
from tts.speech.verify import Heard


def test_homophones_are_character_errors_but_not_syllable_errors():
    rates = syllable_error_rates("武清静宁两地紧紧联系", "五清进宁两地仅仅联系")
    assert rates["toned"] == pytest.approx(0.1)  # only 静 jing4 -> 进 jin4 is heard wrong
    assert syllable_error_rates("2017年以来", "2017年以來") == {"toned": 0.0, "toneless": 0.0}
    assert syllable_error_rates("静宁", "敬宁")["toned"] == 0.0  # the same syllables
    assert syllable_error_rates("买卖", "卖买") == {"toned": 1.0, "toneless": 0.0}


def test_speech_the_recogniser_heard_nothing_in_is_counted():
    timeline = Timeline(20.0, [Cue(0.0, 9.0, "一"), Cue(10.0, 19.0, "二")], [])
    heard = [Heard("一", 0.1, 8.9), Heard("二", 15.5, 18.9)]
    assert skipped_speech(heard, timeline) == pytest.approx(5.6)  # 8.9-9.0 and 10.0-15.5 of the sentences
    assert skipped_speech([Heard("一", 0.1, 8.9), Heard("二", 10.1, 18.9)], timeline) == 0.0


def test_bias_follows_the_pause_before_a_word():
    measured = {
        "words_inside_speech_vs_marks": {"mean_s": -0.1},
        "first_word_vs_energy_onset_by_silence": {
            "0.2": {"n": 3, "mean_s": -0.12},
            "0.5": {"n": 3, "mean_s": -0.2},
            "1.0": {"n": 0},
        },
    }
    assert bias_for(0.0, measured) == pytest.approx(-0.1)
    assert bias_for(0.1, measured) == pytest.approx(-0.11)
    assert bias_for(0.35, measured) == pytest.approx(-0.16)
    assert bias_for(2.0, measured) == pytest.approx(-0.2)  # beyond the longest silence measured


def test_window_lead_summary_sets_transcriptions_that_skipped_speech_apart():
    """The measure's spread over Whisper's window positions: a transcription that skipped speech is kept in the
    median and mean but not in the mean without skips."""
    from benchmarks.intelligibility import lead_summary

    summary = lead_summary({"0": (0.16, 0.0), "0.3": (0.25, 30.5), "1.2": (0.15, 0.0), "4": (0.17, 0.0)})
    assert summary["median"] == pytest.approx(0.165)
    assert summary["mean"] == pytest.approx(0.1825)
    assert summary["mean_without_skips"] == pytest.approx(0.16)
    assert summary["range_without_skips"] == [0.15, 0.17]
    assert summary["skipped_speech_s"] == {"0.3": 30.5}


@pytest.mark.slow  # the real recogniser, as the other recogniser tests
def test_episode_study_speaks_with_the_voice_asked_for(tmp_path):
    """`intelligibility.py --voice NAME`: the named voice synthesises the episode the recogniser hears."""
    from benchmarks.intelligibility import episode_study
    from tts.errors import ConfigError

    article = tmp_path / "apples.txt"
    article.write_text("静宁苹果丰收\n\n九月的静宁，满山苹果挂满枝头。\n", encoding="utf-8")
    row = episode_study(article, voice="zf_xiaoxiao")
    assert row["settings"]["voice"] == "zf_xiaoxiao"
    assert row["synthesized_chunks"] > 0  # a new voice is new audio, not the default voice's cached clips
    assert row["cer_episode"] < 0.5
    assert episode_study(article)["settings"]["voice"] == "zm_yunjian"
    with pytest.raises(ConfigError, match="unknown kokoro voice"):
        episode_study(article, voice="zf_nobody")


@pytest.mark.slow  # real synthesis and the real recogniser
def test_verify_variant_runs_the_products_repair_before_the_episode_is_heard(tmp_path):
    """`intelligibility.py --verify`: every sentence over the threshold (here: any error at all) goes through the
    product's repair, the row says which takes were tried and kept and what the repair cost against the build."""
    from benchmarks.intelligibility import Repair, episode_study

    article = tmp_path / "apples.txt"
    article.write_text("静宁苹果丰收\n\n九月的静宁，满山苹果挂满枝头，果农忙着采摘。\n", encoding="utf-8")
    row = episode_study(article, repair=Repair(threshold=-1.0, max_repairs=1, budgeted=False), leads=[1.5])
    verified = row["verify"]
    assert verified["sentences_over_threshold"] == len(row["sentences"])  # below zero: every sentence "garbled"
    assert verified["tried"] == 1  # but only max_repairs of them are re-synthesised
    assert [u["reason"] for u in verified["unrepaired"]] == ["max repairs"] * (len(row["sentences"]) - 1)
    assert verified["budget_s"] is None  # no budget asked for
    assert 0 <= verified["cer_rechecked"] < 0.5  # the verified track checked again as --verify checks
    (tried,) = verified["sentences"]
    assert {"first", "slower"} <= set(tried["tried"])  # the first take and the slower one, each transcribed
    assert tried["take"] in tried["tried"]
    assert verified["repairs"] == (tried["take"] != "first")
    assert 0 < verified["build_ratio"]["wall"] and verified["build_s"] > 0
    same = verified["cold_clips_same_as_cached"]  # clips of this session's cache (other tests may have made some)
    assert same["identical"] == same["compared"] <= row["chunks"]  # the engine gives the same audio cold and cached
    assert row["cer_episode"] < 0.5
    shifted = row["window_leads"]["1.5"]  # the same episode heard after 1.5 s of silence, times moved back
    assert shifted["cer_episode"] < 0.5 and shifted["sentences_over_50pct"] == 0
