"""Property-based tests (hypothesis) for the text stages and the sidecar writers (issue 12).

Hostile but realistic text: Chinese news fragments mixed with markup, entities, caption arrows, control
characters (NUL, ESC sequences, BEL), zero-width and bidi characters, odd line breaks and random Unicode.
Properties: nothing crashes (bad input may only raise the documented InputError); no control character
comes out; every sidecar parses with its format's reference parser (webvtt-py, srt, json) and keeps each
cue's words; chunks are never cut inside a word.

The default run uses few examples; `benchmarks/properties.py` runs each property on 10,000+ inputs.
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

settings.register_profile(
    "default-run",
    max_examples=int(os.environ.get("TTS_PROPERTY_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default-run")

FRAGMENTS = [
    "九月的静宁，满山苹果挂满枝头。",
    "今年全县苹果产量预计达到100万吨，比去年增长5%。",
    "2021-09-15 15:09 来源：中国甘肃网",
    "记者 李红军",
    "编辑：宋芳科",
    "首页 > 新闻 > 正文",
    "版权声明：凡注有稿件来源为“中国甘肃网”的稿件",
    "分享到",
    "A&B公司今天发布‹新品>",
    "R&D",
    "3&4亿元",
    "<b>加粗</b>",
    "-->",
    "<!-- 注释 -->",
    "&amp;",
    "&lt;",
    "&#x1F600;",
    "&",
    "<",
    ">",
    "<script>alert(1)</script>",
    "\x00",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x07",
    "\x08",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200e",
    "\u202e",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\v",
    "\f",
    "   ",
    "　　",
    "12,000",
    "3.5%",
    "10:30",
    "1/3",
    "+86 138-0013-8000",
    "¥12.5元",
    "第3季度",
    "2021年9月15日",
    "~",
    "—",
    "……",
    "NOTE:",
    "WEBVTT",
    "00:00:01.000 --> 00:00:02.000",
    "1\n00:00:01,000 --> 00:00:02,000\n",
    "“",
    "”",
    "《人民日报》",
]
_ANY_CHAR = st.characters(blacklist_categories=("Cs",))  # any code point a str can hold in UTF-8
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(_ANY_CHAR, max_size=12)), max_size=24).map("".join)
_NOISE = st.one_of(st.sampled_from(FRAGMENTS), st.text(_ANY_CHAR, max_size=4))
_SENTENCES = [
    "九月的静宁，满山苹果挂满枝头",
    "果农们正忙着采摘，一派丰收景象",
    "今年全县苹果产量预计达到一百万吨",
    "合作社统一收购，价格稳定",
    "电商平台订单不断，苹果远销全国各地",
]


@st.composite
def _line(draw, sentences: int) -> str:
    """A Chinese line with noise spliced in at random places."""
    words = list("".join(draw(st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=sentences))))
    for _ in range(draw(st.integers(0, 4))):
        words.insert(draw(st.integers(0, len(words))), draw(_NOISE))
    return "".join(words) + draw(st.sampled_from(["。", "！", "", "……"]))


# An article as a page gives it: headline, dateline, body paragraphs (the cleaner's real input), all noisy.
ARTICLES = st.tuples(
    _line(1),
    st.sampled_from(["2021-09-15 15:09 来源：中国甘肃网", "", "来源：新华网\x00"]),
    st.lists(_line(3), min_size=1, max_size=5),
    st.sampled_from(["\n", "\r\n", "\n\n", "\u2028"]),
).map(lambda t: t[3].join([t[0], t[1], *t[2]]))


def controls(text: str, allowed: str = "") -> list[str]:
    """Control characters (Unicode category Cc, plus the line/paragraph separators) not in `allowed`."""
    return [c for c in text if (unicodedata.category(c) == "Cc" or c in "\u2028\u2029") and c not in allowed]


def _sidecar_escaping_merged() -> bool:
    """The VTT/SRT escaping and control-character removal of issue 12 item 3 is built on another branch;
    until it is merged, the properties that need it are expected to fail (strictly, so the merge shows)."""
    from tts.model import Cue, Timeline
    from tts.output.sidecars import to_webvtt

    return "&amp;" in to_webvtt(Timeline(1.0, [Cue(0.0, 1.0, "A&B\x00")], []))


def _control_removal_merged() -> bool:
    from tts.input.clean import clean_text

    article = clean_text(
        "静宁苹果丰收季\n2021-09-15 15:09 来源：中国甘肃网\n九月的静宁\x07满山苹果挂满\x00枝头。\x1b[31m果农们正忙着采摘。"
    )
    return not controls("".join(article.paragraphs))


needs_escaping = pytest.mark.xfail(
    not _sidecar_escaping_merged(),
    strict=True,
    reason="sidecar escaping (issue 12 item 3) lives on another branch until merged",
)
needs_control_removal = pytest.mark.xfail(
    not _control_removal_merged(),
    strict=True,
    reason="control-character removal (issue 12 item 3) lives on another branch until merged",
)


# -- cleaner -------------------------------------------------------------------------------------


def check_cleaner(text: str) -> None:
    from tts.errors import InputError
    from tts.input.clean import clean_text

    try:
        article = clean_text(text)
    except InputError:
        return  # documented: nothing speakable
    fields = [
        article.title,
        article.date or "",
        article.source or "",
        article.author or "",
        *article.captions,
        *(s.heading or "" for s in article.sections),
        *article.paragraphs,
    ]
    bad = [c for f in fields for c in controls(f)]
    assert not bad, bad
    json.dumps(article.to_dict(), ensure_ascii=False)


@needs_control_removal
@given(st.one_of(ARTICLES, TEXT))
def test_cleaner_never_crashes_and_lets_no_control_character_through(text):
    check_cleaner(text)


# -- normalisation -------------------------------------------------------------------------------


def check_normalize(text: str) -> None:
    from tts.speech.normalize import Speaker, spoken_form

    spoken = spoken_form(text)
    assert isinstance(spoken, str)
    for style in ("pinyin", "say"):
        out = Speaker(style=style)(text)
        assert not controls(out), controls(out)


def check_normalize_keeps_ampersand(text: str) -> None:
    """Issue 12 item 11: & between Latin letters or digits is not read as 和 (R&D, 3&4亿元)."""
    from tts.speech.normalize import spoken_form

    for word in re.findall(r"[A-Za-z0-9]+&[A-Za-z0-9]+", text):
        assert "和" not in spoken_form(word) or "和" in word, (word, spoken_form(word))


@needs_control_removal
@given(TEXT)
def test_normalisation_never_crashes_and_lets_no_control_character_through(text):
    check_normalize(text)


# -- sidecar writers -----------------------------------------------------------------------------


def _timeline(texts: list[str], gaps: list[float]):
    from tts.model import Chapter, Cue, Timeline

    cues, t = [], 0.0
    for text, gap in zip(texts, gaps):
        cues.append(Cue(t, t + gap, text))
        t += gap
    chapters = [
        Chapter(0.0, t / 2, texts[0] if texts else "第一章"),
        Chapter(t / 2, t, texts[-1] if texts else "第二章"),
    ]
    return Timeline(t, cues, chapters)


TIMELINES = st.integers(1, 6).flatmap(
    lambda n: st.tuples(
        st.lists(TEXT.filter(lambda s: s.strip()), min_size=n, max_size=n),
        st.lists(st.floats(0.2, 30.0), min_size=n, max_size=n),
    )
)


# A terminal escape (CSI, OSC with its payload, two-byte ESC forms, 8-bit CSI) is removed whole: control, not words.
ANSI_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]"
)


def _words(text: str) -> str:
    """The letters and digits of a text (terminal escape sequences aside: they are control, not words), for comparing
    what a cue says before and after escaping."""
    return "".join(c for c in ANSI_SEQUENCE.sub("", text) if c.isalnum())


def check_sidecars(texts: list[str], gaps: list[float]) -> None:
    import srt
    import webvtt

    from tts.output.sidecars import caption_cues, to_chapters_json, to_srt, to_webvtt

    timeline = _timeline(texts, gaps)
    cues = caption_cues(timeline)
    vtt = to_webvtt(timeline)
    assert not controls(vtt, "\n"), controls(vtt, "\n")
    parsed = webvtt.from_buffer(io.StringIO(vtt))
    assert len(parsed.captions) == len(cues)
    for caption, cue in zip(parsed.captions, cues):
        assert _words(_unescape_vtt(caption.raw_text)) == _words(cue.text.replace("-->", ""))
    text = to_srt(timeline)
    assert not controls(text, "\n"), controls(text, "\n")
    subtitles = list(srt.parse(text))
    assert len(subtitles) == len(cues)
    for subtitle, cue in zip(subtitles, cues):
        assert _words(subtitle.content) == _words(cue.text.replace("-->", ""))
    chapters = json.loads(to_chapters_json(timeline))
    assert [c["title"] for c in chapters["chapters"]] == [c.title for c in timeline.chapters] or not controls(
        "".join(c["title"] for c in chapters["chapters"])
    )


def _unescape_vtt(text: str) -> str:
    import html

    return html.unescape(re.sub(r"</?[a-z]+[^>]*>", "", text))


@needs_escaping
@given(TIMELINES)
def test_sidecars_parse_with_their_reference_parsers_and_keep_every_word(case):
    check_sidecars(*case)


# -- chunking ------------------------------------------------------------------------------------


def check_split(text: str, limit: int) -> None:
    from tts.speech.plan import _UNBREAKABLE, split_chunk

    pieces = split_chunk(text, limit)
    assert "".join(pieces) == text
    whole_words = [m for m in _UNBREAKABLE.finditer(text) if m.end() - m.start() <= limit]
    cuts, at = [], 0
    for piece in pieces[:-1]:
        at += len(piece)
        cuts.append(at)
    for cut in cuts:
        assert not any(m.start() < cut < m.end() for m in whole_words), (text, cut)
    oversized = {m.start() for m in _UNBREAKABLE.finditer(text) if m.end() - m.start() > limit}
    assert all(len(p) <= limit for p in pieces) or oversized


@given(TEXT, st.integers(8, 130))
def test_chunks_keep_every_character_and_never_cut_a_word(text, limit):
    check_split(text, limit)


COMPONENTS = {  # what benchmarks/properties.py runs at scale: name -> (strategy, check)
    "cleaner": (st.tuples(st.one_of(ARTICLES, TEXT)), lambda case: check_cleaner(*case)),
    "normalize": (st.tuples(TEXT), lambda case: check_normalize(*case)),
    "sidecars": (TIMELINES, lambda case: check_sidecars(*case)),
    "split_chunk": (st.tuples(TEXT, st.integers(8, 130)), lambda case: check_split(*case)),
}
