"""The real embedded Kokoro voice speaks Mandarin; long input is split, never truncated."""

from __future__ import annotations

import numpy as np
import pytest

from tts.engines import engine_names, get_engine
from tts.engines.kokoro import MAX_TOKENS
from tts.errors import AssetError, ConfigError, EngineError


def test_kokoro_is_registered_and_lists_eight_mandarin_voices():
    assert "kokoro" in engine_names()
    engine = get_engine("kokoro")
    voices = [v.id for v in engine.voices()]
    assert len(voices) == 8 and all(v[:3] in ("zf_", "zm_") for v in voices)
    assert engine.default_voice in voices


def test_unknown_engine_names_the_available_ones():
    with pytest.raises(ConfigError, match="available: .*kokoro"):
        get_engine("nope")


def test_a_sentence_becomes_audible_speech(kokoro):
    clip = kokoro.synthesize("九月的静宁，满山苹果挂满枝头。", "zm_yunjian")
    seconds = len(clip.samples) / clip.sample_rate
    assert clip.sample_rate == 24_000
    assert 1.5 < seconds < 6  # 15 characters at a newsreader's ~4-5 per second
    assert float(np.sqrt(np.mean(clip.samples**2))) > 0.02


@pytest.mark.slow  # minutes of text through the real model
def test_input_beyond_the_token_limit_is_split_not_truncated(kokoro):
    sentence = "今年全县苹果产量预计达到一百万吨，"
    long_text = sentence * 12  # ~200 characters, far past the model's ~509 phoneme tokens
    assert len(kokoro._token_ids(long_text)) > MAX_TOKENS
    short = len(kokoro.synthesize(sentence, "zf_xiaoxiao").samples)
    clip = kokoro.synthesize(long_text, "zf_xiaoxiao")
    long = len(clip.samples)
    assert long > 9 * short  # every repetition is spoken
    # Timings run on across the split: every character timed once, in order, up to the end of the clip.
    timed = [m for m in clip.marks if long_text[m.start_char] != "，"]
    assert len(timed) == len(long_text) - long_text.count("，")
    assert [m.start for m in clip.marks] == sorted(m.start for m in clip.marks)
    assert abs(clip.marks[-1].end - long / clip.sample_rate) < 0.06


def test_text_with_nothing_to_say_is_an_engine_error(kokoro):
    with pytest.raises(EngineError):
        kokoro.synthesize("……", "zm_yunjian")


def test_missing_user_model_is_an_actionable_asset_error(tmp_path):
    engine = get_engine("kokoro", model=str(tmp_path / "missing.onnx"))
    with pytest.raises(AssetError, match="not found"):
        engine.synthesize("你好。", "zm_yunjian")


def test_user_voice_folder_is_used(tmp_path, real_cache):
    folder = tmp_path / "myvoices"
    folder.mkdir()
    (folder / "zm_yunjian.bin").write_bytes((real_cache / "kokoro" / "voices" / "zm_yunjian.bin").read_bytes())
    engine = get_engine("kokoro", voices=str(folder))
    assert len(engine.synthesize("你好。", "zm_yunjian").samples) > 0
    with pytest.raises(AssetError, match="zf_xiaobei.bin"):
        engine.synthesize("你好。", "zf_xiaobei")


def test_engine_specific_flags_reach_the_engines_that_declare_them(tmp_path):
    from tts.engines.base import options_from_flags

    model = tmp_path / "model.onnx"
    given = {"pitch": "-5Hz", "kokoro_model": model, "concurrency": None, "unknown_flag": 3}
    assert options_from_flags(given) == {"edge": {"pitch": "-5Hz"}, "kokoro": {"model": model}}
    assert options_from_flags({"pitch": None}) == {}  # nothing given: no engine module is even imported
