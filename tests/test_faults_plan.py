"""Fault suite, chunking (issue 12 item 11): text without punctuation is never cut inside a word."""

from __future__ import annotations

from tts.speech.plan import split_chunk, word_boundaries


def _cuts(pieces: list[str]) -> list[int]:
    cuts, at = [], 0
    for piece in pieces[:-1]:
        at += len(piece)
        cuts.append(at)
    return cuts


def test_chinese_without_punctuation_is_cut_between_words_not_at_n_characters():
    text = "合作社对全县苹果实行统一管理统一销售" * 10  # 180 characters, no punctuation
    pieces = split_chunk(text, 120)
    assert "".join(pieces) == text and all(len(p) <= 120 for p in pieces)
    assert set(_cuts(pieces)) <= set(word_boundaries(text))
    assert "统一管理统|一销售" not in "|".join(pieces)
    assert max(map(len, pieces)) - min(map(len, pieces)) <= 8  # even pieces, not 120 + a stub


def test_latin_words_and_numbers_are_never_split():
    text = ("Supercalifragilisticexpialidocious" + "的产量达到12,000吨增长3.5%在10:30由R&D部门公布") * 4
    pieces = split_chunk(text, 60)
    assert "".join(pieces) == text
    joined = "|".join(pieces)
    for word in ("Supercalifragilisticexpialidocious", "12,000", "3.5%", "10:30", "R&D"):
        assert joined.count(word) == text.count(word), (word, joined)


def test_clause_punctuation_inside_numbers_is_not_a_clause_break():
    text = "今年的产量达到了12,000,000吨" * 6 + "，" + "价格稳定" * 10
    pieces = split_chunk(text, 60)
    assert all("12,000,000" in p or "12" not in p for p in pieces)


def test_a_single_word_longer_than_the_limit_is_the_only_thing_cut():
    text = "今天" + "a" * 50 + "发布"
    pieces = split_chunk(text, 20)
    assert "".join(pieces) == text and all(len(p) <= 20 for p in pieces)
    assert pieces[0] == "今天"  # the long word starts its own piece; only it is cut
