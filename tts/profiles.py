"""Voice profiles: TOML files naming an engine, a voice, a speed and the pauses between units."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import ConfigError
from .paths import profile_dirs

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
class VoiceProfile:
    name: str
    engine: str = "kokoro"
    voice: str | None = None  # None: the engine's default voice
    speed: float = 1.0
    description: str = ""
    pauses: Pauses = field(default_factory=Pauses)

    def __post_init__(self) -> None:
        if not 0.5 <= self.speed <= 2.0:
            raise ConfigError(f"speed must be between 0.5 and 2.0, got {self.speed}")


def profile_names() -> list[str]:
    return sorted({p.stem for d in profile_dirs() for p in d.glob("*.toml")})


def load_profile(name_or_path: str = DEFAULT_PROFILE) -> VoiceProfile:
    """A profile by name (searched in ./voices, then the bundled ones) or by path to a .toml file."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = next((d / f"{name_or_path}.toml" for d in profile_dirs() if (d / f"{name_or_path}.toml").is_file()), path)
    if not path.is_file():
        raise ConfigError(f"unknown voice profile {name_or_path!r}; available: {', '.join(profile_names()) or 'none'}")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"voice profile {path} is not valid TOML: {exc}") from None
    pauses = data.pop("pauses", {})
    known = {f.name for f in fields(VoiceProfile)} - {"name", "pauses"}
    unknown = set(data) - known | set(pauses) - {f.name for f in fields(Pauses)}
    if unknown:
        raise ConfigError(f"voice profile {path}: unknown keys {', '.join(sorted(unknown))}")
    return VoiceProfile(name=path.stem, pauses=Pauses(**pauses), **data)


def with_overrides(profile: VoiceProfile, engine: str | None, voice: str | None, speed: float | None) -> VoiceProfile:
    changes: dict[str, object] = {}
    if engine and engine != profile.engine:
        changes.update(engine=engine, voice=None)
    if voice:
        changes["voice"] = voice
    if speed is not None:
        changes["speed"] = speed
    return replace(profile, **changes) if changes else profile
