"""Polyphone fixes made after the blind held-out list 2 (benchmarks/polyphones_heldout2.py), checked on made-up
sentences through the offline voice's real input path (built-in lexicon markup, jieba, pypinyin, misaki's IPA) —
each family with a lookalike that must keep the other reading. No synthesis."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from tts.engines.kokoro_text import chinese_pinyin, phoneme_atoms
from tts.speech.normalize import Lexicon


def _ipa(syllable: str) -> str:
    from misaki.zh import ZHG2P

    return ZHG2P.py2ipa(syllable).replace(chr(815), "")


def spoken(text: str, word: str) -> list[str]:
    """The IPA the offline voice receives for each character of `word` where it first stands in `text`."""
    marked = Lexicon.builtin().apply(text, "pinyin")
    start = marked.index(word)
    atoms = [a for a in phoneme_atoms(marked) if start <= a.start < start + len(word) and a.end == a.start + 1]
    return [a.phonemes.replace(chr(815), "").strip() for a in atoms]


def reads(text: str, word: str, pinyin: str) -> bool:
    return spoken(text, word) == [_ipa(p) for p in pinyin.split()]


CASES = [
    # 重 chóng 'again' before a verb; the adjective and 严重|回落 keep zhòng
    ("工程师们决定重构整套计费系统", "重构", "chong2 gou4"),
    ("球队时隔八年重回顶级联赛", "重回", "chong2 hui2"),
    ("这只箱子太重了", "重", "zhong4"),
    ("出口增速严重回落", "严重", "yan2 zhong4"),
    # 长 cháng of length; titles keep zhǎng
    ("这条隧道全长约十二公里", "全长约", "quan2 chang2 yue1"),
    ("会议长达六个小时", "长达", "chang2 da2"),
    ("城市成长达到新阶段", "成长", "cheng2 zhang3"),
    ("副校长出席了典礼", "校长", "xiao4 zhang3"),
    # 差 chā of a difference; 'poor' keeps chà
    ("高原早晚温差很大", "温差", "wen1 cha1"),
    ("两地时差七个小时", "时差", "shi2 cha1"),
    ("这家店的服务很差", "差", "cha4"),
    # 藏 zàng Tibetan; 'hide, collect' keeps cáng
    ("电台开设了藏语新闻节目", "藏语", "zang4 yu3"),
    ("博物馆收藏文物三千件", "收藏", "shou1 cang2"),
    # 调 tiáo of prices and rates; 'transfer' keeps diào
    ("多家银行上调存款利率", "上调", "shang4 tiao2"),
    ("航空公司调降燃油附加费", "调降", "tiao2 jiang4"),
    ("他被调到总部工作", "调", "diao4"),
    ("央行调高基准利率", "调高", "tiao2 gao1"),
    # 种 zhòng 'plant, inoculate'; 'kind' keeps zhǒng
    ("社区居民排队接种疫苗", "接种", "jie1 zhong4"),
    ("市民可选择各种出行方式", "各种", "ge4 zhong3"),
    # 当日 dàngrì 'that day'; 相当|日本 is not 当日
    ("航班当日下午恢复", "当日", "dang4 ri4"),
    ("产量相当日本全年的两倍", "相当", "xiang1 dang1"),
    # 处在 chǔ zài as a word; 之处|在于 keeps chù (the [words] entry used to misread it)
    ("两种方案的不同之处在于成本", "处", "chu4"),
    ("改革正处在关键阶段", "处在", "chu3 zai4"),
    # 应X尽X slogans, 塞 in country names, 颇
    ("做到应检尽检", "应检尽检", "ying1 jian3 jin4 jian3"),
    ("代表团访问了塞浦路斯", "塞浦路斯", "sai4 pu3 lu4 si1"),
    ("这一决定颇具争议", "颇具", "po1 ju4"),
]


@pytest.mark.parametrize(("text", "word", "pinyin"), CASES)
def test_word_reads_as_a_newsreader_reads_it(text, word, pinyin):
    assert reads(text, word, pinyin), (text, word, pinyin, spoken(text, word))


NAMES = [
    # a surname and a given name that jieba tags as a person: the surname's own reading
    ("曾庆红出席了会议", "曾庆红", "zeng1 qing4 hong2"),
    ("华春莹在记者会上回答提问", "华春莹", "hua4 chun1 ying2"),
    ("故宫博物院前院长单霁翔作报告", "单霁翔", "shan4 ji4 xiang2"),
    ("朴槿惠出席仪式", "朴槿惠", "piao2 jin3 hui4"),
    # lookalikes: the adverb 曾, 任 'any', a company, a transliterated name, a word tagged nr in jieba's dictionary
    ("他曾效力于多支球队", "曾", "ceng2"),
    ("任何人不得擅自进入", "任何人", "ren4 he2 ren2"),
    ("任天堂发布了新游戏机", "任天堂", "ren4 tian1 tang2"),
    ("查尔斯国王发表讲话", "查尔斯", "cha2 er3 si1"),
    ("华容道是一种益智游戏", "华容道", "hua2 rong2 dao4"),
    ("曾经的冠军如今退役", "曾经", "ceng2 jing1"),
]


@pytest.mark.parametrize(("text", "word", "pinyin"), NAMES)
def test_a_full_name_takes_its_surname_reading_and_nothing_else_does(text, word, pinyin):
    assert reads(text, word, pinyin), (text, word, pinyin, spoken(text, word))


def test_a_biography_closing_a_title_is_zhuan_wherever_the_han_run_ends():
    assert reads("他读完了《李白传》", "传", "zhuan4")
    assert reads("他读完了《李白传》这本书", "传", "zhuan4")
    assert reads("消息很快传开了", "传", "chuan2")
    assert reads("她演唱了《传奇》", "传", "chuan2")


def test_every_jieba_word_entry_is_well_formed_and_applies_on_its_own():
    """One tone-numbered syllable per character, and the entry standing alone is read as written (whether jieba keeps
    it whole or cuts it, as 长|达)."""
    text = resources.files("tts.speech.normalize").joinpath("builtin_lexicon.toml").read_text("utf-8")
    table = tomllib.loads(text)["jieba_words"]
    assert len(table) >= 50
    for word, pinyin in table.items():
        syllables = pinyin.split()
        assert len(syllables) == len(word) and all(s[-1] in "12345" for s in syllables), word
        assert [p for w in chinese_pinyin(word) for p in w] == syllables, word
    # the lexicon proper ignores the table (it is for the offline voice's word-level reader only)
    assert not set(table) & set(Lexicon.builtin().entries)


def test_the_held_out_list_is_well_formed():
    from benchmarks.polyphones_heldout2 import CASES as HELDOUT2

    assert len(HELDOUT2) >= 200
    for sentence, word, pinyin, page in HELDOUT2:
        assert word in sentence and len(pinyin.split()) == len(word), (sentence, word)
        assert page.endswith(".txt")


def test_the_reading_rules_are_part_of_the_offline_voice_cache_identity():
    """A changed word reading must re-synthesise cached speech rather than replay the old reading."""
    from tts.engines import kokoro_text
    from tts.engines.kokoro import KokoroEngine

    assert kokoro_text.reading_identity() in KokoroEngine().identity
