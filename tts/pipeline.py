"""The library entry point: one article in, one chaptered episode (audio, sidecars, report) out.

Stages: read -> clean (Article) -> choose engine -> plan with the engine's spoken form (SpeechPlan)
-> synthesise chunks through the cache (Clips) -> assemble (Track + Timeline) -> episode outputs.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tts.engines import Engine, get_engine
from tts.engines.base import choose_engine, engine_class, is_cancelled
from tts.errors import EngineError, OutputError
from tts.input.extract import read_article
from tts.model import Article, Chunk, Clip, SpeechPlan, Timeline
from tts.options import SIDECARS, BuildOptions
from tts.output.assemble import assemble
from tts.output.episode import Metadata, write_audio, write_sidecars
from tts.speech.cache import ClipCache, chunk_key
from tts.speech.plan import PlanOptions, make_plan
from tts.speech.profiles import VoiceProfile, load_profile, with_overrides
from tts.speech.verify import require_recogniser, verify_build

if TYPE_CHECKING:
    from concurrent.futures import Future

Progress = Callable[[int, int], None]  # (chunks done, chunks total)
Notify = Callable[[str], None]  # one-line status messages (which engine was chosen, …)
__all__ = ["SIDECARS", "BuildOptions", "BuildResult", "Prepared", "build", "prepare", "planned_outputs"]


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
    url: str | None = None  # the original article's address (--url, or the address it was read from)
    verification: object | None = None  # tts.speech.verify.Verification with --verify

    @property
    def mp3(self) -> Path:  # the audio file, whatever its format
        return self.audio

    @property
    def vtt(self) -> Path | None:
        return self.sidecars.get("vtt")


def prepare(source: str | Path, options: BuildOptions | None = None) -> Prepared:
    """Read, clean, choose the engine and plan the spoken text for it, without synthesising (--dry-run)."""
    from tts.speech.normalize import Lexicon, Speaker

    options = options or BuildOptions()
    profile = with_overrides(load_profile(options.profile), options.engine, options.voice, options.speed)
    lexicon = Lexicon.load(options.lexicon)
    page, article = read_article(source, options.read_captions)
    engine, reason = choose_engine(profile.engine)
    cls = engine_class(engine)
    speaker = Speaker(lexicon, cls.lexicon_style, options.normalize)
    plan_options = PlanOptions(
        announce=options.announce,
        seconds_per_syllable=cls.seconds_per_syllable,
        speed=profile.for_engine(engine).speed,
        pauses=profile.pauses,
    )
    plan = make_plan(article, plan_options, speaker)
    return Prepared(article, plan, profile, page.name, engine, reason, speaker)


def planned_outputs(source: str | Path, options: BuildOptions) -> list[Path]:
    """Every file a build of SOURCE writes: the audio first, then its sidecars (the report is the caller's)."""
    audio = options.output_for(source)
    return [audio] + [audio.with_suffix("." + kind) for kind in sorted(options.sidecars)]


def build(
    source: str | Path,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> BuildResult:
    """Build the episode; outputs appear only when complete (temporary file, then rename)."""
    from tts.output.cover import load_cover
    from tts.paths import check_outputs, inputs_of

    started = time.perf_counter()
    options = options or BuildOptions()
    outputs = planned_outputs(source, options)
    check_outputs(outputs, inputs_of(source, options))
    require_recogniser(options.verify)  # before any work: a missing extra is a bad option, not a late failure
    audio_path = outputs[0]
    cover = load_cover(options.tags.cover) if options.tags.cover else None
    prepared = prepare(source, options)
    engine, voice, speed = open_engine(prepared.engine, prepared.profile, options.engine_options)
    if notify:
        notify(f"engine: {engine.name} ({prepared.engine_reason}), voice {voice}")

    plan = prepared.plan
    cache_warnings: list[str] = []  # damaged cache entries met (synthesised again)
    synthesis_started = time.perf_counter()
    clips, synthesized = synthesize_chunks(
        plan.chunks, engine, voice, speed, options.use_cache, progress, cache_warnings
    )
    synthesis_seconds = time.perf_counter() - synthesis_started  # --verify's time budget is a share of it
    track = assemble(plan, clips, prepared.profile.pauses)
    track, verification = verify_build(
        options.verify,
        plan,
        clips,
        prepared.profile.pauses,
        engine,
        voice,
        speed,
        track,
        options.use_cache,
        synthesis_seconds,
        synthesized,
    )
    tags = options.tags
    url = tags.url or prepared_url(source)
    meta = Metadata(album=tags.album, genre=tags.genre, url=url, cover=cover)
    loudness = write_audio(audio_path, track, prepared.article, options.audio, meta)
    sidecars = write_sidecars(audio_path, track.timeline, set(options.sidecars))
    if options.use_cache:
        ClipCache().trim()
    stats = engine.stats()
    warnings = stats.warnings + (cover.warnings() if cover else []) + cache_warnings
    return BuildResult(
        prepared.article,
        plan,
        track.timeline,
        audio_path,
        sidecars,
        engine.name,
        voice,
        synthesized,
        len(plan.chunks) - synthesized,
        time.perf_counter() - started,
        prepared.engine_reason,
        loudness,
        warnings,
        stats.faults,
        stats.retries,
        url,
        verification,
    )


def prepared_url(source: str | Path) -> str | None:
    """An article read from an address carries that address (for the comment tag and the report)."""
    text = str(source)
    return text if text.startswith(("http://", "https://")) else None


def open_engine(
    name: str, profile: VoiceProfile, engine_options: dict[str, dict[str, object]] | None = None
) -> tuple[Engine, str, float]:
    """(engine, voice, speed) for the chosen engine; one engine serves the whole episode."""
    wanted = profile.for_engine(name)
    engine = get_engine(name, **{**wanted.options, **(engine_options or {}).get(name, {})})
    voice = wanted.voice or engine.default_voice
    engine.check_voice(voice)
    return engine, voice, wanted.speed


def synthesize_chunks(
    chunks: list[Chunk],
    engine: Engine,
    voice: str,
    speed: float,
    use_cache: bool = True,
    progress: Progress | None = None,
    warnings: list[str] | None = None,
) -> tuple[list[Clip], int]:
    """One clip per chunk, from the cache where possible; new clips are cached as soon as each exists.

    Up to engine.concurrency chunks are synthesised at once; every finished chunk is cached, so a rerun redoes
    only what is missing. When a chunk fails for good, or on Ctrl-C, the engine's work in flight is cancelled
    (engines with `cancel()`) so the build ends promptly.
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    cache = _writable_cache() if use_cache else None
    keys = [chunk_key(engine.name, engine.identity, voice, speed, c.spoken) for c in chunks]
    clips: list[Clip | None] = [cache.get(k) if cache else None for k in keys]
    if cache and warnings is not None:
        warnings += cache.warnings  # damaged entries: dropped, synthesised again below
    todo = [n for n, clip in enumerate(clips) if clip is None]
    done = len(chunks) - len(todo)
    if progress:
        progress(done, len(chunks))

    def work(n: int) -> Clip:
        clip = engine.synthesize(chunks[n].spoken, voice, speed)
        if cache:
            try:
                cache.put(keys[n], clip)
            except OSError as exc:  # a full cache is the user's to fix, not a crash
                raise _cache_error(exc) from None
        return clip

    failure: tuple[int, EngineError] | None = None
    workers = max(1, engine.concurrency)
    with ThreadPoolExecutor(max_workers=workers) as pool, _cancelled_on_failure(engine):
        pending: dict[Future[Clip], int] = {}
        queue = iter(todo)
        while True:
            while failure is None and len(pending) < workers:
                n = next(queue, None)
                if n is None:
                    break
                if is_cancelled(engine):  # Ctrl-C in a batch (see tts.engines.base.cancel_all): start nothing new
                    raise EngineError("interrupted")
                pending[pool.submit(work, n)] = n
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                n = pending.pop(future)
                try:
                    clips[n] = future.result()
                except EngineError as exc:
                    if failure is None:
                        failure = (n, exc)
                        engine.cancel()  # the build fails: stop the other chunks' requests and retries now
                    continue
                done += 1
                if progress:
                    progress(done, len(chunks))
    if failure:
        n, error = failure
        raise EngineError(
            f"chunk {n + 1}/{len(chunks)} ({chunks[n].text[:15]}…): {error}; "
            f"{done} of {len(chunks)} chunks are cached, rerun to continue"
        ) from None
    return [c for c in clips if c is not None], len(todo)


def _writable_cache() -> ClipCache:
    """The clip cache, checked up front: a read-only or misplaced cache fails before any synthesis."""
    from tts.paths import cache_dir

    try:
        probe = cache_dir() / "clips" / f".probe.{os.getpid()}.{uuid.uuid4().hex}"  # unique: batches build in threads
        probe.parent.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink(missing_ok=True)
    except OSError as exc:
        raise _cache_error(exc) from None
    return ClipCache()


@contextmanager
def _cancelled_on_failure(engine: Engine):
    """Ctrl-C or any unexpected error while chunks are in flight: cancel them before the pool waits for them."""
    try:
        yield
    except BaseException:
        engine.cancel()
        raise


def _cache_error(exc: OSError) -> OutputError:
    from tts.paths import cache_dir

    return OutputError(
        f"cannot write to the cache in {cache_dir()}: {exc.strerror or exc}; free space, "
        "set TTS_CACHE_DIR to a writable folder, or build with --no-cache"
    )
