"""The engine interface and the registry that finds engines by name.

An engine is a class with a `name`, a `voices()` list and `synthesize(text, voice, speed)`.
Built-in engines and plugins register the same way: an entry point in the group `tts.engines`
pointing at the class. Engine modules are imported only when an engine is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points
from typing import ClassVar, Protocol

from ..errors import ConfigError
from ..model import Clip

ENTRY_POINT_GROUP = "tts.engines"
# Known even when the package metadata is missing (running from a source tree).
_BUILTIN = {"kokoro": "tts.engines.kokoro:KokoroEngine"}


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    gender: str  # 'female' | 'male'
    locale: str
    description: str = ""


class Engine(Protocol):
    name: ClassVar[str]
    # Part of every cache key: bump when the same text would sound different.
    version: ClassVar[str]
    default_voice: ClassVar[str]

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


def get_engine(name: str, **options: object) -> Engine:
    """An engine instance by registry name, configured with engine-specific options."""
    return engine_class(name)(**options)
