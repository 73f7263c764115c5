"""The speech plan splits text into engine-sized chunks without losing a character."""

from __future__ import annotations

from tts.input.clean import clean_text
from tts.model import Article, Section
from tts.speech.plan import PlanOptions, make_plan, split_chunk, split_sentences

from .conftest import SAMPLE

LONG = "，".join(["武清区在静宁县安排实施产业发展特困户危房改造安全饮水等方面项目"] * 8) + "。"


def test_sentences_split_at_final_punctuation_keeping_closing_quotes():
    text = "他说：“今年丰收了。”大家都很高兴！真的吗？是的……"
    assert split_sentences(text) == ["他说：“今年丰收了。”", "大家都很高兴！", "真的吗？", "是的……"]


def test_long_sentences_split_at_clauses_without_losing_text():
    pieces = split_chunk(LONG, 120)
    assert "".join(pieces) == LONG
    assert all(len(p) <= 120 for p in pieces)
    assert len(pieces) > 1


def test_unpunctuated_runs_are_split_by_length():
    text = "很" * 300
    pieces = split_chunk(text, 120)
    assert "".join(pieces) == text and max(map(len, pieces)) <= 120


def test_chunks_without_speakable_characters_are_never_planned():
    article = Article(title="标题", sections=[Section(None, ["……", "正文。"])])
    plan = make_plan(article)
    assert [c.text for c in plan.chunks] == ["标题", "正文。"]


def test_sample_plan_has_one_chapter_per_section_and_keeps_all_text():
    article = clean_text(SAMPLE.read_text(encoding="utf-8"))
    plan = make_plan(article, PlanOptions(max_chunk_chars=120))
    assert [s.title for s in plan.sections] == [article.title] + [s.heading for s in article.sections[1:]]
    assert max(len(c.text) for c in plan.chunks) <= 120
    spoken = "".join(c.text for c in plan.chunks)
    for paragraph in article.paragraphs:
        assert paragraph in spoken or paragraph.replace(" ", "") in spoken.replace(" ", "")
    assert plan.chunks[-1].after == "end"
    assert plan.chunks[0].after == "title"
