"""Every ffmpeg call goes through here; the binary is the one imageio-ffmpeg ships (IMAGEIO_FFMPEG_EXE overrides)."""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache
from pathlib import Path

from .errors import OutputError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # missing wheel or unsupported platform
        raise OutputError(f"ffmpeg not available from imageio-ffmpeg ({exc}); set IMAGEIO_FFMPEG_EXE to an ffmpeg binary") from None


def _run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    quiet = ["-hide_banner", "-loglevel", "info"] + (["-nostdin"] if stdin is None else [])
    proc = subprocess.run([ffmpeg_exe(), *quiet, *args], input=stdin, capture_output=True)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise OutputError(f"ffmpeg failed: {tail[0]}")
    return proc


def encode_mp3(pcm: bytes, sample_rate: int, out: Path, *, bitrate: str = "64k", out_rate: int = 44_100) -> None:
    """Encode mono s16le PCM to an MP3 without tags (tags are written separately, in order)."""
    _run(
        ["-y", "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
         "-ar", str(out_rate), "-ac", "1", "-c:a", "libmp3lame", "-b:a", bitrate,
         "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3", str(out)],
        stdin=pcm,
    )


def decode_pcm(path: Path, sample_rate: int = 24_000) -> bytes:
    """Any audio file -> mono s16le PCM at sample_rate."""
    return _run(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"]).stdout


def decode_pcm_bytes(data: bytes, sample_rate: int = 24_000) -> bytes:
    """Encoded audio in memory -> mono s16le PCM at sample_rate."""
    return _run(["-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"], stdin=data).stdout


def decoded_duration(path: Path) -> float:
    """Duration in seconds by decoding the whole file (what a player will play)."""
    err = _run(["-i", str(path), "-f", "null", "-"]).stderr.decode("utf-8", "replace")
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", err)
    if not times:
        raise OutputError(f"ffmpeg could not read {path}")
    h, m, s = times[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)
