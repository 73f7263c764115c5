"""DAISY 2.02 talking books: the format the hardware and software players of libraries for the blind read.

A fileset in one folder: ncc.html (the navigation centre: metadata and one heading per article and section, each
linking to its SMIL), one SMIL 1.0 file per heading with a sentence-level <par> for everything read until the next
heading, content.html (the full text, every sentence addressable), master.smil (the reading order) and the MP3
audio (the episodes' own constant-bit-rate files). `check_daisy` applies the specification's rules that can be
checked without its DTDs; it is what the tests run.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tts.errors import ConfigError, OutputError
from tts.publish.book import Block, Chapter, Sentence, audio_duration, chapters
from tts.publish.xmltext import clean

XHTML = "http://www.w3.org/1999/xhtml"
XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)
SMIL_PUBLIC_ID = "-//W3C//DTD SMIL 1.0//EN"
SMIL_DOCTYPE = f'<!DOCTYPE smil PUBLIC "{SMIL_PUBLIC_ID}" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'
FORMAT = "Daisy 2.02"
TEXT_FILE = "content.html"
DAISY_NAMESPACE = uuid.UUID("0c1e5f7a-2d4b-5a8e-b1c3-6f9d2e4a7b15")
REQUIRED_NCC_META = (
    "dc:title",
    "dc:creator",
    "dc:date",
    "dc:format",
    "dc:identifier",
    "dc:language",
    "dc:publisher",
    "ncc:charset",
    "ncc:pageFront",
    "ncc:pageNormal",
    "ncc:pageSpecial",
    "ncc:tocItems",
    "ncc:totalTime",
)
MULTIMEDIA_TYPES = ("audioOnly", "audioNcc", "audioPartText", "audioFullText", "textPartAudio", "textNcc")


def hms(seconds: float) -> str:
    """hh:mm:ss (ncc:totalTime, ncc:timeInThisSmil, ncc:totalElapsedTime)."""
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def npt(seconds: float) -> str:
    return f"npt={seconds:.3f}s"


@dataclass
class _Smil:
    name: str  # s0001.smil
    heading: Block
    chapter: Chapter
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return sum(round(s.clip_end, 3) - round(s.clip_begin, 3) for s in self.sentences if s.timed)


def write_daisy(
    folder: str | Path,
    episodes,
    title: str | None = None,
    language: str = "zh-CN",
    narrator: str | None = None,
    publisher: str | None = None,
) -> Path:
    """Write a DAISY 2.02 fileset into folder (created, or replaced whole when it holds a previous book)."""
    target = Path(folder)
    book = chapters(episodes)
    for chapter in book:
        if chapter.part.audio.suffix.lower() != ".mp3":
            raise ConfigError(
                f"DAISY 2.02 players need MP3 audio; {chapter.part.audio.name} is not (build with --format mp3)"
            )
    if target.exists() and not (target.is_dir() and (not any(target.iterdir()) or (target / "ncc.html").is_file())):
        raise OutputError(f"{target} exists and is not a DAISY book; choose a new folder")
    title = clean(title) if title else (book[0].title if len(book) == 1 else "新闻合集")
    smils = _smil_files(book)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        audio = {c.number: f"a{c.number:03d}.mp3" for c in book}
        for chapter in book:
            shutil.copyfile(chapter.part.audio, tmp / audio[chapter.number])
        (tmp / TEXT_FILE).write_bytes(_content(book, title, language))
        elapsed = 0.0
        identifier = _identifier(book)
        for smil in smils:
            (tmp / smil.name).write_bytes(_smil(smil, audio[smil.chapter.number], title, identifier, elapsed))
            elapsed += smil.duration
        (tmp / "master.smil").write_bytes(_master(smils, title, identifier, elapsed))
        files = 3 + len(smils) + len(book)  # ncc, content, master, smils, audio
        (tmp / "ncc.html").write_bytes(
            _ncc(book, smils, title, language, identifier, elapsed, files, narrator, publisher)
        )
        if target.exists():
            old = target.with_name(f".{target.name}.{os.getpid()}.old")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _identifier(book: list[Chapter]) -> str:
    from tts.output.report import episode_id

    return str(uuid.uuid5(DAISY_NAMESPACE, "\n".join(episode_id(c.part.article, None) for c in book)))


def _smil_files(book: list[Chapter]) -> list[_Smil]:
    """One SMIL per heading: the heading and everything read until the next heading."""
    smils: list[_Smil] = []
    for chapter in book:
        for block in chapter.blocks:
            if block.kind in ("h1", "h2"):
                smils.append(_Smil(f"s{len(smils) + 1:04d}.smil", block, chapter))
            smils[-1].sentences += [s for s in block.sentences if s.timed]
    return smils


def _doc(doctype: str, root) -> bytes:
    from lxml import etree

    body = etree.tostring(root, encoding="unicode", pretty_print=False)
    return f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n{body}\n'.encode()


def _el(parent, tag: str, text: str | None = None, **attrs):
    from lxml import etree

    element = etree.SubElement(parent, tag, {k.rstrip("_").replace("__", ":"): v for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _xhtml(title: str, language: str):
    from lxml import etree

    html = etree.Element("html", xmlns=XHTML, lang=language)
    html.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    head = etree.SubElement(html, "head")
    _el(head, "meta", **{"http-equiv": "Content-type", "content": "text/html; charset=utf-8"})
    _el(head, "title", title)
    return html, head


def _book_date(book: list[Chapter]) -> str:
    dates = sorted(c.part.article.date[:10] for c in book if c.part.article.date)
    return dates[-1] if dates else date.today().isoformat()


def _ncc(
    book,
    smils: list[_Smil],
    title: str,
    language: str,
    identifier: str,
    total: float,
    files: int,
    narrator: str | None,
    publisher: str | None,
) -> bytes:
    html, head = _xhtml(title, language)
    creators = []
    for chapter in book:
        for name in (chapter.part.article.source, chapter.part.article.author):
            if name and clean(name) not in creators:
                creators.append(clean(name))
    meta = {
        "dc:title": title,
        "dc:creator": "，".join(creators) or "tts",
        "dc:date": _book_date(book),
        "dc:format": FORMAT,
        "dc:identifier": identifier,
        "dc:language": language,
        "dc:publisher": publisher or (clean(book[0].part.article.source) if book[0].part.article.source else "tts"),
        "ncc:charset": "utf-8",
        "ncc:pageFront": "0",
        "ncc:pageNormal": "0",
        "ncc:pageSpecial": "0",
        "ncc:maxPageNormal": "0",
        "ncc:tocItems": str(len(smils)),
        "ncc:totalTime": hms(total),
        "ncc:depth": str(max(2 if s.heading.kind == "h2" else 1 for s in smils)),
        "ncc:files": str(files),
        "ncc:multimediaType": "audioFullText",
        "ncc:generator": "tts",
        "ncc:narrator": narrator or "synthetic speech",
    }
    for name, content in meta.items():
        _el(head, "meta", name=name, content=clean(content))
    body = _el(html, "body")
    for n, smil in enumerate(smils):
        attrs = {"class_": "title"} if n == 0 else {}
        heading = _el(body, smil.heading.kind, id=f"ncc_{smil.heading.id}", **attrs)
        _el(
            heading,
            "a",
            smil.heading.text,
            href=f"{smil.name}#{_par_id(smil.sentences[0])}" if smil.sentences else f"{smil.name}#seq",
        )
    return _doc(XHTML_DOCTYPE, html)


def _par_id(sentence: Sentence) -> str:
    return f"par_{sentence.id}"


def _content(book: list[Chapter], title: str, language: str) -> bytes:
    html, _head = _xhtml(title, language)
    body = _el(html, "body")
    for chapter in book:
        for block in chapter.blocks:
            tag = "p" if block.kind in ("p", "spoken") else block.kind
            element = _el(body, tag, id=block.id)
            for sentence in block.sentences:
                _el(element, "span", sentence.text, id=sentence.id)
    return _doc(XHTML_DOCTYPE, html)


def _smil_head(smil, title: str, identifier: str, extra: dict[str, str]):
    head = _el(smil, "head")
    for name, content in {
        "dc:format": FORMAT,
        "dc:title": title,
        "dc:identifier": identifier,
        "ncc:generator": "tts",
        **extra,
    }.items():
        _el(head, "meta", name=name, content=clean(content))
    layout = _el(head, "layout")
    _el(layout, "region", id="txtView")
    return head


def _smil(smil: _Smil, audio: str, title: str, identifier: str, elapsed: float) -> bytes:
    from lxml import etree

    root = etree.Element("smil")
    _smil_head(
        root, title, identifier, {"ncc:timeInThisSmil": hms(smil.duration), "ncc:totalElapsedTime": hms(elapsed)}
    )
    body = _el(root, "body")
    seq = _el(body, "seq", id="seq", dur=f"{smil.duration:.3f}s")
    for sentence in smil.sentences:
        par = _el(seq, "par", id=_par_id(sentence), endsync="last")
        _el(par, "text", src=f"{TEXT_FILE}#{sentence.id}", id=f"txt_{sentence.id}")
        audio_seq = _el(par, "seq")
        _el(
            audio_seq,
            "audio",
            src=audio,
            id=f"aud_{sentence.id}",
            **{"clip-begin": npt(sentence.clip_begin), "clip-end": npt(sentence.clip_end)},
        )
    return _doc(SMIL_DOCTYPE, root)


def _master(smils: list[_Smil], title: str, identifier: str, total: float) -> bytes:
    from lxml import etree

    root = etree.Element("smil")
    _smil_head(root, title, identifier, {"ncc:timeInThisSmil": hms(total)})
    body = _el(root, "body")
    for smil in smils:
        _el(body, "ref", src=smil.name, title=smil.heading.text, id=f"ref_{smil.name.split('.')[0]}")
    return _doc(SMIL_DOCTYPE, root)


# -- checks from the DAISY 2.02 specification --------------------------------------------------------------

_HMS = re.compile(r"^\d{2}:[0-5]\d:[0-5]\d(\.\d+)?$")
_NPT = re.compile(r"^npt=(\d+(?:\.\d+)?)s$")


def _npt_seconds(value: str | None) -> float | None:
    match = _NPT.match(value or "")
    return float(match.group(1)) if match else None


def _hms_seconds(value: str) -> float:
    h, m, s = value.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def check_daisy(folder: str | Path) -> list[str]:
    """Every rule broken, as one line each (empty when the book passes). Not checked: validity against the XHTML 1.0
    and SMIL 1.0 DTDs (not available offline), audio encoding details beyond MP3 duration."""
    from lxml import etree

    root = Path(folder)
    problems: list[str] = []
    ncc_path = root / "ncc.html"
    if not ncc_path.is_file():
        return ["ncc.html is missing"]
    try:
        ncc = etree.parse(str(ncc_path))
    except etree.XMLSyntaxError as exc:
        return [f"ncc.html is not well-formed XHTML: {exc}"]
    if not (ncc.docinfo.doctype or "").startswith('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'):
        problems.append("ncc.html does not declare an XHTML 1.0 doctype")
    x = {"x": XHTML}
    meta = {m.get("name"): m.get("content") for m in ncc.iterfind(".//x:head/x:meta", namespaces=x) if m.get("name")}
    for name in REQUIRED_NCC_META:
        if not (meta.get(name) or "").strip():
            problems.append(f"ncc.html: required metadata {name} is missing")
    if meta.get("dc:format") != FORMAT:
        problems.append(f"ncc.html: dc:format is {meta.get('dc:format')!r}, not {FORMAT!r}")
    if meta.get("dc:date") and not re.match(r"^\d{4}-\d{2}-\d{2}$", meta["dc:date"]):
        problems.append(f"ncc.html: dc:date {meta['dc:date']!r} is not yyyy-mm-dd")
    if meta.get("ncc:totalTime") and not _HMS.match(meta["ncc:totalTime"]):
        problems.append(f"ncc.html: ncc:totalTime {meta['ncc:totalTime']!r} is not hh:mm:ss")
    for name in ("ncc:pageFront", "ncc:pageNormal", "ncc:pageSpecial", "ncc:tocItems"):
        if meta.get(name) and not meta[name].isdigit():
            problems.append(f"ncc.html: {name} {meta[name]!r} is not a number")
    if meta.get("ncc:multimediaType") and meta["ncc:multimediaType"] not in MULTIMEDIA_TYPES:
        problems.append(f"ncc.html: ncc:multimediaType {meta['ncc:multimediaType']!r} is not a DAISY 2.02 type")

    body = ncc.find(".//x:body", namespaces=x)
    headings = (
        [e for e in body if etree.QName(e).localname in ("h1", "h2", "h3", "h4", "h5", "h6")]
        if body is not None
        else []
    )
    if not headings or etree.QName(headings[0]).localname != "h1" or headings[0].get("class") != "title":
        problems.append('ncc.html: the first heading is not <h1 class="title">')
    if meta.get("ncc:tocItems", "").isdigit() and int(meta["ncc:tocItems"]) != len(headings):
        problems.append(f"ncc.html: ncc:tocItems is {meta['ncc:tocItems']} but there are {len(headings)} headings")
    level = 0
    smil_order: list[str] = []
    for heading in headings:
        depth = int(etree.QName(heading).localname[1])
        if depth > level + 1:
            problems.append(f"ncc.html: heading {heading.get('id')} skips from h{level} to h{depth}")
        level = depth
        links = heading.findall("x:a", namespaces=x)
        if not heading.get("id") or len(links) != 1:
            problems.append(f"ncc.html: heading {heading.get('id')!r} needs an id and exactly one link")
            continue
        target = links[0].get("href", "")
        file, _, fragment = target.partition("#")
        if not (root / file).is_file():
            problems.append(f"ncc.html: {target} points to a missing file")
            continue
        smil = etree.parse(str(root / file))
        if not smil.xpath("//*[@id=$id]", id=fragment):
            problems.append(f"ncc.html: {target} points to no element")
        if file not in smil_order:
            smil_order.append(file)
    if meta.get("ncc:depth", "").isdigit() and headings:
        deepest = max(int(etree.QName(h).localname[1]) for h in headings)
        if int(meta["ncc:depth"]) != deepest:
            problems.append(f"ncc.html: ncc:depth is {meta['ncc:depth']} but the deepest heading is h{deepest}")

    problems += _check_smils(root, smil_order, meta)
    return problems


def _check_smils(root: Path, smil_order: list[str], meta: dict[str, str]) -> list[str]:
    from lxml import etree

    problems: list[str] = []
    master = root / "master.smil"
    if master.is_file():
        refs = [r.get("src") for r in etree.parse(str(master)).iter("ref")]
        if refs != smil_order:
            problems.append("master.smil's reading order differs from the NCC's")
    text_order: dict[str, list[str]] = {}
    text_docs: dict[str, Any] = {}
    positions: list[tuple[str, int]] = []
    durations: dict[str, float] = {}
    last_clip: dict[str, float] = {}
    elapsed = 0.0
    referenced: set[tuple[str, str]] = set()
    for name in smil_order:
        doc = etree.parse(str(root / name))
        if doc.docinfo.public_id != SMIL_PUBLIC_ID:
            problems.append(f"{name}: doctype is not SMIL 1.0 ({SMIL_PUBLIC_ID})")
        head = {m.get("name"): m.get("content") for m in doc.iterfind("head/meta")}
        for required in ("dc:format", "ncc:timeInThisSmil"):
            if not head.get(required):
                problems.append(f"{name}: head metadata {required} is missing")
        if doc.find("head/layout/region") is None:
            problems.append(f"{name}: no layout region")
        seq = doc.find("body/seq")
        if seq is None:
            problems.append(f"{name}: body has no <seq>")
            continue
        total = 0.0
        for par in seq.iterfind("par"):
            where = f"{name}#{par.get('id')}"
            texts, audios = par.findall("text"), par.findall(".//audio")
            if len(texts) != 1 or not audios:
                problems.append(f"{where}: a par needs one text and its audio")
                continue
            file, _, fragment = texts[0].get("src", "").partition("#")
            if file not in text_docs:
                text_docs[file] = etree.parse(str(root / file)) if (root / file).is_file() else None
                text_order[file] = (
                    [e.get("id") for e in text_docs[file].iter() if e.get("id")] if text_docs[file] else []
                )
            if text_docs[file] is None or fragment not in text_order[file]:
                problems.append(f"{where}: text {texts[0].get('src')} does not resolve")
            else:
                positions.append((file, text_order[file].index(fragment)))
                referenced.add((file, fragment))
            for audio in audios:
                src = audio.get("src", "")
                begin, end = _npt_seconds(audio.get("clip-begin")), _npt_seconds(audio.get("clip-end"))
                if not (root / src).is_file():
                    problems.append(f"{where}: audio {src} is missing")
                    continue
                if src not in durations:
                    durations[src] = audio_duration(root / src)
                if begin is None or end is None or not 0 <= begin < end:
                    problems.append(f"{where}: clip {audio.get('clip-begin')}..{audio.get('clip-end')} is not a clip")
                    continue
                if end > durations[src] + 0.001:
                    problems.append(f"{where}: clip ends at {end:.3f}s, after the audio's end ({durations[src]:.3f}s)")
                if begin < last_clip.get(src, 0.0) - 0.001:
                    problems.append(f"{where}: clip starts before the previous clip of {src} ended (reading order)")
                last_clip[src] = end
                total += end - begin
        dur = _npt_seconds("npt=" + (seq.get("dur") or ""))
        if dur is None or abs(dur - total) > 0.01:
            problems.append(f"{name}: seq dur {seq.get('dur')!r} is not the sum of its clips ({total:.3f}s)")
        if head.get("ncc:timeInThisSmil") and abs(_hms_seconds(head["ncc:timeInThisSmil"]) - total) > 1:
            problems.append(f"{name}: ncc:timeInThisSmil {head['ncc:timeInThisSmil']} is not its length")
        if head.get("ncc:totalElapsedTime") and abs(_hms_seconds(head["ncc:totalElapsedTime"]) - elapsed) > 1:
            problems.append(f"{name}: ncc:totalElapsedTime {head['ncc:totalElapsedTime']} is not the time before it")
        elapsed += total
    for file in text_order:
        indices = [index for f, index in positions if f == file]
        if indices != sorted(indices) or len(set(indices)) != len(indices):
            problems.append(f"SMIL text references do not follow {file}'s order (or repeat a sentence)")
    if (
        meta.get("ncc:totalTime")
        and _HMS.match(meta["ncc:totalTime"])
        and abs(_hms_seconds(meta["ncc:totalTime"]) - elapsed) > 1
    ):
        problems.append(f"ncc.html: ncc:totalTime {meta['ncc:totalTime']} but the SMIL files last {hms(elapsed)}")
    if meta.get("ncc:files", "").isdigit():
        files = 1 + len(smil_order) + len(text_docs) + len(durations) + (1 if master.is_file() else 0)
        if int(meta["ncc:files"]) != files:
            problems.append(f"ncc.html: ncc:files is {meta['ncc:files']} but the book has {files} files")
    return problems
