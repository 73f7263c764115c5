"""HTML pages: render the visible text as lines (like a browser's innerText), locate the article in the DOM
by statistics that hold across sites, and read the page's own metadata declarations.

Main content (the readability / GNE family of ideas, measured in benchmarks/compare_html_extractors.py):
each rendered line gets a score — prose with Chinese punctuation counts for its non-link characters, link
lists and short unpunctuated lines count against — and the element whose subtree has the highest total is the
article: it holds the long run of paragraphs and as little navigation, link lists and widgets as possible.
Sibling paragraphs split over several containers are kept together because their common parent then scores
higher than either part.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from tts.hanzi import simplified
from tts.input.clean.lines import cjk_count, compare_key, footer_reason, is_prose, noise_reason

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "form",
    "hr",
    "pre",
    "center",
    "td",
    "th",
    "main",
    "address",
    "caption",
    "body",
    "html",
    "fieldset",
    "details",
    "summary",
    "dialog",
    "menu",
    "picture",
    "video",
    "audio",
}
# Never shown as article text: code, styles, embedded documents, form controls (their labels are widgets).
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "textarea",
    "title",
    "head",
    "select",
    "option",
    "button",
    "input",
    "object",
    "embed",
    "canvas",
    "map",
    "math",
}
_BLOCK_STYLE = re.compile(r"display\s*:\s*(?:block|flex|list-item|table)\b", re.I)  # a span laid out as a block
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PUNCT = re.compile(r"[，。！？；：、,.!?;:“”]")
_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)


@dataclass
class Line:
    text: str
    links: int  # characters inside <a>
    owners: tuple  # block elements enclosing the line, outermost first


@dataclass
class PageMeta:
    titles: list[str] = field(default_factory=list)  # declared titles, best first (og:title, JSON-LD, <title> …)
    title_tag: str | None = None
    site_names: list[str] = field(default_factory=list)
    date: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # h1/h2 texts, page order
    top_headings: list[str] = field(default_factory=list)  # the h1 texts among them
    article_body: str | None = None  # JSON-LD articleBody: the text of pages that render their story by script


@dataclass
class HtmlPage:
    lines: list[Line]
    region: tuple[int, int]  # [start, end) line span of the main content
    meta: PageMeta
    headline: tuple[int, int] | None = None  # inclusive line span of the headline
    headline_text: str | None = None  # the declared headline, when the line shows it with a badge glued on

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def parse(text: str) -> HtmlPage:
    """Render, locate the main content and read the metadata of an HTML page."""
    root = _document(text)
    meta = read_meta(root)
    lines = render(root)
    page = HtmlPage(lines, main_region(lines), meta)
    headline = find_headline(page)
    if headline is not None:
        page.region = main_region(lines, headline)
        page.headline = headline
    return page


def page_text(text: str) -> tuple[str, str | None]:
    """Only the rendered lines and the <title> (no content location): what Page.text shows."""
    root = _document(text)
    title = root.find(".//title")
    title_text = re.sub(r"\s+", " ", title.text_content()).strip() if title is not None else None
    return "\n".join(line.text for line in render(root)), title_text or None


def _document(text: str):
    text = _XML_DECL.sub("", text, count=1)  # lxml refuses str input that declares an encoding
    # libxml2 stops at a stray </html> or </body> (pages that include a fragment mid-page); browsers ignore them.
    text = _END_TAGS.sub("", text)
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml_html.document_fromstring("<html><body></body></html>")


# -- rendering --------------------------------------------------------------------------------


def render(root) -> list[Line]:
    """innerText-like lines: block elements and <br> break lines, hidden and non-text elements are skipped.
    Each line remembers the block elements around its first text (for locating the main content)."""
    out: list[Line] = []
    parts: list[str] = []
    links = 0  # characters inside <a> in the pending line
    owners: tuple = ()  # the blocks around the pending line's first text
    stack: list = []

    def flush() -> None:
        nonlocal links
        text = _WS.sub(" ", "".join(parts)).strip()
        if text:
            out.append(Line(text, min(links, len(text)), owners))
        parts.clear()
        links = 0

    def add(text: str | None, in_link: bool) -> None:
        nonlocal links, owners
        if not text:
            return
        if not parts or not "".join(parts).strip():
            owners = tuple(stack)
        parts.append(text)
        if in_link:
            links += len(_WS.sub("", text))

    def walk(el, in_link: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP or _is_hidden(el):
            return
        block = tag in _BLOCK or bool(_BLOCK_STYLE.search(el.get("style") or ""))
        if block:
            flush()
            stack.append(el)
        link = in_link or tag == "a"
        add(el.text, link)
        for child in el:
            walk(child, link)
            add(child.tail, in_link)
        if block:
            flush()
            stack.pop()

    body = root.find("body")
    walk(body if body is not None else root, False)
    flush()
    return out


def _is_hidden(el) -> bool:
    if el.get("hidden") is not None or el.get("type") == "hidden":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


# -- main content -------------------------------------------------------------------------------


def line_score(line: Line) -> float:
    """Evidence that a line belongs to the article: positive for prose, negative for links and chrome."""
    text = line.text
    size = len(compare_key(text))
    if not size:
        return 0.0
    own = max(0, size - line.links)
    if line.links > 0.5 * size:
        return -size  # a link or a list of links
    judged = simplified(text)  # the rules are written in Simplified characters
    if noise_reason(judged) or footer_reason(judged):
        return -min(size, 50)  # copyright, ICP, share and print widgets, editor lines
    punct = len(_PUNCT.findall(text))
    cjk = cjk_count(text)
    if cjk >= 8 and cjk >= 0.3 * size and (punct >= 1 or is_prose(text)):
        return own  # a sentence or paragraph
    if not cjk and size > 15:
        return -1.0  # code, formulas, English: not chrome on a Chinese page, weak evidence only
    return -min(size, 25) * 0.5  # a label, a widget, a short heading or caption: weak evidence against


def main_region(lines: list[Line], headline: tuple[int, int] | None = None) -> tuple[int, int]:
    """[start, end) of the lines under the element whose subtree scores highest. With a headline found, elements
    that start just under it (or hold it) are preferred: a short article must not lose to a long feed elsewhere."""
    if not lines:
        return 0, 0
    totals: dict[int, float] = {}
    spans: dict[int, list[int]] = {}
    depth: dict[int, int] = {}
    for i, line in enumerate(lines):
        score = line_score(line)
        for d, el in enumerate(line.owners):
            key = id(el)
            totals[key] = totals.get(key, 0.0) + score
            span = spans.setdefault(key, [i, i])
            span[1] = i
            depth[key] = d
    candidates = [k for k in totals if totals[k] > 0]
    if headline is not None:
        near = [
            k
            for k in candidates
            if headline[0] - _HOLDS_HEADLINE <= spans[k][0] <= headline[1] + _UNDER_HEADLINE
            and spans[k][1] > headline[1]
        ]
        candidates = near or candidates
    if not candidates:
        return 0, len(lines)
    # Highest total; among near-equal totals the deepest element (the tightest container).
    best = max(candidates, key=lambda k: (round(totals[k], 3), depth[k]))
    start, last = spans[best]
    return start, last + 1


# How far above a headline an article container may start (kicker, breadcrumb), and how far below it the
# article's own text may start (dateline, share bar, lead image).
_HOLDS_HEADLINE = 5
_UNDER_HEADLINE = 25


# -- metadata -----------------------------------------------------------------------------------

_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "publishdate",
    "pubdate",
    "publish_date",
    "publishtime",
    "publish-date",
    "datepublished",
    "weibo:article:create_at",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "ptime",
    "firstpublishedtime",
    "article:published",
    "sailthru.date",
    "og:time",
    "releasedate",
)
_SOURCE_META = ("contentsource", "source", "og:source", "article:source", "mediaid", "media")
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl")
_TITLE_META = ("og:title", "twitter:title", "headline", "title", "articletitle", "dc.title")


def read_meta(root) -> PageMeta:
    meta = PageMeta()
    named: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if name and content and name not in named:
            named[name] = content
    for el in root.iter():
        if (
            isinstance(el.tag, str)
            and el.get("itemprop") in ("datePublished", "author", "headline")
            and el.tag != "meta"
        ):
            value = (el.get("datetime") or el.get("content") or el.text_content() or "").strip()
            named.setdefault(el.get("itemprop").lower(), value)
    ld = _json_ld(root)
    meta.titles = [named[k] for k in _TITLE_META if named.get(k)] + [t for t in [ld.get("headline")] if t]
    title_el = root.find(".//title")
    if title_el is not None and title_el.text_content().strip():
        meta.title_tag = re.sub(r"\s+", " ", title_el.text_content()).strip()
    meta.site_names = [s for s in (named.get("og:site_name"), named.get("application-name"), ld.get("publisher")) if s]
    for key in _DATE_META:
        if named.get(key):
            meta.date = named[key]
            break
    meta.date = (
        meta.date
        or ld.get("datePublished")
        or _script_date(root)
        or named.get("dateupdate")
        or named.get("datemodified")
    )
    meta.source = next((named[k] for k in _SOURCE_META if named.get(k)), None)
    meta.article_body = ld.get("articleBody")
    authors = [named[k] for k in _AUTHOR_META if named.get(k)] + ([ld["author"]] if ld.get("author") else [])
    meta.authors = authors
    for tag in ("h1", "h2"):
        for el in root.iter(tag):
            text = re.sub(r"\s+", " ", el.text_content()).strip()
            if text:
                meta.headings.append(text)
                if tag == "h1":
                    meta.top_headings.append(text)
    return meta


# Publication times CMSs leave in their page scripts: JSON keys with an ISO date, or unix seconds under a short key.
_SCRIPT_ISO = re.compile(
    r"""["']?(?:publishDate|datePublished|publish_?[tT]ime|pubDate|pub_?[tT]ime|createTime|create_time|"""
    r"""releaseDate)["']?\s*[:=]\s*["'](\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?)["']"""
)
_SCRIPT_EPOCH = re.compile(r"""\b(?:ct|create_?time|publish_?time|pub_?time|ptime)["']?\s*[:=]\s*["']?(1\d{9})\b""")


def _script_date(root) -> str | None:
    for el in root.iter("script"):
        code = el.text or ""
        m = _SCRIPT_ISO.search(code)
        if m:
            return m.group(1)
        m = _SCRIPT_EPOCH.search(code)
        if m:
            moment = _dt.datetime.fromtimestamp(int(m.group(1)), _BEIJING)
            return moment.strftime("%Y-%m-%d %H:%M:%S")
    return None


def local_time(value: str) -> str:
    """An ISO time with an offset as Beijing time (what a Chinese page shows); without one, as written."""
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        return value.replace("T", " ")
    if moment.tzinfo is not None:
        moment = moment.astimezone(_BEIJING)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


_BEIJING = _dt.timezone(_dt.timedelta(hours=8))


def _json_ld(root) -> dict[str, str]:
    """headline, datePublished, articleBody, author and publisher names from a JSON-LD NewsArticle (or Article)."""
    found: dict[str, str] = {}
    for el in root.iter("script"):
        if (el.get("type") or "").lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text)
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if not isinstance(item, dict) or not re.search(r"Article|Posting|Report", str(item.get("@type", ""))):
                continue
            for key in ("headline", "datePublished", "articleBody"):
                if isinstance(item.get(key), str):
                    found.setdefault(key, item[key])
            for key in ("author", "publisher"):
                value = item.get(key)
                value = value[0] if isinstance(value, list) and value else value
                name = value.get("name") if isinstance(value, dict) else value
                if isinstance(name, str) and name.strip():
                    found.setdefault(key, name.strip())
    return found


# -- headline -----------------------------------------------------------------------------------

# Separators between a headline and the site/channel names in <title>: '_', '|', ' - ', '——', '–'.
_TITLE_SEP = re.compile(r"(\s*(?:[_|｜]|\s-\s|-{1,2}|—{1,2}|–)\s*)")


def is_site_or_label(text: str, site_names: list[str] | tuple[str, ...] = ()) -> bool:
    """A site name, a URL, a byline or a column label: never a headline."""
    return _is_site_or_label(text, tuple(site_names))


@lru_cache(maxsize=4096)
def _is_site_or_label(text: str, site_names: tuple[str, ...]) -> bool:
    from tts.input.clean import metadata

    key = compare_key(text)
    if any(key == compare_key(s) for s in site_names):
        return True
    if cjk_count(text) < 6 and not re.search(r"\d", text):
        return True  # a column or channel label ('要闻云南', '国际')
    return metadata.is_site_name_or_byline(text)


def declared_titles(meta: PageMeta) -> list[str]:
    """Every headline the page declares: og:title/JSON-LD, then runs of <title> segments split at separators."""
    out = list(meta.titles)
    if meta.title_tag:
        parts = _TITLE_SEP.split(meta.title_tag)
        segments, seps = parts[0::2], parts[1::2]
        for i in range(len(segments)):
            run = segments[i]
            out.append(run)
            for j in range(i + 1, len(segments)):
                run += seps[j - 1] + segments[j]
                out.append(run)
    return [t.strip() for t in out if t and t.strip()]


def find_headline(page: HtmlPage) -> tuple[int, int] | None:
    """The line span that shows the headline. Evidence, strongest first: the line spells a declared title (og:title,
    JSON-LD, <title> segments), partly or with a badge; it is an <h1>; it is not a link; it stands just above the
    content found by statistics. An <h2> alone counts only there: feeds and sidebars title their teasers with <h2>s."""
    names = page.meta.site_names
    declared = {compare_key(t): t for t in declared_titles(page.meta) if not is_site_or_label(t, names)}
    headings = {compare_key(h) for h in page.meta.headings}
    top = {compare_key(h) for h in page.meta.top_headings}
    if not declared and not headings:
        return None
    start, end = page.region
    best: tuple | None = None
    for i, _line in enumerate(page.lines):
        joined = ""
        for j in range(i, min(i + 3, len(page.lines))):  # headlines broken over up to three lines
            joined += compare_key(page.lines[j].text)
            if len(joined) > 120:
                break
            text = "".join(ln.text for ln in page.lines[i : j + 1])
            if is_site_or_label(text, names):
                continue
            exact = joined in declared
            # A headline shown with a badge glued on ('原创…') or cut short still stands for the declared one.
            badge = [k for k in declared if k in joined and len(joined) - len(k) <= _BADGE_CHARS]
            partial = not exact and (badge or any(joined in k and len(joined) >= 0.6 * len(k) for k in declared))
            level = 2 if joined in top else 1 if joined in headings else 0
            near = start - _HEADLINE_REACH <= i <= start + 1
            if not (exact or partial or level and cjk_count(text) >= 6 and (level == 2 or near)):
                continue
            distance = start - i if i <= start else (i - start) * 3  # above the content is where headlines stand
            # Lists of stories (the author's other articles, 'related') repeat a headline as a link; the page's own
            # headline is rarely one.
            linked = sum(ln.links for ln in page.lines[i : j + 1]) > 0.5 * len(joined)
            rank = (2 if exact else 1 if partial else 0, level, not linked, near, len(joined), -distance)
            if best is None or rank > best[0]:
                best = (rank, (i, j), declared[max(badge, key=len)] if badge and not exact else None)
    if best is None:
        return None
    page.headline_text = best[2]
    return best[1]


# How far above the statistically found content an <h2> may stand to be taken for its headline.
_HEADLINE_REACH = 30
_BADGE_CHARS = 4
