"""Turn a scraped page (already text) into an Article.

Stages, each a small function:
  1. split into normalised lines
  2. find the header: dateline, then the title above it
  3. find the body: first prose line after the header .. last prose line before a footer marker
  4. read metadata (date, source, authors) from the header and the body's edges
  5. classify body lines: paragraphs, headings, captions, noise
  6. remove junk inside paragraphs
Every dropped line or fragment is recorded in Article.removed with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tts.errors import InputError
from tts.hanzi import simplified
from tts.input.clean import metadata, rules
from tts.input.clean.lines import (
    AFFINITY_MARGIN,
    LEAD_CHARS,
    Line,
    cjk_count,
    compare_key,
    footer_reason,
    heading_shape,
    is_clause_line,
    is_edge_promo,
    is_numbered_heading,
    is_photo_caption,
    is_prose,
    line_evidence,
    looks_like_caption,
    noise_reason,
    pair_share,
    prose_runs,
    split_lines,
    title_affinity,
)
from tts.input.clean.script import Shadow
from tts.model import Article, Removed, Section

CAPTION_PREFIX = "图片说明："
_INLINE = rules.compile_table(rules.INLINE_JUNK)


@dataclass(frozen=True)
class CleanOptions:
    read_captions: bool = False  # announce captions as 图片说明：… instead of skipping them
    title_hint: str | None = None  # e.g. the HTML <title>, used to find the headline line


@dataclass
class _Work:
    lines: list[Line]
    removed: list[Removed] = field(default_factory=list)
    boxed: dict[int, str] = field(default_factory=dict)  # lines of boxes inside the body, with why they are dropped
    joined: dict[str, list[str]] = field(default_factory=dict)  # a line made of several page lines -> those lines

    def drop(self, text: str, reason: str) -> None:
        # The audit trail quotes the page: a joined line is recorded as the lines it was made of.
        self.removed.extend(Removed(part, reason) for part in self.joined.get(text, [text]))


def clean_text(text: str, options: CleanOptions | None = None) -> Article:
    """Clean a page's text into an Article; raises InputError when nothing speakable remains. A page in Traditional
    characters is judged in Simplified (the rules' script) and returned as written."""
    from tts.speech.normalize import strip_controls

    options = options or CleanOptions()
    # The page as normalised lines (a NUL, BEL or terminal escape is never content): where each removal came from.
    page = "\n".join(line.text for line in split_lines(strip_controls(text)))
    shadow = Shadow(page)
    if not shadow.active:
        return _clean_page(page, options)
    if options.title_hint:
        options = replace(options, title_hint=simplified(options.title_hint))
    return shadow.restore(_clean_page(shadow.shadow, options))


def _clean_page(page: str, options: CleanOptions) -> Article:
    """The cleaner's stages on a page of normalised lines joined by newlines."""
    work = _Work([Line(i, text) for i, text in enumerate(page.split("\n")) if text])
    _repair_lines(work)
    if not any(cjk_count(line.text) for line in work.lines):
        raise InputError("no Chinese text found in the input")
    dateline, title_span = _find_header(work.lines, options.title_hint)
    headline = _join_title(work.lines, title_span) if title_span != _NO_TITLE_LINE else None
    after = max(dateline, title_span[1]) + 1
    if headline is not None:
        after = _skip_unrelated_block(work.lines, headline, after)
    body_start, body_end = _find_body(work.lines, after, headline or "", work.boxed)
    if body_start is None:
        raise InputError("no article body found: the page holds only navigation or boilerplate")
    title = headline if headline is not None else _lead_title(work.lines[body_start].text)

    badge = _TITLE_BADGE.match(title)
    if badge and cjk_count(title) - cjk_count(badge.group(0)) >= 6:
        work.drop(badge.group(0).strip(), "title-badge")  # '原创' glued to the headline by the page's template
        title = title[badge.end() :]
    article = Article(title=title)
    _read_metadata(article, work, dateline, title_span, body_start)
    _record_outside(work, title_span, dateline, body_start, body_end, title, article.author)
    _read_trailer_authors(article, work, body_end)
    _read_fields_elsewhere(article, work, title_span, body_start, body_end)
    _build_sections(article, work, body_start, body_end, options)
    _strip_inline_junk(article, work)
    for section in article.sections:
        if section.heading and not section.paragraphs:
            work.drop(section.heading, "empty-heading")  # a heading with nothing under it is not announced
    article.sections = [s for s in article.sections if s.paragraphs]
    if article.sections:
        _end_at_closing_credit(article, work)
        _strip_trailing_credit(article, work)
        _read_body_authors(article)
    _read_reprint_note(article, work, body_end)
    if not article.sections:
        raise InputError("no article body found: the page holds only navigation or boilerplate")
    article.removed = in_page_order(work.removed, page)
    return article


def in_page_order(removed: list[Removed], page: str) -> list[Removed]:
    """The audit trail reads top to bottom, whichever stage removed what. A text removed several times
    ('期', '|') takes its successive occurrences on the page."""
    return [
        item for _, item in sorted(zip(page_positions([r.text for r in removed], page), removed), key=lambda p: p[0])
    ]


def page_positions(texts: list[str], page: str) -> list[int]:
    last: dict[str, int] = {}
    out = []
    for text in texts:
        found = page.find(text, last.get(text, -1) + 1)
        if found < 0:
            found = page.find(text)
        last[text] = found
        out.append(found if found >= 0 else len(page))
    return out


# Junk cut from lines before they are judged, so it cannot make a paragraph look like a heading.
_PRE_CUT = [(r, re.compile(p)) for r in ("stock-quote", "link-prompt") for p in rules.INLINE_JUNK[r]]


def _repair_lines(work: _Work) -> None:
    """Stage 1b: cut what would mislead line judgements: link prompts split over lines ('（详情请点击链接：' … '）')
    and stock quotes inserted after company names ('贝莱德(431.2, 7.37, 1.74%)')."""
    lines: list[Line] = []
    open_prompt = False
    for line in work.lines:
        text = line.text
        if open_prompt and text.startswith(("）", ")")):
            work.drop(text[0], "link-prompt")
            text = text[1:].strip()
        open_prompt = False
        for reason, pattern in _PRE_CUT:
            for cut in pattern.finditer(text):
                work.drop(cut.group(0), reason)
            text = pattern.sub("", text).strip()
        m = rules.OPEN_PROMPT.search(text)
        if m:
            work.drop(m.group(0), "link-prompt")
            text, open_prompt = text[: m.start()].strip(), True
        if text:
            lines.append(Line(len(lines), text))
    work.lines = _join_split_dates(lines, work.joined)


# Templates that set a date's parts in separate elements ('2019' / '09/07' / '19:02') give one part per line.
_YEAR_PART = re.compile(r"^(?:19|20)\d{2}\s*年?$")
_DAY_PART = re.compile(r"^\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?$")
_TIME_PART = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")


def _join_split_dates(lines: list[Line], parts_of: dict[str, list[str]]) -> list[Line]:
    """A year line followed by a month/day line (and a time line) is one dateline; `parts_of` maps it to its lines."""
    joined: list[Line] = []
    i = 0
    while i < len(lines):
        parts = [lines[i].text]
        if _YEAR_PART.match(parts[0]) and i + 1 < len(lines) and _DAY_PART.match(lines[i + 1].text):
            parts.append(lines[i + 1].text)
            if i + 2 < len(lines) and _TIME_PART.match(lines[i + 2].text):
                parts.append(lines[i + 2].text)
        i += len(parts)
        text = parts[0]
        if len(parts) > 1:
            month, day = re.findall(r"\d+", parts[1])
            text = " ".join([f"{parts[0].rstrip('年 ')}-{int(month):02d}-{int(day):02d}", *parts[2:]])
            parts_of[text] = parts
        joined.append(Line(len(joined), text))
    return joined


# -- stage 2: header ---------------------------------------------------------------------------

_HEADER_GAP = 10  # lines between a dateline and the article's first paragraph (share bars, counters, lead image)


def main_run(lines: list[Line]) -> tuple[int, int]:
    start, end, _header = _best_run(lines)
    return start, end


def _best_run(lines: list[Line]) -> tuple[int, int, tuple[int, tuple[int, int]] | None]:
    """(start, end, header) of the run of prose that is the article, header = (dateline index or -1, headline span)
    when a headline heads it. The article is the highest-scoring run, discounted by the share of its lines that are not
    prose or not sentences, and counted several times over when a headline heads it — a dateline and a headline (a
    live feed, a comment thread or a neighbouring story can hold more prose than a short article), or a headline line
    right above whose words its lead repeats. A dateline, a related list or a copyright line ends a run, and a headed
    run with another headed run right before or after it is an item of a feed of teasers, not an article: it keeps its
    plain score."""
    # Datelines and list or copyright markers end runs: what follows them is another unit of the page.
    breaks = frozenset(
        ln.index
        for ln in lines
        if _is_dateline(ln.text)
        or footer_reason(ln.text) in ("related-list", "copyright")
        and _resumes_after_box(lines, max(0, ln.index - _BOX_CONTEXT), ln.index, "") is None
    )
    # The site's registration numbers (ICP备, 公网安备) close the page: prose below them is no article of it.
    page_end = next((ln.index for ln in lines if _REGISTRATION.search(ln.text)), len(lines))
    runs = []  # (start, end, score, headline span or None, headline factor)
    for start, end, score in prose_runs(lines, breaks):
        # A body is mostly paragraphs; feeds and chats interleave every item with a name/time line.
        prose_share = sum(1 for ln in lines[start:end] if line_evidence(ln.text) > 0) / (end - start)
        score *= (0.5 + 0.5 * prose_share) * (0.25 + 0.75 * _sentence_share(lines[start:end]))
        if start > page_end:
            score *= _BELOW_PAGE_END
        # A headline line can open the run (it reads as a clause); the header is what stands above the first sentence.
        first = next((ln.index for ln in lines[start:end] if is_prose(ln.text)), start)
        lead = "".join(ln.text for ln in lines[first:end])[:LEAD_CHARS]
        header, factor = _heading_title(lines, first), 1.0
        if header is not None:
            factor = 3 * (1 + 3 * title_affinity(_join_title(lines, header[1]), lead))
        else:
            # An undated page: a headline line in the header whose words the lead restates still heads the article.
            above, affinity = _restated_headline(lines, first, lead)
            if above is not None and affinity >= _RELATED:
                header, factor = (-1, above), 1 + 6 * affinity
        runs.append((start, end, score, header, factor))
    headed = [(r[3][1][0], r[1]) for r in runs if r[3] is not None]
    markers = sorted(i for i in breaks if not _is_dateline(lines[i].text))

    def adjacent(stop: int, top: int) -> bool:  # one unit ends right where the next one's headline stands
        return 0 <= top - stop <= _FEED_GAP and not any(stop <= m < top for m in markers)

    best = 0.0
    found: tuple[int, int, tuple[int, tuple[int, int]] | None] = (0, len(lines), None)
    for start, end, score, header, factor in runs:
        top = header[1][0] if header is not None else -1
        if header is not None and not any(
            (other, stop) != (top, end) and (adjacent(end, other) or adjacent(stop, top)) for other, stop in headed
        ):
            score *= factor
        else:
            header = None
        if score > best:
            best, found = score, (start, end, header)
    return found


_FEED_GAP = 4  # lines between one headed run's end and the next one's headline in a feed of teasers
_REGISTRATION = re.compile(r"ICP备|ICP证|公网安备")
_BELOW_PAGE_END = 0.25


def _sentence_share(run: list[Line]) -> float:
    """Share of a run's prose written as sentences (closing punctuation, or long): a list of headlines is clauses
    without a full stop, line after line."""
    sizes = [(cjk_count(ln.text), _reads_as_sentence(ln.text)) for ln in run if line_evidence(ln.text) > 0]
    total = sum(n for n, _ in sizes)
    return sum(n for n, sentence in sizes if sentence) / total if total else 0.0


def _reads_as_sentence(text: str) -> bool:
    core = text.rstrip(rules.CLOSERS + " ")
    return bool(core) and (core[-1] in rules.SENTENCE_END + rules.CONTINUATION_END or cjk_count(text) >= 50)


def _restated_headline(lines: list[Line], start: int, lead: str) -> tuple[tuple[int, int] | None, float]:
    """The title-like line of the header above `start` whose words the lead repeats most, and that share."""
    best: tuple[tuple[int, int] | None, float] = (None, 0.0)
    for ln in lines[_header_top(lines, start) : start]:
        if _is_title_like(ln.text) and cjk_count(ln.text) >= 6:
            affinity = title_affinity(ln.text, lead)
            if affinity > best[1]:
                best = ((ln.index, ln.index), affinity)
    return best


def _header_top(lines: list[Line], start: int) -> int:
    top = start
    while top > 0 and start - top < _HEADER_REACH and _in_header(lines[top - 1].text, start - top < _HEADER_GAP):
        top -= 1
    return top


def _heading_title(lines: list[Line], start: int) -> tuple[int, tuple[int, int]] | None:
    """(dateline, title span) of a dateline-and-headline header standing above the line `start`: within a few lines,
    or further up across lines that are no prose (share bars, counters, lead images, a column's labels)."""
    for ln in reversed(lines[_header_top(lines, start) : start]):
        if _is_dateline(ln.text):
            title = _title_above(lines, ln.index)
            if title is not None:
                return ln.index, title
    return None


_HEADER_REACH = 30


def _in_header(text: str, close: bool) -> bool:
    # A related list or a copyright line between a dateline and a run says the run is not under that header; close
    # to the run, a header may hold a prose line (a standfirst), further up only lines that are no prose.
    return (close or not is_prose(text)) and footer_reason(text) not in ("related-list", "copyright")


def _is_dateline(text: str) -> bool:
    if len(text) > 120 or is_prose(text):
        return False
    if rules.YEARLESS_DATELINE.search(text) or rules.RELATIVE_DATELINE.match(text):
        return True  # '发布时间：10-08 12:00': a dateline, though it cannot date the article
    return bool(rules.DATE.search(text)) and metadata.parse_date(text) is not None


def _find_header(lines: list[Line], title_hint: str | None) -> tuple[int, tuple[int, int]]:
    """(dateline index or -1, inclusive title line span)."""
    hinted = _find_hinted_title(lines, _title_field(lines) or title_hint)
    if hinted is not None:
        below = lines[hinted[1] + 1 : hinted[1] + 7]
        first_prose = next(
            (n for n, ln in enumerate(below) if is_prose(ln.text) and not _is_dateline(ln.text)), len(below)
        )
        near = (
            lines[max(0, hinted[0] - 6) : hinted[0]] + below[:first_prose]
        )  # a date under the body is not its dateline
        return next((ln.index for ln in near if _is_dateline(ln.text)), -1), hinted
    # The dateline nearest above the longest run of prose (the article body) anchors the header.
    run_start, _end, header = _best_run(lines)
    near = [
        ln
        for ln in lines[max(0, run_start - _DATELINE_REACH) : run_start + 1]
        if _is_dateline(ln.text) and not _heads_other_unit(lines, ln.index, run_start)
    ]
    # '最后更新：…' dates a revision; the publication dateline above it heads the article.
    published = [ln for ln in near if not rules.UPDATED.search(ln.text)]
    near = published or near
    for line in reversed(near):
        title = _title_above(lines, line.index) or _title_below(lines, line.index)
        if title is not None:
            return line.index, title
    # Further up (a gallery or a long lead-image block between): the last dateline above with no prose in between.
    for line in reversed(lines[: max(0, run_start - _DATELINE_REACH)]):
        if is_prose(line.text):
            break
        if _is_dateline(line.text):
            title = _title_above(lines, line.index)
            if title is not None:
                return line.index, title
    if header is not None and header[0] < 0:
        return header  # an undated article under the headline its lead restates
    for line in lines:
        if not _is_dateline(line.text):
            continue
        following = lines[line.index + 1 : line.index + 12]
        if not any(is_prose(ln.text) for ln in following):
            continue
        title = _title_above(lines, line.index) or _title_below(lines, line.index)
        if title is not None:
            return line.index, title
    body_start = next(
        (ln.index for ln in lines[run_start:] if is_prose(ln.text) and noise_reason(ln.text) is None), None
    )
    if body_start is None:
        raise InputError("no article body found: the page holds only navigation or boilerplate")
    title = _title_above(lines, body_start)
    if title is None:
        return -1, _NO_TITLE_LINE  # a readable page without a headline line is still read (titled by its lead)
    return -1, title


_DATELINE_REACH = 30


def _heads_other_unit(lines: list[Line], dateline: int, run_start: int) -> bool:
    """A dateline followed by prose of its own that a related list or copyright line then closes heads another unit
    (a teaser above the article), not the run below."""
    own_prose = False
    for ln in lines[dateline + 1 : run_start]:
        if footer_reason(ln.text) in ("related-list", "copyright") and own_prose:
            return True
        own_prose = own_prose or is_prose(ln.text) and noise_reason(ln.text) is None
    return False


def _title_field(lines: list[Line]) -> str | None:
    for line in lines[:80]:
        m = rules.TITLE_FIELD.match(line.text)
        if m:
            return m["v"]
    return None


def _find_hinted_title(lines: list[Line], hint: str | None) -> tuple[int, int] | None:
    """The line, or run of up to four lines, that spells the hinted title (HTML <title>, a 标题： field)."""
    if not hint:
        return None
    key = compare_key(hint)
    for line in lines:
        if rules.TITLE_FIELD.match(line.text) or line.text.rstrip(rules.CLOSERS).endswith("。"):
            continue
        joined = ""
        for end in range(line.index, min(len(lines), line.index + 4)):
            joined += compare_key(lines[end].text)
            if len(joined) < 4 or joined not in key:
                break
            if len(joined) >= 0.5 * len(key) and (end == line.index or joined == key or key.startswith(joined)):
                if (
                    end + 1 < len(lines)
                    and compare_key(lines[end + 1].text) in key[len(joined) :][:40]
                    and joined != key
                ):
                    continue  # the next line continues the title
                return line.index, end
    return None


def _title_below(lines: list[Line], dateline: int) -> tuple[int, int] | None:
    """E-paper layouts put the date first: the headline is the last title-like line before the body."""
    below = None
    for line in lines[dateline + 1 : dateline + 6]:
        if is_prose(line.text):
            break
        if _is_title_like(line.text) and cjk_count(line.text) >= 6:
            below = line.index
    return (below, below) if below is not None else None


def _is_title_like(text: str) -> bool:
    return (
        not rules.FIELD_LABEL.search(text)
        and 4 <= cjk_count(text)
        and len(text) <= 90
        and noise_reason(text) is None
        and footer_reason(text) is None
        and not text.rstrip(rules.CLOSERS).endswith("。")
        and not _is_dateline(text)
        and not metadata.is_site_name_or_byline(text)
    )


def _title_above(lines: list[Line], below: int) -> tuple[int, int] | None:
    found = next(
        (
            i
            for i in range(below - 1, max(-1, below - 8), -1)
            if _is_title_like(lines[i].text) and cjk_count(lines[i].text) >= 6
        ),
        None,
    )
    if found is None and below > 0 and _is_title_like(lines[below - 1].text):
        found = below - 1  # a short headline ('新规发布') counts only right above the line it heads
    if found is None:
        return None
    # 'Name：headline' above a line starting with that name: the lower line is the writer's byline or bio.
    upper = lines[found - 1].text if found > 0 else ""
    m = re.match(r"([\u4e00-\u9fff·]{2,4})[：:]", upper)
    if m and lines[found].text.startswith(m.group(1)) and _is_title_like(upper):
        found -= 1
    start = found
    # Titles broken over lines: '…购买外汇及' / '调整…的决议'.
    while start > 0 and _continues_title(lines[start - 1].text, lines[start].text):
        start -= 1
    return start, found


def _continues_title(upper: str, lower: str) -> bool:
    return _is_title_like(upper) and (upper[-1] in "及和与的、" or lower.startswith(("关于", "的")))


_NO_TITLE_LINE = (-1, -1)
_TITLE_BADGE = re.compile(r"^原创\s*[|｜:：]?\s*")  # the originality badge self-media templates glue on


def _lead_title(text: str) -> str:
    """A title for a page that shows none: its first sentence, or the first clause of a long one."""
    lead = re.match(r"[。！？!?]*[^。！？!?]*", text)
    assert lead is not None  # every part of the pattern may match empty, so it matches any text
    sentence = lead.group(0)
    if len(sentence) > 40:
        sentence = re.split(r"[，,；;：:]", sentence)[0][:40]
    return sentence.strip("。！？!?，,；;：: ") or text[:40]


def _join_title(lines: list[Line], span: tuple[int, int]) -> str:
    parts = [lines[i].text for i in range(span[0], span[1] + 1)]
    return "".join(parts) if len(parts) > 1 else parts[0]


# -- stage 3: body span ------------------------------------------------------------------------


def _skip_unrelated_block(lines: list[Line], title: str, after: int) -> int:
    """Where the body is sought: under the header, past a block of prose that shares nothing with the headline (a
    teaser box, an advertorial) when a block just below it restates the headline. An article's lead repeats its
    headline's names and terms; a story placed between headline and article does not."""
    blocks = _prose_blocks(lines, after, min(len(lines), after + _BODY_REACH))
    if len(blocks) < 2:
        return after
    leads = [title_affinity(title, "".join(ln.text for ln in lines[s:e])[:LEAD_CHARS]) for s, e in blocks]
    if leads[0] >= _UNRELATED:
        return after
    best = max(range(1, len(blocks)), key=lambda n: leads[n])
    return blocks[best][0] if leads[best] >= leads[0] + AFFINITY_MARGIN and leads[best] >= _RELATED else after


def _prose_blocks(lines: list[Line], start: int, stop: int) -> list[tuple[int, int]]:
    """Groups of prose lines in [start, stop), split where two or more lines that are no prose, or a dateline, stand
    between."""
    blocks: list[list[int]] = []
    gap = 2
    for ln in lines[start:stop]:
        if is_prose(ln.text):
            if gap >= 2 or not blocks:
                blocks.append([ln.index, ln.index + 1])
            blocks[-1][1] = ln.index + 1
            gap = 0
        else:
            gap += 2 if _is_dateline(ln.text) else 1  # a dateline heads what follows: never inside one block
    return [(s, e) for s, e in blocks]


_BODY_REACH = 40
_UNRELATED, _RELATED = 0.15, 0.3


def _find_body(
    lines: list[Line], after: int, title: str = "", boxed: dict[int, str] | None = None
) -> tuple[int | None, int]:
    """(first prose line, one past the last prose line) of the article body. The first footer marker ends it, unless
    it opens a short box (share bar, related links) after which the article goes on: those lines go into `boxed`."""
    boxed = {} if boxed is None else boxed
    start = next(
        (
            ln.index
            for ln in lines[after:]
            if is_prose(ln.text) and noise_reason(ln.text) is None and footer_reason(ln.text) is None
        ),
        None,
    )
    if start is None:
        return None, after
    end = len(lines)
    n = start + 1
    while n < len(lines):
        if footer_reason(lines[n].text):
            resume = _resumes_after_box(lines, start, n, title)
            if resume is None:
                end = n
                break
            for k in range(n, resume):  # a share bar or related box inside the article: dropped, not read
                boxed[k] = footer_reason(lines[k].text) or footer_reason(lines[n].text) or "related-list"
            n = resume
        n += 1
    last_prose = max((ln.index for ln in lines[start:end] if is_prose(ln.text)), default=start)
    # A closing sentence that lost its final 。 still closes the article.
    last_prose = max(
        [last_prose] + [ln.index for ln in lines[last_prose + 1 : min(end, last_prose + 3)] if is_clause_line(ln.text)]
    )
    return start, last_prose + 1


def _resumes_after_box(lines: list[Line], start: int, marker: int, title: str) -> int | None:
    """Where the article resumes after a share bar or a related-links box at `marker`, if it does: within a few lines
    prose written as sentences starts again, no dateline (a comment, the next story) stands among it, and it shares
    vocabulary with the headline and the body above — other stories' teasers and comments under the article share
    next to none (measured on the dev pages: 0.03-0.32 of the pairs for a continuation, at most 0.02 otherwise)."""
    kind = footer_reason(lines[marker].text)
    if kind not in ("share", "related-list") or kind == "related-list" and _COMMENTS_LABEL.search(lines[marker].text):
        return None  # copyright, editor lines, 上一篇/下一篇 and comment headers ('热门跟帖') end the article; a share
        # bar's '评论' button does not
    resume = next(
        (
            ln.index
            for ln in lines[marker + 1 : marker + 1 + _BOX_LINES]
            if is_prose(ln.text) and noise_reason(ln.text) is None and footer_reason(ln.text) is None
        ),
        None,
    )
    if resume is None or any(footer_reason(ln.text) in ("copyright", "editor") for ln in lines[marker + 1 : resume]):
        return None  # a copyright or editor line inside the box: the page's footer, not a box in the article
    following = lines[resume : resume + _BOX_LINES]
    if kind == "share":
        # After a share bar the article runs to the next footer line, which may follow closely (a second share bar,
        # the end of the article). After a related box, text that ends that soon is the box's own teaser.
        following = following[: next((k for k, ln in enumerate(following) if footer_reason(ln.text)), len(following))]
    if any(_is_dateline(ln.text) or footer_reason(ln.text) for ln in following):
        return None
    prose = [ln.text for ln in following if is_prose(ln.text) and _reads_as_sentence(ln.text)]
    if sum(cjk_count(t) for t in prose) < _RESUME_CHARS:
        return None
    below = compare_key("".join(prose))[:LEAD_CHARS]
    above = (
        compare_key(title)
        + compare_key("".join(ln.text for ln in lines[start:marker] if is_prose(ln.text)))[-LEAD_CHARS:]
    )
    # Either way round: the text below repeats words of the text above, or the text above is restated below.
    shared = max(pair_share(below, above), pair_share(above, below) * _SAME_STORY / _RESTATED)
    return resume if shared >= _SAME_STORY else None


_BOX_LINES = 6
_COMMENTS_LABEL = re.compile(r"跟帖|评论|留言")
_BOX_CONTEXT = 10  # lines above a box that stand for the text it interrupts, when the body is not yet known
_RESUME_CHARS = 40
_SAME_STORY = 0.03
_RESTATED = 0.08  # the same test the other way round (dev pages: 0.06-0.5 for a continuation, at most 0.07 otherwise)


# -- stage 4: metadata -------------------------------------------------------------------------


def _read_metadata(article: Article, work: _Work, dateline: int, title_span: tuple[int, int], body_start: int) -> None:
    header = [ln.text for ln in work.lines[title_span[1] + 1 : body_start]]
    if dateline >= 0:
        header.insert(0, work.lines[dateline].text)
    for text in header:
        article.date = article.date or metadata.parse_date(text)
        article.source = article.source or metadata.parse_source(text)
    authors: list[str] = []
    for text in header:
        # A credit may share the dateline's line ('2021-08-05 来源：X 记者王小明／北京报道').
        if metadata.is_byline(text) or re.search(rules.AUTHOR_ROLES + r"\s*[:：]", text) or _is_dateline(text):
            authors += [n for n in metadata.parse_authors(text) if n not in authors]
            article.source = article.source or metadata.byline_outlet(text)
    if authors:
        article.author = " ".join(authors)
        if article.source in authors:  # a dateline's first name ('2020-06-05 20:35  张三') is the writer, not an outlet
            article.source = None
        return
    below = work.lines[title_span[1] + 1 : title_span[1] + 3] if title_span != _NO_TITLE_LINE else []
    if below and _is_name_line(below[0].text):
        # Blog and self-media layouts: headline, the writer's name or account, then the date or a follow button.
        followed = dateline == title_span[1] + 2 or len(below) > 1 and metadata.is_widget(below[1].text)
        if followed:
            slash = metadata.split_slash_byline(below[0].text)  # '石佳/中国青年报': the writer, then the outlet
            article.author = slash[0] if slash else below[0].text
            article.source = article.source or (slash[1] if slash else None)
            return
    dated = next((ln.index for ln in work.lines[title_span[1] + 1 : body_start] if metadata.parse_date(ln.text)), -1)
    if max(dateline, dated) >= 0 and _credit_over_share_bar(article, work, max(dateline, dated), body_start):
        return
    # An opinion piece titled 'Name：headline' whose header starts a line with the same name (a bio or byline).
    m = re.match(r"([\u4e00-\u9fff·]{2,4})[：:]", article.title)
    header = [
        ln.text
        for ln in work.lines[title_span[1] + 1 : body_start]
        if compare_key(ln.text) != compare_key(article.title)
    ]
    if m and any(text.startswith(m.group(1)) for text in header):  # the title shown again is no byline
        article.author = m.group(1)


def _credit_over_share_bar(article: Article, work: _Work, dateline: int, body_start: int) -> bool:
    """Layouts that print the credit as bare lines between the dateline and the share buttons: 'date / outlet /
    writer / Facebook'. A bare name right above a share bar is the writer; a short bare line between it and the
    dateline is the outlet."""
    after = work.lines[dateline + 1 : min(dateline + 4, body_start)]
    for k, line in enumerate(after):
        following = work.lines[line.index + 1].text if line.index + 1 < len(work.lines) else ""
        if not rules.SOCIAL_NETWORK.match(following):
            continue
        between = [ln.text for ln in after[:k]]
        if (
            len(line.text) > 4
            or not re.fullmatch(r"[\u4e00-\u9fff·]+", line.text)
            or not _is_name_line(line.text)
            or not all((_is_name_line(t) or metadata.is_source_name(t)) and len(t) <= 8 for t in between)
            or len(between) > 1
        ):
            return False  # one of the buttons ('分享到：', a network's name) or a longer header
        article.author = line.text
        article.source = article.source or (between[0] if between else None)
        return True
    return False


def _is_name_line(text: str) -> bool:
    return (
        2 <= len(text) <= 12
        and not re.search(r"[\d\s，。！？、：:,.!?|｜>]", text)
        and not metadata.is_source_name(text)
        and noise_reason(text) is None
        and footer_reason(text) is None
        and not rules.FIELD_LABEL.search(text)
        and not metadata.is_widget(text)
        and not rules.SOCIAL_NETWORK.match(text)
    )


def _in_share_bar(lines: list[Line], i: int) -> bool:
    return any(rules.SOCIAL_NETWORK.match(lines[j].text) for j in (i - 1, i + 1) if 0 <= j < len(lines))


def _read_fields_elsewhere(article: Article, work: _Work, title_span: tuple[int, int], start: int, end: int) -> None:
    """Dates and sources some layouts put under the article ('发布日期：… 来源：…' after the body) or on a line
    of their own under the headline ('新华社'): read when the header said nothing."""
    header = work.lines[title_span[1] + 1 : start]
    if not article.source:
        for line in header:
            if metadata.is_source_name(line.text) and not _in_share_bar(work.lines, line.index):
                article.source = line.text
                break
    after = work.lines[end : end + _TRAILER_REACH]
    for line in after:
        if footer_reason(line.text) == "related-list":  # the next stories and their dates begin
            break
        if not article.date and _is_dateline(line.text):
            article.date = metadata.parse_date(line.text)
        if not article.source and rules.SOURCE_LABEL.search(line.text):
            article.source = metadata.parse_source(line.text)


_TRAILER_REACH = 20


def _read_reprint_note(article: Article, work: _Work, end: int) -> None:
    """A reprint note at the story's end ('本文来自微信公众号“X”，作者：Y'): X first ran it, Y wrote it."""
    for line in work.lines[max(0, end - _TRAILER_REACH) : end + _TRAILER_REACH]:
        reprint = rules.REPRINT_NOTE.match(line.text)
        if reprint:
            article.source = article.source or reprint["source"]
            if not article.author and reprint["author"] and metadata.is_name(reprint["author"]):
                article.author = reprint["author"]
            return


def _read_trailer_authors(article: Article, work: _Work, body_end: int) -> None:
    """Credits just after the body: '整合 新华日报·交汇点记者 徐睿翔'."""
    if article.author:
        return
    for line in work.lines[body_end : body_end + 3]:
        if footer_reason(line.text):
            break
        names = metadata.parse_authors(line.text)
        if names and len(line.text) <= 40:
            article.author = " ".join(names)
            return


def _end_at_closing_credit(article: Article, work: _Work) -> None:
    """A story's closing credit ('（王小明／台北报导）', '（记者 胡晓蓉）') ends it: the few short lines a page puts
    after it (a follow-us prompt, a hotline box, a caption) are not the story. Long paragraphs after a credit are
    read (a round-up credits each of its items)."""
    credited = [
        (s, p)
        for s, section in enumerate(article.sections)
        for p, text in enumerate(section.paragraphs)
        if _closing_credit(text)
    ]
    if not credited:
        return
    s, p = credited[-1]
    tail = article.sections[s].paragraphs[p + 1 :]
    later = article.sections[s + 1 :]
    after = tail + [text for section in later for text in [section.heading or "", *section.paragraphs] if text]
    body = sum(cjk_count(text) for text in article.paragraphs)
    if (
        not after
        or any(cjk_count(t) >= _APPENDIX_LINE for t in after)
        or sum(map(cjk_count, after)) > _APPENDIX_SHARE * body
    ):
        return
    for text in after:
        work.drop(text, "after-story")
    del article.sections[s].paragraphs[p + 1 :]
    del article.sections[s + 1 :]


_APPENDIX_LINE = 80  # CJK characters: a paragraph this long after a credit is more story
_APPENDIX_SHARE = 0.25


def _trailing_credit(text: str) -> re.Match[str] | None:
    """A credit closing the paragraph that names people ('（记者 胡晓蓉）', '(李楠)', '。记者 李秋晨')."""
    m = rules.TRAILING_CREDIT.search(text) or rules.BARE_TRAILING_CREDIT.search(text)
    return m if m and not rules.NOT_A_NAME.search(m["names"]) else None


def _closing_credit(text: str) -> bool:
    """A credit that names a reporter as one ('（记者 X）', '（X／台北报导）'); a bare '（X）' may be a photo agency."""
    m = _trailing_credit(text)
    return m is not None and bool(_REPORTER.search(m.group(0)))


_REPORTER = re.compile(r"记者|作者|报道|报导")


def _strip_trailing_credit(article: Article, work: _Work) -> None:
    """A credit closing the story, '（记者 胡晓蓉）' or '(李楠)', names the author and is not read aloud."""
    last = article.sections[-1]
    m = _trailing_credit(last.paragraphs[-1]) if last.paragraphs else None
    if not m:
        return
    work.drop(m.group(0), "byline")
    last.paragraphs[-1] = last.paragraphs[-1][: m.start()].rstrip()
    if not article.author:
        article.author = " ".join(re.split(r"[\s、，,]+", m["names"].strip()))


def _read_body_authors(article: Article) -> None:
    """Wire credits in the first paragraph: '新华社巴黎12月9日电（记者唐霁）', '（中央社记者…19日电）' (the agency)."""
    paragraphs = article.paragraphs
    agency = next(filter(None, (rules.WIRE_OUTLET.match(text) for text in paragraphs[:2])), None)
    if agency and not article.source:
        article.source = agency["outlet"]  # under a standfirst, the wire's own paragraph may come second
    if article.author:
        return
    if agency:
        names = _wire_credit_names(agency["credit"])
        if names:
            article.author = " ".join(names)
            return
    for text in paragraphs[:1]:
        m = rules.WIRE_CREDIT.search(text)
        if m:
            names = metadata.credited_names(m["names"])
            if names:
                article.author = " ".join(names)
                return


def _wire_credit_names(credit: str) -> list[str]:
    """The writers in a wire credit's 'NAME[、NAME]PLACE' run: the filing place is a known one, or the run is a
    three-character name and a two-character place (the commonest shape; others stay unread)."""
    credit = re.sub(r"\s+", "", credit)
    place = rules.FILING_PLACE.search(simplified(credit))
    if place:
        names = credit[: place.start()]
    elif len(credit) == 5:
        names = credit[:3]
    else:
        return []
    return metadata.credited_names(names) if names else []


def _record_outside(
    work: _Work, title_span: tuple[int, int], dateline: int, start: int, end: int, title: str, author: str | None
) -> None:
    """Everything outside the body, with why it is not read."""
    title_key = compare_key(title)
    footer_seen: str | None = None
    for line in work.lines:
        i, text = line.index, line.text
        if start <= i < end:
            continue
        if title_span[0] <= i <= title_span[1]:
            continue  # the title is read as the title
        if i == dateline:
            reason = "dateline"
        elif author and text == author:
            reason = "byline"
        elif i >= end:
            footer_seen = footer_reason(text) or footer_seen
            reason = (
                noise_reason(text)
                or footer_reason(text)
                or footer_seen
                or ("byline" if metadata.is_byline(text) else None)
                or ("dateline" if _is_dateline(text) and i < end + 3 else "footer")
            )
        else:
            reason = _header_reason(text, title_key)
        work.drop(text, reason)


def _header_reason(text: str, title_key: str) -> str:
    if compare_key(text) == title_key:
        return "title-repeat"
    if _is_dateline(text) or metadata.parse_source(text) and len(text) < 60:
        return "dateline"
    if metadata.is_byline(text):
        return "byline"
    specific = noise_reason(text) or footer_reason(text)
    if specific:
        return specific
    if metadata.is_widget(text):
        return "share"  # '关注', '举报', '收藏' buttons by the byline
    return "caption" if looks_like_caption(text) else "navigation"


# -- stage 5: body lines -----------------------------------------------------------------------


def _build_sections(article: Article, work: _Work, start: int, end: int, options: CleanOptions) -> None:
    body = work.lines[start:end]
    title_key = compare_key(article.title)
    kinds: list[str] = []  # 'p', 'cand', or a removal reason
    for n, line in enumerate(body):
        text = line.text
        reason = work.boxed.get(line.index) or noise_reason(text) or _in_body_footer(text)
        continues = n > 0 and kinds[-1] == "p" and body[n - 1].text[-1] in rules.CONTINUATION_END
        if reason:
            kinds.append(reason)
        elif compare_key(text) == title_key:
            kinds.append("title-repeat")
        elif is_photo_caption(text):
            kinds.append("cand")  # a caption, even one written as sentences
        elif is_prose(text) or continues:
            kinds.append("p")
        elif metadata.is_byline(text):
            kinds.append("byline")
        else:
            kinds.append("cand")
    _mark_context(body, kinds)
    headings = _pick_headings(body, kinds)
    sections = [Section(heading=None)]
    for line, kind in zip(body, kinds):
        text = line.text
        if kind == "p":
            sections[-1].paragraphs.append(text)
        elif kind == "cand" and line.index in headings:
            sections.append(Section(heading=text))
        elif kind == "cand":
            article.captions.append(text)
            if options.read_captions:
                sections[-1].paragraphs.append(CAPTION_PREFIX + text)
            else:
                work.drop(text, "caption")
        else:
            work.drop(text, kind)
            if kind == "byline" and not article.author:
                _credit_byline(article, text)  # a byline under a summary box or a lead image
    article.sections = sections


def _credit_byline(article: Article, text: str) -> None:
    names = metadata.parse_authors(text)
    if names:
        article.author = " ".join(names)
        article.source = article.source or metadata.byline_outlet(text)


def _mark_context(body: list[Line], kinds: list[str]) -> None:
    """Decisions that need neighbours: a '点评：' label leading into prose is read; a promo paragraph
    opening or closing the body ('扫描下方二维码关注…') is dropped whole."""
    for n, line in enumerate(body):
        nxt = next((k for k in kinds[n + 1 :] if k in ("p", "cand")), None)
        if kinds[n] == "cand" and line.text[-1] in "：:" and nxt == "p":
            kinds[n] = "p"
        elif (
            kinds[n] == "cand"
            and nxt != "p"
            and "p" in kinds[max(0, n - 2) : n]
            and is_clause_line(line.text)
            and not is_photo_caption(line.text)
        ):
            kinds[n] = "p"  # a sentence without its final 。 after a paragraph, and no paragraph for it to head
    _mark_broken_lines(body, kinds)
    prose = [n for n, k in enumerate(kinds) if k == "p"]
    for n in prose[:1] + prose[-1:]:
        if is_edge_promo(body[n].text):
            kinds[n] = "promo"


def _mark_broken_lines(body: list[Line], kinds: list[str]) -> None:
    """Self-media layouts break sentences into short lines without punctuation ('目前' / '南沙国际邮轮母港码头工程' /
    '位于…'). A caption or a heading stands alone; a run of such lines inside the article is its text."""
    n = 0
    while n < len(kinds):
        if kinds[n] != "cand":
            n += 1
            continue
        end = n
        while end < len(kinds) and kinds[end] == "cand" and _may_be_broken_line(body[end].text):
            end += 1
        run = [line.text for line in body[n:end]]
        inside = "p" in kinds[:n] and "p" in kinds[end:]
        # Headlines, captions and search terms are whole phrases; broken sentences leave words hanging at their
        # ends ('…实现了', '…分别以') or open on a connective ('与…相比', '目前').
        hanging = sum(1 for text in run if _HANGING.search(text))
        if len(run) >= _BROKEN_RUN and inside and hanging >= max(2, len(run) * _HANGING_SHARE):
            kinds[n:end] = ["p"] * (end - n)
        n = max(end, n + 1)


def _may_be_broken_line(text: str) -> bool:
    return (
        len(text) <= rules.MAX_HEADING_CHARS
        and cjk_count(text) >= 0.5 * len(text)
        and not looks_like_caption(text)
        and not is_photo_caption(text)
        and not is_numbered_heading(text)
    )


_BROKEN_RUN = 4
_HANGING_SHARE = 0.2
_HANGING = re.compile(
    r"[了的地得是在和与及以为将把被从对向让使给于并而且或就都也还又再才]$"
    r"|^(?:目前|此外|另外|同时|其中|而且|并且|但是?|不过|然而|因此|所以|如果|虽然|随着|由于|与|和|在|从|对|把|被|将|也|还|并|而)"
)


def _in_body_footer(text: str) -> str | None:
    # Inside the body only short marker lines count; a paragraph may mention 版权 legitimately.
    return footer_reason(text) if len(text) <= 30 and not is_prose(text) else None


def _pick_headings(body: list[Line], kinds: list[str]) -> set[int]:
    """Short unpunctuated lines followed by prose are headings when they share the article's heading shape.

    A caption directly above a heading, or one not matching the shape the other headings share, stays a caption.
    """
    candidates: list[Line] = []
    seen_prose = False
    for pos, (line, kind) in enumerate(zip(body, kinds)):
        if kind == "p":
            seen_prose = True
            continue
        if kind != "cand" or len(line.text) > rules.MAX_HEADING_CHARS or looks_like_caption(line.text):
            continue
        nxt = next(((k, ln) for k, ln in zip(kinds[pos + 1 :], body[pos + 1 :]) if k in ("p", "cand")), None)
        numbered_pair = nxt is not None and is_numbered_heading(line.text) and is_numbered_heading(nxt[1].text)
        if nxt is None or (nxt[0] != "p" and not numbered_pair):
            continue  # a heading introduces prose; a line above another short line is a caption
        if not seen_prose and not is_numbered_heading(line.text):
            continue  # before the first paragraph: a kicker or lead-image caption
        candidates.append(line)
    shapes: dict[str, int] = {}
    for line in candidates:
        shapes[heading_shape(line.text)] = shapes.get(heading_shape(line.text), 0) + 1
    styled = {s for s, n in shapes.items() if n >= 2 and s != "plain"}
    if styled:
        return {ln.index for ln in candidates if heading_shape(ln.text) in styled}
    return {ln.index for ln in candidates if heading_shape(ln.text) != "plain" or cjk_count(ln.text) >= 4}


# -- stage 6: inline junk ----------------------------------------------------------------------


def _strip_inline_junk(article: Article, work: _Work) -> None:
    for section in article.sections:
        kept: list[str] = []
        for text in section.paragraphs:
            for reason, pattern in _INLINE:
                for m in list(pattern.finditer(text)):
                    work.drop(m.group(0), reason)
                text = pattern.sub("", text)
            text = text.strip()
            if cjk_count(text) >= 2:
                kept.append(text)
            elif text:
                work.drop(text, "fragment")
        section.paragraphs = kept
