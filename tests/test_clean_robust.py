"""The cleaner under generic confounders, built from the pages it was tuned on (old18, dev, new-dev; never heldout):
another article's prose inserted at the top or bottom of the page, a teaser box of another story right under the
<h1>, and a page that declares no title. The page's own article must still be what is read.

A page and its donor differ; the body is scored as in benchmarks/compare_html_extractors.py (bigram F1)."""

from __future__ import annotations

import html
import re
import statistics

import pytest

from benchmarks.compare_html_extractors import body_f1, load_pages, summary
from tts.input.clean import clean_text
from tts.input.clean.lines import compare_key
from tts.input.encoding import decode_bytes
from tts.input.extract import clean_html

PAGES = [p for p in load_pages() if p["split"] in ("old18", "dev", "new-dev")]
pytestmark = pytest.mark.skipif(len(PAGES) < 10, reason="labelled tuning pages missing")


def _paragraphs(page: dict) -> list[str]:
    return page.get("body") or [page["ref"]]


def _block(paragraphs: list[str]) -> str:
    return '<div class="box">' + "".join(f"<p>{html.escape(t)}</p>" for t in paragraphs) + "</div>"


def _variant(mode: str, page: dict, donor: dict):
    """The page with the donor's prose put where the mode says, cleaned; None when the page has no place for it."""
    source = decode_bytes(page["html"].read_bytes()).text
    text = page["txt"].read_text(encoding="utf-8")
    other = _paragraphs(donor)
    if mode == "html-end":
        return clean_html(re.sub(r"</body\s*>", lambda m: _block(other) + m.group(0), source, count=1, flags=re.I))
    if mode == "html-start":
        return clean_html(re.sub(r"<body[^>]*>", lambda m: m.group(0) + _block(other), source, count=1, flags=re.I))
    if mode == "html-under-h1":
        if not re.search(r"</h1\s*>", source, re.I):
            return None
        return clean_html(re.sub(r"</h1\s*>", lambda m: m.group(0) + _block(other[:3]), source, count=1, flags=re.I))
    if mode == "html-box-in-body":
        # Related links and a share bar after the first paragraph's </p>; the article goes on below them.
        end = _paragraphs(page)[0][-8:]
        at = source.find(end)
        close = source.find("</p>", at) if at >= 0 else -1
        if len(_paragraphs(page)) < 3 or close < 0 or close - at > 300:
            return None
        box = (
            f"<div>相关阅读：<br><a href='/x'>{html.escape(donor['title'])}</a></div>"
            "<div>分享到：<a>微信</a> <a>微博</a></div>"
        )
        return clean_html(source[: close + 4] + box + source[close + 4 :])
    if mode == "html-no-title":
        bare = re.sub(r"<meta[^>]+og:title[^>]*>", "", source, flags=re.I)
        bare = re.sub(r"<title>.*?</title>", "<title>某某网</title>", bare, flags=re.I | re.S)
        return clean_html(re.sub(r"<(/?)h1\b", r"<\1div", bare, flags=re.I))
    if mode in ("text-feed-below", "text-feed-above"):
        # A feed of teasers: headline, date, the lead of another story — five times.
        teasers = [PAGES[(PAGES.index(page) + k) % len(PAGES)] for k in (3, 5, 9, 11, 13)]
        feed = "\n".join(
            f"{t['title']}\n{(t.get('date') or '2019-09-01')[:16]}\n{_paragraphs(t)[0][:300]}\n" for t in teasers
        )
        return clean_text(text + "\n" + feed if mode == "text-feed-below" else feed + "\n" + text)
    if mode == "text-undated":
        # No dateline at all, and another article's prose under the page.
        from tts.input.clean.cleaner import _is_dateline

        kept = "\n".join(line for line in text.splitlines() if not _is_dateline(line.strip()))
        return clean_text(kept + "\n" + "\n".join(other))
    if mode == "text-under-headline":
        rows = text.splitlines()
        first = compare_key(page["body_first_sentence"])[:12]
        body_at = next((n for n, row in enumerate(rows) if first in compare_key(row)), None)
        title = compare_key(page["title"])
        above = [n for n, row in enumerate(rows[:body_at]) if compare_key(row) and compare_key(row) in title]
        if body_at is None or not above:
            return None
        at = above[-1] + 1
        return clean_text("\n".join(rows[:at] + other[:3] + rows[at:]))
    if mode in ("text-teaser-above", "text-undated-teaser-above"):
        # Another story's headline, date and lead, then a related-list label, right above the page's headline.
        from tts.input.clean.cleaner import _is_dateline

        rows = text.splitlines()
        if mode == "text-undated-teaser-above":
            rows = [row for row in rows if not _is_dateline(row.strip())]
        title = compare_key(page["title"])
        at = next((n for n, row in enumerate(rows) if compare_key(row) and compare_key(row) in title), None)
        if at is None:
            return None
        teaser = [donor["title"], (donor.get("date") or "2019-09-01")[:16], other[0][:150], "相关新闻"]
        return clean_text("\n".join(rows[:at] + teaser + rows[at:]))
    if mode in ("text-box-in-body", "text-box-after-body"):
        # A related-links box with a share bar after the first paragraph (the article goes on), or, after the last
        # paragraph, a related box followed by another story's paragraphs (it must not be read).
        rows = text.splitlines()
        paragraph = compare_key(_paragraphs(page)[0 if mode == "text-box-in-body" else -1])
        at = next((n for n, row in enumerate(rows) if compare_key(row) and compare_key(row) in paragraph), None)
        if at is None or len(_paragraphs(page)) < 3:
            return None
        if mode == "text-box-in-body":
            box = ["相关阅读：", donor["title"], "分享到：", "微信", "微博"]
        else:
            box = ["相关阅读：", donor["title"], *other[:2]]
        return clean_text("\n".join(rows[: at + 1] + box + rows[at + 1 :]))
    if mode == "text-share-near-end":
        # A share bar two paragraphs before the end and another right after the last paragraph: the two paragraphs
        # between them are the article's.
        rows = text.splitlines()
        paragraphs = _paragraphs(page)
        keys = [compare_key(p) for p in (paragraphs[-3], paragraphs[-1])] if len(paragraphs) >= 4 else []
        at = [next((n for n, row in enumerate(rows) if compare_key(row) and compare_key(row) in k), None) for k in keys]
        if not at or None in at or at[0] >= at[1]:
            return None
        bar = ["分享到：", "微信", "微博"]
        return clean_text("\n".join(rows[: at[0] + 1] + bar + rows[at[0] + 1 : at[1] + 1] + bar + rows[at[1] + 1 :]))
    if mode == "text-end":
        return clean_text(text + "\n" + "\n".join(other))
    if mode == "text-start":
        return clean_text("\n".join(other) + "\n" + text)
    raise ValueError(mode)


# Mean body F1 and the pages allowed below 0.5, per mode: what the cleaner reaches, with a margin. Measured before the
# headline-evidence rules (mean / pages below 0.5): html-end 0.95 / 1, html-start 0.99 / 0, html-under-h1 0.49 / 9 of
# 18, html-no-title 0.89 / 4, html-box-in-body 0.31 / 18 of 21, text-under-headline 0.89 / 3 of 38, text-teaser-above
# 0.11 / 34 of 38, text-undated-teaser-above 0.04 / 37 of 38, text-box-in-body 0.42 / 21 of 30, text-box-after-body
# 0.96 / 1 of 28, text-end 0.88 / 4, text-start 0.87 / 5, text-feed-below 0.83 / 7, text-feed-above 0.44 / 22,
# text-undated 0.85 / 5 (of 39 where not said). text-share-near-end 0.92 before a share bar's resumed text could run up
# to the next share bar (0.98 after).
GATES = {
    "html-end": (0.95, 1),
    "html-start": (0.95, 1),
    "html-under-h1": (0.88, 2),
    "html-no-title": (0.95, 1),
    "html-box-in-body": (0.82, 4),
    "text-under-headline": (0.9, 2),
    "text-teaser-above": (0.9, 3),
    "text-undated-teaser-above": (0.78, 8),
    "text-box-in-body": (0.88, 2),
    "text-box-after-body": (0.88, 3),
    "text-share-near-end": (0.95, 1),
    "text-end": (0.92, 2),
    "text-start": (0.93, 2),
    "text-feed-below": (0.9, 3),
    "text-feed-above": (0.88, 4),
    "text-undated": (0.83, 6),
}


@pytest.mark.parametrize("mode", list(GATES))
def test_the_page_s_own_article_is_read_despite_a_competing_block(mode):
    scores = []
    for n, page in enumerate(PAGES):
        donor = PAGES[(n + 7) % len(PAGES)]
        article = _variant(mode, page, donor)
        if article is not None:
            scores.append(body_f1(summary(article)["body"], page["ref"]))
    mean, floor = GATES[mode]
    assert scores
    assert statistics.mean(scores) >= mean, (mode, statistics.mean(scores))
    assert sum(s < 0.5 for s in scores) <= floor, (mode, [round(s, 2) for s in scores])
