"""The cleaner on 18 real pages: graded pages meet the quality gate; every page cleans to a plausible article."""

from __future__ import annotations

import json

import pytest

from benchmarks.score_cleaning import score_page
from tts.input.clean.lines import compare_key
from tts.input.extract import read_article

from .conftest import CORPUS

KEYS = sorted((CORPUS / "keys").glob("*.json"))
PAGES = sorted((CORPUS / "raw").glob("*.txt"))


@pytest.mark.parametrize("suffix", [".txt", ".html"])
@pytest.mark.parametrize("key_file", KEYS, ids=[k.stem for k in KEYS])
def test_graded_page_meets_the_quality_gate(key_file, suffix):
    key = json.loads(key_file.read_text(encoding="utf-8"))
    txt = CORPUS / key["file"]
    score = score_page(txt, key, txt.with_suffix(suffix))
    assert score.error is None
    assert (score.title, score.date, score.source) == (True, True, True)
    assert score.must_not_absent == 1.0
    assert score.first_sentence and score.last_sentence
    assert score.heading_precision == 1.0 and score.heading_recall == 1.0
    assert score.should_not_absent >= 0.9
    assert score.coverage >= 0.97


@pytest.mark.parametrize("page", PAGES + [p.with_suffix(".html") for p in PAGES], ids=lambda p: p.name)
def test_every_corpus_page_cleans_to_a_titled_body(page):
    loaded, article = read_article(page)
    assert compare_key(article.title) in compare_key(loaded.text)
    assert article.date is not None and len(article.date) >= 10
    body = "".join(article.paragraphs)
    assert len(body) > 100
    spoken = compare_key(article.title + body)
    for junk in ("版权所有", "ICP备", "分享到", "责任编辑", "扫一扫"):
        assert junk not in spoken, junk


@pytest.mark.parametrize("page", [p for t in PAGES for p in (t, t.with_suffix(".html"))], ids=lambda p: p.name)
def test_every_line_is_read_or_listed_as_removed_in_page_order(page):
    loaded, article = read_article(page)
    assert_accounted_for(loaded, article)


def assert_accounted_for(loaded, article) -> None:
    """Every line of the page is read (title, heading, paragraph, caption) or listed in removed, in page order."""
    read = compare_key(
        article.title
        + "".join((s.heading or "") + "".join(s.paragraphs) for s in article.sections)
        + "".join(article.captions)
    )
    removed = [compare_key(r.text) for r in article.removed]
    for line in loaded.text.splitlines():
        key = compare_key(line)
        assert not key or key in read or key in removed or any(r and r in key for r in removed), line
    # Page order: each removed text is found at or after where the previous one was.
    page_key, at = compare_key(loaded.text), 0
    for key in removed:
        found = page_key.find(key, at)
        assert found >= 0, f"{key} is listed out of page order"
        at = found
