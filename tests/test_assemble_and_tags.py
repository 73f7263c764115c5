"""Assembly lays clips and pauses on one timeline; the MP3's ID3v2.3 chapters follow it, in order on disk."""

from __future__ import annotations

import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from tts.model import Article, Chapter, Clip, Section
from tts.output.assemble import assemble
from tts.output.ffmpeg import decoded_duration, encode_mp3
from tts.output.tags import EpisodeTags, id3_tag
from tts.speech.plan import make_plan
from tts.speech.profiles import Pauses

from . import id3raw

RATE = 24_000


def tone(seconds: float) -> Clip:
    t = np.arange(int(RATE * seconds)) / RATE
    return Clip((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE)


@pytest.fixture
def plan():
    article = Article(
        title="标题",
        sections=[
            Section(None, ["导语第一句。导语第二句。"]),
            Section("第二部分的一个很长很长的小标题", ["正文。"]),
            Section("短", ["结尾。"]),
        ],
    )
    return make_plan(article)


def test_timeline_places_sentences_between_planned_pauses(plan):
    clips = [tone(1.0) for _ in plan.chunks]
    pauses = Pauses(sentence=500, paragraph=700, heading=600, title=1000, section=1300)
    track = assemble(plan, clips, pauses, lead_in_ms=300, tail_ms=800)
    cues = track.timeline.sentences
    assert [c.text for c in cues] == [
        "标题",
        "导语第一句。",
        "导语第二句。",
        "第二部分的一个很长很长的小标题",
        "正文。",
        "短",
        "结尾。",
    ]
    assert cues[0].start == pytest.approx(0.3)
    assert cues[1].start - cues[0].end == pytest.approx(1.0)  # after the title
    assert cues[2].start - cues[1].end == pytest.approx(0.5)  # between sentences
    assert cues[3].start - cues[2].end == pytest.approx(1.3)  # between sections
    assert len(track.pcm) == round(track.timeline.duration * RATE)


def test_chapters_start_at_zero_are_contiguous_and_end_at_the_duration(plan):
    track = assemble(plan, [tone(0.5) for _ in plan.chunks], Pauses())
    chapters = track.timeline.chapters
    assert [c.title for c in chapters] == ["标题", "第二部分的一个很长很长的小标题", "短"]
    assert chapters[0].start == 0
    assert all(a.end == b.start for a, b in zip(chapters, chapters[1:]))
    assert chapters[-1].end == track.timeline.duration
    cue_starts = {c.text: c.start for c in track.timeline.sentences}
    assert chapters[1].start <= cue_starts["第二部分的一个很长很长的小标题"]


def test_mp3_carries_ordered_chapters_readable_by_mutagen_and_ffmpeg(tmp_path, plan):
    track = assemble(plan, [tone(0.7) for _ in plan.chunks], Pauses())
    audio = tmp_path / "audio.mp3"
    encode_mp3(track.pcm, track.sample_rate, audio)
    # Titles of very different lengths: mutagen's own save would reorder these frames by size.
    chapters = track.timeline.chapters
    tagged = tmp_path / "episode.mp3"
    tags = EpisodeTags(title="标题", artist="中国甘肃网", date="2021-09-15 15:09")
    tagged.write_bytes(id3_tag(tags, chapters, track.timeline.duration) + audio.read_bytes())

    version, _ = id3raw.frames(tagged)
    assert version == 3
    raw = id3raw.chapters(tagged)
    assert [c.element_id for c in raw] == ["ch0", "ch1", "ch2"]
    assert [c.title for c in raw] == [c.title for c in chapters]
    assert [c.start_ms for c in raw] == sorted(c.start_ms for c in raw)
    assert raw[0].start_ms == 0 and raw[-1].end_ms == round(track.timeline.duration * 1000)
    flags, ids, title = id3raw.toc(tagged)
    assert flags == 0x03 and ids == ["ch0", "ch1", "ch2"] and title == "标题"

    tag = ID3(tagged)
    assert tag["TIT2"].text == ["标题"] and tag["TPE1"].text == ["中国甘肃网"]
    assert str(tag["TDRC"].text[0]).startswith("2021-09-15")
    assert MP3(tagged).info.length == pytest.approx(track.timeline.duration, abs=0.06)
    assert decoded_duration(tagged) == pytest.approx(track.timeline.duration, abs=0.05)


def test_chapter_times_are_written_in_milliseconds():
    tag = id3_tag(EpisodeTags(title="t"), [Chapter(0, 1.2344, "a"), Chapter(1.2344, 2.5, "b")], 2.5)
    assert tag[:3] == b"ID3" and tag[3] == 3


def test_marks_place_words_cues_and_chapters_in_the_track(plan):
    """Marks are relative to each clip: the timeline adds where the clip lies (lead-in, clips and pauses before it)."""
    from tts.model import Mark

    def marked(clip: Clip, text: str) -> Clip:
        spans = [(i, i + 1) for i, c in enumerate(text) if c not in "。"]
        step = (len(clip.samples) / RATE - 0.2) / len(spans)
        return Clip(
            clip.samples,
            RATE,
            tuple(Mark(a, b, 0.1 + n * step, 0.1 + (n + 1) * step) for n, (a, b) in enumerate(spans)),
        )

    clips = [marked(tone(1.0), c.spoken) for c in plan.chunks]
    pauses = Pauses(sentence=500, paragraph=700, heading=600, title=1000, section=1300)
    timeline = assemble(plan, clips, pauses, lead_in_ms=300).timeline
    assert timeline.words and [w.start for w in timeline.words] == sorted(w.start for w in timeline.words)
    first = timeline.words[0]
    assert (first.sentence, first.start) == (0, pytest.approx(0.4))  # 0.3 s lead-in + the mark's 0.1 s
    plain = assemble(plan, [tone(1.0) for _ in plan.chunks], pauses, lead_in_ms=300).timeline
    for cue, edge in zip(timeline.sentences, plain.sentences):
        assert cue.start == pytest.approx(edge.start + 0.1) and cue.end == pytest.approx(edge.end - 0.1)
    heading = next(c for c in timeline.sentences if c.text == "第二部分的一个很长很长的小标题")
    assert timeline.chapters[1].start == pytest.approx(heading.start - 0.25)
