"""Episode outputs from an assembled track: the audio file (MP3 with ordered ID3 chapters, or M4B), loudness,
sidecars and the run report. Everything is written to a temporary name and renamed when complete."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tts.output.assemble import Track
from tts.errors import OutputError
from tts.model import Article, Timeline
from tts.options import AudioSettings
from tts.paths import temp_sibling
from tts.output.sidecars import WRITERS
from tts.output.tags import EpisodeTags, id3_tag


@dataclass(frozen=True)
class Metadata:
    """The tag options with the cover image loaded and checked."""

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
    """Normalise the whole programme once, encode and tag; returns what the loudness stage measured."""
    measured: dict[str, float] = {}
    if settings.loudness is not None:
        measured = normalise_track(track, settings)
    timeline = track.timeline
    tmp = temp_sibling(path)
    try:
        if settings.format == "m4b":
            fixes = _write_m4b(tmp, track, timeline, article, settings, meta)
        else:
            fixes = _write_mp3(tmp, track, timeline, article, settings, meta)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    if measured:
        measured["corrective_reencodes"] = fixes
    return measured


TRIAL_HEADROOM_DB = 0.8  # the trial excerpt must stay this far under the ceiling: the whole file peaks a little higher
# Sample peaks of a decoded file are held this far under the true-peak ceiling: ffmpeg's 4x-oversampled
# true peak read up to 0.7 dB above the decoded samples.
INTER_SAMPLE_HEADROOM_DB = 0.8


def normalise_track(track: Track, settings: AudioSettings) -> dict[str, float]:
    """Bring the track (in place) to the loudness target with peaks under the ceiling *after* encoding.

    The codec changes both (its low-pass lowers loudness; its overshoot raises peaks, most where the limiter
    works hardest), so each plan is tried on a short excerpt through the real encoder and corrected by what
    ffmpeg measures there, at most three times.
    """
    import numpy as np

    from tts.output import ffmpeg, loudness

    rate, samples = track.sample_rate, track.pcm
    energy = loudness.segment_energy(samples, rate)
    target, margin = settings.loudness, loudness.SAMPLE_MARGIN_DB
    plan = loudness.plan_gain(samples, rate, target, settings.true_peak, margin, energy=energy)
    codec_loss, heard = 0.0, {}
    for _ in range(3):
        spans = loudness.excerpt_spans(samples, rate, plan)
        excerpt = np.concatenate([plan.apply(samples, a, b) for a, b in spans])
        ours = loudness.integrated_lufs(loudness.segment_energy(excerpt, rate))
        with tempfile.TemporaryDirectory() as work:
            probe = Path(work) / ("probe." + settings.format)
            _encode(probe, excerpt, rate, settings)
            heard = ffmpeg.ebur128(probe)
        loss = ours - heard["integrated_lufs"]
        overshoot = heard["true_peak_dbtp"] - (settings.true_peak - TRIAL_HEADROOM_DB)
        if abs(loss - codec_loss) <= 0.1 and overshoot <= 0:
            break
        codec_loss, margin = loss, margin + max(0.0, overshoot)
        plan = loudness.plan_gain(samples, rate, target + codec_loss, settings.true_peak, margin, energy=energy)
    for start in range(0, len(samples), 1 << 20):
        samples[start : start + (1 << 20)] = plan.apply(samples, start, min(len(samples), start + (1 << 20)))
    return {"input_lufs": round(plan.input_lufs, 2), "gain_db": round(float(20 * np.log10(plan.gain)), 2),
            "codec_loss_lu": round(codec_loss, 2), "limiter_margin_db": round(margin, 2),
            "trial_true_peak_dbtp": heard.get("true_peak_dbtp"), "limited_blocks": int((plan.blocks < 0.999).sum())}


def _encode(path: Path, pcm, rate: int, settings: AudioSettings) -> None:
    from tts.output.ffmpeg import encode_m4b, encode_mp3

    if settings.format == "m4b":
        with tempfile.TemporaryDirectory() as work:
            meta = Path(work) / "m.txt"
            meta.write_text(";FFMETADATA1\n", encoding="utf-8")
            encode_m4b(pcm, rate, path, meta, bitrate=settings.bitrate, out_rate=settings.sample_rate, channels=settings.channels)
    else:
        encode_mp3(pcm, rate, path, bitrate=settings.bitrate, out_rate=settings.sample_rate, channels=settings.channels)


def _tags(article: Article, timeline: Timeline, meta: Metadata) -> EpisodeTags:
    text = "\n".join([article.title] + [p for s in article.sections for p in ([s.heading] if s.heading else []) + s.paragraphs])
    return EpisodeTags(title=article.title, artist=article.source, album=meta.album or article.source, date=article.date,
                       author=article.author, genre=meta.genre, comment=meta.url, lyrics=text, cover=meta.cover)


def encode_within_ceiling(path: Path, track: Track, settings: AudioSettings, encode: Callable[[Path], None]) -> int:
    """encode(path) the track; then decode the result and, where the codec overshot the true-peak ceiling (dense
    sibilants at low bitrates do), lower those few milliseconds and encode again. Returns the re-encodes it took."""
    import numpy as np

    from tts.output import loudness
    from tts.output.ffmpeg import stream_pcm

    encode(path)
    if settings.loudness is None:
        return 0
    ceiling = settings.true_peak - INTER_SAMPLE_HEADROOM_DB
    for attempt in range(3):
        over, loudest, offset = [], 0, 0
        for data in stream_pcm(path, settings.sample_rate):
            chunk = np.frombuffer(data, dtype="<i2")
            found = loudness.peaks_over(chunk, ceiling)
            if len(found):
                over.append(found + offset)
                loudest = max(loudest, int(np.abs(chunk[found].astype(np.int32)).max()))
            offset += len(chunk)
        if not over:
            return attempt
        over = np.concatenate(over)
        excess = 20 * np.log10(loudest / 32768) - ceiling
        centres = over * track.sample_rate // settings.sample_rate
        loudness.duck(track.pcm, track.sample_rate, centres, excess + 0.5)
        encode(path)
    return 3


def _write_mp3(tmp: Path, track: Track, timeline: Timeline, article: Article, settings: AudioSettings, meta: Metadata) -> int:
    audio = tmp.with_name(tmp.name + ".audio.mp3")
    try:
        fixes = encode_within_ceiling(audio, track, settings, lambda p: _encode(p, track.pcm, track.sample_rate, settings))
        tag = id3_tag(_tags(article, timeline, meta), timeline.chapters, timeline.duration)
        with open(tmp, "wb") as out:
            out.write(tag)
            out.write(audio.read_bytes())
    finally:
        audio.unlink(missing_ok=True)
    return fixes


def _write_m4b(tmp: Path, track: Track, timeline: Timeline, article: Article, settings: AudioSettings, meta: Metadata) -> int:
    from tts.output.ffmpeg import encode_m4b

    tags = _tags(article, timeline, meta)
    with tempfile.TemporaryDirectory() as work:
        metadata = Path(work) / "metadata.txt"
        metadata.write_text(_ffmetadata(tags, timeline), encoding="utf-8")
        cover = None
        if meta.cover is not None:
            cover = Path(work) / ("cover.png" if meta.cover.mime == "image/png" else "cover.jpg")
            cover.write_bytes(meta.cover.data)

        def encode(path: Path) -> None:  # the checked encode is the final one: chapters, tags and cover included
            encode_m4b(track.pcm, track.sample_rate, path, metadata, bitrate=settings.bitrate,
                       out_rate=settings.sample_rate, channels=settings.channels, cover=cover)

        return encode_within_ceiling(tmp, track, settings, encode)


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
