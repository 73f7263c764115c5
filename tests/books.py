"""Real built articles for the talking-book tests (EPUB, DAISY): short ones, each with its own structure."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SAMPLE, SHORT_ARTICLE

TITLE = "静宁苹果丰收季 果农喜笑颜开"
HOSTILE_TITLE = "静宁苹果<丰收>季 & 果农\x07喜笑颜开"
HEADING = "　　果园里的丰收\n"

# Five articles: the short test article, one whose title holds markup characters and a control character, one
# without a section heading, one with two sections, and one with a long paragraph of several sentences.
VARIANTS = {
    "one": SHORT_ARTICLE,
    "two": SHORT_ARTICLE.replace(TITLE, HOSTILE_TITLE),
    "three": SHORT_ARTICLE.replace(TITLE, "静宁苹果远销海外").replace(HEADING, ""),
    "four": SHORT_ARTICLE.replace(TITLE, "静宁果园迎来采摘季").replace(
        "版权声明", "　　果农的期待\n\n　　果农们说，明年还要多种苹果。\n\n版权声明"
    ),
    "five": SHORT_ARTICLE.replace(TITLE, "静宁苹果产量创新高").replace(
        "果农们正忙着采摘。", "果农们正忙着采摘。今年雨水充足。苹果又大又甜。"
    ),
}


def build_article(
    folder: Path, name: str, text: str | None = None, source: Path | None = None, fmt: str = "mp3", engine: str = "tone"
):
    """A real build; the deterministic tone plugin engine by default (these tests check packaging, not voices)."""
    from tts.options import AudioSettings, BuildOptions
    from tts.pipeline import build

    if source is None:
        source = folder / f"{name}.txt"
        source.write_text(text or VARIANTS[name], encoding="utf-8")
    options = BuildOptions(engine=engine, output=folder / f"{name}.{fmt}", audio=AudioSettings(format=fmt))
    return build(source, options)


def build_sample(folder: Path):
    """The seed sample with the real offline voice (minutes of synthesis: used by tests marked slow)."""
    return build_article(folder, "sample", source=SAMPLE, engine="kokoro")
