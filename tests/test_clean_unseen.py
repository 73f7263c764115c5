"""The cleaner on labelled pages it was not written on (tests/corpus/labels, pages in tests/corpus/unseen).

Thresholds are what the cleaner reaches with some margin, per split: "dev" pages were looked at while tuning,
"heldout" pages were not. benchmarks/compare_html_extractors.py scores the same pages against readability-lxml,
trafilatura and gne.
"""

from __future__ import annotations

import json
import statistics

import pytest

from benchmarks.compare_html_extractors import _matches, body_f1, load_pages, summary
from tts.input.extract import read_article

from .conftest import CORPUS
from .test_clean_corpus import assert_accounted_for

LABELS = sorted((CORPUS / "labels").glob("*.json")) if (CORPUS / "labels").is_dir() else []
pytestmark = pytest.mark.skipif(not LABELS, reason="no labelled unseen pages in tests/corpus/labels")

# (split, input): minimum mean body F1, and minimum share of right titles, dates, sources, authors.
GATES = {
    ("dev", "html"): (0.95, 0.95, 0.8, 0.9, 0.7),
    ("dev", "txt"): (0.92, 0.8, 0.75, 0.9, 0.7),
    ("new-dev", "html"): (0.97, 0.85, 0.9, 0.9, 0.85),
    ("new-dev", "txt"): (0.97, 0.9, 0.9, 0.85, 0.85),
    ("heldout", "html"): (0.93, 0.9, 0.65, 0.8, 0.7),
    ("heldout", "txt"): (0.93, 0.85, 0.75, 0.85, 0.7),
}


@pytest.fixture(scope="module")
def scored() -> dict:
    out: dict = {}
    for page in load_pages():
        if page["split"] not in ("dev", "new-dev", "heldout"):
            continue
        for kind in ("html", "txt"):
            loaded, article = read_article(page[kind])  # raises on a refused page: no readable page may be refused
            assert_accounted_for(loaded, article)
            got = summary(article)
            row = {"f1": body_f1(got["body"], page["ref"])}
            row.update({f: _matches(got[f], page, f) for f in ("title", "date", "source", "author")})
            out.setdefault((page["split"], kind), []).append(row)
    return out


@pytest.mark.parametrize("gate", list(GATES), ids=lambda g: f"{g[0]}-{g[1]}")
def test_labelled_pages_meet_the_gate(scored, gate):
    rows = scored.get(gate)
    if not rows:
        pytest.skip(f"no {gate[0]} pages labelled yet")
    f1, title, date, source, author = GATES[gate]
    assert statistics.mean(r["f1"] for r in rows) >= f1
    for field, floor in (("title", title), ("date", date), ("source", source), ("author", author)):
        assert sum(r[field] for r in rows) / len(rows) >= floor, field


def test_labels_name_pages_that_exist():
    for label_file in LABELS:
        label = json.loads(label_file.read_text(encoding="utf-8"))
        assert (CORPUS / label["file"]).exists() and (CORPUS / label["file"]).with_suffix(".html").exists()
