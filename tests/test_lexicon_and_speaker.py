"""The pronunciation lexicon reaches each engine in the form it takes; transcripts keep the written text."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tts.cli import app
from tts.errors import ConfigError
from tts.model import Article, Section
from tts.speech.normalize import Lexicon, Speaker
from tts.speech.plan import make_plan

USER = """
[words]
"行长" = { pinyin = "hang2 zhang3", say = "航长" }
"重庆" = "chong2 qing4"
"""


def test_user_words_become_pinyin_markup_for_the_offline_voice_and_homophones_for_the_online_one():
    lexicon = Lexicon.from_toml(USER, "test")
    assert Speaker(lexicon, "pinyin")("银行行长2日到重庆") == "银行{行长|hang2 zhang3}二日到{重庆|chong2 qing4}"
    assert Speaker(lexicon, "say")("行长到重庆") == "航长到重庆"


def test_numbers_inside_markup_are_left_alone_and_outside_are_read():
    lexicon = Lexicon.from_toml('[words]\n"曾某" = { pinyin = "zeng1 mou3" }\n', "test")
    assert Speaker(lexicon, "pinyin")("曾某于2021年被查") == "{曾某|zeng1 mou3}于二零二一年被查"


def test_bad_pinyin_is_a_clear_config_error():
    with pytest.raises(ConfigError, match="one tone-numbered syllable per character"):
        Lexicon.from_toml('[words]\n"重庆" = "chongqing"\n', "mine.toml")


def test_built_in_lexicon_fixes_measured_misreadings():
    speaker = Speaker(Lexicon.builtin(), "pinyin")
    assert "{还款|huan2 kuan3}" in speaker("按时还款")
    # jieba cuts 中标价 as 中|标价 (the 中标假期议员); the entry restores zhòng, its guard keeps 图中标出 zhōng.
    assert speaker("中标价7亿元") == "{中标|zhong4 biao1}价七亿元"
    assert "{中标出|zhong1 biao1 chu1}" in speaker("图中标出位置")
    assert "{蒙古|meng3 gu3}" in speaker("内蒙古自治区")


def test_offline_voice_reads_every_polyphone_case_of_the_benchmark_right():
    """benchmarks/polyphones.py: what the offline voice gets (G2P plus built-in lexicon) for every case listed there."""
    from benchmarks.polyphones import CASES, NEW_CASES, misaki_syllables, score, with_lexicon_of

    right, wrong = score(with_lexicon_of(misaki_syllables), CASES + NEW_CASES)
    assert not wrong, wrong


def test_transcript_keeps_written_text_while_the_engine_gets_the_spoken_form():
    plan = make_plan(Article(title="标题", sections=[Section(None, ["增长15%。"])]))
    chunk = plan.chunks[1]
    assert chunk.text == "增长15%。" and chunk.spoken == "增长百分之十五。"
    assert plan.sentences[chunk.sentence].text == "增长15%。"


def test_kokoro_speaks_markup_with_exactly_the_given_pinyin(kokoro):
    assert kokoro.phonemize("{行|hang2}") == "xa↗ŋ"
    assert kokoro.phonemize("{行|xing2}") == "ɕi↗ŋ"


def test_latin_words_reach_kokoro_as_english_phonemes(kokoro):
    phonemes = kokoro.phonemize("iPhone 十一")
    assert phonemes.startswith("ˈI fˈOn")


def test_say_command_shows_the_spoken_form(tmp_path):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(USER, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["say", "21-09-15 15:09 拨打12345", "--json"])
    assert result.exit_code == 0
    assert '"spoken": "二零二一年九月十五日 十五点零九分 拨打幺二三四五"' in result.stdout
    result = runner.invoke(app, ["say", "重庆行长", "--engine", "edge", "--lexicon", str(lexicon)])
    assert result.stdout.strip() == "重庆航长"


@pytest.mark.parametrize(
    "text, pinyin",
    [
        ("不是", "bu2 shi4"),
        ("不好", "bu4 hao3"),
        ("一样", "yi2 yang4"),
        ("一起", "yi4 qi3"),
        ("十一", "shi2 yi1"),
        ("一月", "yi1 yue4"),
        ("第一", "di4 yi1"),
        ("统一", "tong3 yi1"),
        ("一模一样", "yi4 mu2 yi2 yang4"),
        # 为 ending a word pypinyin has no phrase for is wéi ('to be, as'); 因为 and 为了 keep wèi.
        ("变为", "bian4 wei2"),
        ("题为", "ti2 wei2"),
        ("因为", "yin1 wei4"),
        ("是因为", "shi4 yin1 wei4"),
        ("为了", "wei4 le5"),
    ],
)
def test_offline_voice_applies_yi_and_bu_tone_sandhi_and_reads_wei(text, pinyin):
    from tts.engines.kokoro_text import chinese_pinyin

    assert " ".join(p for word in chinese_pinyin(text) for p in word) == pinyin


def test_traditional_characters_are_spoken_from_their_simplified_form():
    from tts.speech.align import Alignment
    from tts.speech.normalize import Speaker

    written = "颱風過境，約1.5萬戶停電，損失達2億元。"
    spoken = Speaker()(written)
    assert spoken == "台风过境，约一点五万户停电，损失达两亿元。"  # the rules read 萬 and 億 once they are 万 and 亿
    start = written.index("損失")
    assert spoken[slice(*Alignment(written, spoken).spoken_span(start, start + 2))] == "损失"
