"""Submitted articles are built by worker processes beside the server, with the database as the queue.

A worker claims the oldest queued job, builds it with `tts.pipeline.build` in a private folder under the library's
`.tts-serve/work/`, then moves the files into the library — sidecars and report first, audio last — so the library
never shows half an episode. A failed build fails its job only; a worker that dies (killed, out of memory) has its
job marked failed and is replaced by the supervisor, so the service stays up.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import threading
import time
import traceback
from pathlib import Path

from tts.serve.db import Store

STATE_DIR = ".tts-serve"
IDLE_POLL_SECONDS = 0.2

# Build options a submission may set, with their checks: the same names and ranges as `tts build`.
_BOOL = (bool,)
OPTION_RULES: dict[str, tuple] = {
    "profile": (str, r"^[A-Za-z0-9_-]{1,64}$"),  # a profile by name only: no paths on the server
    "engine": (str, r"^[a-z0-9_-]{1,40}$"),  # checked against the registry by BuildOptions' consumers
    "voice": (str, r"^[A-Za-z0-9_-]{1,64}$"),
    "speed": (float, 0.5, 2.0),
    "captions": (str, r"^(skip|read)$"),
    "format": (str, r"^(mp3|m4b)$"),
    "bitrate": (str, r"^[0-9]{1,4}k$"),  # what the encoder takes is checked by AudioSettings
    "sample_rate": (int, (22050, 24000, 44100, 48000)),
    "stereo": _BOOL,
    "loudness": (str, r"^(off|-[1-3][0-9](\.[0-9]+)?)$"),
    "true_peak": (float, -9.0, 0.0),
    "album": (str, r"^.{1,200}$"),
    "genre": (str, r"^.{1,100}$"),
    "url": (str, r"^https?://\S{1,2000}$"),
    "announce": _BOOL,
    "normalize": _BOOL,
}


class OptionError(ValueError):
    pass


def check_options(raw: dict[str, object]) -> dict[str, object]:
    """Submitted options (strings from a form or query, or JSON values), typed and checked."""
    options: dict[str, object] = {}
    for key, value in raw.items():
        key = key.replace("-", "_")
        rule = OPTION_RULES.get(key)
        if rule is None:
            raise OptionError(f"unknown option {key!r}; allowed: {', '.join(sorted(OPTION_RULES))}")
        options[key] = _typed(key, value, rule)
    # Values are checked where every build option is checked: by creating the option groups.
    from tts.errors import TtsError

    try:
        build_options(options, {}, Path("check.mp3"))
        if "engine" in options and options["engine"] != "auto":
            from tts.engines import engine_class

            engine_class(str(options["engine"]))
    except TtsError as exc:
        raise OptionError(str(exc)) from None
    return options


def _typed(key: str, value: object, rule: tuple) -> object:
    kind = rule[0]
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).lower()
            if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise ValueError
            return text in ("true", "1", "yes", "on")
        if kind is float:
            if not isinstance(value, str | int | float):
                raise TypeError  # form fields are text; JSON numbers are int or float
            number = float(value)
            if not rule[1] <= number <= rule[2]:
                raise ValueError
            return number
        if kind is int:
            if not isinstance(value, str | int | float):
                raise TypeError
            number = int(value)
            if number not in rule[1]:
                raise ValueError
            return number
        text = str(value)
        if not re.match(rule[1], text):
            raise ValueError
        return text
    except (TypeError, ValueError):
        raise OptionError(f"invalid value for {key}: {value!r}") from None


def build_options(options: dict, defaults: dict, output: Path):
    """BuildOptions for a job: the server's defaults, then the submission's options; all sidecars always."""
    from tts.options import DEFAULTS, SIDECARS, AudioSettings, BuildOptions, TagOptions

    merged = {**defaults, **options}
    level = merged.get("loudness", f"{DEFAULTS.audio.loudness:g}")
    audio = AudioSettings(
        format=merged.get("format", DEFAULTS.audio.format),
        bitrate=merged.get("bitrate", DEFAULTS.audio.bitrate),
        sample_rate=merged.get("sample_rate", DEFAULTS.audio.sample_rate),
        channels=2 if merged.get("stereo") else 1,
        loudness=None if level == "off" else float(level),
        true_peak=merged.get("true_peak", DEFAULTS.audio.true_peak),
    )
    tags = TagOptions(album=merged.get("album"), genre=merged.get("genre", DEFAULTS.tags.genre), url=merged.get("url"))
    return BuildOptions(
        profile=merged.get("profile", DEFAULTS.profile),
        engine=merged.get("engine"),
        voice=merged.get("voice"),
        speed=merged.get("speed"),
        output=output,
        read_captions=merged.get("captions") == "read",
        audio=audio,
        tags=tags,
        sidecars=frozenset(SIDECARS),
        announce=merged.get("announce", DEFAULTS.announce),
        normalize=merged.get("normalize", DEFAULTS.normalize),
    )


def run_job(store: Store, library: Path, job, defaults: dict) -> None:
    """Build one job into the library; any failure is recorded on the job, never raised."""
    from tts.errors import TtsError

    work = library / STATE_DIR / "work" / job.id
    try:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        options = build_options(
            job.options, defaults, work / f"{job.id}.{job.options.get('format', defaults.get('format', 'mp3'))}"
        )
        episode = _build_into(library, work, job, options)
    except TtsError as exc:
        store.finish_job(job.id, None, str(exc), exc.exit_code)
    except Exception as exc:  # a bug in one build must not stop the worker
        traceback.print_exc()
        store.finish_job(job.id, None, f"unexpected failure: {type(exc).__name__}: {exc}", 1)
    else:
        store.finish_job(job.id, episode)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build_into(library: Path, work: Path, job, options) -> str:
    from tts.output.report import report_dict, write_report
    from tts.pipeline import build

    result = build(job.input, options)
    data = report_dict(result, Path(job.input).name, options)
    # the files end up side by side in the library: the report names them, not the private work folder
    data["outputs"] = {kind: Path(path).name for kind, path in data["outputs"].items()}
    data["input"] = f"submission {job.id}"
    report = work / f"{job.id}.report.json"
    write_report(report, data)
    audio = Path(result.audio)
    for path in sorted(work.iterdir(), key=lambda p: p == audio):  # audio last: it is what makes an episode
        if not path.name.startswith("."):
            os.replace(path, library / path.name)
    return job.id


def worker_main(db_path: str, library: str, defaults: dict, stop: multiprocessing.synchronize.Event) -> None:
    """A worker process: take jobs until told to stop."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops workers in order
    store = Store(Path(db_path))
    me = os.getpid()
    while not stop.is_set():
        job = store.claim_job(me)
        if job is None:
            stop.wait(IDLE_POLL_SECONDS)
            continue
        run_job(store, Path(library), job, defaults)


class Workers:
    """N worker processes, replaced when one dies; its running job is failed, not left hanging."""

    def __init__(self, store: Store, library: Path, count: int, defaults: dict) -> None:
        self.store, self.library, self.count, self.defaults = store, library, count, defaults
        self._context = multiprocessing.get_context("spawn")  # no inherited server threads or sockets
        self._stop = self._context.Event()
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._watcher: threading.Thread | None = None
        self._closing = threading.Event()

    def start(self) -> None:
        self.store.fail_running(None, "the server stopped while this job was running; submit it again")
        shutil.rmtree(self.library / STATE_DIR / "work", ignore_errors=True)  # what interrupted builds left
        self._processes = [self._spawn() for _ in range(self.count)]
        self._watcher = threading.Thread(target=self._watch, name="tts-workers", daemon=True)
        self._watcher.start()

    def _spawn(self):
        process = self._context.Process(
            target=worker_main,
            name="tts-worker",
            daemon=True,
            args=(str(self.store.path), str(self.library), self.defaults, self._stop),
        )
        process.start()
        return process

    def _watch(self) -> None:
        while not self._closing.wait(0.5):
            for n, process in enumerate(self._processes):
                if not process.is_alive() and not self._closing.is_set():
                    for job_id in self.store.running_jobs(process.pid):
                        shutil.rmtree(self.library / STATE_DIR / "work" / job_id, ignore_errors=True)
                    self.store.fail_running(
                        process.pid, f"the worker process ended unexpectedly (exit code {process.exitcode})"
                    )
                    self._processes[n] = self._spawn()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._processes if p.pid]

    def stop(self, timeout: float = 10.0) -> None:
        self._closing.set()
        self._stop.set()
        deadline = time.monotonic() + timeout
        for process in self._processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(2)
        self.store.fail_running(None, "the server stopped while this job was running; submit it again")


def save_submission(library: Path, job_id: str, data: bytes, suffix: str) -> Path:
    incoming = library / STATE_DIR / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    path = incoming / f"{job_id}{suffix}"
    from tts.paths import atomic_write_bytes

    atomic_write_bytes(path, data)
    return path


def job_json(job) -> str:
    return json.dumps(job.public(), ensure_ascii=False)
