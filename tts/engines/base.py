"""The engine interface and the registry that finds engines by name.

An engine is a class with a `name`, a `voices()` list and `synthesize(text, voice, speed)`.
Built-in engines and plugins register the same way: an entry point in the group `tts.engines`
pointing at the class. Engine modules are imported only when an engine is asked for.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from typing import ClassVar, Protocol

from tts.errors import ConfigError
from tts.model import Clip

ENTRY_POINT_GROUP = "tts.engines"
# Known even when the package metadata is missing (running from a source tree).
_BUILTIN = {"kokoro": "tts.engines.kokoro:KokoroEngine", "edge": "tts.engines.edge:EdgeEngine"}
# `--engine auto` takes the first of these whose probe() answers; engines without probe() always answer.
AUTO_ORDER = ["edge", "kokoro"]


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    gender: str  # 'female' | 'male'
    locale: str
    description: str = ""


@dataclass
class EngineStats:
    """What happened during one engine's synthesis calls, for warnings and the run report (as on main)."""

    retries: int = 0  # extra attempts beyond the first, over all chunks
    faults: dict[str, int] = field(default_factory=dict)  # fault kind -> how often it was seen
    warnings: list[str] = field(default_factory=list)


class Engine(Protocol):
    name: ClassVar[str]
    default_voice: ClassVar[str]
    # Everything that changes the sound for the same text and voice (model version, engine options):
    # part of every cache key.
    identity: str
    # How many chunks the pipeline may synthesise at once (1 for CPU-bound engines).
    concurrency: int

    def voices(self) -> list[VoiceInfo]: ...

    def synthesize(self, text: str, voice: str, speed: float = 1.0) -> Clip:
        """Speak one chunk of text; raises EngineError on failure."""
        ...


def engine_names() -> list[str]:
    names = set(_BUILTIN)
    names.update(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
    return sorted(names)


def engine_class(name: str) -> type:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            return ep.load()
    if name in _BUILTIN:
        module, _, attr = _BUILTIN[name].partition(":")
        return getattr(import_module(module), attr)
    raise ConfigError(f"unknown engine {name!r}; available: {', '.join(engine_names())}")


_LIVE: "weakref.WeakSet[Engine]" = weakref.WeakSet()  # engines made by get_engine, for cancel_all()


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


_CANCELLED: "weakref.WeakSet[Engine]" = weakref.WeakSet()


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
    """Resolve 'auto' to a concrete engine: (engine name, why it was chosen)."""
    if name != "auto":
        engine_class(name)  # fail early on unknown names
        return name, "requested"
    reasons = []
    for candidate in AUTO_ORDER:
        probe = getattr(engine_class(candidate), "probe", None)
        if probe is None:
            return candidate, "; ".join(reasons + [f"{candidate} is always available"])
        ok, why = probe()
        if ok:
            return candidate, why
        reasons.append(why)
    raise ConfigError("no speech engine is available: " + "; ".join(reasons))
