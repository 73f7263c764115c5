"""Every build option, its default and its validation, defined once.

The CLI maps flags onto these groups, the library and the web service construct them directly, and the run
report reads them back. An invalid value raises ConfigError when the group is created — before any work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tts.errors import ConfigError

FORMATS = ("mp3", "m4b")
SAMPLE_RATES = (22_050, 24_000, 44_100, 48_000)
SIDECARS = ("vtt", "srt", "chapters.json", "words.json")
DEFAULT_PROFILE = "news"
# Bitrates the encoders accept (kbit/s). MP3 at 44.1/48 kHz is MPEG-1 Layer III (32-320); at 22.05/24 kHz it is
# MPEG-2 (8-160). AAC takes any rate in its range.
MP3_BITRATES = {
    "mpeg1": (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    "mpeg2": (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
AAC_BITRATES = range(16, 321)


@dataclass(frozen=True)
class AudioSettings:
    """The audio file: container, encoding, and the loudness it is normalised to."""

    format: str = "mp3"  # mp3 | m4b
    bitrate: str = "64k"
    sample_rate: int = 44_100
    channels: int = 1
    loudness: float | None = -16.0  # integrated LUFS target; None leaves the level alone
    true_peak: float = -1.0  # dBTP ceiling

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ConfigError(f"format must be one of {', '.join(FORMATS)}, got {self.format!r}")
        if self.sample_rate not in SAMPLE_RATES:
            raise ConfigError(f"sample rate must be 22050, 24000, 44100 or 48000, got {self.sample_rate}")
        if self.channels not in (1, 2):
            raise ConfigError(f"channels must be 1 (mono) or 2 (stereo), got {self.channels}")
        if self.loudness is not None and not -30 <= self.loudness <= -10:
            raise ConfigError(f"loudness target must be between -30 and -10 LUFS, got {self.loudness}")
        if not -9 <= self.true_peak <= 0:
            raise ConfigError(f"true peak ceiling must be between -9 and 0 dBTP, got {self.true_peak}")
        self._check_bitrate()

    @property
    def kbps(self) -> int:
        return int(self.bitrate[:-1])

    def _check_bitrate(self) -> None:
        if not re.fullmatch(r"[1-9]\d{0,3}k", self.bitrate):
            raise ConfigError(f"bitrate must look like 64k (kbit/s), got {self.bitrate!r}")
        if self.format == "m4b":
            allowed: tuple[int, ...] | range = AAC_BITRATES
            where = "AAC (m4b)"
        else:
            allowed = MP3_BITRATES["mpeg1" if self.sample_rate >= 32_000 else "mpeg2"]
            where = f"MP3 at {self.sample_rate} Hz"
        if self.kbps not in allowed:
            choices = (
                f"{allowed[0]}k-{allowed[-1]}k" if isinstance(allowed, range) else ", ".join(f"{b}k" for b in allowed)
            )
            raise ConfigError(f"{where} cannot be encoded at {self.bitrate}; choose {choices} (64k-96k suits speech)")


@dataclass(frozen=True)
class TagOptions:
    """What goes into the audio file's tags beyond the article's own title, source, date and author."""

    album: str | None = None  # programme name; default: the article's source
    genre: str = "Podcast"
    url: str | None = None  # the original article's address (comment tag, report)
    cover: Path | None = None  # JPEG or PNG


@dataclass(frozen=True)
class BuildOptions:
    """One article's build; the same object drives the CLI, the library, batches and the web service."""

    profile: str = DEFAULT_PROFILE
    engine: str | None = None  # overrides the profile's engine: auto | kokoro | edge | a plugin
    voice: str | None = None  # overrides the profile's voice
    speed: float | None = None
    output: Path | None = None  # default: beside the input, with the format's suffix
    read_captions: bool = False
    audio: AudioSettings = field(default_factory=AudioSettings)
    tags: TagOptions = field(default_factory=TagOptions)
    sidecars: frozenset[str] = frozenset({"vtt"})
    use_cache: bool = True
    announce: bool = True  # after the title: source, date and length, for listeners who cannot glance at the page
    lexicon: Path | None = None  # user pronunciation lexicon (TOML); ./lexicon.toml is used when present
    normalize: bool = True  # numbers, dates, units… in words (off only to compare)
    verify: bool = False  # transcribe the episode, report per-sentence error, re-synthesise garbled sentences
    # Per-engine constructor options, e.g. {"kokoro": {"model": …}, "edge": {"concurrency": 2}}; they
    # override the profile's [engine] table.
    engine_options: dict[str, dict[str, object]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.speed is not None and not 0.5 <= self.speed <= 2.0:
            raise ConfigError(f"speed must be between 0.5 and 2.0, got {self.speed}")
        unknown = set(self.sidecars) - set(SIDECARS)
        if unknown:
            raise ConfigError(f"unknown sidecar {', '.join(sorted(unknown))}; choose from {', '.join(SIDECARS)}")
        if self.lexicon is not None and not Path(self.lexicon).is_file():
            raise ConfigError(f"lexicon file not found: {self.lexicon}")
        if self.tags.cover is not None and not Path(self.tags.cover).is_file():
            raise ConfigError(f"cover image not found: {self.tags.cover}")

    def output_for(self, source: str | Path) -> Path:
        """Where the audio goes: -o, else beside the input with the format's suffix (article.mp3 for stdin)."""
        if self.output:
            return Path(self.output)
        suffix = "." + self.audio.format
        if str(source) == "-":
            return Path("article" + suffix)
        if "://" in str(source):  # a fetched page is written to the current folder, named after its address
            from tts.input.fetch import url_stem

            return Path(url_stem(str(source)) + suffix)
        return Path(source).with_suffix(suffix)


DEFAULTS = BuildOptions()
