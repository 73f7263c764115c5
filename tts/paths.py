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


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same inode when both exist (symlinks, hard links, case-insensitive
    filesystems), else the same resolved path compared without case (they would collide on macOS and Windows)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return str(a.resolve()).casefold() == str(b.resolve()).casefold()


def check_outputs(outputs: list[Path], inputs: list[Path]) -> None:
    """Refuse, before any work, an output that is an input or another output of the same run."""
    from tts.errors import ConfigError, OutputError

    for n, out in enumerate(outputs):
        if not out.parent.exists():
            raise OutputError(f"output folder does not exist: {out.parent}")
        if out.is_dir():
            raise OutputError(f"output path is a folder: {out}")
        for given in inputs:
            if same_file(out, given):
                raise ConfigError(f"output {out} would overwrite the input {given}; choose another -o or --report path")
        for other in outputs[:n]:
            if same_file(out, other):
                raise ConfigError(f"two outputs of this run would both be written to {out}; give them different names")


def inputs_of(source: str | Path, options: object) -> list[Path]:
    """The files a build reads, which its outputs must never replace."""
    paths = [] if str(source) == "-" or "://" in str(source) else [Path(source)]
    for name in ("lexicon",):
        value = getattr(options, name, None)
        if value:
            paths.append(Path(value))
    tags = getattr(options, "tags", None)
    if tags is not None and tags.cover:
        paths.append(Path(tags.cover))
    for engine_options in getattr(options, "engine_options", {}).values():
        paths += [Path(str(v)) for k, v in engine_options.items() if k in ("model", "voices") and v]
    return paths
