"""EPUB 3 talking books with Media Overlays: the article text with every sentence highlighted as it is read.

One chapter per built article: XHTML with the title as h1 and sections as h2, each sentence a <span id>, and a SMIL
overlay whose <par> ties each sentence to its clip of the episode's own audio (the same normalised programme as the
MP3). The package carries media:duration per overlay and in total, media:active-class with its CSS, schema.org
accessibility metadata and a navigation document listing articles and their sections. Checked by EPUBCheck in tests.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from tts.errors import OutputError
from tts.publish.book import Chapter, chapters
from tts.publish.xmltext import clean

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
SMIL = "http://www.w3.org/ns/SMIL"
ACTIVE_CLASS = "-epub-media-overlay-active"
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4b": "audio/mp4", ".m4a": "audio/mp4"}
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed entry times: the same book gives the same bytes
CHINA_TIME = timezone(timedelta(hours=8))
BOOK_NAMESPACE = uuid.UUID("2b8f4a1e-7c1d-5e7a-9d0b-3c6f1e2a4b58")

CSS = f"""body {{ font-family: sans-serif; line-height: 1.8; margin: 1em; }}
h1 {{ font-size: 1.6em; }}
h2 {{ font-size: 1.25em; margin-top: 1.5em; }}
p.spoken {{ color: #444; font-style: italic; }}
/* the sentence being read (media:active-class) */
.{ACTIVE_CLASS} {{ background-color: #ffe066; color: #000; }}
"""

A11Y_SUMMARY = (
    "新闻文章的有声读物：全文文字与朗读音频逐句同步（媒体叠加），标题与小标题可供导航。"
    "Synchronised text and audio for every sentence; headings and a table of contents for navigation; "
    "no hazards."
)


def clock(seconds: float) -> str:
    """SMIL full clock value h:mm:ss.fff."""
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}"


def book_identifier(book: list[Chapter]) -> str:
    """Stable across rebuilds: from the articles' own identities, in order."""
    from tts.output.report import episode_id

    key = "\n".join(episode_id(c.part.article, None) for c in book)
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, key)}"


def write_epub(
    path: str | Path, episodes, title: str | None = None, language: str = "zh-CN", narrator: str | None = None
) -> Path:
    """Write one EPUB 3 book, one chapter per episode (Part, BuildResult or (Article, Timeline, audio) tuple)."""
    target = Path(path)
    book = chapters(episodes)
    title = clean(title) if title else (book[0].title if len(book) == 1 else _collection_title(book))
    files = _files(book, title, language, narrator)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp, "w") as archive:
            for name, data in files:
                info = zipfile.ZipInfo(name, ZIP_TIME)
                stored = name == "mimetype" or isinstance(data, Path)
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                archive.writestr(info, data.read_bytes() if isinstance(data, Path) else data)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _collection_title(book: list[Chapter]) -> str:
    dates = sorted(d[:10] for c in book if (d := c.part.article.date))
    return f"新闻合集 {dates[-1]}" if dates else "新闻合集"


def _files(book: list[Chapter], title: str, language: str, narrator: str | None) -> list[tuple[str, bytes | Path]]:
    files: list[tuple[str, bytes | Path]] = [
        ("mimetype", b"application/epub+zip"),
        ("META-INF/container.xml", _container()),
        ("EPUB/package.opf", _package(book, title, language, narrator)),
        ("EPUB/nav.xhtml", _nav(book, title, language)),
        ("EPUB/style.css", CSS.encode("utf-8")),
    ]
    for chapter in book:
        stem = _stem(chapter)
        files.append((f"EPUB/{stem}.xhtml", _xhtml(chapter, language)))
        files.append((f"EPUB/{stem}.smil", _smil(chapter)))
        files.append((f"EPUB/audio/{_audio_name(chapter)}", chapter.part.audio))
    return files


def _stem(chapter: Chapter) -> str:
    return f"chapter-{chapter.number:03d}"


def _audio_name(chapter: Chapter) -> str:
    return f"{_stem(chapter)}{chapter.part.audio.suffix.lower()}"


def _serialise(root, doctype: str | None = None, pretty: bool = True) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty, doctype=doctype)


def _container() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
        b"  <rootfiles>\n"
        b'    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>\n'
        b"  </rootfiles>\n"
        b"</container>\n"
    )


def _el(parent, tag: str, text: str | None = None, **attrs):
    from lxml import etree

    element = etree.SubElement(parent, tag, {k.replace("__", ":"): v for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _modified(book: list[Chapter]) -> str:
    """dcterms:modified: the newest article's date, so rebuilding an unchanged book changes nothing."""
    moments = []
    for chapter in book:
        value = chapter.part.article.date or ""
        for form, size in (("%Y-%m-%d %H:%M", 16), ("%Y-%m-%d", 10)):
            try:
                moments.append(datetime.strptime(value[:size], form))
                break
            except ValueError:
                continue
    moment = max(moments, default=datetime(2020, 1, 1)).replace(tzinfo=CHINA_TIME)  # article dates: China time
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _package(book: list[Chapter], title: str, language: str, narrator: str | None) -> bytes:
    from lxml import etree

    package = etree.Element(f"{{{OPF}}}package", nsmap={None: OPF}, version="3.0", **{"unique-identifier": "pub-id"})
    package.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    metadata = etree.SubElement(package, f"{{{OPF}}}metadata", nsmap={"dc": DC})
    _el(metadata, f"{{{DC}}}identifier", book_identifier(book), id="pub-id")
    _el(metadata, f"{{{DC}}}title", title)
    _el(metadata, f"{{{DC}}}language", language)
    creators = []
    for chapter in book:
        article = chapter.part.article
        for name in (article.source, article.author):
            if name and clean(name) not in creators:
                creators.append(clean(name))
    for index, name in enumerate(creators, 1):
        _el(metadata, f"{{{DC}}}creator", name, id=f"creator{index}")
    dates = sorted(c.part.article.date[:10] for c in book if c.part.article.date)
    if dates:
        _el(metadata, f"{{{DC}}}date", dates[-1])
    meta = lambda prop, value, **kw: _el(metadata, f"{{{OPF}}}meta", value, property=prop, **kw)  # noqa: E731
    meta("dcterms:modified", _modified(book))
    total = 0.0
    for chapter in book:
        overlay = _overlay_duration(chapter)
        total += overlay
        meta("media:duration", clock(overlay), refines=f"#mo-{chapter.number:03d}")
    meta("media:duration", clock(total))
    meta("media:active-class", ACTIVE_CLASS)
    if narrator:
        meta("media:narrator", narrator)
    for mode in ("textual", "auditory"):
        meta("schema:accessMode", mode)
    for sufficient in ("textual", "auditory", "textual,auditory"):
        meta("schema:accessModeSufficient", sufficient)
    for feature in ("synchronizedAudioText", "structuralNavigation", "tableOfContents", "readingOrder"):
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    meta("schema:accessibilitySummary", A11Y_SUMMARY)

    manifest = etree.SubElement(package, f"{{{OPF}}}manifest")
    _el(
        manifest,
        f"{{{OPF}}}item",
        id="nav",
        href="nav.xhtml",
        properties="nav",
        **{"media-type": "application/xhtml+xml"},
    )
    _el(manifest, f"{{{OPF}}}item", id="css", href="style.css", **{"media-type": "text/css"})
    for chapter in book:
        n = f"{chapter.number:03d}"
        _el(
            manifest,
            f"{{{OPF}}}item",
            id=f"c-{n}",
            href=f"{_stem(chapter)}.xhtml",
            **{"media-type": "application/xhtml+xml", "media-overlay": f"mo-{n}"},
        )
        _el(
            manifest,
            f"{{{OPF}}}item",
            id=f"mo-{n}",
            href=f"{_stem(chapter)}.smil",
            **{"media-type": "application/smil+xml"},
        )
        _el(
            manifest,
            f"{{{OPF}}}item",
            id=f"audio-{n}",
            href=f"audio/{_audio_name(chapter)}",
            **{"media-type": AUDIO_TYPES.get(chapter.part.audio.suffix.lower(), "audio/mpeg")},
        )
    spine = etree.SubElement(package, f"{{{OPF}}}spine")
    for chapter in book:
        _el(spine, f"{{{OPF}}}itemref", idref=f"c-{chapter.number:03d}")
    return _serialise(package)


def _overlay_duration(chapter: Chapter) -> float:
    """The sum of the overlay's clip durations, as media:duration means it (rounded as the clips are written)."""
    return sum(_ms(s.clip_end) - _ms(s.clip_begin) for s in chapter.sentences if s.timed) / 1000


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _html(title: str, language: str):
    from lxml import etree

    html = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, "epub": OPS}, lang=language)
    html.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    head = etree.SubElement(html, f"{{{XHTML}}}head")
    _el(head, f"{{{XHTML}}}meta", charset="utf-8")
    _el(head, f"{{{XHTML}}}title", title)
    _el(head, f"{{{XHTML}}}link", rel="stylesheet", type="text/css", href="style.css")
    return html, etree.SubElement(html, f"{{{XHTML}}}body")


def _xhtml(chapter: Chapter, language: str) -> bytes:
    html, body = _html(chapter.title, language)
    section = _el(body, f"{{{XHTML}}}section", id=f"c{chapter.number}", **{f"{{{OPS}}}type": "chapter"})
    container = section
    for block in chapter.blocks:
        if block.kind == "h2":  # each section of the article its own <section>, headed by its h2
            container = _el(section, f"{{{XHTML}}}section", id=f"{block.id}-section")
        tag = "p" if block.kind in ("p", "spoken") else block.kind
        attrs = {"class": "spoken"} if block.kind == "spoken" else {}
        element = _el(container, f"{{{XHTML}}}{tag}", id=block.id, **attrs)
        for sentence in block.sentences:
            _el(element, f"{{{XHTML}}}span", sentence.text, id=sentence.id)
    # Not pretty-printed: whitespace between sentence spans would show as spaces inside Chinese text.
    return _serialise(html, "<!DOCTYPE html>", pretty=False)


def _nav(book: list[Chapter], title: str, language: str) -> bytes:
    html, body = _html(title, language)
    nav = _el(body, f"{{{XHTML}}}nav", id="toc", role="doc-toc", **{f"{{{OPS}}}type": "toc"})
    _el(nav, f"{{{XHTML}}}h1", "目录")
    ol = _el(nav, f"{{{XHTML}}}ol")
    for chapter in book:
        href = f"{_stem(chapter)}.xhtml"
        li = _el(ol, f"{{{XHTML}}}li")
        heading = chapter.headings[0]
        _el(li, f"{{{XHTML}}}a", chapter.title, href=f"{href}#{heading.id}")
        sections = [h for h in chapter.headings if h.kind == "h2"]
        if sections:
            inner = _el(li, f"{{{XHTML}}}ol")
            for h in sections:
                _el(_el(inner, f"{{{XHTML}}}li"), f"{{{XHTML}}}a", h.text, href=f"{href}#{h.id}")
    landmarks = _el(body, f"{{{XHTML}}}nav", hidden="hidden", **{f"{{{OPS}}}type": "landmarks"})
    _el(landmarks, f"{{{XHTML}}}h2", "导航")
    items = _el(landmarks, f"{{{XHTML}}}ol")
    _el(
        _el(items, f"{{{XHTML}}}li"),
        f"{{{XHTML}}}a",
        "正文",
        href=f"{_stem(book[0])}.xhtml",
        **{f"{{{OPS}}}type": "bodymatter"},
    )
    return _serialise(html, "<!DOCTYPE html>")


def _smil(chapter: Chapter) -> bytes:
    from lxml import etree

    smil = etree.Element(f"{{{SMIL}}}smil", nsmap={None: SMIL, "epub": OPS}, version="3.0")
    body = etree.SubElement(smil, f"{{{SMIL}}}body")
    text_file = f"{_stem(chapter)}.xhtml"
    seq = _el(
        body,
        f"{{{SMIL}}}seq",
        id=f"seq-c{chapter.number}",
        **{f"{{{OPS}}}textref": text_file, f"{{{OPS}}}type": "chapter"},
    )
    audio = f"audio/{_audio_name(chapter)}"
    for sentence in chapter.sentences:
        if not sentence.timed:
            continue
        par = _el(seq, f"{{{SMIL}}}par", id=f"par-{sentence.id}")
        _el(par, f"{{{SMIL}}}text", src=f"{text_file}#{sentence.id}")
        _el(par, f"{{{SMIL}}}audio", src=audio, clipBegin=clock(sentence.clip_begin), clipEnd=clock(sentence.clip_end))
    return _serialise(smil)
