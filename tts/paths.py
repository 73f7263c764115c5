"""Where the tool keeps files: one place for every per-user and bundled path."""

from __future__ import annotations

import os
import re
import secrets
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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_sibling(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# Every temporary output file is named `.NAME.PID.TOKEN.partial.SUFFIX`: hidden, beside its destination (so the
# rename is atomic), the writer's PID in it (so a later run can tell a dead writer's leftover from a live
# writer's work), a random token (so threads of one process never share one), the suffix kept for ffmpeg.
# The pattern also matches the older `.STEM.PID.partial.SUFFIX[.audio.mp3]` names, so their leftovers go too.
_TEMP_NAME = re.compile(r"^\.(?P<name>.+?)\.(?P<pid>\d+)(?:\.[0-9a-f]{8})?\.partial(?:\.[A-Za-z0-9]+)*$")


def temp_sibling(path: Path, suffix: str | None = None) -> Path:
    """A fresh temporary name beside path for this process (see the naming scheme above), ending in path's
    suffix or the one given (for a helper file that belongs to path, such as ffmpeg's chapter list)."""
    return path.with_name(
        f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial{path.suffix if suffix is None else suffix}"
    )


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill(pid, 0) would end the process: never guess there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete the temporary files in folder whose writer is no longer running (killed builds); returns them.
    Files of live processes, including this one, are left alone."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False) or _alive(int(match["pid"])):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:  # already gone, or not ours to delete
            pass
    return removed


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
    if engine_options := getattr(options, "engine_options", {}):
        from tts.engines.base import engine_class

        for name, given in engine_options.items():
            paths += [Path(str(given[k])) for k in engine_class(name).file_options if given.get(k)]
    return paths
