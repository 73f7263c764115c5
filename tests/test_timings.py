"""Exact timings: Kokoro's own durations become marks, marks become word times, cues and chapters in the episode,
and every sidecar escapes its text by its format's rules."""

from __future__ import annotations

import json

import numpy as np
import pytest
import srt
import webvtt

from tts.engines import kokoro_assets
from tts.model import Article, Chapter, Cue, Section, Timeline, Word
from tts.output.assemble import assemble
from tts.output.sidecars import caption_cues, clean_text, to_chapters_json, to_srt, to_webvtt, to_words_json
from tts.speech.align import Alignment, word_spans
from tts.speech.cache import ClipCache
from tts.speech.normalize import Speaker
from tts.speech.plan import PlanOptions, make_plan
from tts.speech.profiles import Pauses

RATE = 24_000


def silences(samples, rate: int, quiet: float = 0.01, min_gap_s: float = 0.5) -> list[tuple[float, float]]:
    """Silences of at least min_gap_s in samples (20 ms RMS frames under `quiet`), as (start, end) seconds."""
    frame = rate // 50
    x = samples.astype(np.float32) / 32768 if samples.dtype == np.int16 else np.asarray(samples, dtype=np.float32)
    rms = np.sqrt(np.mean(x[: len(x) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    gaps, start = [], None
    for n, q in enumerate(rms < quiet):
        if q and start is None:
            start = n
        elif not q and start is not None:
            if (n - start) / 50 >= min_gap_s:
                gaps.append((start / 50, n / 50))
            start = None
    return gaps


# -- the engine ------------------------------------------------------------------------------------


def test_durations_from_the_graph_account_for_every_sample(kokoro):
    ids = kokoro._token_ids("天津武清携手甘肃静宁奔小康。")
    audio, durations = kokoro._infer(ids, "zm_yunjian", 1.0)
    assert durations is not None and len(durations) == len(ids) + 2  # one per token, both pads included
    assert int(durations.sum()) * kokoro_assets.FRAME_SAMPLES == len(audio)


def test_every_character_is_timed_in_order_and_the_marks_span_the_clip(kokoro):
    text = "九月的静宁，满山苹果挂满枝头。"
    clip = kokoro.synthesize(text, "zm_yunjian")
    length = len(clip.samples) / clip.sample_rate
    spoken = [m for m in clip.marks if text[m.start_char : m.end_char] not in "，。"]
    assert "".join(text[m.start_char : m.end_char] for m in spoken) == "九月的静宁满山苹果挂满枝头"
    starts = [m.start for m in clip.marks]
    assert starts == sorted(starts) and all(m.start <= m.end for m in clip.marks)
    assert spoken[0].start < 0.1  # the first syllable is heard as the trimmed clip begins
    assert abs(clip.marks[-1].end - length) < 0.06
    # Syllables have plausible lengths (Mandarin news: ~0.1-0.5 s each).
    assert all(0.04 <= m.end - m.start <= 0.6 for m in spoken)


def test_lexicon_words_and_latin_words_are_timed(kokoro):
    text = "{行长|hang2 zhang3}用iPhone"
    clip = kokoro.synthesize(text, "zm_yunjian")
    timed = {text[m.start_char : m.end_char]: m for m in clip.marks}
    assert {"行", "长", "用", "iPhone"} <= set(timed)
    assert timed["行"].end <= timed["长"].start + 1e-9 < timed["用"].start < timed["iPhone"].start


def test_marks_survive_the_cache(fresh_cache, kokoro):
    clip = kokoro.synthesize("果园里的丰收", "zm_yunjian")
    cache = ClipCache()
    cache.put("ab" * 32, clip)
    again = cache.get("ab" * 32)
    assert len(again.marks) == len(clip.marks)
    for a, b in zip(again.marks, clip.marks):
        assert (a.start_char, a.end_char) == (b.start_char, b.end_char)
        assert a.start == pytest.approx(b.start, abs=1e-4) and a.end == pytest.approx(b.end, abs=1e-4)
    assert cache.clear() == 1 and not list(fresh_cache.rglob("*.marks.json"))


def test_second_word_after_a_long_pause_starts_where_the_silence_ends(kokoro):
    """Two real clips with a planned 1.5 s pause: word times from marks land on each side of the silence."""
    article = Article(title="北京", sections=[Section(None, ["上海。"])])
    plan = make_plan(article, PlanOptions())
    clips = [kokoro.synthesize(c.spoken, "zm_yunjian") for c in plan.chunks]
    track = assemble(plan, clips, Pauses(title=1500), lead_in_ms=300, tail_ms=300)
    (gap_start, gap_end), *_ = [g for g in silences(track.pcm, RATE) if g[1] - g[0] > 1.0]
    words = {plan.sentences[w.sentence].text[w.start_char : w.end_char]: w for w in track.timeline.words}
    assert words["北京"].end == pytest.approx(gap_start, abs=0.06)
    assert words["上海"].start == pytest.approx(gap_end, abs=0.06)
    assert words["上海"].start > words["北京"].end + 1.4
    assert track.timeline.sentences[1].start == words["上海"].start
    last = track.timeline.words[-1]
    assert last.end == pytest.approx(track.timeline.duration - 0.3, abs=0.06)  # the tail follows the last word


# -- written text <-> spoken text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, word, spoken_part",
    [
        ("2021年，武清区落实资金2.02亿元。", "2021", "二零二一"),
        ("2021年，武清区落实资金2.02亿元。", "武清区", "武清区"),
        ("比去年增长15%，达到120km/h。", "15%", "百分之十五"),
        ("比去年增长15%，达到120km/h。", "达到", "达到"),
    ],
)
def test_written_spans_map_to_what_the_normaliser_made_of_them(written, word, spoken_part):
    spoken = Speaker()(written)
    start = written.index(word)
    lo, hi = Alignment(written, spoken).spoken_span(start, start + len(word))
    assert spoken[lo:hi] == spoken_part


def test_lexicon_markup_maps_to_the_word_inside_it():
    written, spoken = "行长说", "{行长|hang2 zhang3}说"
    alignment = Alignment(written, spoken)
    lo, hi = alignment.spoken_span(0, 2)
    assert spoken[lo:hi] == "行长"
    lo, hi = alignment.spoken_span(2, 3)
    assert spoken[lo:hi] == "说"


def test_words_are_written_words_without_punctuation():
    text = "天津武清携手甘肃静宁，奔小康！"
    words = [text[a:b] for a, b in word_spans(text)]
    assert "".join(words) == "天津武清携手甘肃静宁奔小康"


def test_a_real_build_times_written_words_through_normalisation(kokoro):
    article = Article(title="标题", sections=[Section(None, ["2021年武清区增长15%，落实资金2.02亿元。"])])
    speaker = Speaker()
    plan = make_plan(article, PlanOptions(), speaker)
    clips = [kokoro.synthesize(c.spoken, "zm_yunjian") for c in plan.chunks]
    timeline = assemble(plan, clips, Pauses()).timeline
    sentence = plan.sentences[1].text
    words = [w for w in timeline.words if w.sentence == 1]
    texts = [sentence[w.start_char : w.end_char] for w in words]
    assert texts[0] == "2021" and "15%" in texts and "亿元" in texts
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert timeline.sentences[1].start == words[0].start and timeline.sentences[1].end == words[-1].end


# -- cues, chapters and sidecars -------------------------------------------------------------------


def _timeline_with_words() -> Timeline:
    text = "第一个分句很长很长很长很长很长，第二个分句也相当长相当长相当长，第三个分句到此结束。"
    pieces = ["第一个", "分句", "很长", "第二个", "分句", "第三个", "结束"]
    words, cursor, t = [], 0, 1.0
    for piece in pieces:
        at = text.index(piece, cursor)
        words.append(Word(0, at, at + len(piece), t, t + 0.4))
        cursor, t = at + len(piece), t + 1.7
    cue = Cue(words[0].start, words[-1].end, text)
    return Timeline(t + 1, [cue], [Chapter(0, t + 1, "标题")], words)


def test_a_cue_that_splits_a_sentence_starts_where_its_first_word_is_heard():
    timeline = _timeline_with_words()
    cues = caption_cues(timeline, max_chars=16)
    text = timeline.sentences[0].text
    assert len(cues) == 3
    for cue in cues:
        first = next(w for w in timeline.words if text[w.start_char :].startswith(cue.text[:2]))
        assert cue.start == first.start
    assert cues[-1].end == timeline.words[-1].end
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:]))


def test_without_marks_cues_fall_back_to_sharing_time_by_characters():
    cue = Cue(0.0, 8.0, "一二三四五六七八，九十一二三四五六")
    cues = caption_cues(Timeline(9.0, [cue], [Chapter(0, 9, "t")]), max_chars=10)
    assert [c.text for c in cues] == ["一二三四五六七八，", "九十一二三四五六"]
    assert cues[1].start == pytest.approx(8.0 * 9 / 17)


HOSTILE = "A&B<b>今天</b>发布‹新品> -->\n\x00\x1b[31m结束\x07"  # one cue (under 32 characters)


def test_webvtt_escapes_markup_and_drops_control_characters(tmp_path):
    timeline = Timeline(3.0, [Cue(0.5, 2.5, HOSTILE)], [Chapter(0, 3, "章\x00节<1>")])
    text = to_webvtt(timeline)
    assert "&amp;" in text and "&lt;b&gt;" in text and "-->" not in text.split("\n", 4)[4]
    assert not any(ord(c) < 32 and c != "\n" for c in text)
    path = tmp_path / "x.vtt"
    path.write_text(text, encoding="utf-8")
    (caption,) = webvtt.read(str(path))
    assert caption.raw_text.count("\n") == 0  # one cue, one line: the newline inside did not end it
    assert caption.raw_text == "A&amp;B&lt;b&gt;今天&lt;/b&gt;发布‹新品&gt; --&gt; 结束"


def test_srt_is_plain_text_without_control_characters():
    timeline = Timeline(3.0, [Cue(0.5, 2.5, HOSTILE)], [Chapter(0, 3, "t")])
    (cue,) = list(srt.parse(to_srt(timeline)))
    assert cue.content == "A&B<b>今天</b>发布‹新品> → 结束"
    assert "\n" not in cue.content and not any(ord(c) < 32 for c in cue.content) and "-->" not in cue.content


def test_json_sidecars_carry_no_control_characters():
    words = [Word(0, 0, 3, 0.5, 0.9)]
    timeline = Timeline(3.0, [Cue(0.5, 2.5, HOSTILE)], [Chapter(0, 3, "章\x00节")], words)
    for text in (to_chapters_json(timeline), to_words_json(timeline)):
        data = json.loads(text)
        flat = json.dumps(data, ensure_ascii=False)
        assert not any(ord(c) < 32 for c in flat)
    data = json.loads(to_words_json(timeline))
    (sentence,) = data["sentences"]
    assert sentence["text"] == clean_text(HOSTILE) and sentence["exact"] is True
    assert sentence["words"][0] == {"text": "A&B", "char": 0, "start": 0.5, "end": 0.9}


def test_episode_writes_word_timings_beside_the_audio(real_cache, short_article, tmp_path):  # the session's clips
    from tts import pipeline
    from tts.output.episode import AudioSettings

    out = tmp_path / "episode.mp3"
    result = pipeline.build(
        short_article,
        pipeline.BuildOptions(
            engine="kokoro",
            output=out,
            announce=False,
            sidecars=frozenset({"vtt", "words.json"}),
            audio=AudioSettings(loudness=None),
        ),
    )
    data = json.loads((tmp_path / "episode.words.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["duration"] == pytest.approx(result.timeline.duration, abs=1e-3)
    assert [s["text"] for s in data["sentences"]] == [c.text for c in result.timeline.sentences]
    previous = 0.0
    for sentence in data["sentences"]:
        assert sentence["exact"] and sentence["words"]
        for word in sentence["words"]:
            assert sentence["text"][word["char"] :].startswith(word["text"])
            assert previous <= word["start"] <= word["end"] <= data["duration"]
            previous = word["start"]
        assert sentence["start"] == sentence["words"][0]["start"]
    # Chapters begin just before their first word.
    second = result.timeline.chapters[1]
    heading = next(s for s in data["sentences"] if s["text"] == second.title)
    assert heading["start"] - second.start == pytest.approx(0.25, abs=1e-3)
