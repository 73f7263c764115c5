"""The library entry point: one article in, one chaptered episode (audio, sidecars, report) out.

Stages: read -> clean (Article) -> choose engine -> plan with the engine's spoken form (SpeechPlan)
-> synthesise chunks through the cache (Clips) -> assemble (Track + Timeline) -> episode outputs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tts.output.assemble import assemble
from tts.speech.cache import ClipCache, chunk_key
from tts.input.clean import CleanOptions, clean_text
from tts.engines import Engine, get_engine
from tts.engines.base import choose_engine
from tts.output.episode import AudioSettings, Metadata, write_audio, write_sidecars
from tts.errors import ConfigError, EngineError, OutputError
from tts.model import Article, Chunk, Clip, SpeechPlan, Timeline
from tts.speech.plan import ANNOUNCEMENT, PlanOptions, announcement_text, fill_announcement, make_plan
from tts.speech.profiles import DEFAULT_PROFILE, VoiceProfile, load_profile, with_overrides
from tts.speech.verify import require_recogniser, verify_build
from tts.input.reading import read_page

Progress = Callable[[int, int], None]  # (chunks done, chunks total)
Notify = Callable[[str], None]  # one-line status messages (which engine was chosen, …)
SIDECARS = ("vtt", "srt", "chapters.json", "words.json")


@dataclass(frozen=True)
class BuildOptions:
    profile: str = DEFAULT_PROFILE
    engine: str | None = None  # overrides the profile's engine: auto | kokoro | edge | a plugin
    voice: str | None = None  # overrides the profile's voice
    speed: float | None = None
    output: Path | None = None  # default: beside the input, with the format's suffix
    read_captions: bool = False
    audio: AudioSettings = field(default_factory=AudioSettings)
    sidecars: frozenset[str] = frozenset({"vtt"})
    use_cache: bool = True
    album: str | None = None
    genre: str = "Podcast"
    url: str | None = None  # the original article's address, for the comment tag and the report
    cover: Path | None = None
    announce: bool = True  # after the title: source, date and length, for listeners who cannot glance at the page
    lexicon: Path | None = None  # user pronunciation lexicon (TOML); ./lexicon.toml is used when present
    normalize: bool = True  # numbers, dates, units… in words (off only to compare)
    verify: bool = False  # transcribe the episode, report per-sentence error, re-synthesise garbled sentences
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
    speaker: Callable[[str], str]


@dataclass
class BuildResult:
    article: Article
    plan: SpeechPlan
    timeline: Timeline
    audio: Path
    sidecars: dict[str, Path]
    engine: str
    voice: str
    synthesized: int
    from_cache: int
    seconds: float
    engine_reason: str = ""
    loudness: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    faults: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    verification: object | None = None  # tts.speech.verify.Verification with --verify

    @property
    def mp3(self) -> Path:  # the audio file, whatever its format
        return self.audio

    @property
    def vtt(self) -> Path | None:
        return self.sidecars.get("vtt")


def prepare(source: str | Path, options: BuildOptions | None = None) -> Prepared:
    """Read, clean, choose the engine and plan the spoken text for it, without synthesising (--dry-run)."""
    from tts.engines import engine_class
    from tts.speech.normalize import Lexicon, Speaker

    options = options or BuildOptions()
    profile = with_overrides(load_profile(options.profile), options.engine, options.voice, options.speed)
    lexicon = Lexicon.load(options.lexicon)
    page = read_page(source)
    article = clean_text(page.text, CleanOptions(read_captions=options.read_captions, title_hint=page.html_title))
    engine, reason = choose_engine(profile.engine)
    speaker = Speaker(lexicon, getattr(engine_class(engine), "lexicon_style", "say"), options.normalize)
    plan = make_plan(article, PlanOptions(announce=options.announce), speaker)
    return Prepared(article, plan, profile, page.name, engine, reason, speaker)


def output_path(source: str | Path, options: BuildOptions) -> Path:
    if options.output:
        return Path(options.output)
    suffix = "." + options.audio.format
    if str(source) == "-":
        return Path("article" + suffix)
    return Path(source).with_suffix(suffix)


def build(source: str | Path, options: BuildOptions | None = None, progress: Progress | None = None,
          notify: Notify | None = None) -> BuildResult:
    """Build the episode; outputs appear only when complete (temporary file, then rename)."""
    from tts.output.cover import load_cover

    started = time.perf_counter()
    options = options or BuildOptions()
    _check_options(options)
    require_recogniser(options.verify)  # before any work: a missing extra is a bad option, not a late failure
    cover = load_cover(options.cover) if options.cover else None
    prepared = prepare(source, options)
    audio_path = output_path(source, options)
    _check_output_dir(audio_path)
    engine, voice, speed = open_engine(prepared.engine, prepared.profile, options.engine_options)
    if notify:
        notify(f"engine: {engine.name} ({prepared.engine_reason}), voice {voice}")

    plan, chunks = prepared.plan, prepared.plan.chunks
    announcement = next((n for n, c in enumerate(chunks) if c.text == ANNOUNCEMENT), -1)
    body = [n for n in range(len(chunks)) if n != announcement]
    clips: dict[int, Clip] = {}
    total = len(chunks)
    body_clips, synthesized = synthesize_chunks([chunks[n] for n in body], engine, voice, speed, options.use_cache,
                                                progress and (lambda done, _t: progress(done, total)))
    clips.update(zip(body, body_clips))
    if announcement >= 0:
        seconds = _estimated_length(plan, clips, prepared.profile, announcement)
        text = announcement_text(prepared.article, seconds)
        fill_announcement(plan, text, prepared.speaker(text))
        (clip,), extra = synthesize_chunks([plan.chunks[announcement]], engine, voice, speed, options.use_cache)
        clips[announcement], synthesized = clip, synthesized + extra
        if progress:
            progress(total, total)

    track = assemble(plan, [clips[n] for n in range(total)], prepared.profile.pauses)
    track, verification = verify_build(options.verify, plan, clips, prepared.profile.pauses, engine, voice, speed, track, options.use_cache)
    meta = Metadata(album=options.album, genre=options.genre, url=options.url, cover=cover)
    loudness = write_audio(audio_path, track, prepared.article, options.audio, meta)
    sidecars = write_sidecars(audio_path, track.timeline, set(options.sidecars))
    if options.use_cache:
        ClipCache().trim()
    log = getattr(engine, "log", [])
    faults: dict[str, int] = {}
    for record in log:
        for kind in record.faults or []:
            faults[kind] = faults.get(kind, 0) + 1
    warnings = [f"chunk audio looked short after {r.tries} tries and was kept" for r in log if r.short_audio]
    warnings += cover.warnings() if cover else []
    return BuildResult(
        prepared.article, plan, track.timeline, audio_path, sidecars, engine.name, voice,
        synthesized, total - synthesized, time.perf_counter() - started, prepared.engine_reason,
        loudness, warnings, faults, sum(max(0, r.tries - 1) for r in log), verification,
    )


def _estimated_length(plan: SpeechPlan, clips: dict[int, Clip], profile: VoiceProfile, skip: int) -> float:
    """The episode's length without the announcement, plus a typical announcement (about 5 s)."""
    seconds = sum(len(c.samples) / c.sample_rate for c in clips.values())
    seconds += sum(profile.pauses.after(c.after) for n, c in enumerate(plan.chunks) if n != skip) / 1000
    return seconds + 5.0


def open_engine(name: str, profile: VoiceProfile, engine_options: dict[str, dict[str, object]] | None = None) -> tuple[Engine, str, float]:
    """(engine, voice, speed) for the chosen engine; one engine serves the whole episode."""
    wanted = profile.for_engine(name)
    engine = get_engine(name, **{**wanted.options, **(engine_options or {}).get(name, {})})
    voice = wanted.voice or engine.default_voice
    _check_voice(engine, voice)
    return engine, voice, wanted.speed


def synthesize_chunks(chunks: list[Chunk], engine: Engine, voice: str, speed: float, use_cache: bool = True,
                      progress: Progress | None = None) -> tuple[list[Clip], int]:
    """One clip per chunk, from the cache where possible; new clips are cached as soon as each exists.

    Up to engine.concurrency chunks are synthesised at once. When a chunk fails for good, chunks already
    in flight still finish (and are cached) before the error is raised, so a rerun redoes only what is missing.
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    cache = ClipCache() if use_cache else None
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


def _check_options(options: BuildOptions) -> None:
    audio = options.audio
    if audio.format not in ("mp3", "m4b"):
        raise ConfigError(f"format must be mp3 or m4b, got {audio.format!r}")
    if audio.sample_rate not in (22_050, 24_000, 44_100, 48_000):
        raise ConfigError(f"sample rate must be 22050, 24000, 44100 or 48000, got {audio.sample_rate}")
    if audio.channels not in (1, 2):
        raise ConfigError(f"channels must be 1 (mono) or 2 (stereo), got {audio.channels}")
    if audio.loudness is not None and not -30 <= audio.loudness <= -10:
        raise ConfigError(f"loudness target must be between -30 and -10 LUFS, got {audio.loudness}")
    if not -9 <= audio.true_peak <= 0:
        raise ConfigError(f"true peak ceiling must be between -9 and 0 dBTP, got {audio.true_peak}")
    unknown = set(options.sidecars) - set(SIDECARS)
    if unknown:
        raise ConfigError(f"unknown sidecar {', '.join(sorted(unknown))}; choose from {', '.join(SIDECARS)}")


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
