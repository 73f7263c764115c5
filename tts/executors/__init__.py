"""Where article builds run: the executor interface, and the two executors.

`local` (default) builds on this machine, with no extra service: one article at a time in this process, or several
at once in worker processes. `dask` submits every article to a Dask distributed cluster (docs/scale-out.md says why
Dask): a scheduler on one machine, `tts worker` processes on any number of machines that share the clip cache and the
article/output folders. Both run the same task (`tts.executors.task.build_article`) on the same picklable inputs
(a source path and a `BuildOptions`), so a build gives the same bytes whichever executor ran it. The batch command
and the web service submit work the same way: `open_executor(...)`, then `submit(source, options)` per article.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import ClassVar

from tts.errors import ConfigError, TtsError

EXECUTORS = ("local", "dask")
# (article, chunks done, chunks total): progress events, forwarded from wherever the article is being built.
Progress = Callable[[str, int, int], None]


@dataclass
class Outcome:
    """What one article's build gave: its result (pipeline.BuildResult) or the error it failed with."""

    source: str
    result: object | None = None
    error: TtsError | None = None


class Executor(ABC):
    """Runs article builds somewhere; `submit` returns a standard Future of an Outcome (it never raises for one
    article's failure: a poisoned article fails alone, with its error in the Outcome)."""

    name: ClassVar[str]
    workers: int

    @abstractmethod
    def submit(self, source: str, options) -> Future:
        """Start building SOURCE with OPTIONS (a tts.options.BuildOptions)."""

    def close(self) -> None:  # noqa: B027 - optional: executors without workers to release keep this default
        """Release workers (and the connection to a cluster)."""

    def __enter__(self) -> Executor:
        return self

    def abort(self) -> None:
        """Ctrl-C or a failure in the caller: stop without waiting for the articles in flight (finished sentences
        are cached; a rerun resumes)."""
        self.close()

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def open_executor(
    name: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    processes: bool = True,
) -> Executor:
    """An executor by name. local: WORKERS articles at once on this machine (1 = in this process; several in worker
    processes for a CPU-bound engine, in threads of this process when PROCESSES is false — a network-bound engine's
    connection limit then holds for the whole batch). dask: the cluster at SCHEDULER (tcp://host:8786, or env
    TTS_SCHEDULER), or, with none, a cluster of WORKERS processes started on this machine for the run."""
    import os

    if name == "local":
        if scheduler:
            raise ConfigError("--scheduler is for --executor dask; the local executor needs no service")
        from tts.executors.local import LocalExecutor

        return LocalExecutor(workers or 1, progress, processes)
    if name == "dask":
        from tts.executors.cluster import DaskExecutor

        return DaskExecutor(scheduler or os.environ.get("TTS_SCHEDULER") or None, workers, progress)
    raise ConfigError(f"unknown executor {name!r}; choose from {', '.join(EXECUTORS)}")
