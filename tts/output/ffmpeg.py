"""Every ffmpeg call goes through here; the binary is the one imageio-ffmpeg ships (IMAGEIO_FFMPEG_EXE overrides).

Each ffmpeg runs in its own session, away from the terminal's process group: Ctrl-C reaches only Python, whose
KeyboardInterrupt then stops the child (and the caller removes its temporary files), so an interrupted build ends
with exit 130 and no "Broken pipe" from a half-fed encoder.
"""

from __future__ import annotations

import queue
import re
import subprocess
import threading
from functools import lru_cache
from pathlib import Path

from tts.errors import OutputError


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # missing wheel or unsupported platform
        raise OutputError(
            f"ffmpeg not available from imageio-ffmpeg ({exc}); set IMAGEIO_FFMPEG_EXE to an ffmpeg binary"
        ) from None


def _run(args: list[str], stdin=None) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg; stdin may be bytes or a numpy array (sent without copying)."""
    if stdin is not None and not isinstance(stdin, (bytes, bytearray)):
        stdin = memoryview(stdin).cast("B")
    quiet = ["-hide_banner", "-loglevel", "info"] + (["-nostdin"] if stdin is None else [])
    # run() kills the child when anything (Ctrl-C included) interrupts the wait.
    proc = subprocess.run([ffmpeg_exe(), *quiet, *args], input=stdin, capture_output=True, start_new_session=True)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise OutputError(f"ffmpeg failed: {tail[0]}")
    return proc


def _pcm_input(sample_rate: int) -> list[str]:
    return ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]


def encode_mp3(
    pcm, sample_rate: int, out: Path, *, bitrate: str = "64k", out_rate: int = 44_100, channels: int = 1
) -> None:
    """Encode mono s16le PCM to an MP3 without tags (tags are written separately, in order)."""
    _run(
        [
            "-y",
            *_pcm_input(sample_rate),
            "-ar",
            str(out_rate),
            "-ac",
            str(channels),
            "-c:a",
            "libmp3lame",
            "-b:a",
            bitrate,
            "-id3v2_version",
            "0",
            "-write_id3v1",
            "0",
            "-f",
            "mp3",
            str(out),
        ],
        stdin=pcm,
    )


def encode_m4b(
    pcm,
    sample_rate: int,
    out: Path,
    metadata_file: Path,
    *,
    bitrate: str = "64k",
    out_rate: int = 44_100,
    channels: int = 1,
    cover: Path | None = None,
) -> None:
    """Encode to AAC in an MP4 container (.m4b) with chapters and tags from an FFMETADATA file."""
    inputs = [*_pcm_input(sample_rate), "-i", str(metadata_file)]
    maps = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
    if cover:
        inputs += ["-i", str(cover)]
        maps += ["-map", "2:v", "-c:v", "copy", "-disposition:v:0", "attached_pic"]
    _run(
        [
            "-y",
            *inputs,
            *maps,
            "-ar",
            str(out_rate),
            "-ac",
            str(channels),
            "-c:a",
            "aac",
            "-b:a",
            bitrate,
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            str(out),
        ],
        stdin=pcm,
    )


def ebur128(path: Path, start: float | None = None, end: float | None = None) -> dict[str, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a file, or of [start, end) seconds of it."""
    span = (["-ss", f"{start:.3f}"] if start is not None else []) + (["-to", f"{end:.3f}"] if end is not None else [])
    err = _run([*span, "-i", str(path), "-af", EBUR128, "-f", "null", "-"]).stderr.decode("utf-8", "replace")
    return _ebur128_summary(err)


EBUR128 = "ebur128=peak=true:framelog=quiet"


def _ebur128_summary(err: str) -> dict[str, float]:
    if "Summary:" not in err:
        raise OutputError(f"ffmpeg measured nothing: {err.strip()[-200:]}")
    summary = err[err.rindex("Summary:") :]
    integrated = float(_search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    return {"integrated_lufs": integrated, "true_peak_dbtp": float(peak.group(1)) if peak else float("nan")}


def _search(pattern: str, text: str) -> re.Match[str]:
    """A match for a line ffmpeg always writes; OutputError (not a crash) when its output is not as expected."""
    m = re.search(pattern, text)
    if m is None:
        raise OutputError(f"unexpected ffmpeg output: no {pattern!r} in {text.strip()[-200:]!r}")
    return m


def chapters_of(path: Path) -> list[dict[str, object]]:
    """Chapters as ffmpeg reads them back (start/end in seconds, title)."""
    err = _run(["-i", str(path), "-f", "ffmetadata", "-"]).stdout.decode("utf-8", "replace")
    chapters = []
    for block in err.split("[CHAPTER]")[1:]:
        base = _search(r"TIMEBASE=(\d+)/(\d+)", block)
        scale = int(base.group(1)) / int(base.group(2))
        chapters.append(
            {
                "start": int(_search(r"START=(\d+)", block).group(1)) * scale,
                "end": int(_search(r"END=(\d+)", block).group(1)) * scale,
                "title": (re.search(r"title=(.*)", block) or [None, ""])[1],
            }
        )
    return chapters


def decode_pcm_bytes(data: bytes, sample_rate: int = 24_000) -> bytes:
    """Encoded audio in memory -> mono s16le PCM at sample_rate."""
    return _run(["-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"], stdin=data).stdout


def stream_pcm(path: Path, sample_rate: int, chunk_samples: int = 1 << 20):
    """Decode a file to mono s16le PCM, yielding bytes chunk by chunk (an hour never sits in memory at once)."""
    child = _Child(
        ["-nostdin", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"],
        stdin=False,
        stdout=True,
    )
    stdout = child.proc.stdout
    assert stdout is not None  # opened with stdout=True
    done = False
    try:
        while data := stdout.read(chunk_samples * 2):
            yield data
        done = True
    finally:
        if not done:  # the reader stopped early (an error, Ctrl-C): stop the decoder too
            child.stop()
        else:
            child.finish(f"ffmpeg could not decode {path}")


class _Child:
    """A running ffmpeg in its own session whose stderr is collected on the side (so it never fills up)."""

    def __init__(self, args: list[str], *, stdin: bool, stdout: bool, cwd: Path | None = None):
        self.proc = subprocess.Popen(
            [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "info", *args],
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            cwd=cwd,
        )
        self._err: list[bytes] = []
        stderr = self.proc.stderr
        assert stderr is not None  # always a pipe
        self._reader = threading.Thread(target=lambda: self._err.append(stderr.read()), daemon=True)
        self._reader.start()

    def finish(self, what: str) -> str:
        """Wait for a clean exit; its stderr text, or OutputError with the last line."""
        code = self.proc.wait()
        self._reader.join()
        err = b"".join(self._err).decode("utf-8", "replace")
        if code != 0:
            tail = err.strip().splitlines()[-1:] or ["no output"]
            raise OutputError(f"{what}: {tail[0]}")
        return err

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass
        self._reader.join(timeout=5)


def _feed(pipe, source) -> None:
    """Write each chunk of source to pipe, then close it; a reader that went away ends the feed quietly
    (the caller reports why through the reader's exit status)."""
    try:
        for data in source:
            pipe.write(data)
    except (BrokenPipeError, ValueError, OSError):
        pass
    finally:
        try:
            pipe.close()
        except OSError:
            pass


def _slices(pcm, size: int = 1 << 20):
    view = memoryview(pcm).cast("B") if not isinstance(pcm, (bytes, bytearray)) else memoryview(pcm)
    for start in range(0, len(view), size):
        yield view[start : start + size]


# Codecs that stream: (encoder options, muxer, demuxer). M4B (AAC in MP4) streams as raw AAC (ADTS).
STREAM_CODECS = {
    "mp3": (["-c:a", "libmp3lame"], "mp3", "mp3"),
    "aac": (["-c:a", "aac"], "adts", "aac"),
}
_TEE_SAFE = re.compile(r"^[\w.-]+$")


def encode_to(
    pcm,
    sample_rate: int,
    out: Path | None,
    *,
    codec: str = "mp3",
    bitrate: str = "64k",
    out_rate: int = 44_100,
    channels: int = 1,
    measure: bool = True,
) -> dict[str, float]:
    """Encode mono s16le PCM to `out` (MP3 without tags, or raw AAC; None: encode only to measure). With measure,
    the encoder also streams its output to a second ffmpeg that decodes and measures it (integrated LUFS, true
    peak) at the same time: the check of the encoded audio costs no pass of its own. The file is written by
    ffmpeg itself (seekable, so the MP3 carries its LAME header and players trim the encoder delay). Every
    child is stopped if anything, Ctrl-C included, interrupts."""
    options, muxer, demuxer = STREAM_CODECS[codec]
    slave = f"f={muxer}" + (":id3v2_version=0:write_id3v1=0" if muxer == "mp3" else "")
    if out is None:
        target = ["-f", muxer, "pipe:1"]
    elif not _TEE_SAFE.match(out.name):  # the tee muxer's syntax: keep the name plain (it runs in out's folder)
        raise ValueError(f"encode_to needs a plain file name, got {out.name!r}")
    elif measure:
        target = ["-map", "0:a", "-f", "tee", f"[{slave}]{out.name}|[f={muxer}]pipe:1"]
    else:
        target = ["-f", muxer, *(["-id3v2_version", "0", "-write_id3v1", "0"] if muxer == "mp3" else []), out.name]
    encoder = _Child(
        [
            "-y",
            "-f",
            "s16le",
            "-ar",
            str(sample_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-ar",
            str(out_rate),
            "-ac",
            str(channels),
            *options,
            "-b:a",
            bitrate,
            *target,
        ],
        stdin=True,
        stdout=measure,
        cwd=out.parent if out is not None else None,
    )
    children, threads = (
        [encoder],
        [threading.Thread(target=_feed, args=(encoder.proc.stdin, _slices(pcm)), daemon=True)],
    )
    meter = None
    if measure:
        meter = _Child(["-f", demuxer, "-i", "pipe:0", "-af", EBUR128, "-f", "null", "-"], stdin=True, stdout=False)
        children.append(meter)
        # Through a queue: the encoder never waits for the meter (an hour of MP3 is ~30 MB at most in between).
        encoded: queue.Queue = queue.Queue()
        threads.append(threading.Thread(target=_drain, args=(encoder.proc.stdout, encoded), daemon=True))
        threads.append(threading.Thread(target=_feed, args=(meter.proc.stdin, _queued(encoded)), daemon=True))
    for thread in threads:
        thread.start()
    try:
        encoder.finish("ffmpeg failed")
        for thread in threads:
            thread.join()
        return _ebur128_summary(meter.finish("ffmpeg could not measure the encoded audio")) if meter else {}
    except BaseException:
        for child in children:
            child.stop()
        raise
    finally:
        for thread in threads:
            thread.join(timeout=5)


def _drain(pipe, into: queue.Queue, size: int = 1 << 16) -> None:
    """Read pipe to its end into a queue, then None."""
    try:
        while data := pipe.read(size):
            into.put(data)
    except (OSError, ValueError):
        pass
    finally:
        into.put(None)


def _queued(source: queue.Queue):
    while (data := source.get()) is not None:
        yield data


def decoded_duration(path: Path) -> float:
    """Duration in seconds by decoding the whole file (what a player will play)."""
    err = _run(["-i", str(path), "-f", "null", "-"]).stderr.decode("utf-8", "replace")
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", err)
    if not times:
        raise OutputError(f"ffmpeg could not read {path}")
    h, m, s = times[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)
