"""Speech plan: an Article becomes chapters of sentences, and sentences become engine-sized chunks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tts.model import Article, Boundary, Chunk, PlannedSection, Sentence, SpeechPlan
from tts.speech.profiles import Pauses

# A sentence ends at 。！？ (or …… / ；), with any closing quotes or brackets kept on it.
_SENTENCE = re.compile(r".+?(?:[。！？!?；;]+|…+|$)[”’」』）)\"']*", re.S)
_ALNUM = "A-Za-z0-9０-９Ａ-Ｚａ-ｚ"
# A clause ends after ，、：— (and after , or : unless a letter or digit follows: 12,000 and 10:30 stay whole).
_CLAUSE_BREAK = re.compile(rf"(?<=[，、：—])|(?<=[,:])(?![{_ALNUM}])")
# Never cut inside these: Latin words, numbers with their separators and percent signs (R&D, 3.5%, 10:30).
_UNBREAKABLE = re.compile(rf"[{_ALNUM}]+(?:[.,:'’&/\-][{_ALNUM}]+)*[%％]?")
_SPEAKABLE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9０-９Ａ-Ｚａ-ｚ]")


@dataclass(frozen=True)
class PlanOptions:
    # Chunks longer than this (characters) are split at clause punctuation. Kokoro reads ~3.4 phoneme
    # tokens per Chinese character and takes at most ~509, so 120 keeps a clear margin.
    max_chunk_chars: int = 120
    intro_chapter_title: str | None = None  # default: the article title
    announce: bool = False  # after the title: source, date and length (see announcement_text)
    # For the announced length: the engine's speaking time per syllable at speed 1 and the pauses between units.
    seconds_per_syllable: float = 0.185
    speed: float = 1.0
    pauses: Pauses = field(default_factory=Pauses)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def split_chunk(sentence: str, limit: int, breaks: re.Pattern[str] = _CLAUSE_BREAK) -> list[str]:
    """Split an over-long sentence at clause punctuation (`breaks`), then a clause still too long at word
    boundaries (jieba for Chinese; Latin words and numbers are never cut); every character is kept."""
    if len(sentence) <= limit:
        return [sentence]
    pieces: list[str] = []
    for clause in breaks.split(sentence):
        if pieces and len(pieces[-1]) + len(clause) <= limit:
            pieces[-1] += clause
        elif len(clause) <= limit:
            pieces.append(clause)
        else:
            pieces.extend(split_words(clause, limit))
    return [p for p in pieces if p]


def split_words(text: str, limit: int) -> list[str]:
    """Cut text without punctuation into pieces of at most `limit` characters, at word boundaries, as even
    in length as those boundaries allow. A single word longer than `limit` is the only thing ever cut."""
    cuts = word_boundaries(text)
    pieces, start = [], 0
    while len(text) - start > limit:
        rest = len(text) - start
        target = start + -(-rest // -(-rest // limit))  # even pieces: rest / ceil(rest / limit), rounded up
        allowed = [c for c in cuts if start < c <= start + limit]
        cut = min(allowed, key=lambda c: (abs(c - target), -c)) if allowed else start + limit
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def word_boundaries(text: str) -> list[int]:
    """Positions between two words of text: jieba's word ends, less any inside a Latin word or a number."""
    from tts.speech.segment import jieba

    inside = {i for m in _UNBREAKABLE.finditer(text) for i in range(m.start() + 1, m.end())}
    return [end for _, _, end in jieba().tokenize(text) if 0 < end < len(text) and end not in inside]


def is_speakable(text: str) -> bool:
    return bool(_SPEAKABLE.search(text))


def make_plan(
    article: Article, options: PlanOptions | None = None, speaker: Callable[[str], str] | None = None
) -> SpeechPlan:
    """Chapters of chunks; `speaker` turns each chunk's written text into the engine's input (normalisation)."""
    options = options or PlanOptions()
    if speaker is None:
        from tts.speech.normalize import Speaker

        speaker = Speaker()
    sentences: list[Sentence | None] = []  # None: the announcement's slot, filled once the length is known
    sections: list[PlannedSection] = []
    slot: tuple[int, int] | None = None  # (sentence index, chunk index in the first section)

    def add(text: str, role: str, section: PlannedSection, after: Boundary) -> None:
        pieces = [p for p in split_chunk(text, options.max_chunk_chars) if is_speakable(p)]
        if not pieces:
            return
        index = len(sentences)
        sentences.append(Sentence(text, role))  # type: ignore[arg-type]
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            section.chunks.append(Chunk(piece, speaker(piece), index, after if last else "clause"))

    for n, part in enumerate(article.sections):
        title = part.heading or (options.intro_chapter_title or article.title if n == 0 else f"第{n + 1}部分")
        section = PlannedSection(title)
        if n == 0:
            add(article.title, "title", section, "title")
            if options.announce and section.chunks:
                slot = (len(sentences), len(section.chunks))
                sentences.append(None)
                last_title = section.chunks[-1]
                section.chunks[-1] = Chunk(last_title.text, last_title.spoken, last_title.sentence, "sentence")
        if part.heading:
            add(part.heading, "heading", section, "heading")
        for _p_index, paragraph in enumerate(part.paragraphs):
            texts = split_sentences(paragraph)
            for s_index, text in enumerate(texts):
                end_of_paragraph = s_index == len(texts) - 1
                add(text, "body", section, "paragraph" if end_of_paragraph else "sentence")
        if section.chunks:
            _end_section(section)
            sections.append(section)
    if sections:
        last = sections[-1].chunks[-1]
        sections[-1].chunks[-1] = Chunk(last.text, last.spoken, last.sentence, "end")
    if slot is not None:
        # The length is computed from the plan itself (syllables and pauses), so the announcement is planned and
        # synthesised with everything else: "本文约N分钟" is rounded to minutes, well within the estimate's error.
        text = announcement_text(article, estimated_seconds([c for s in sections for c in s.chunks], options))
        sentences[slot[0]] = Sentence(text, "announcement")
        sections[0].chunks.insert(slot[1], Chunk(text, speaker(text), slot[0], "title"))
    return SpeechPlan(article.title, [s for s in sentences if s is not None], sections)


_SYLLABLE = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d")


def estimated_seconds(chunks: list[Chunk], options: PlanOptions) -> float:
    """Speaking time of the chunks: one syllable per Chinese character, letter run or digit, plus the pauses."""
    syllables = sum(len(_SYLLABLE.findall(c.spoken)) for c in chunks)
    pauses = sum(options.pauses.after(c.after) for c in chunks) / 1000
    return syllables * options.seconds_per_syllable / options.speed + pauses


def announcement_text(article: Article, seconds: float) -> str:
    """What opens the episode after the title: '中国甘肃网，2021年9月15日。本文约5分钟。' (written form)."""
    parts = []
    if article.source:
        parts.append(article.source)
    if article.date:
        y, m, d = article.date[:10].split("-")
        parts.append(f"{int(y)}年{int(m)}月{int(d)}日")
    minutes = round(seconds / 60)
    length = "本文不到一分钟。" if minutes < 1 else f"本文约{minutes}分钟。"
    return ("，".join(parts) + "。" if parts else "") + length


def _end_section(section: PlannedSection) -> None:
    last = section.chunks[-1]
    if last.after in ("paragraph", "sentence"):
        section.chunks[-1] = Chunk(last.text, last.spoken, last.sentence, "section")
