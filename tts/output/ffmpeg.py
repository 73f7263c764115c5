"""Every ffmpeg call goes through here; the binary is the one imageio-ffmpeg ships (IMAGEIO_FFMPEG_EXE overrides)."""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache
from pathlib import Path

from tts.errors import OutputError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # missing wheel or unsupported platform
        raise OutputError(f"ffmpeg not available from imageio-ffmpeg ({exc}); set IMAGEIO_FFMPEG_EXE to an ffmpeg binary") from None


def _run(args: list[str], stdin=None) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg; stdin may be bytes or a numpy array (sent without copying)."""
    if stdin is not None and not isinstance(stdin, (bytes, bytearray)):
        stdin = memoryview(stdin).cast("B")
    quiet = ["-hide_banner", "-loglevel", "info"] + (["-nostdin"] if stdin is None else [])
    proc = subprocess.run([ffmpeg_exe(), *quiet, *args], input=stdin, capture_output=True)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise OutputError(f"ffmpeg failed: {tail[0]}")
    return proc


def _pcm_input(sample_rate: int) -> list[str]:
    return ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]


def encode_mp3(pcm, sample_rate: int, out: Path, *, bitrate: str = "64k", out_rate: int = 44_100, channels: int = 1) -> None:
    """Encode mono s16le PCM to an MP3 without tags (tags are written separately, in order)."""
    _run(
        ["-y", *_pcm_input(sample_rate),
         "-ar", str(out_rate), "-ac", str(channels), "-c:a", "libmp3lame", "-b:a", bitrate,
         "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3", str(out)],
        stdin=pcm,
    )


def encode_m4b(pcm, sample_rate: int, out: Path, metadata_file: Path, *, bitrate: str = "64k",
               out_rate: int = 44_100, channels: int = 1, cover: Path | None = None) -> None:
    """Encode to AAC in an MP4 container (.m4b) with chapters and tags from an FFMETADATA file."""
    inputs = [*_pcm_input(sample_rate), "-i", str(metadata_file)]
    maps = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
    if cover:
        inputs += ["-i", str(cover)]
        maps += ["-map", "2:v", "-c:v", "copy", "-disposition:v:0", "attached_pic"]
    _run(["-y", *inputs, *maps, "-ar", str(out_rate), "-ac", str(channels), "-c:a", "aac", "-b:a", bitrate,
          "-movflags", "+faststart", "-f", "mp4", str(out)], stdin=pcm)


def ebur128(path: Path, start: float | None = None, end: float | None = None) -> dict[str, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file, or of [start, end) seconds of it."""
    span = (["-ss", f"{start:.3f}"] if start is not None else []) + (["-to", f"{end:.3f}"] if end is not None else [])
    err = _run([*span, "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"]).stderr.decode("utf-8", "replace")
    summary = err[err.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    return {"integrated_lufs": integrated, "true_peak_dbtp": float(peak.group(1)) if peak else float("nan")}


def chapters_of(path: Path) -> list[dict[str, object]]:
    """Chapters as ffmpeg reads them back (start/end in seconds, title)."""
    err = _run(["-i", str(path), "-f", "ffmetadata", "-"]).stdout.decode("utf-8", "replace")
    chapters = []
    for block in err.split("[CHAPTER]")[1:]:
        base = re.search(r"TIMEBASE=(\d+)/(\d+)", block)
        scale = int(base.group(1)) / int(base.group(2))
        chapters.append({
            "start": int(re.search(r"START=(\d+)", block).group(1)) * scale,
            "end": int(re.search(r"END=(\d+)", block).group(1)) * scale,
            "title": (re.search(r"title=(.*)", block) or [None, ""])[1],
        })
    return chapters


def decode_pcm_bytes(data: bytes, sample_rate: int = 24_000) -> bytes:
    """Encoded audio in memory -> mono s16le PCM at sample_rate."""
    return _run(["-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"], stdin=data).stdout


def stream_pcm(path: Path, sample_rate: int, chunk_samples: int = 1 << 20):
    """Decode a file to mono s16le PCM, yielding bytes chunk by chunk (an hour never sits in memory at once)."""
    proc = subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path),
                             "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while True:
            data = proc.stdout.read(chunk_samples * 2)
            if not data:
                break
            yield data
    finally:
        proc.stdout.close()
        err = proc.stderr.read()
        if proc.wait() != 0:
            raise OutputError(f"ffmpeg could not decode {path}: {err.decode('utf-8', 'replace').strip()[-200:]}")


def decoded_duration(path: Path) -> float:
    """Duration in seconds by decoding the whole file (what a player will play)."""
    err = _run(["-i", str(path), "-f", "null", "-"]).stderr.decode("utf-8", "replace")
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", err)
    if not times:
        raise OutputError(f"ffmpeg could not read {path}")
    h, m, s = times[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)
