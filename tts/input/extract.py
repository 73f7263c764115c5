"""Page -> Article for either input: text goes straight to the line cleaner; HTML is first narrowed to the
headline and the main-content region found in its DOM (tts.input.html), and its declared metadata fills what the
visible header lines do not say."""

from __future__ import annotations

import re
from bisect import bisect_right
from html import unescape as html_unescape

from tts.errors import InputError, TtsError
from tts.hanzi import simplified
from tts.input.clean import CleanOptions, clean_text, metadata, rules
from tts.input.clean.cleaner import page_positions
from tts.input.clean.lines import (
    AFFINITY_MARGIN,
    LEAD_CHARS,
    cjk_count,
    compare_key,
    footer_reason,
    noise_reason,
    title_affinity,
)
from tts.input.html import HtmlPage, declared_titles, is_site_or_label, local_time, parse
from tts.input.reading import Page, read_page
from tts.model import Article, Removed

# Lines between a headline and the content region that still belong to the header (dateline, byline, lead image).
_HEADER_REACH = 20
_ABOVE_HEADLINE = 2
_TRAILER_REACH = 20
# Lines after the region kept for the cleaner: closing credits and editor lines it reads authors from.
_TAIL = 3


def read_article(source, read_captions: bool = False) -> tuple[Page, Article]:
    """Read a path, '-' or URL and clean it: the one call the pipeline and the CLI make."""
    page = read_page(source)
    article = clean_page(page, CleanOptions(read_captions=read_captions, title_hint=page.html_title))
    return page, without_controls(article)


def without_controls(article: Article) -> Article:
    """The article with control characters and terminal escapes removed from every text, so none reaches a title tag,
    a transcript or the voice (a BEL or NUL in a page is never content)."""
    from dataclasses import replace

    from tts.model import Removed, Section
    from tts.speech.normalize import strip_controls

    def clean(text: str | None) -> str | None:
        return None if text is None else strip_controls(text).replace("\t", " ")

    return replace(
        article,
        title=clean(article.title) or article.title,
        date=clean(article.date),
        source=clean(article.source),
        author=clean(article.author),
        sections=[Section(clean(s.heading), [clean(p) or "" for p in s.paragraphs]) for s in article.sections],
        captions=[clean(c) or "" for c in article.captions],
        removed=[Removed(clean(r.text) or "", r.reason) for r in article.removed],
    )


def clean_page(page: Page, options: CleanOptions | None = None) -> Article:
    options = options or CleanOptions(title_hint=page.html_title)
    if page.html is None:
        return clean_text(page.text, options)
    return clean_html(page.html, options)


def clean_html(text: str, options: CleanOptions | None = None) -> Article:
    options = options or CleanOptions()
    doc = parse(text)
    headline = doc.headline
    hint = "".join(doc.lines[i].text for i in range(headline[0], headline[1] + 1)) if headline else _declared_title(doc)
    own = CleanOptions(options.read_captions, hint or options.title_hint)
    texts = doc.texts
    everything = list(range(len(texts)))
    keep = _kept_lines(doc)
    article = _try_clean(texts, keep, own)
    # Second opinion: the line cleaner on the whole page. When the two disagree, the body that starts nearer under
    # the headline wins, then the longer one: a region that is a sidebar or a teaser box loses to the article.
    whole = _try_clean(texts, everything, own) if keep != everything else None
    if article is None or whole is not None and _prefer_whole(doc, article, whole):
        article, keep = whole, everything
    declared = _declared_body(doc, article, own)
    if declared is not None:
        article, keep = declared, []
    if article is None:
        clean_text("\n".join(texts), own)  # raises the cleaner's own reason (no Chinese, only boilerplate)
    assert article is not None  # when nothing was found, clean_text above raised the reason
    if doc.headline_text and doc.headline_text in article.title and doc.headline_text != article.title:
        badge = article.title.replace(doc.headline_text, "", 1).strip()
        article.title = doc.headline_text
        article.removed.append(Removed(badge, "title-badge"))  # '原创' glued to the headline line
    article.removed = _in_page_order(doc, keep, article.removed)
    _fill_metadata(article, doc, [texts[i] for i in keep])
    return article


def _declared_body(doc: HtmlPage, shown: Article | None, options: CleanOptions) -> Article | None:
    """The story a page declares in JSON-LD (articleBody) when the page itself shows far less of it: a page that
    renders its story by script holds only menus and teasers in its HTML. None when what the page shows will do."""
    body = doc.meta.article_body or ""
    declared_chars = cjk_count(body)
    if declared_chars < _DECLARED_BODY_MIN:
        return None
    shown_chars = sum(cjk_count(text) for text in shown.paragraphs) if shown else 0
    if shown_chars >= _DECLARED_BODY_SHARE * declared_chars:
        return None
    title = shown.title if shown and shown.title else (_declared_title(doc) or "")
    paragraphs = [p.strip() for p in re.split(r"\s*\n\s*|(?<=[。！？])\s{2,}", html_unescape(body)) if p.strip()]
    try:
        return clean_text("\n".join([title, *paragraphs]), options)
    except TtsError:
        return None


_DECLARED_BODY_MIN = 200  # CJK characters: a summary in articleBody is no story
_DECLARED_BODY_SHARE = 0.5


def _in_page_order(doc: HtmlPage, keep: list[int], inside: list[Removed]) -> list[Removed]:
    """Lines outside the kept span with their reasons, merged by page line with what the cleaner removed."""
    kept = set(keep)
    placed = [(i, 0, Removed(t, _outside_reason(doc, i))) for i, t in enumerate(doc.texts) if i not in kept]
    kept_text = "\n".join(doc.texts[i] for i in keep)
    starts = [0]
    for i in keep:
        starts.append(starts[-1] + len(doc.texts[i]) + 1)
    for _n, (offset, item) in enumerate(zip(page_positions([r.text for r in inside], kept_text), inside)):
        line = bisect_right(starts, offset) - 1
        placed.append((keep[line] if line < len(keep) else len(doc.texts), offset, item))
    return [item for _, _, item in sorted(placed, key=lambda p: (p[0], p[1]))]


def _try_clean(texts: list[str], keep: list[int], options: CleanOptions) -> Article | None:
    try:
        return clean_text("\n".join(texts[i] for i in keep), options)
    except InputError:
        return None


_AGREE = 0.8  # bigram F1 between the two bodies above which they are the same article


def _prefer_whole(doc: HtmlPage, region: Article, whole: Article) -> bool:
    ours, theirs = _body(region), _body(whole)
    if _overlap(ours, theirs) >= _AGREE:
        return False
    if doc.headline is not None:
        # The article restates its headline in its lead; a sidebar, a teaser box or the next story does not.
        headline = "".join(doc.lines[i].text for i in range(doc.headline[0], doc.headline[1] + 1))
        affinity = [title_affinity(headline, "".join(a.paragraphs)[:LEAD_CHARS]) for a in (region, whole)]
        if abs(affinity[0] - affinity[1]) >= AFFINITY_MARGIN:
            return affinity[1] > affinity[0]
        distances = [_distance_below(doc, doc.headline[1], a) for a in (region, whole)]
        if distances[0] != distances[1]:
            return distances[1] < distances[0]
    return len(theirs) > 2 * len(ours)


def _body(article: Article) -> str:
    return compare_key("".join(article.paragraphs))


def _overlap(a: str, b: str) -> float:
    from collections import Counter

    x, y = Counter(a[i : i + 2] for i in range(len(a) - 1)), Counter(b[i : i + 2] for i in range(len(b) - 1))
    common = sum((x & y).values())
    return 2 * common / (sum(x.values()) + sum(y.values())) if common else 0.0


def _distance_below(doc: HtmlPage, headline_end: int, article: Article) -> int:
    """Lines from the headline down to the article's first paragraph (large when above it or not found)."""
    first = compare_key(article.paragraphs[0])[:20] if article.paragraphs else ""
    for i, line in enumerate(doc.lines[headline_end + 1 :], headline_end + 1):  # a summary above may repeat the lead
        if first and first in compare_key(line.text):
            # Coarse bands: a few lines of difference (a share bar, a lead image) is no evidence either way.
            return (i - headline_end) // _BAND
    return 10**6


_BAND = 10


def _kept_lines(doc: HtmlPage) -> list[int]:
    """Indices of the lines the cleaner sees: the headline and header under it, the region, a short tail."""
    start, end = doc.region
    headline = doc.headline
    keep: list[int] = []
    if headline is not None and headline[0] <= start:
        top = max(0, headline[0] - _ABOVE_HEADLINE)  # e-paper layouts date the page above the headline
        if start - headline[0] <= _HEADER_REACH:
            keep += range(top, start)
        else:
            keep += range(top, min(start, headline[1] + 1 + 6))
    keep += range(start, min(len(doc.lines), end + _TAIL))
    return keep


def _outside_reason(doc: HtmlPage, i: int) -> str:
    line = doc.lines[i]
    text = simplified(line.text)  # judged by the rules' script, as the cleaner does
    specific = noise_reason(text) or footer_reason(text)
    if specific:
        return specific
    if line.links > 0.5 * len(compare_key(text)):
        return "link-list"
    return "navigation" if i < doc.region[0] else "outside-article"


def _declared_title(doc: HtmlPage) -> str | None:
    for title in declared_titles(doc.meta):
        if not is_site_or_label(title, doc.meta.site_names):
            return title
    return None


def _fill_metadata(article: Article, doc: HtmlPage, shown_lines: list[str]) -> None:
    """What the header lines did not say, from the page's declarations (cross-checked: names must look like names)."""
    meta = doc.meta
    declared = metadata.parse_date(local_time(meta.date)) if meta.date else None
    if declared and (not article.date or article.date[:10] != declared[:10] and _page_shows(doc, declared)):
        article.date = declared
    if not article.source:
        # Some layouts state the source under the article ('版权声明 来源：… 时间：…'), past the kept lines.
        for text in doc.texts[doc.region[1] : doc.region[1] + _TRAILER_REACH]:
            judged = simplified(text)  # same length: a value found in it is cut from the page's own text
            if footer_reason(judged) == "related-list":
                break
            value = metadata.parse_source(judged) if rules.SOURCE_LABEL.search(judged) else None
            if value:
                at = judged.find(value)
                article.source = text[at : at + len(value)] if at >= 0 else value
                break
    if not article.source and meta.source:
        source = meta.source.strip()
        shown = any(source in text for text in doc.texts)  # declared and visible: not a stale template value
        if shown and 2 <= len(source) <= 30 and not re.search(r"https?:|www\.", source) and cjk_count(source):
            article.source = source
    if not article.author:
        # Only names the article itself shows: <meta name=author> often holds the site or the editor.
        judged_lines = [simplified(line) for line in shown_lines]  # names are judged in the rules' script
        names = [
            n
            for a in meta.authors
            for n in re.split(r"[\s,，、]+", a.strip())
            if _looks_like_name(simplified(n)) and _credited(simplified(n), judged_lines) and n not in meta.site_names
        ]
        if names:
            article.author = " ".join(dict.fromkeys(names))


def _credited(name: str, lines: list[str]) -> bool:
    """The name stands on a line of its own or after a role label (作者：, 记者, 文/)."""
    credit = re.compile(rules.AUTHOR_ROLES + r"\s*[:：/／]?\s*" + re.escape(name))
    return any(line.strip() == name or credit.search(line) for line in lines)


def _page_shows(doc: HtmlPage, iso: str) -> bool:
    """The declared date appears among the visible lines (in any common notation)."""
    y, m, d = iso[:4], int(iso[5:7]), int(iso[8:10])
    pattern = re.compile(rf"{y}\s*[-/.年]\s*0?{m}\s*[-/.月]\s*0?{d}(?!\d)")
    return any(pattern.search(line.text) for line in doc.lines)


def _looks_like_name(text: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", text)) and not re.search(
        r"[网报社台站部局委厅办]$|编辑|记者|新闻|中心", text
    )
