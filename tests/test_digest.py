"""Digest episodes (`tts build --digest`): several real articles (Kokoro) as one programme with nested chapters."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.books import VARIANTS
from tests.id3raw import _sub_frames, chapters, frames
from tts.cli import app
from tts.errors import InputError
from tts.options import AudioSettings, BuildOptions
from tts.publish.digest import build_digest

NAMES = ("one", "three", "four")


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("digest")
    paths = []
    for name in NAMES:
        paths.append(folder / f"{name}.txt")
        paths[-1].write_text(VARIANTS[name], encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def digest(sources, real_cache):
    return build_digest([str(s) for s in sources], BuildOptions(engine="tone", output=sources[0].parent / "brief.mp3"))


def _ctocs(path: Path) -> dict[str, tuple[int, list[str], str]]:
    """CTOC frames as on disk: element id -> (flags, child ids, title)."""
    out = {}
    for fid, body in frames(path)[1]:
        if fid == "CTOC":
            element_id, rest = body.split(b"\x00", 1)
            flags, count = rest[0], rest[1]
            children, pos = [], 2
            for _ in range(count):
                end = rest.index(b"\x00", pos)
                children.append(rest[pos:end].decode("latin-1"))
                pos = end + 1
            out[element_id.decode()] = (flags, children, _sub_frames(rest[pos:]).get("TIT2", ""))
    return out


def test_opening_lists_the_stories_and_chapters_nest_per_article(digest):
    titles = [VARIANTS[n].split("\n")[2].strip() for n in NAMES]
    opening = digest.timeline.sentences[0]
    assert opening.start < 1.0 and all(t in opening.text for t in titles)
    raw = chapters(digest.audio)
    assert [c.start_ms for c in raw] == sorted(c.start_ms for c in raw)  # start order on disk
    assert raw[0].start_ms == 0 and raw[-1].end_ms == round(digest.timeline.duration * 1000)
    assert all(a.end_ms == b.start_ms for a, b in zip(raw, raw[1:], strict=False))
    tocs = _ctocs(digest.audio)
    flags, top, _title = tocs["toc"]
    assert flags == 0x03  # top-level and ordered, and the only top-level one
    assert [f for e, (f, _, _) in tocs.items() if f & 0x02] == [0x03]
    assert top == ["ch0", "toc1", "toc2", "toc3"]
    chapter_ids = {c.element_id for c in raw}
    covered = ["ch0"]
    for n, result_title in enumerate(titles, 1):
        flags, children, label = tocs[f"toc{n}"]
        assert flags == 0x01 and result_title in label and "中国甘肃网" in label
        assert set(children) <= chapter_ids
        covered += children
        first = next(c for c in raw if c.element_id == children[0])
        assert result_title in first.title
    assert covered == [c.element_id for c in raw]  # every chapter once, in order
    # "four" has a lead and two sections: three chapters under its CTOC
    assert len(tocs["toc3"][1]) == 3


def test_m4b_digest_has_the_same_chapters_flat(sources, digest, real_cache):
    import mutagen

    m4b = build_digest(
        [str(s) for s in sources],
        BuildOptions(engine="tone", output=sources[0].parent / "brief.m4b", audio=AudioSettings(format="m4b")),
    )
    assert [c.title for c in m4b.timeline.chapters] == [c.title for c in digest.timeline.chapters]
    assert mutagen.File(m4b.audio).info.length == pytest.approx(digest.timeline.duration, abs=0.2)


def test_cli_digest_and_bad_input(sources, tmp_path, real_cache):
    out = tmp_path / "briefing.mp3"
    result = CliRunner().invoke(app, ["build", *map(str, sources[:2]), "--digest", "-e", "tone", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(_ctocs(out)) == 3
    one = CliRunner().invoke(app, ["build", str(sources[0]), "--digest", "-e", "tone", "-o", str(out)])
    assert one.exit_code == 2 and one.output.strip().startswith("error:") and "two articles" in one.output
    book = CliRunner().invoke(app, ["build", *map(str, sources), "--digest", "--format", "epub"])
    assert book.exit_code == 2 and "not a book" in book.output
    with pytest.raises(InputError):
        build_digest([str(sources[0])], BuildOptions(engine="tone"))
