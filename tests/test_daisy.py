"""DAISY 2.02 talking books from articles really built (Kokoro): the specification's checks, and a walk of every par."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from tests.books import VARIANTS, build_article, build_sample
from tts.errors import ConfigError, OutputError
from tts.publish.book import audio_duration
from tts.publish.daisy import REQUIRED_NCC_META, check_daisy, write_daisy
from tts.publish.xmltext import clean

X = {"x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def built(tmp_path_factory, real_cache):
    folder = tmp_path_factory.mktemp("articles")
    return {name: build_article(folder, name) for name in VARIANTS}


@pytest.fixture(scope="module")
def day_book(built, tmp_path_factory) -> Path:
    return write_daisy(tmp_path_factory.mktemp("books") / "day", list(built.values()), title="每日新闻 <2021-09-15>")


def test_five_article_book_passes_the_specification_checks(day_book):
    assert check_daisy(day_book) == []


@pytest.mark.slow  # the seed sample, synthesised with the real offline voice (minutes)
def test_seed_sample_passes_the_specification_checks(tmp_path, real_cache):
    sample = build_sample(tmp_path)
    assert check_daisy(write_daisy(tmp_path / "sample-book", [sample])) == []


def _npt(value: str) -> float:
    return float(re.fullmatch(r"npt=([\d.]+)s", value).group(1))


def test_every_par_resolves_to_its_sentence_and_a_clip_inside_the_audio(day_book, built):
    ncc = etree.parse(str(day_book / "ncc.html"))
    meta = {m.get("name"): m.get("content") for m in ncc.iterfind(".//x:meta", namespaces=X) if m.get("name")}
    for name in REQUIRED_NCC_META:
        assert meta[name].strip(), name
    assert meta["dc:format"] == "Daisy 2.02" and meta["ncc:multimediaType"] == "audioFullText"
    content = etree.parse(str(day_book / "content.html"))
    spans = {e.get("id"): "".join(e.itertext()) for e in content.iter("{*}span")}
    headings = ncc.xpath("//x:body/*", namespaces=X)
    assert int(meta["ncc:tocItems"]) == len(headings)
    smil_names = list(dict.fromkeys(h.find("x:a", namespaces=X).get("href").split("#")[0] for h in headings))
    cues = [c for result in built.values() for c in result.timeline.sentences]
    pars = []
    for name in smil_names:
        pars += etree.parse(str(day_book / name)).findall(".//par")
    assert len(pars) == len(cues)  # every sentence heard is one par, in reading order
    total = 0.0
    ends: dict[str, float] = {}
    for par, cue in zip(pars, cues, strict=True):
        (text,) = par.findall("text")
        (audio,) = par.findall(".//audio")
        file, fragment = text.get("src").split("#")
        assert file == "content.html" and spans[fragment] == clean(cue.text)
        begin, end = _npt(audio.get("clip-begin")), _npt(audio.get("clip-end"))
        src = audio.get("src")
        assert begin == pytest.approx(ends.get(src, 0.0), abs=0.002)  # contiguous within each article's audio
        assert 0 <= begin <= cue.start + 0.001 < end <= audio_duration(day_book / src) + 0.001
        ends[src] = end
        total += end - begin
    for src, end in ends.items():
        assert end == pytest.approx(audio_duration(day_book / src), abs=0.002)
    h, m, s = map(int, meta["ncc:totalTime"].split(":"))
    assert abs(h * 3600 + m * 60 + s - total) <= 0.5 + 1e-6
    # headings: h1 per article (the first with class="title"), h2 per section, each linking to its own text
    levels = [etree.QName(h).localname for h in headings]
    expected = []
    for result in built.values():
        expected += ["h1"] + ["h2" for s in result.article.sections if s.heading]
    assert levels == expected and headings[0].get("class") == "title"
    for heading in headings:
        smil, par_id = heading.find("x:a", namespaces=X).get("href").split("#")
        (par,) = etree.parse(str(day_book / smil)).xpath("//par[@id=$id]", id=par_id)
        assert spans[par.find("text").get("src").split("#")[1]] == "".join(heading.itertext())


def test_identifiers_are_stable_and_text_escaped(built, tmp_path):
    results = list(built.values())
    first = write_daisy(tmp_path / "a", results)
    second = write_daisy(tmp_path / "b", results)
    for name in ("ncc.html", "content.html", "master.smil", "s0001.smil"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    text = (first / "content.html").read_text(encoding="utf-8")
    assert "静宁苹果&lt;丰收&gt;季 &amp; 果农喜笑颜开" in text and "\x07" not in text
    rewritten = write_daisy(first, results[:1])  # a previous book in the folder is replaced whole
    assert check_daisy(rewritten) == [] and not (rewritten / "a002.mp3").exists()


def _copy(book: Path, tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(book, target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _swap_first_pars(book: Path) -> None:
    smil = book / "s0001.smil"
    text = smil.read_text(encoding="utf-8")
    pars = re.findall(r"<par .*?</par>", text)
    smil.write_text(text.replace(pars[0], "\0").replace(pars[1], pars[0]).replace("\0", pars[1]), encoding="utf-8")


def _set_meta(name: str, value: str):
    def edit(book: Path) -> None:
        ncc = book / "ncc.html"
        text = ncc.read_text(encoding="utf-8")
        ncc.write_text(re.sub(rf'(name="{name}" content=")[^"]*', rf"\g<1>{value}", text), encoding="utf-8")

    return edit


FAULTS = {
    "no identifier": (
        lambda b: _edit(b / "ncc.html", 'name="dc:identifier"', 'name="dc:ident"'),
        "dc:identifier is missing",
    ),
    "format": (_set_meta("dc:format", "Daisy 3"), "dc:format"),
    "total time": (_set_meta("ncc:totalTime", "01:00:00"), "ncc:totalTime"),
    "toc items": (_set_meta("ncc:tocItems", "99"), "ncc:tocItems"),
    "date form": (_set_meta("dc:date", "15/09/2021"), "yyyy-mm-dd"),
    "no title class": (lambda b: _edit(b / "ncc.html", ' class="title"', ""), 'h1 class="title"'),
    "skipped level": (
        lambda b: _edit(b / "ncc.html", "</h2>", "</h4>") or _edit(b / "ncc.html", "<h2 ", "<h4 "),
        "skips from h1 to h4",
    ),
    "broken link": (lambda b: _edit(b / "ncc.html", "s0001.smil#par_", "s0001.smil#nopar_"), "points to no element"),
    "missing smil": (lambda b: (b / "s0002.smil").unlink(), "missing file"),
    "text ref": (lambda b: _edit(b / "s0001.smil", "content.html#c1s1", "content.html#c9s9"), "does not resolve"),
    "clip after end": (lambda b: _edit(b / "s0002.smil", 'clip-end="npt=', 'clip-end="npt=9'), "after the audio's end"),
    "reading order": (_swap_first_pars, "order"),
    "missing audio": (lambda b: (b / "a001.mp3").unlink(), "audio a001.mp3 is missing"),
    "smil doctype": (lambda b: _edit(b / "s0001.smil", "SMIL 1.0//EN", "SMIL 2.0//EN"), "doctype"),
    "seq dur": (lambda b: _edit(b / "s0001.smil", 'dur="', 'dur="1'), "seq dur"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_checks_catch_each_fault(day_book, tmp_path, fault):
    book = _copy(day_book, tmp_path)
    edit, expected = FAULTS[fault]
    edit(book)
    problems = check_daisy(book)
    assert any(expected in p for p in problems), problems


def test_bad_input(built, tmp_path):
    m4b = build_article(tmp_path, "one", fmt="m4b")
    with pytest.raises(ConfigError):
        write_daisy(tmp_path / "book", [m4b])
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError):
        write_daisy(occupied, [built["one"]])
    assert (occupied / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_cli_builds_a_daisy_folder(tmp_path, real_cache):
    from typer.testing import CliRunner

    from tts.cli import app

    source = tmp_path / "four.txt"
    source.write_text(VARIANTS["four"], encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(source), "-e", "tone", "--format", "daisy"])
    assert result.exit_code == 0, result.output
    book = tmp_path / "four-daisy"
    assert check_daisy(book) == []
    assert sorted(p.name for p in book.glob("*.smil")) == ["master.smil", "s0001.smil", "s0002.smil", "s0003.smil"]
