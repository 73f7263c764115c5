"""The distributed executor: articles submitted to a Dask distributed cluster (why Dask: docs/scale-out.md).

A scheduler runs on one machine (`dask scheduler`), workers on any number of machines (`tts worker tcp://host:8786`),
each worker process building one article at a time with its share of its machine's cores. Workers read the articles,
write the outputs and share the clip cache through common folders (a shared filesystem; TTS_CACHE_DIR points every
worker at the same cache). When a worker dies, the scheduler notices at once (its connection drops) and gives the
article to another worker, which finds every sentence the dead one finished in the cache; an article that keeps
killing workers fails alone after `distributed.scheduler.allowed-failures` attempts (default 3).
"""

from __future__ import annotations

import uuid
from concurrent.futures import Future
from typing import ClassVar

from tts.errors import ConfigError, TtsError
from tts.executors import Executor, Outcome, Progress, task


class DaskExecutor(Executor):
    name: ClassVar[str] = "dask"

    def __init__(
        self, scheduler: str | None = None, workers: int | None = None, progress: Progress | None = None
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError("--executor dask needs Dask distributed: uv sync --extra cluster") from None
        self._progress = progress
        self._cluster = None
        if scheduler:
            try:
                self._client = Client(scheduler, timeout="15s", set_as_default=False)
            except OSError as exc:
                raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:  # no scheduler given: a cluster of worker processes on this machine, for this run only
            count = workers or 2
            self._cluster = LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                env={"TTS_ENGINE_THREADS": str(task.share_of_cores(count))},
            )
            self._client = Client(self._cluster, set_as_default=False)
        self.workers = len(self._client.scheduler_info()["workers"])

    def submit(self, source: str, options) -> Future:
        src, opts = task.portable(source, options)
        # A unique key: the same article may be built twice on purpose (e.g. after an edit); pure=False.
        remote = self._client.submit(task.build_article, src, opts, key=f"tts-build-{uuid.uuid4().hex}", pure=False)
        outer = _RemoteFuture()

        def done(f) -> None:
            outer.set_result(self._outcome(f, source))
            if self._progress:
                self._progress(source, 1, 1)

        remote.add_done_callback(done)
        outer.remote = remote  # keeps the cluster's future (and so the task) alive until the outcome is read
        return outer

    @staticmethod
    def _outcome(f, source: str) -> Outcome:
        try:
            outcome = f.result()
        except TtsError as exc:
            return Outcome(source, error=exc)
        except Exception as exc:  # noqa: BLE001 - KilledWorker, a bug on a worker: this article's error
            kind = type(exc).__name__
            why = "workers kept dying while building it" if kind == "KilledWorker" else "unexpected failure on a worker"
            return Outcome(source, error=TtsError(f"{why} ({kind}: {exc})"))
        outcome.source = source  # as the caller named it
        return outcome

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def run_worker(scheduler: str, processes: int, name: str | None = None) -> int:
    """`tts worker`: PROCESSES Dask worker processes on this machine, one article at a time each, with a share of the
    cores; runs until interrupted. Returns the worker command's exit status."""
    import os
    import subprocess
    import sys

    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ConfigError("tts worker needs Dask distributed: uv sync --extra cluster") from None
    command = [
        sys.executable,
        "-m",
        "distributed.cli.dask_worker",
        scheduler,
        "--nworkers",
        str(processes),
        "--nthreads",
        "1",
        "--no-dashboard",
    ]
    if name:
        command += ["--name", name]
    env = {**os.environ, "TTS_ENGINE_THREADS": str(task.share_of_cores(processes))}
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 130


class _RemoteFuture(Future):
    """The outcome's Future; it holds the cluster's future (and so the task) alive until the outcome is read."""

    remote: object = None
