"""The library entry point: one article in, one chaptered MP3 (and a WebVTT transcript) out."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import Track, assemble
from .cache import ClipCache, chunk_key
from .clean import CleanOptions, clean_text
from .engines import Engine, get_engine
from .engines.base import choose_engine
from .errors import ConfigError, EngineError, OutputError
from .model import Article, Clip, SpeechPlan, Timeline
from .paths import temp_sibling
from .plan import PlanOptions, make_plan
from .profiles import DEFAULT_PROFILE, VoiceProfile, load_profile, with_overrides
from .reading import read_page
from .tags import EpisodeTags, id3_tag
from .transcript import to_webvtt

Progress = Callable[[int, int], None]  # (chunks done, chunks total)
Notify = Callable[[str], None]  # one-line status messages (which engine was chosen, …)


@dataclass(frozen=True)
class BuildOptions:
    profile: str = DEFAULT_PROFILE
    engine: str | None = None  # overrides the profile's engine: auto | kokoro | edge | a plugin
    voice: str | None = None  # overrides the profile's voice
    speed: float | None = None
    output: Path | None = None  # default: beside the input, .mp3
    read_captions: bool = False
    bitrate: str = "64k"
    sample_rate: int = 44_100
    vtt: bool = True
    use_cache: bool = True
    album: str | None = None
    lexicon: Path | None = None  # user pronunciation lexicon (TOML); ./lexicon.toml is used when present
    normalize: bool = True  # numbers, dates, units… in words (off only to compare)
    # Per-engine constructor options, e.g. {"kokoro": {"model": …}, "edge": {"concurrency": 2}}; they
    # override the profile's [engine] table.
    engine_options: dict[str, dict[str, object]] = field(default_factory=dict)


@dataclass
class Prepared:
    article: Article
    plan: SpeechPlan
    profile: VoiceProfile
    input_name: str
    engine: str  # the concrete engine ('auto' resolved)
    engine_reason: str


@dataclass
class BuildResult:
    article: Article
    plan: SpeechPlan
    timeline: Timeline
    mp3: Path
    vtt: Path | None
    engine: str
    voice: str
    synthesized: int
    from_cache: int
    seconds: float
    engine_reason: str = ""


def prepare(source: str | Path, options: BuildOptions | None = None) -> Prepared:
    """Read, clean, choose the engine and plan the spoken text for it, without synthesising (--dry-run)."""
    from .engines import engine_class
    from .normalize import Lexicon, Speaker

    options = options or BuildOptions()
    profile = with_overrides(load_profile(options.profile), options.engine, options.voice, options.speed)
    lexicon = Lexicon.load(options.lexicon)
    page = read_page(source)
    article = clean_text(page.text, CleanOptions(read_captions=options.read_captions, title_hint=page.html_title))
    engine, reason = choose_engine(profile.engine)
    style = getattr(engine_class(engine), "lexicon_style", "say")
    plan = make_plan(article, PlanOptions(), Speaker(lexicon, style, options.normalize))
    return Prepared(article, plan, profile, page.name, engine, reason)


def output_path(source: str | Path, options: BuildOptions) -> Path:
    if options.output:
        return Path(options.output)
    if str(source) == "-":
        return Path("article.mp3")
    return Path(source).with_suffix(".mp3")


def build(source: str | Path, options: BuildOptions | None = None, progress: Progress | None = None,
          notify: Notify | None = None) -> BuildResult:
    """Build the episode; outputs appear only when complete (temporary file, then rename)."""
    started = time.perf_counter()
    options = options or BuildOptions()
    prepared = prepare(source, options)
    mp3 = output_path(source, options)
    _check_output_dir(mp3)
    engine, voice, speed = open_engine(prepared.engine, prepared.profile, options.engine_options)
    reason = prepared.engine_reason
    if notify:
        notify(f"engine: {engine.name} ({reason}), voice {voice}")
    clips, synthesized = synthesize_plan(prepared.plan, engine, voice, speed, options.use_cache, progress)
    track = assemble(prepared.plan, clips, prepared.profile.pauses)
    timeline = _write_mp3(mp3, track, prepared.article, options)
    vtt = _write_vtt(mp3, timeline) if options.vtt else None
    return BuildResult(
        prepared.article, prepared.plan, timeline, mp3, vtt, engine.name, voice,
        synthesized, len(clips) - synthesized, time.perf_counter() - started, reason,
    )


def open_engine(name: str, profile: VoiceProfile, engine_options: dict[str, dict[str, object]] | None = None) -> tuple[Engine, str, float]:
    """(engine, voice, speed) for the chosen engine; one engine serves the whole episode."""
    wanted = profile.for_engine(name)
    engine = get_engine(name, **{**wanted.options, **(engine_options or {}).get(name, {})})
    voice = wanted.voice or engine.default_voice
    _check_voice(engine, voice)
    return engine, voice, wanted.speed


def synthesize_plan(plan: SpeechPlan, engine: Engine, voice: str, speed: float, use_cache: bool = True,
                    progress: Progress | None = None) -> tuple[list[Clip], int]:
    """One clip per chunk, from the cache where possible; new clips are cached as soon as each exists.

    Up to engine.concurrency chunks are synthesised at once. When a chunk fails for good, chunks already
    in flight still finish (and are cached) before the error is raised, so a rerun redoes only what is missing.
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    cache = ClipCache() if use_cache else None
    chunks = plan.chunks
    keys = [chunk_key(engine.name, engine.identity, voice, speed, c.spoken) for c in chunks]
    clips: list[Clip | None] = [cache.get(k) if cache else None for k in keys]
    todo = [n for n, clip in enumerate(clips) if clip is None]
    done = len(chunks) - len(todo)
    if progress:
        progress(done, len(chunks))

    def work(n: int) -> Clip:
        clip = engine.synthesize(chunks[n].spoken, voice, speed)
        if cache:
            cache.put(keys[n], clip)
        return clip

    failure: tuple[int, EngineError] | None = None
    workers = max(1, getattr(engine, "concurrency", 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = {}
        queue = iter(todo)
        while True:
            while failure is None and len(pending) < workers:
                n = next(queue, None)
                if n is None:
                    break
                pending[pool.submit(work, n)] = n
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                n = pending.pop(future)
                try:
                    clips[n] = future.result()
                except EngineError as exc:
                    failure = failure or (n, exc)
                    continue
                done += 1
                if progress:
                    progress(done, len(chunks))
    if failure:
        n, exc = failure
        raise EngineError(f"chunk {n + 1}/{len(chunks)} ({chunks[n].text[:15]}…): {exc}; "
                          f"{done} of {len(chunks)} chunks are cached, rerun to continue") from None
    return [c for c in clips if c is not None], len(todo)


def _check_voice(engine: Engine, voice: str) -> None:
    if hasattr(engine, "check_voice"):
        engine.check_voice(voice)
        return
    known = [v.id for v in engine.voices()]
    if voice not in known:
        raise ConfigError(f"unknown {engine.name} voice {voice!r}; available: {', '.join(known)}")


def _check_output_dir(path: Path) -> None:
    if not path.parent.exists():
        raise OutputError(f"output folder does not exist: {path.parent}")
    if path.is_dir():
        raise OutputError(f"output path is a folder: {path}")


def _write_mp3(path: Path, track: Track, article: Article, options: BuildOptions) -> Timeline:
    from .ffmpeg import encode_mp3

    audio_tmp = temp_sibling(path)
    final_tmp = audio_tmp.with_name(audio_tmp.name + ".tagged")
    try:
        encode_mp3(track.pcm, track.sample_rate, audio_tmp, bitrate=options.bitrate, out_rate=options.sample_rate)
        # The PCM length is the true duration: ffmpeg writes gapless info, so decoders trim the encoder's padding.
        timeline = track.timeline
        duration = timeline.duration
        tags = EpisodeTags(title=article.title, artist=article.source, album=options.album or article.source,
                           date=article.date, author=article.author)
        final_tmp.write_bytes(id3_tag(tags, timeline.chapters, duration) + audio_tmp.read_bytes())
        os.replace(final_tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        for tmp in (audio_tmp, final_tmp):
            tmp.unlink(missing_ok=True)
    return timeline


def _write_vtt(mp3: Path, timeline: Timeline) -> Path:
    vtt = mp3.with_suffix(".vtt")
    tmp = temp_sibling(vtt)
    try:
        tmp.write_text(to_webvtt(timeline), encoding="utf-8")
        os.replace(tmp, vtt)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {vtt}: {exc.strerror or exc}") from None
    return vtt
