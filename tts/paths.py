"""Where the tool keeps files: one place for every per-user and bundled path."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """Per-user cache (voice assets, synthesised chunks); TTS_CACHE_DIR overrides it."""
    override = os.environ.get("TTS_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tts", appauthor=False))


def profile_dirs() -> list[Path]:
    """Folders searched for voice profiles, first match wins."""
    dirs = [Path.cwd() / "voices", PACKAGE_DIR / "profiles"]  # the user's own, then the bundled ones (package data)
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d not in seen:
            seen.append(d)
    return seen


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a uniquely named temporary file beside path, then rename: readers never see a torn file,
    and concurrent writers (threads or processes) never share a temporary file."""
    import uuid

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def temp_sibling(path: Path) -> Path:
    """A temporary name beside path (same filesystem, so a rename is atomic); keeps the suffix for ffmpeg."""
    return path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")
