"""The one task every executor runs: build one article, wherever this process is, and say how it went.

Worker processes (local or on a cluster) keep their engine's model loaded between articles: the Kokoro session is
shared per process (tts/engines/kokoro.py), so only the first article a worker builds pays for loading it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from tts.errors import ConfigError, TtsError
from tts.executors import Outcome

# Set in local worker processes: where chunk progress goes (a multiprocessing queue read by the parent).
_events = None


def build_article(source: str, options, progress=None) -> Outcome:
    """Build SOURCE; a TtsError is this article's failure and is returned, not raised, so a poisoned article never
    stops the others (and is not retried: it would fail the same way again)."""
    from tts.pipeline import build

    if progress is None and _events is not None:
        progress = lambda done, total: _events.put((source, done, total))  # noqa: E731
    try:
        return Outcome(source, build(source, options, progress=progress))
    except TtsError as exc:
        return Outcome(source, error=exc)


def start_local_worker(threads: int, events) -> None:
    """Initialiser of a local worker process: its share of the cores, and the progress queue. Ctrl-C at a terminal
    reaches the whole process group; the parent alone handles it (and stops its workers), so workers ignore it."""
    import signal

    global _events
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["TTS_ENGINE_THREADS"] = str(threads)
    _events = events


def share_of_cores(workers: int) -> int:
    """Engine threads per worker process when WORKERS share this machine's cores (at least one)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores // max(1, workers))


def portable(source: str, options) -> tuple[str, object]:
    """The same build, described without depending on this process's working directory, so another process or
    machine (sharing the folders) builds exactly what a local build would: absolute paths for the article, the
    audio, the lexicon, the cover and a profile file, and ./lexicon.toml and ./voices/ resolved here."""
    if source == "-":
        raise ConfigError("standard input cannot be sent to worker processes; save the article to a file")
    remote = "://" in source
    src = source if remote else str(Path(source).resolve())
    changes: dict[str, object] = {"output": Path(options.output_for(src)).resolve()}
    lexicon = options.lexicon or (Path("lexicon.toml") if Path("lexicon.toml").is_file() else None)
    if lexicon is not None:
        changes["lexicon"] = Path(lexicon).resolve()
    profile = Path(options.profile)
    if profile.suffix == ".toml":
        changes["profile"] = str(profile.resolve())
    elif (Path("voices") / f"{options.profile}.toml").is_file():
        changes["profile"] = str((Path("voices") / f"{options.profile}.toml").resolve())
    if options.tags.cover is not None:
        changes["tags"] = replace(options.tags, cover=Path(options.tags.cover).resolve())
    return src, replace(options, **changes)
