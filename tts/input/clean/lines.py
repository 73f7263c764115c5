"""Line-level signals the cleaner decides on: prose or not, noise, captions, heading shapes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tts.input.clean import rules

_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_LINE_NOISE = rules.compile_table(rules.LINE_NOISE)
_FOOTER = rules.compile_table(rules.FOOTER_MARKERS)
_CAPTION = [re.compile(p) for p in rules.CAPTION_MARKERS]
_NUMBERED = [re.compile(p) for p in rules.HEADING_NUMBERING]
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Line:
    index: int  # position among the non-empty lines
    text: str  # whitespace-normalised


def split_lines(text: str) -> list[Line]:
    """Non-empty lines, each with runs of whitespace (full-width included) folded to one space."""
    out: list[Line] = []
    for raw in text.splitlines():
        t = _WS.sub(" ", raw).strip()
        if t:
            out.append(Line(len(out), t))
    return out


def compare_key(text: str) -> str:
    """NFKC with whitespace removed: how two renderings of one string are compared."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


# Line judgements are pure functions of the text, asked again and again of the same lines (each candidate run,
# header and box test re-reads them): remembered.
_MEMO = 16384


@lru_cache(maxsize=_MEMO)
def is_prose(text: str) -> bool:
    """A line that reads as sentences: ends in sentence punctuation, or is long with clauses."""
    credit = rules.BARE_TRAILING_CREDIT.search(text)
    if credit and credit.start() > 0:
        return is_prose(text[: credit.start()])  # '…参加会议。记者 李秋晨': the sentence before the credit decides
    core = text.rstrip(rules.CLOSERS + " ")
    if core and core[-1] in rules.SENTENCE_END and (cjk_count(text) >= 2 or cjk_count(text) >= 1 and len(text) >= 4):
        return True
    if core and core[-1] in rules.CONTINUATION_END and cjk_count(text) >= 2:
        # '点评：'-style labels are judged in context (see the cleaner); a clause ending in ， is prose.
        return core[-1] not in "：:" or any(c in text for c in "，,、") or cjk_count(text) >= 8
    if text.startswith(("——", "--")) and cjk_count(text) >= 2:
        return True  # an attribution line under a quotation or poem
    # Without final punctuation a line is still prose when it is built of clauses or holds a finished sentence
    # ('市政府今天发布新规，要求居民做好垃圾分类。新规将于下月起施行'): menus and headlines rarely are.
    clauses = sum(text.count(c) for c in "，,；;")
    inner_end = "。" in text[:-1]  # headlines use ！ and ？ inside, rarely 。
    cjk = cjk_count(text)
    return cjk >= 40 and clauses >= 2 or cjk >= 12 and (clauses >= 2 or inner_end and clauses >= 1)


def is_clause_line(text: str) -> bool:
    """A sentence that lost its final punctuation ('县里还组织电商培训，帮助果农把苹果卖到全国各地'): prose where the
    context says so (after a paragraph, heading nothing); alone it could as well be a headline."""
    return (
        cjk_count(text) >= 15
        and any(c in text for c in "，,；;")
        and text[-1] not in "：:"
        and not is_numbered_heading(text)
        and not rules.FIELD_LABEL.search(text)
    )


@lru_cache(maxsize=_MEMO)
def noise_reason(text: str) -> str | None:
    for reason, pattern in _LINE_NOISE:
        if pattern.search(text) and not (reason == "breadcrumb" and is_prose(text)):
            return reason  # a sentence that happens to hold '>' or '-->' is no breadcrumb
    return None


@lru_cache(maxsize=_MEMO)
def footer_reason(text: str) -> str | None:
    """Why this line ends the body, if it does. Unanchored markers count only on short or non-prose lines,
    so a paragraph that merely mentions 二维码 or 版权 does not cut the article."""
    for reason, pattern in _FOOTER:
        if pattern.search(text) and (pattern.pattern.startswith("^") or len(text) <= 40 or not is_prose(text)):
            return reason
    return None


_EDGE_PROMO = [re.compile(p) for p in rules.EDGE_PROMO]


def is_edge_promo(text: str) -> bool:
    return any(p.search(text) for p in _EDGE_PROMO)


def looks_like_caption(text: str) -> bool:
    return any(p.search(text) for p in _CAPTION)


_PHOTO_CREDIT = re.compile(rules.PHOTO_CREDIT)
_CAPTION_LEAD = re.compile(rules.CAPTION_LEAD)


def is_photo_caption(text: str) -> bool:
    """A line (prose or not) that opens with a caption's label or ends with a photo credit: a caption however long
    its description."""
    return len(text) <= rules.MAX_PHOTO_CAPTION_CHARS and bool(_PHOTO_CREDIT.search(text) or _CAPTION_LEAD.search(text))


def heading_shape(text: str) -> str:
    """A coarse signature; headings of one article share it (numbering, an inner space, a separator)."""
    for i, p in enumerate(_NUMBERED):
        if p.search(text):
            return f"numbered-{i}"
    if re.search(r"[\u4e00-\u9fff”\"] +[\u4e00-\u9fff“\"]", text):
        return "spaced"
    if re.search(r"[:：|｜——]", text):
        return "separated"
    return "plain"


def is_numbered_heading(text: str) -> bool:
    return heading_shape(text).startswith("numbered")


@lru_cache(maxsize=_MEMO)
def line_evidence(text: str) -> float:
    """How much a line speaks for being article text: prose counts for its length; labels, widgets, link-list
    entries and boilerplate count against it (without markup, the shape of the line is all there is)."""
    size = len(compare_key(text))
    if noise_reason(text) or footer_reason(text):
        return -min(size, 50)
    cjk = cjk_count(text)
    if cjk >= 8 and cjk >= 0.3 * size and (is_prose(text) or _CLAUSE.search(text) and cjk >= 15):
        return cjk
    if not cjk and size > 15:
        return -1.0  # code, formulas, English: not chrome (a Chinese page's menus are Chinese), weak evidence only
    return -min(size, 25) * 0.5


_CLAUSE = re.compile(r"[，。！？；、]")
RUN_GAP = 50  # evidence against (about ten labels, widgets or link lines) that separates two runs of prose


def prose_runs(lines: list[Line], breaks: frozenset[int] = frozenset()) -> list[tuple[int, int, float]]:
    """Runs of consecutive lines with a positive total of line_evidence, each trimmed to its best-scoring prefix
    (maximum-subarray segments): (start, end, score). Article bodies, comment threads and feeds of teasers are runs;
    menus and link lists separate them."""
    runs: list[tuple[int, int, float]] = []
    total = best = 0.0
    start = end = 0
    for i, line in enumerate(lines):
        # A run ends where the evidence against outweighs it, or after a long stretch of chrome even when a long run
        # above still carries a positive total (a menu between two blocks of prose separates them).
        if total <= 0 or total < best - RUN_GAP or i in breaks:
            if best > 0:
                runs.append((start, end, best))
            total = best = 0.0
            start = i
        if i in breaks:
            total = 0.0  # a break line (a dateline: the next story's header) belongs to no run
            continue
        total += line_evidence(line.text)
        if total > best:
            best, end = total, i + 1
    if best > 0:
        runs.append((start, end, best))
    return runs


def cjk_bigrams(text: str) -> set[str]:
    """The distinct pairs of adjacent Chinese characters in text."""
    return {text[i : i + 2] for i in range(len(text) - 1) if _CJK.match(text[i]) and _CJK.match(text[i + 1])}


# An article restates its headline's names and terms in its first paragraphs (a long text repeats any words), and a
# difference this large in that share between two candidate bodies decides between them.
LEAD_CHARS = 400
AFFINITY_MARGIN = 0.25


def title_affinity(title: str, text: str) -> float:
    """Share of a headline's character pairs that the text repeats: an article restates its headline's names and
    terms, a neighbouring story or a feed rarely does (0.0 when the headline has too few pairs to judge)."""
    pairs = cjk_bigrams(compare_key(title))
    return _share(pairs, compare_key(text)) if len(pairs) >= 3 else 0.0


def pair_share(text: str, other: str) -> float:
    """Share of the Chinese character pairs of text that other contains."""
    return _share(cjk_bigrams(text), other)


def _share(pairs: set[str], other: str) -> float:
    return sum(1 for p in pairs if p in other) / len(pairs) if pairs else 0.0
