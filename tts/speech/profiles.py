"""Voice profiles: TOML files naming, per engine, a voice and its settings, plus the pauses between units.

description = "Male newsreader"
engine = "auto"            # auto | kokoro | edge (or any registered engine)
[kokoro]
voice = "zm_yunjian"
speed = 1.0
[edge]
voice = "zh-CN-YunyangNeural"
speed = 1.0
pitch = "+0Hz"             # other keys go to the engine as options
[pauses]                   # milliseconds after each boundary
sentence = 350
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tts.errors import ConfigError
from tts.paths import profile_dirs

DEFAULT_PROFILE = "news"


@dataclass(frozen=True)
class Pauses:
    """Silence in milliseconds after a clause, sentence, paragraph, heading, the title, a section."""

    clause: int = 120
    sentence: int = 350
    paragraph: int = 700
    heading: int = 650
    title: int = 1000
    section: int = 1300
    end: int = 0

    def after(self, boundary: str) -> int:
        return getattr(self, boundary)


@dataclass(frozen=True)
class EngineVoice:
    """What a profile asks of one engine: a voice (None: the engine's default), a speed, engine options."""

    voice: str | None = None
    speed: float = 1.0
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.5 <= self.speed <= 2.0:
            raise ConfigError(f"speed must be between 0.5 and 2.0, got {self.speed}")


@dataclass(frozen=True)
class VoiceProfile:
    name: str
    engine: str = "auto"
    description: str = ""
    engines: dict[str, EngineVoice] = field(default_factory=dict)
    pauses: Pauses = field(default_factory=Pauses)

    def for_engine(self, engine: str) -> EngineVoice:
        # '*' holds CLI overrides for an engine the profile does not describe.
        return self.engines.get(engine) or self.engines.get("*") or EngineVoice()


def profile_names() -> list[str]:
    return sorted({p.stem for d in profile_dirs() for p in d.glob("*.toml")})


def load_profile(name_or_path: str = DEFAULT_PROFILE) -> VoiceProfile:
    """A profile by name (searched in ./voices, then the bundled ones) or by path to a .toml file."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = next(
            (d / f"{name_or_path}.toml" for d in profile_dirs() if (d / f"{name_or_path}.toml").is_file()), path
        )
    if not path.is_file():
        raise ConfigError(f"unknown voice profile {name_or_path!r}; available: {', '.join(profile_names()) or 'none'}")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"voice profile {path} is not valid TOML: {exc}") from None
    try:
        return _parse(path.stem, data)
    except TypeError as exc:
        raise ConfigError(f"voice profile {path}: {exc}") from None


def _parse(name: str, data: dict[str, Any]) -> VoiceProfile:
    pauses = data.pop("pauses", {})
    unknown_pauses = set(pauses) - {f.name for f in fields(Pauses)}
    if unknown_pauses:
        raise ConfigError(f"voice profile {name}: unknown pauses {', '.join(sorted(unknown_pauses))}")
    engines = {}
    for key in [k for k, v in data.items() if isinstance(v, dict)]:
        table = dict(data.pop(key))
        engines[key] = EngineVoice(voice=table.pop("voice", None), speed=float(table.pop("speed", 1.0)), options=table)
    unknown = set(data) - {"engine", "description"}
    if unknown:
        raise ConfigError(f"voice profile {name}: unknown keys {', '.join(sorted(unknown))}")
    return VoiceProfile(name=name, engines=engines, pauses=Pauses(**pauses), **data)


def with_overrides(profile: VoiceProfile, engine: str | None, voice: str | None, speed: float | None) -> VoiceProfile:
    """The profile with CLI choices applied; a --voice applies to whichever engine is finally used."""
    changes: dict[str, Any] = {}
    if engine:
        changes["engine"] = engine
    if voice or speed is not None:
        engines = {}
        for name in set(profile.engines) | {"*"}:
            current = profile.engines.get(name, EngineVoice())
            engines[name] = replace(
                current, voice=voice or current.voice, speed=current.speed if speed is None else speed
            )
        changes["engines"] = engines
    return replace(profile, **changes) if changes else profile
