"""A digest episode: several articles as one programme, the morning-briefing shape newsrooms publish.

One spoken opening lists the stories; then each article as it would be read alone (without its own announcement).
The plans are joined and go through the pipeline's own stages — one engine, the clip cache, one assembly, loudness
normalised once over the whole programme, one encode. Chapters: the opening, then per article a chapter for its
title and lead ("title（source）") and one per section. In MP3 they are also grouped per article by an ID3 CTOC
hierarchy (a top-level ordered CTOC whose children are the opening CHAP and one CTOC per article); M4B has one level,
so there the same chapters stand flat.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from tts.errors import ConfigError, InputError
from tts.model import Article, Chapter, Chunk, PlannedSection, Section, Sentence, SpeechPlan

OPENING_TITLE = "新闻简报"


@dataclass(frozen=True)
class Group:
    """One article's chapters in the digest: chapter indices [first, end)."""

    title: str
    first: int
    end: int


def opening_text(articles: list[Article]) -> str:
    stories = "；".join(f"第{n}条，{a.title}" for n, a in enumerate(articles, 1))
    return f"{OPENING_TITLE}。本期共{len(articles)}条新闻：{stories}。"


def _article_label(article: Article) -> str:
    return f"{article.title}（{article.source}）" if article.source else article.title


def join_plans(prepared: list, opening: str, speaker) -> tuple[SpeechPlan, list[Group]]:
    """The opening section, then each article's sections with sentence indices re-based; one group per article."""
    from tts.speech.plan import split_chunk

    sentences = [Sentence(opening, "title")]
    pieces = split_chunk(opening, 120)
    intro = PlannedSection(
        OPENING_TITLE,
        [Chunk(p, speaker(p), 0, "clause" if i < len(pieces) - 1 else "section") for i, p in enumerate(pieces)],
    )
    sections, groups = [intro], []
    for n, item in enumerate(prepared):
        plan, article = item.plan, item.article
        offset = len(sentences)
        sentences += plan.sentences
        first = len(sections)
        for s_index, section in enumerate(plan.sections):
            chunks = [replace(c, sentence=c.sentence + offset) for c in section.chunks]
            title = section.title if s_index or section.title != article.title else _article_label(article)
            sections.append(PlannedSection(title, chunks))
        last = sections[-1]
        if n < len(prepared) - 1:  # an article's end is a section boundary inside the programme
            last.chunks[-1] = replace(last.chunks[-1], after="section")
        groups.append(Group(_article_label(article), first, len(sections)))
    return SpeechPlan(OPENING_TITLE, sentences, sections), groups


def digest_article(articles: list[Article], title: str | None) -> Article:
    """What the tags and transcript describe: the programme, its stories as sections."""
    dates = sorted(a.date for a in articles if a.date)
    sources = list(dict.fromkeys(a.source for a in articles if a.source))
    name = title or (f"{OPENING_TITLE} {dates[-1][:10]}" if dates else OPENING_TITLE)
    return Article(
        title=name,
        date=dates[-1] if dates else None,
        source="、".join(sources) or None,
        sections=[Section(_article_label(a), a.paragraphs) for a in articles],
    )


def digest_path(sources: list[str], options) -> Path:
    if options.output:
        return Path(options.output)
    first = Path(sources[0]) if sources[0] != "-" else Path("article")
    return first.with_name(f"{first.stem}-digest.{options.audio.format}")


def build_digest(sources: list[str], options, title: str | None = None, progress=None, notify=None):
    """One episode of all the sources; returns a tts.pipeline.BuildResult for the programme."""
    import time

    from tts.output.assemble import assemble
    from tts.output.cover import load_cover
    from tts.output.episode import Metadata, write_audio, write_sidecars
    from tts.paths import check_outputs, inputs_of
    from tts.pipeline import BuildResult, open_engine, prepare, synthesize_chunks
    from tts.speech.cache import ClipCache

    started = time.perf_counter()
    if len(sources) < 2:
        raise InputError("a digest needs at least two articles")
    audio_path = digest_path(sources, options)
    outputs = [audio_path] + [audio_path.with_suffix("." + k) for k in sorted(options.sidecars)]
    check_outputs(outputs, [p for s in sources for p in inputs_of(s, options)])
    cover = load_cover(options.tags.cover) if options.tags.cover else None
    each = replace(options, announce=False)  # one opening for the programme instead of one per article
    prepared = [prepare(source, each) for source in sources]
    if len({p.engine for p in prepared}) > 1:
        raise ConfigError("the articles would be read by different engines; choose one with --engine")
    first = prepared[0]
    articles = [p.article for p in prepared]
    plan, groups = join_plans(prepared, opening_text(articles), first.speaker)
    engine, voice, speed = open_engine(first.engine, first.profile, options.engine_options)
    if notify:
        notify(f"engine: {engine.name} ({first.engine_reason}), voice {voice}")
    clips, synthesized = synthesize_chunks(plan.chunks, engine, voice, speed, options.use_cache, progress)
    track = assemble(plan, clips, first.profile.pauses)
    article = digest_article(articles, title)
    meta = Metadata(album=options.tags.album, genre=options.tags.genre, url=options.tags.url, cover=cover)
    loudness = write_audio(audio_path, track, article, options.audio, meta)
    if options.audio.format == "mp3":
        nest_chapters(audio_path, track.timeline.chapters, groups, article.title)
    sidecars = write_sidecars(audio_path, track.timeline, set(options.sidecars))
    if options.use_cache:
        ClipCache().trim()
    stats = engine.stats()
    return BuildResult(
        article=article,
        plan=plan,
        timeline=track.timeline,
        audio=audio_path,
        sidecars=sidecars,
        engine=engine.name,
        voice=voice,
        synthesized=synthesized,
        from_cache=len(plan.chunks) - synthesized,
        seconds=time.perf_counter() - started,
        engine_reason=first.engine_reason,
        loudness=loudness,
        warnings=stats.warnings + (cover.warnings() if cover else []),
        faults=stats.faults,
        retries=stats.retries,
        url=options.tags.url,
    )


def nest_chapters(path: Path, chapters: list[Chapter], groups: list[Group], title: str) -> None:
    """Replace the MP3's flat CTOC by a hierarchy: top-level → opening CHAP + one CTOC per article → its CHAPs.

    The other frames are kept as they are; CHAP frames stay in start order on disk (the frames are laid out here,
    not by mutagen's save, which sorts them by size)."""
    from mutagen.id3 import CTOC, ID3, TIT2, CTOCFlags, Encoding

    from tts.output.tags import chapter_frames, tag_bytes
    from tts.paths import atomic_write_bytes

    data = path.read_bytes()
    if data[:3] != b"ID3":
        raise InputError(f"{path.name} has no ID3 tag to add chapters to")
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    audio = data[10 + size :]
    tag = ID3(path, translate=False, v2_version=3)
    kept = [frame for frame in tag.values() if frame.FrameID not in ("CHAP", "CTOC")]
    enc = Encoding.UTF16
    ids = [f"ch{i}" for i in range(len(chapters))]
    grouped = {i for g in groups for i in range(g.first, g.end)}
    top = [ids[i] for i in range(len(chapters)) if i not in grouped]  # the opening
    top += [f"toc{n}" for n in range(1, len(groups) + 1)]
    frames = kept + [
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=top,
            sub_frames=[TIT2(encoding=enc, text=[title])],
        )
    ]
    for n, group in enumerate(groups, 1):
        frames.append(
            CTOC(
                element_id=f"toc{n}",
                flags=CTOCFlags.ORDERED,
                child_element_ids=ids[group.first : group.end],
                sub_frames=[TIT2(encoding=enc, text=[group.title])],
            )
        )
    atomic_write_bytes(path, tag_bytes(frames + chapter_frames(chapters, ids)) + audio)
