"""Page -> Article for either input: text goes straight to the line cleaner; HTML is first narrowed to the
headline and the main-content region found in its DOM (tts.input.html), and its declared metadata fills what the
visible header lines do not say."""

from __future__ import annotations

import re

from tts.input.clean import CleanOptions, clean_text, metadata
from tts.input.clean.cleaner import in_page_order
from tts.input.clean.lines import cjk_count, compare_key, footer_reason, noise_reason
from tts.input.html import HtmlPage, find_headline, is_site_or_label, parse
from tts.input.reading import Page, read_page
from tts.model import Article, Removed

# Lines between a headline and the content region that still belong to the header (dateline, byline, lead image).
_HEADER_REACH = 20
# Lines after the region kept for the cleaner: closing credits and editor lines it reads authors from.
_TAIL = 3


def read_article(source, read_captions: bool = False) -> tuple[Page, Article]:
    """Read a path, '-' or URL and clean it: the one call the pipeline and the CLI make."""
    page = read_page(source)
    return page, clean_page(page, CleanOptions(read_captions=read_captions, title_hint=page.html_title))


def clean_page(page: Page, options: CleanOptions | None = None) -> Article:
    options = options or CleanOptions(title_hint=page.html_title)
    if page.html is None:
        return clean_text(page.text, options)
    return clean_html(page.html, options)


def clean_html(text: str, options: CleanOptions | None = None) -> Article:
    options = options or CleanOptions()
    doc = parse(text)
    keep = _kept_lines(doc)
    headline = doc.headline
    hint = "".join(doc.lines[i].text for i in range(headline[0], headline[1] + 1)) if headline else _declared_title(doc)
    texts = doc.texts
    try:
        article = clean_text("\n".join(texts[i] for i in keep), CleanOptions(options.read_captions, hint or options.title_hint))
    except Exception:
        # The region can be wrong (a page of several short items); the whole page is the fallback.
        article = clean_text("\n".join(texts), CleanOptions(options.read_captions, hint or options.title_hint))
        keep = list(range(len(texts)))
    if doc.headline_text and compare_key(doc.headline_text) in compare_key(article.title):
        article.title = doc.headline_text
    kept = set(keep)
    outside = [Removed(t, _outside_reason(doc, i)) for i, t in enumerate(texts) if i not in kept]
    article.removed = in_page_order(outside + article.removed, "\n".join(texts))
    _fill_metadata(article, doc, "\n".join(texts[i] for i in keep))
    return article


def _kept_lines(doc: HtmlPage) -> list[int]:
    """Indices of the lines the cleaner sees: the headline and header under it, the region, a short tail."""
    start, end = doc.region
    headline = doc.headline
    keep: list[int] = []
    if headline is not None and headline[0] < start:
        if start - headline[0] <= _HEADER_REACH:
            keep += range(headline[0], start)
        else:
            keep += range(headline[0], min(start, headline[1] + 1 + 6))
    keep += range(start, min(len(doc.lines), end + _TAIL))
    return keep


def _outside_reason(doc: HtmlPage, i: int) -> str:
    line = doc.lines[i]
    text = line.text
    specific = noise_reason(text) or footer_reason(text)
    if specific:
        return specific
    if line.links > 0.5 * len(compare_key(text)):
        return "link-list"
    return "navigation" if i < doc.region[0] else "outside-article"


def _declared_title(doc: HtmlPage) -> str | None:
    from tts.input.html import declared_titles

    for title in declared_titles(doc.meta):
        if not is_site_or_label(title, doc.meta.site_names):
            return title
    return None


def _fill_metadata(article: Article, doc: HtmlPage, shown: str) -> None:
    """What the header lines did not say, from the page's declarations (cross-checked: names must look like names)."""
    meta = doc.meta
    declared = metadata.parse_date(meta.date.replace("T", " ")) if meta.date else None
    if declared and (not article.date or article.date[:10] != declared[:10] and _page_shows(doc, declared)):
        article.date = declared
    if not article.source and meta.source:
        source = meta.source.strip()
        if 2 <= len(source) <= 30 and not re.search(r"https?:|www\.", source) and cjk_count(source):
            article.source = source
    if not article.author:
        # Only names the article itself shows: <meta name=author> often holds the site or the editor.
        names = [n for a in meta.authors for n in re.split(r"[\s,，、]+", a.strip())
                 if _looks_like_name(n) and n in shown and n not in meta.site_names]
        if names:
            article.author = " ".join(dict.fromkeys(names))


def _page_shows(doc: HtmlPage, iso: str) -> bool:
    """The declared date appears among the visible lines (in any common notation)."""
    y, m, d = iso[:4], int(iso[5:7]), int(iso[8:10])
    pattern = re.compile(rf"{y}\s*[-/.年]\s*0?{m}\s*[-/.月]\s*0?{d}(?!\d)")
    return any(pattern.search(line.text) for line in doc.lines)


def _looks_like_name(text: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", text)) and not re.search(r"[网报社台站部局委厅办]$|编辑|记者|新闻|中心", text)
