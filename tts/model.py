"""Typed data passed between the pipeline stages.

read/clean -> Article -> SpeechPlan -> (engine) Clip per chunk -> Timeline -> outputs
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Removed:
    """A line or fragment the cleaner dropped, with a machine-readable reason."""

    text: str
    reason: str


@dataclass
class Section:
    heading: str | None
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Article:
    title: str
    date: str | None = None  # ISO "YYYY-MM-DD[ HH:MM]"
    source: str | None = None
    author: str | None = None
    sections: list[Section] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [p for s in self.sections for p in s.paragraphs]

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "author": self.author,
            "sections": [{"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in self.sections],
            "captions": list(self.captions),
            "removed": [{"text": r.text, "reason": r.reason} for r in self.removed],
        }


ChunkRole = Literal["title", "announcement", "heading", "body"]
# What follows a chunk decides the pause after it.
Boundary = Literal["clause", "sentence", "paragraph", "heading", "title", "section", "end"]


@dataclass(frozen=True)
class Chunk:
    """One engine call: a piece of a sentence short enough for the engine."""

    text: str  # written form (what transcripts show)
    spoken: str  # what the engine is given
    sentence: int  # index of the sentence this chunk belongs to (within the plan)
    after: Boundary


@dataclass(frozen=True)
class Sentence:
    text: str  # written form
    role: ChunkRole


@dataclass
class PlannedSection:
    title: str  # chapter title
    chunks: list[Chunk] = field(default_factory=list)


@dataclass
class SpeechPlan:
    title: str
    sentences: list[Sentence]
    sections: list[PlannedSection]

    @property
    def chunks(self) -> list[Chunk]:
        return [c for s in self.sections for c in s.chunks]


@dataclass(frozen=True)
class Mark:
    """Where a span of the engine's input text is heard in a clip (exact, from the engine)."""

    start_char: int  # span [start_char, end_char) of the text given to the engine (the chunk's `spoken`)
    end_char: int
    start: float  # seconds from the start of the clip
    end: float


@dataclass(frozen=True)
class Clip:
    """Engine output for one chunk: mono samples (int16 from the cache, float32 or int16 from engines)."""

    samples: np.ndarray  # 1-D (numpy is imported for type checking only, to keep this module light)
    sample_rate: int
    # Word/character timings when the engine reports them (empty when it cannot); in input-text order.
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Cue:
    """A span of the output audio, in seconds."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


@dataclass(frozen=True)
class Word:
    """Where a word of a sentence's written text is heard in the assembled audio (from engine marks)."""

    sentence: int  # index into Timeline.sentences
    start_char: int  # span [start_char, end_char) of that sentence's written text
    end_char: int
    start: float
    end: float


@dataclass
class Timeline:
    """Where each sentence and section lies in the assembled audio."""

    duration: float
    sentences: list[Cue]
    chapters: list[Chapter]
    # Word timings where the engine reported marks (empty otherwise), in order.
    words: list[Word] = field(default_factory=list)
