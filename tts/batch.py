"""Many articles at once: folders expanded, parallel builds on an executor (tts/executors: worker processes on this
machine, or a cluster), failures isolated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tts.errors import InputError, OutputError, TtsError

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


@dataclass
class BatchItem:
    source: str
    result: object | None = None  # pipeline.BuildResult
    error: TtsError | None = None


def expand(inputs: list[str]) -> list[str]:
    """Files as given; folders become their article files (sorted, not recursive)."""
    out: list[str] = []
    for item in inputs:
        path = Path(item)
        if item != "-" and path.is_dir():
            found = sorted(str(p) for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file())
            if not found:
                raise InputError(f"no .txt or .html articles in folder {path}")
            out += found
        else:
            out.append(item)
    return out


def build_many(
    sources: list[str],
    options,
    jobs: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    started: Callable[[str], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> list[BatchItem]:
    """Build every source; one failure does not stop the others. `options.output`, if set, is a folder.

    JOBS articles are built at once (default: the engine's `batch_jobs`): by the local executor in worker processes
    (one article in this process when JOBS is 1), or by EXECUTOR 'dask' on the cluster at SCHEDULER (none: a cluster
    of JOBS processes on this machine)."""
    from tts.engines.base import choose_engine, engine_class
    from tts.executors import open_executor
    from tts.paths import check_outputs, inputs_of
    from tts.pipeline import planned_outputs
    from tts.speech.profiles import load_profile, with_overrides

    profile = with_overrides(load_profile(options.profile), options.engine, options.voice, options.speed)
    engine, _ = choose_engine(profile.engine)  # probe once for the whole batch
    options = replace(options, engine=engine)
    folder = Path(options.output) if options.output else None
    if folder is not None and not folder.is_dir():
        raise OutputError(f"with several articles, -o must be an existing folder: {folder}")
    items = [BatchItem(s) for s in sources]
    own_options = {item.source: _options_for(item.source, options, folder) for item in items}
    # Every output of every article checked against every input and each other, before any work.
    check_outputs(
        [p for s, o in own_options.items() for p in planned_outputs(s, o)],
        [p for s, o in own_options.items() for p in inputs_of(s, o)],
    )

    workers = max(1, jobs or engine_class(engine).batch_jobs)  # a cluster at SCHEDULER has its own workers
    try:
        processes = engine_class(engine).cpu_bound  # a network-bound engine shares one process's connections
        with open_executor(executor, workers, scheduler, progress, processes) as runner:
            futures = []
            for item in items:
                if started:
                    started(item.source)
                futures.append(runner.submit(item.source, own_options[item.source]))
            for item, future in zip(items, futures, strict=True):
                outcome = future.result()
                item.result, item.error = outcome.result, outcome.error
    except BaseException:  # Ctrl-C lands here, in the main thread: end this process's builds in flight too
        from tts.engines.base import cancel_all

        cancel_all()
        raise
    return items


def _options_for(source: str, options, folder: Path | None):
    if folder is None:
        return options
    return replace(options, output=folder / (Path(source).stem + "." + options.audio.format))
