"""Episode outputs from an assembled track: the audio file (MP3 with ordered ID3 chapters, or M4B), loudness,
sidecars and the run report. Everything is written to a temporary name and renamed when complete."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tts.errors import OutputError
from tts.model import Article, Timeline
from tts.options import AudioSettings
from tts.output.assemble import Track
from tts.output.sidecars import WRITERS
from tts.output.tags import EpisodeTags, id3_tag
from tts.paths import remove_stale_temps, temp_sibling

if TYPE_CHECKING:
    from tts.output.cover import Cover


@dataclass(frozen=True)
class Metadata:
    """The tag options with the cover image loaded and checked."""

    album: str | None = None
    genre: str = "Podcast"
    url: str | None = None
    cover: Cover | None = None


@dataclass
class Written:
    audio: Path
    sidecars: dict[str, Path] = field(default_factory=dict)
    loudness: dict[str, float] = field(default_factory=dict)


def write_audio(
    path: Path, track: Track, article: Article, settings: AudioSettings, meta: Metadata
) -> dict[str, float]:
    """Level the whole programme once (loudness.level), encode and tag; returns what the loudness stage measured,
    and what ffmpeg measured on the encoded audio."""
    remove_stale_temps(path.parent)  # leftovers of builds that were killed before they could clean up
    tmp = temp_sibling(path)
    try:
        write = _write_m4b if settings.format == "m4b" else _write_mp3
        measured = write(path, tmp, track, article, settings, meta)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return measured


def _tags(article: Article, timeline: Timeline, meta: Metadata) -> EpisodeTags:
    text = "\n".join(
        [article.title] + [p for s in article.sections for p in ([s.heading] if s.heading else []) + s.paragraphs]
    )
    return EpisodeTags(
        title=article.title,
        artist=article.source,
        album=meta.album or article.source,
        date=article.date,
        author=article.author,
        genre=meta.genre,
        comment=meta.url,
        lyrics=text,
        cover=meta.cover,
    )


MAX_CORRECTIONS = 2


def level_and_encode(
    track: Track, settings: AudioSettings, encode: Callable[[Track], dict[str, float]], written: Path
) -> dict[str, float]:
    """Level the track (loudness.level: a new track) and encode it; encode(track) returns what ffmpeg measured on
    the encoded audio. In the rare case the codec still pushed a true peak over the ceiling, level again with a
    larger codec-noise allowance, lower the few milliseconds around each spot the codec took near the ceiling
    (found by decoding `written`), and encode again. Returns what the loudness stage and ffmpeg measured."""
    from tts.output import loudness
    from tts.output.ffmpeg import stream_pcm

    if settings.loudness is None:
        encode(track)
        return {}
    spots: list[int] = []
    cuts: list[float] = []
    fixes = 0
    while True:
        levelled = loudness.level(
            track,
            settings.loudness,
            settings.true_peak,
            settings.format,
            settings.bitrate,
            settings.sample_rate,
            extra_factor=fixes * loudness.CORRECTION_FACTOR_STEP,
        )
        ready = loudness.duck(levelled.track, spots, cuts) if spots else levelled.track
        heard = encode(ready)
        if heard["true_peak_dbtp"] <= settings.true_peak or fixes == MAX_CORRECTIONS:
            break
        threshold = settings.true_peak - loudness.NEAR_MISS_DB
        where, levels = loudness.overshoots(stream_pcm(written, settings.sample_rate), settings.sample_rate, threshold)
        spots += (where * track.sample_rate // settings.sample_rate).tolist()
        cuts += (levels - threshold).tolist()
        fixes += 1
        del levelled, ready  # an hour is 170 MB a copy
    return {
        **levelled.measured,
        # A measuring encode always reports both (true_peak_dbtp was read in the loop above).
        "encoded_lufs": heard["integrated_lufs"],
        "encoded_true_peak_dbtp": heard["true_peak_dbtp"],
        "corrective_reencodes": fixes,
    }


def _write_mp3(
    path: Path, tmp: Path, track: Track, article: Article, settings: AudioSettings, meta: Metadata
) -> dict[str, float]:
    """ffmpeg writes the audio (with its LAME header) to a temporary file; the ID3 tag is written first, then
    that audio is copied after it."""
    import shutil

    from tts.output.ffmpeg import encode_to

    audio = temp_sibling(path.with_name("audio"), ".mp3")  # a plain name: ffmpeg's tee muxer parses it

    def encode(t: Track) -> dict[str, float]:
        return encode_to(
            t.pcm,
            t.sample_rate,
            audio,
            bitrate=settings.bitrate,
            out_rate=settings.sample_rate,
            channels=settings.channels,
            measure=settings.loudness is not None,
        )

    try:
        checked = level_and_encode(track, settings, encode, audio)
        timeline = track.timeline
        with open(tmp, "wb") as out, open(audio, "rb") as encoded:
            out.write(id3_tag(_tags(article, timeline, meta), timeline.chapters, timeline.duration))
            shutil.copyfileobj(encoded, out, 1 << 20)
    finally:
        audio.unlink(missing_ok=True)
    return checked


def _write_m4b(
    path: Path, tmp: Path, track: Track, article: Article, settings: AudioSettings, meta: Metadata
) -> dict[str, float]:
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
        if cover is not None and meta.cover is not None:
            cover.write_bytes(meta.cover.data)

        def encode(
            t: Track,
        ) -> dict[str, float]:  # the checked encode is the final one: chapters, tags and cover included
            encode_m4b(
                t.pcm,
                t.sample_rate,
                tmp,
                metadata,
                bitrate=settings.bitrate,
                out_rate=settings.sample_rate,
                channels=settings.channels,
                cover=cover,
            )
            # MP4 needs a seekable output, so the check reads the finished file: one decode, no re-encode.
            return ebur128(tmp) if settings.loudness is not None else {}

        return level_and_encode(track, settings, encode, tmp)
    finally:
        metadata.unlink(missing_ok=True)
        if cover is not None:
            cover.unlink(missing_ok=True)


def _ffmetadata(tags: EpisodeTags, timeline: Timeline) -> str:
    def esc(value: str) -> str:
        return "".join("\\" + c if c in "=;#\\\n" else c for c in value)

    fields = {
        "title": tags.title,
        "artist": tags.artist,
        "album": tags.album,
        "date": (tags.date or "")[:10],
        "genre": tags.genre,
        "comment": tags.comment,
        "language": "chi",
    }
    lines = [";FFMETADATA1"] + [f"{k}={esc(v)}" for k, v in fields.items() if v]
    for chapter in timeline.chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter.start * 1000)}",
            f"END={round(chapter.end * 1000)}",
            f"title={esc(chapter.title)}",
        ]
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
