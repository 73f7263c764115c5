"""The engine interface and the registry that finds engines by name.

A new engine is one module with a subclass of `Engine` plus one entry point in the group `tts.engines`
(built-in engines register the same way, in pyproject.toml). Engine modules are imported only when an engine
is asked for. Everything engine-specific — how many chunks or articles to run at once, whether `auto` may pick
it, how it wants the lexicon, how it checks a voice — is declared on the class, never decided outside
`tts/engines/`.
"""

from __future__ import annotations

import weakref
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import ClassVar

from tts.errors import ConfigError
from tts.model import Clip

ENTRY_POINT_GROUP = "tts.engines"


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    gender: str  # 'female' | 'male'
    locale: str
    description: str = ""


@dataclass
class EngineStats:
    """What happened during one engine's synthesis calls, for warnings and the run report."""

    retries: int = 0  # extra attempts beyond the first, over all chunks
    faults: dict[str, int] = field(default_factory=dict)  # fault kind -> how often it was seen
    warnings: list[str] = field(default_factory=list)


class Engine(ABC):
    """A speech engine. Subclasses set the class attributes and implement `identity`, `voices`, `synthesize`."""

    name: ClassVar[str]
    default_voice: ClassVar[str]
    sample_rate: ClassVar[int]
    # How many chunks one article may synthesise at once (1 for CPU-bound engines).
    concurrency: int = 1
    # How many articles a batch builds at once by default, and whether in worker processes (CPU-bound: one model per
    # core) or in threads of one process (network-bound: the engine's connection limit then holds for the batch).
    batch_jobs: ClassVar[int] = 1
    cpu_bound: ClassVar[bool] = True
    # `--engine auto` tries engines by ascending priority; None: never chosen automatically.
    auto_priority: ClassVar[int | None] = None
    # How the pronunciation lexicon reaches the engine: 'pinyin' ({word|pin1 yin1} markup) or 'say' (homophones).
    lexicon_style: ClassVar[str] = "say"
    # Typical speaking time per syllable at speed 1, for the length announced before the episode is synthesised.
    seconds_per_syllable: ClassVar[float] = 0.19
    # The engine-specific `tts build` flags this engine takes: {flag's parameter name: constructor keyword}.
    build_flags: ClassVar[dict[str, str]] = {}
    # Constructor keywords that name files the engine reads (a build's outputs must never replace them).
    file_options: ClassVar[tuple[str, ...]] = ()

    @property
    @abstractmethod
    def identity(self) -> str:
        """Everything that changes the sound for the same text, voice and speed (model, its files, options):
        part of every cache key."""

    @abstractmethod
    def voices(self) -> list[VoiceInfo]:
        """The voices this engine knows without asking a service."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, speed: float = 1.0) -> Clip:
        """Speak one chunk of text; raises EngineError on failure. Fills `Clip.marks` when it can."""

    # -- optional capabilities, defaulted ------------------------------------------------------

    @classmethod
    def probe(cls) -> tuple[bool, str]:
        """Whether the engine can work right now, and why (in words): used by `--engine auto`."""
        return True, f"{cls.name} is always available"

    def check_voice(self, voice: str) -> None:
        known = [v.id for v in self.voices()]
        if voice not in known:
            raise ConfigError(f"unknown {self.name} voice {voice!r}; available: {', '.join(known)}")

    def live_voices(self) -> tuple[list[VoiceInfo], str]:
        """(voices, where the list came from) — engines backed by a service ask it."""
        return self.voices(), "bundled list"

    def stats(self) -> EngineStats:
        return EngineStats()

    def phonemize(self, text: str) -> str | None:
        """What the model is given for TEXT, for `tts say --phonemes`; None when the engine has no phonemes."""
        return None

    def cancel(self) -> None:  # noqa: B027 - an optional capability, defaulted to nothing to end
        """Ctrl-C or a fatal chunk: end work in flight now. Engines that wait on a service override it; for a
        CPU-bound engine the pipeline simply starts no new chunk (see is_cancelled)."""


def engine_names() -> list[str]:
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


def engine_class(name: str) -> type[Engine]:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Engine)):
                raise ConfigError(f"engine {name!r} ({ep.value}) does not subclass tts.engines.Engine")
            return cls
    raise ConfigError(f"unknown engine {name!r}; available: {', '.join(engine_names())}")


def options_from_flags(flags: dict[str, object]) -> dict[str, dict[str, object]]:
    """Each engine's constructor options from the engine-specific flags a user gave ({engine: {keyword: value}}),
    as the engines declare in `build_flags`. Engines are imported only when such a flag is set."""
    given = {flag: value for flag, value in flags.items() if value is not None}
    options: dict[str, dict[str, object]] = {}
    for name in engine_names() if given else []:
        taken = {keyword: given[flag] for flag, keyword in engine_class(name).build_flags.items() if flag in given}
        if taken:
            options[name] = taken
    return options


_LIVE: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines made by get_engine, for cancel_all()


def get_engine(name: str, **options: object) -> Engine:
    """An engine instance by registry name, configured with engine-specific options."""
    cls = engine_class(name)
    try:
        engine = cls(**options)
    except TypeError as exc:
        raise ConfigError(f"invalid option for engine {name!r}: {exc}") from None
    try:
        _LIVE.add(engine)
    except TypeError:  # a plugin engine without weak-reference support: it cannot be cancelled
        pass
    return engine


_CANCELLED: weakref.WeakSet[Engine] = weakref.WeakSet()


def cancel_all() -> None:
    """Ctrl-C or a fatal error: every engine made by get_engine is marked cancelled (the pipeline starts no new
    chunk on it), and those that can (`cancel()`) also end their work in flight now."""
    for engine in list(_LIVE):
        _CANCELLED.add(engine)
        cancel = getattr(engine, "cancel", None)
        if cancel is not None:
            cancel()


def is_cancelled(engine: Engine) -> bool:
    try:
        return engine in _CANCELLED
    except TypeError:
        return False


def choose_engine(name: str) -> tuple[str, str]:
    """Resolve 'auto' to a concrete engine: (engine name, why it was chosen, in words)."""
    if name != "auto":
        engine_class(name)  # fail early on unknown names
        return name, "requested"
    candidates = []
    for candidate in engine_names():
        try:
            cls = engine_class(candidate)
        except ConfigError:
            continue  # a broken plugin must not stop auto from finding a working engine
        if cls.auto_priority is not None:
            candidates.append((cls.auto_priority, candidate, cls))
    reasons: list[str] = []
    for _, candidate, cls in sorted(candidates):
        ok, why = cls.probe()
        if ok:
            return candidate, "; ".join(reasons + [why])
        reasons.append(why)
    raise ConfigError("no speech engine is available: " + "; ".join(reasons))
