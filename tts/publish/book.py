"""The structure a talking book shows and plays: each built article as headings and paragraphs of sentences, every
sentence tied to its span of the episode's audio.

The article gives the structure (title, section headings, paragraphs) and the timeline gives when each sentence is
heard (`timeline.sentences`, in reading order, one cue per planned sentence). They are aligned by text: a cue whose
text the article does not hold (the spoken announcement after the title) becomes a paragraph of its own where it is
heard; an article sentence with no cue (nothing speakable in it) stays in the text without audio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tts.errors import InputError
from tts.model import Article, Timeline
from tts.publish.xmltext import clean

LOOKAHEAD = 8  # how far ahead a cue may match an article sentence before it counts as an extra (spoken-only) one


@dataclass(frozen=True)
class Part:
    """One built episode: what a book chapter is made of (tts.pipeline.BuildResult has all three)."""

    article: Article
    timeline: Timeline
    audio: Path

    @classmethod
    def of(cls, episode) -> Part:
        if isinstance(episode, Part):
            return episode
        if isinstance(episode, tuple):
            return cls(*episode)
        return cls(episode.article, episode.timeline, Path(episode.audio))


@dataclass
class Sentence:
    id: str  # stable within the book: chapter and position ("c1s7")
    text: str
    start: float | None = None  # when it is heard (seconds in the chapter's audio); None when nothing of it is spoken
    end: float | None = None
    # What a player plays for it: from its start (0 for the first) to the next sentence's start (the audio's end for
    # the last), so that clips played one after another keep the pauses and cover the whole programme.
    clip_begin: float = 0.0
    clip_end: float = 0.0

    @property
    def timed(self) -> bool:
        return self.start is not None and self.end is not None and self.end > self.start


@dataclass
class Block:
    kind: str  # "h1" (article title), "h2" (section heading), "p" (paragraph), "spoken" (heard, not in the article)
    sentences: list[Sentence]
    id: str

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)


@dataclass
class Chapter:
    number: int  # 1-based
    part: Part
    blocks: list[Block] = field(default_factory=list)
    duration: float = 0.0  # of the audio file

    @property
    def title(self) -> str:
        return clean(self.part.article.title)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for b in self.blocks for s in b.sentences]

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind in ("h1", "h2")]


def audio_duration(path: Path) -> float:
    import mutagen

    media = mutagen.File(path)
    if media is None or not getattr(media, "info", None):
        raise InputError(f"not an audio file: {path}")
    return float(media.info.length)


def chapters(episodes) -> list[Chapter]:
    parts = [Part.of(e) for e in episodes]
    if not parts:
        raise InputError("a book needs at least one built article")
    for part in parts:
        if not part.audio.is_file():
            raise InputError(f"audio not found: {part.audio}")
    return [_chapter(n, part) for n, part in enumerate(parts, 1)]


def _expected(article: Article) -> list[tuple[str, list[str]]]:
    """(kind, sentences) blocks in reading order, split into sentences as the planner splits them."""
    from tts.speech.plan import split_sentences

    blocks: list[tuple[str, list[str]]] = [("h1", [article.title])]
    for section in article.sections:
        if section.heading:
            blocks.append(("h2", [section.heading]))
        blocks += [("p", split_sentences(p)) for p in section.paragraphs if split_sentences(p)]
    return blocks


def _chapter(number: int, part: Part) -> Chapter:
    duration = audio_duration(part.audio)
    chapter = Chapter(number, part, duration=duration)
    cues = list(part.timeline.sentences)
    expected = _expected(part.article)
    flat = [text for _, texts in expected for text in texts]
    position = 0  # next cue
    seen = 0  # article sentences passed
    counter = iter(range(1, 1_000_000))

    def sentence(text: str, cue=None) -> Sentence:
        s = Sentence(f"c{number}s{next(counter)}", clean(text))
        if cue is not None:
            s.start, s.end = max(0.0, cue.start), min(cue.end, duration)
        return s

    for b_index, (kind, texts) in enumerate(expected):
        block = Block(kind, [], f"c{number}b{b_index + 1}")
        for text in texts:
            # Cues the article does not hold (the announcement) are heard here: a block of their own.
            while (
                position < len(cues)
                and cues[position].text != text
                and cues[position].text not in flat[seen : seen + LOOKAHEAD]
            ):
                if block.sentences:  # keep reading order: close the block so far, continue it after the extra
                    chapter.blocks.append(block)
                    block = Block(kind, [], f"{block.id}x")
                chapter.blocks.append(
                    Block("spoken", [sentence(cues[position].text, cues[position])], f"c{number}x{position + 1}")
                )
                position += 1
            if position < len(cues) and cues[position].text == text:
                block.sentences.append(sentence(text, cues[position]))
                position += 1
            else:
                block.sentences.append(sentence(text))
            seen += 1
        chapter.blocks.append(block)
    for cue in cues[position:]:  # anything heard after the article's end
        chapter.blocks.append(Block("spoken", [sentence(cue.text, cue)], f"c{number}x{len(chapter.blocks) + 1}"))
    _clips(chapter)
    return chapter


def _clips(chapter: Chapter) -> None:
    timed = [s for s in chapter.sentences if s.timed]
    for n, s in enumerate(timed):
        s.clip_begin = 0.0 if n == 0 else s.start or 0.0
        s.clip_end = (timed[n + 1].start or 0.0) if n + 1 < len(timed) else chapter.duration
