"""Episode outputs from an assembled track: the audio file (MP3 with ordered ID3 chapters, or M4B), loudness,
sidecars and the run report. Everything is written to a temporary name and renamed when complete."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import Track
from .errors import OutputError
from .model import Article, Timeline
from .paths import temp_sibling
from .sidecars import WRITERS
from .tags import EpisodeTags, id3_tag


@dataclass(frozen=True)
class AudioSettings:
    format: str = "mp3"  # mp3 | m4b
    bitrate: str = "64k"
    sample_rate: int = 44_100
    channels: int = 1
    loudness: float | None = -16.0  # integrated LUFS target; None leaves the level alone
    true_peak: float = -1.0  # dBTP ceiling

    # Lossy encoding adds a little to the true peak; aim below the ceiling so the file stays under it.
    ENCODER_HEADROOM = 0.5


@dataclass(frozen=True)
class Metadata:
    album: str | None = None
    genre: str = "Podcast"
    url: str | None = None
    cover: object | None = None  # tts.cover.Cover


@dataclass
class Written:
    audio: Path
    sidecars: dict[str, Path] = field(default_factory=dict)
    loudness: dict[str, float] = field(default_factory=dict)


def write_audio(path: Path, track: Track, article: Article, settings: AudioSettings, meta: Metadata) -> dict[str, float]:
    """Encode (normalising the whole programme once) and tag; returns the loudness measured before encoding."""
    from . import ffmpeg

    audio_filter, measured = None, {}
    if settings.loudness is not None:
        ceiling = settings.true_peak - settings.ENCODER_HEADROOM
        measured = ffmpeg.loudness_of_pcm(track.pcm, track.sample_rate, settings.loudness, ceiling)
        audio_filter = ffmpeg.loudnorm_filter(measured, settings.loudness, ceiling)
    timeline = track.timeline
    tmp = temp_sibling(path)
    try:
        if settings.format == "m4b":
            _write_m4b(tmp, track, timeline, article, settings, meta, audio_filter)
        else:
            _write_mp3(tmp, track, timeline, article, settings, meta, audio_filter)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return measured


def _tags(article: Article, timeline: Timeline, meta: Metadata) -> EpisodeTags:
    text = "\n".join([article.title] + [p for s in article.sections for p in ([s.heading] if s.heading else []) + s.paragraphs])
    return EpisodeTags(title=article.title, artist=article.source, album=meta.album or article.source, date=article.date,
                       author=article.author, genre=meta.genre, comment=meta.url, lyrics=text, cover=meta.cover)


def _write_mp3(tmp: Path, track: Track, timeline: Timeline, article: Article, settings: AudioSettings, meta: Metadata,
               audio_filter: str | None) -> None:
    from .ffmpeg import encode_mp3

    audio = tmp.with_name(tmp.name + ".audio.mp3")
    try:
        encode_mp3(track.pcm, track.sample_rate, audio, bitrate=settings.bitrate, out_rate=settings.sample_rate,
                   channels=settings.channels, audio_filter=audio_filter)
        tag = id3_tag(_tags(article, timeline, meta), timeline.chapters, timeline.duration)
        with open(tmp, "wb") as out:
            out.write(tag)
            out.write(audio.read_bytes())
    finally:
        audio.unlink(missing_ok=True)


def _write_m4b(tmp: Path, track: Track, timeline: Timeline, article: Article, settings: AudioSettings, meta: Metadata,
               audio_filter: str | None) -> None:
    from .ffmpeg import encode_m4b

    tags = _tags(article, timeline, meta)
    with tempfile.TemporaryDirectory() as work:
        metadata = Path(work) / "metadata.txt"
        metadata.write_text(_ffmetadata(tags, timeline), encoding="utf-8")
        cover = None
        if meta.cover is not None:
            cover = Path(work) / ("cover.png" if meta.cover.mime == "image/png" else "cover.jpg")
            cover.write_bytes(meta.cover.data)
        encode_m4b(track.pcm, track.sample_rate, tmp, metadata, bitrate=settings.bitrate, out_rate=settings.sample_rate,
                   channels=settings.channels, audio_filter=audio_filter, cover=cover)


def _ffmetadata(tags: EpisodeTags, timeline: Timeline) -> str:
    def esc(value: str) -> str:
        return "".join("\\" + c if c in "=;#\\\n" else c for c in value)

    fields = {"title": tags.title, "artist": tags.artist, "album": tags.album, "date": (tags.date or "")[:10],
              "genre": tags.genre, "comment": tags.comment, "language": "chi"}
    lines = [";FFMETADATA1"] + [f"{k}={esc(v)}" for k, v in fields.items() if v]
    for chapter in timeline.chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(chapter.start * 1000)}",
                  f"END={round(chapter.end * 1000)}", f"title={esc(chapter.title)}"]
    return "\n".join(lines) + "\n"


def write_sidecars(audio: Path, timeline: Timeline, kinds: set[str]) -> dict[str, Path]:
    """Each requested sidecar (vtt, srt, chapters.json) beside the audio, from the same timeline."""
    written = {}
    for kind in sorted(kinds):
        path = audio.with_suffix("." + kind)
        tmp = temp_sibling(path)
        try:
            tmp.write_text(WRITERS[kind](timeline), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        written[kind] = path
    return written
