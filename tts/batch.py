"""Many articles at once: folders expanded, bounded parallelism suited to the engine, failures isolated."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


def build_many(sources: list[str], options, jobs: int | None = None,
               progress: Callable[[str, int, int], None] | None = None,
               started: Callable[[str], None] | None = None) -> list[BatchItem]:
    """Build every source; one failure does not stop the others. `options.output`, if set, is a folder."""
    from tts.engines.base import choose_engine, engine_class
    from tts.paths import check_outputs, inputs_of
    from tts.pipeline import build, planned_outputs
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
    check_outputs([p for s, o in own_options.items() for p in planned_outputs(s, o)],
                  [p for s, o in own_options.items() for p in inputs_of(s, o)])

    def run(item: BatchItem) -> None:
        own = own_options[item.source]
        if started:
            started(item.source)
        try:
            item.result = build(item.source, own, progress=(lambda d, t: progress(item.source, d, t)) if progress else None)
        except TtsError as exc:
            item.error = exc

    pool = ThreadPoolExecutor(max_workers=max(1, jobs or engine_class(engine).batch_jobs))
    try:
        list(pool.map(run, items))
    except BaseException:  # Ctrl-C lands here, in the main thread: end the builds' requests in flight too
        from tts.engines.base import cancel_all

        cancel_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return items


def _options_for(source: str, options, folder: Path | None):
    if folder is None:
        return options
    return replace(options, output=folder / (Path(source).stem + "." + options.audio.format))
