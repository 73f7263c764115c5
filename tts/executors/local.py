"""The embedded executor: no service, nothing to install. One worker builds in this process (as a single
`tts build` always has); several are separate processes, each with its share of the cores and its own model, so a
batch keeps every core busy on different articles (measured in benchmarks/throughput.py: one single-threaded session
per core beats one session spreading each sentence over the cores)."""

from __future__ import annotations

import concurrent.futures
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import ClassVar

from tts.errors import TtsError
from tts.executors import Executor, Outcome, Progress, task


class LocalExecutor(Executor):
    name: ClassVar[str] = "local"

    def __init__(self, workers: int = 1, progress: Progress | None = None, processes: bool = True) -> None:
        self.workers = max(1, workers)
        self._progress = progress
        self._listener: threading.Thread | None = None
        self._aborted = False
        self._pool: concurrent.futures.Executor
        self._in_process = self.workers == 1 or not processes
        if self._in_process:
            self._pool = ThreadPoolExecutor(max_workers=self.workers)
            return
        import multiprocessing

        # spawn, not fork: the parent may hold threads (progress bars, onnxruntime) that a fork would copy half-way.
        context = multiprocessing.get_context("spawn")
        self._events = context.Queue()
        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=task.start_local_worker,
            initargs=(task.share_of_cores(self.workers), self._events),
        )
        self._listener = threading.Thread(target=self._forward_progress, daemon=True)
        self._listener.start()

    def submit(self, source: str, options) -> Future:
        if self._in_process:
            report = self._progress
            progress = (lambda done, total: report(source, done, total)) if report else None
            inner = self._pool.submit(task.build_article, source, options, progress)
        else:
            inner = self._pool.submit(task.build_article, *task.portable(source, options))
        return settled(inner, source)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._listener is not None:
            self._events.put(None)
            self._listener.join(timeout=5)

    def abort(self) -> None:
        """Stop now: queued articles are dropped and worker processes ended (each sentence reaches the cache whole or
        not at all, and a dead worker's temporary files are removed by the next run)."""
        self._aborted = True
        processes = list(getattr(self._pool, "_processes", {}).values())  # CPython's pool keeps them here
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
        if self._listener is not None:
            self._events.put(None)

    def _forward_progress(self) -> None:
        while True:
            try:
                event = self._events.get()
                if event is None:
                    return
                if self._progress:
                    self._progress(*event)
            except Exception:
                if self._aborted:  # workers killed mid-message, or the progress display already closed: the run is over
                    return
                raise


def settled(inner: Future, source: str) -> Future:
    """A Future that always resolves to an Outcome: a worker's crash or a bug becomes this article's error."""
    outer: Future = Future()

    def done(f: Future) -> None:
        try:
            outer.set_result(f.result())
        except TtsError as exc:
            outer.set_result(Outcome(source, error=exc))
        except BaseException as exc:  # noqa: BLE001 - reported per article, never lost
            outer.set_result(Outcome(source, error=TtsError(f"unexpected failure building {source}: {exc!r}")))

    inner.add_done_callback(done)
    return outer
