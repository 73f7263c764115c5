"""Episode outputs from an assembled track: the audio file (MP3 with ordered ID3 chapters, or M4B), loudness,
sidecars and the run report. Everything is written to a temporary name and renamed when complete."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tts.output.assemble import Track
from tts.errors import OutputError
from tts.model import Article, Timeline
from tts.paths import remove_stale_temps, temp_sibling
from tts.output.sidecars import WRITERS
from tts.output.tags import EpisodeTags, id3_tag


@dataclass(frozen=True)
class AudioSettings:
    format: str = "mp3"  # mp3 | m4b
    bitrate: str = "64k"
    sample_rate: int = 44_100
    channels: int = 1
    loudness: float | None = -16.0  # integrated LUFS target; None leaves the level alone
    true_peak: float = -1.0  # dBTP ceiling



@dataclass(frozen=True)
class Metadata:
    album: str | None = None
    genre: str = "Podcast"
    url: str | None = None
    cover: object | None = None  # tts.output.cover.Cover


@dataclass
class Written:
    audio: Path
    sidecars: dict[str, Path] = field(default_factory=dict)
    loudness: dict[str, float] = field(default_factory=dict)


def write_audio(path: Path, track: Track, article: Article, settings: AudioSettings, meta: Metadata) -> dict[str, float]:
    """Level the whole programme once (loudness.level), encode and tag; returns what the loudness stage measured,
    and what ffmpeg measured on the encoded audio."""
    remove_stale_temps(path.parent)  # leftovers of builds that were killed before they could clean up
    measured: dict[str, float] = {}
    if settings.loudness is not None:
        from tts.output import loudness

        levelled = loudness.level(track, settings.loudness, settings.true_peak, settings.format, settings.bitrate,
                                  settings.sample_rate)
        track, measured = levelled.track, dict(levelled.measured)
    tmp = temp_sibling(path)
    try:
        write = _write_m4b if settings.format == "m4b" else _write_mp3
        heard, fixes = write(path, tmp, track, article, settings, meta)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    if measured:
        measured.update({"encoded_lufs": heard.get("integrated_lufs"), "encoded_true_peak_dbtp": heard.get("true_peak_dbtp"),
                         "corrective_reencodes": fixes})
    return measured


def _tags(article: Article, timeline: Timeline, meta: Metadata) -> EpisodeTags:
    text = "\n".join([article.title] + [p for s in article.sections for p in ([s.heading] if s.heading else []) + s.paragraphs])
    return EpisodeTags(title=article.title, artist=article.source, album=meta.album or article.source, date=article.date,
                       author=article.author, genre=meta.genre, comment=meta.url, lyrics=text, cover=meta.cover)


MAX_CORRECTIONS = 2


def encode_within_ceiling(track: Track, settings: AudioSettings, encode: Callable[[Track], dict[str, float]],
                          written: Path) -> tuple[dict[str, float], int]:
    """encode(track) returns what ffmpeg measured on the encoded audio. In the rare case the codec still pushed
    a true peak over the ceiling, lower the few milliseconds around each overshoot (found by decoding `written`)
    and encode again. Returns the last measurement and the re-encodes it took."""
    from tts.output import loudness
    from tts.output.ffmpeg import stream_pcm

    heard = encode(track)
    fixes = 0
    while settings.loudness is not None and heard["true_peak_dbtp"] > settings.true_peak and fixes < MAX_CORRECTIONS:
        threshold = settings.true_peak - loudness.NEAR_MISS_DB
        where, levels = loudness.overshoots(stream_pcm(written, settings.sample_rate), settings.sample_rate, threshold)
        if not len(where):
            break
        centres = where * track.sample_rate // settings.sample_rate
        track = loudness.duck(track, centres, levels - threshold)
        heard, fixes = encode(track), fixes + 1
    return heard, fixes


def _write_mp3(path: Path, tmp: Path, track: Track, article: Article, settings: AudioSettings, meta: Metadata) -> tuple[dict[str, float], int]:
    """ffmpeg writes the audio (with its LAME header) to a temporary file; the ID3 tag is written first, then
    that audio is copied after it."""
    import shutil

    from tts.output.ffmpeg import encode_to

    audio = temp_sibling(path.with_name("audio"), ".mp3")  # a plain name: ffmpeg's tee muxer parses it

    def encode(t: Track) -> dict[str, float]:
        return encode_to(t.pcm, t.sample_rate, audio, bitrate=settings.bitrate, out_rate=settings.sample_rate,
                         channels=settings.channels, measure=settings.loudness is not None)

    try:
        checked = encode_within_ceiling(track, settings, encode, audio)
        timeline = track.timeline
        with open(tmp, "wb") as out, open(audio, "rb") as encoded:
            out.write(id3_tag(_tags(article, timeline, meta), timeline.chapters, timeline.duration))
            shutil.copyfileobj(encoded, out, 1 << 20)
    finally:
        audio.unlink(missing_ok=True)
    return checked


def _write_m4b(path: Path, tmp: Path, track: Track, article: Article, settings: AudioSettings, meta: Metadata) -> tuple[dict[str, float], int]:
    from tts.output.ffmpeg import ebur128, encode_m4b

    tags = _tags(article, track.timeline, meta)
    # The chapter list and cover go to ffmpeg as files: temporary siblings like every other output temp file,
    # so even a killed build's leftovers are found and removed by the next run.
    metadata = temp_sibling(path, ".txt")
    cover = None
    if meta.cover is not None:
        cover = temp_sibling(path, ".png" if meta.cover.mime == "image/png" else ".jpg")
    try:
        metadata.write_text(_ffmetadata(tags, track.timeline), encoding="utf-8")
        if cover is not None:
            cover.write_bytes(meta.cover.data)

        def encode(t: Track) -> dict[str, float]:  # the checked encode is the final one: chapters, tags and cover included
            encode_m4b(t.pcm, t.sample_rate, tmp, metadata, bitrate=settings.bitrate,
                       out_rate=settings.sample_rate, channels=settings.channels, cover=cover)
            # MP4 needs a seekable output, so the check reads the finished file: one decode, no re-encode.
            return ebur128(tmp) if settings.loudness is not None else {}

        return encode_within_ceiling(track, settings, encode, tmp)
    finally:
        metadata.unlink(missing_ok=True)
        if cover is not None:
            cover.unlink(missing_ok=True)


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
