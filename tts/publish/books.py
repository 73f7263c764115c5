"""`tts build --format epub|daisy`: build each article's episode, then one talking book of them all.

The episodes are built exactly as for podcast audio (same engine, cache, loudness: MP3, since DAISY players need it
and EPUB readers take it) into a temporary folder; only the book is kept. Reruns are cheap: sentences come from the
cache.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from tts.errors import ConfigError, InputError, OutputError

BOOK_FORMATS = ("epub", "daisy")


def book_path(sources: list[str], kind: str, output: str | Path | None) -> Path:
    """-o as given (a folder for epub gets FIRST.epub inside); default beside the first input."""
    first = Path(sources[0]) if sources and sources[0] != "-" else Path("article")
    name = first.stem + (".epub" if kind == "epub" else "-daisy")
    if output is None:
        return first.with_name(name)
    target = Path(output)
    if kind == "epub" and target.is_dir():
        return target / name
    return target


def build_book(
    sources: list[str], options, kind: str, output: str | Path | None = None, title: str | None = None, notify=None
):
    """Build every source and write one book; returns (book path, build results)."""
    from tts.pipeline import build
    from tts.publish.daisy import write_daisy
    from tts.publish.epub import write_epub

    if kind not in BOOK_FORMATS:
        raise ConfigError(f"book format must be epub or daisy, got {kind!r}")
    if not sources:
        raise InputError("no articles to build")
    target = book_path(sources, kind, output)
    if not target.parent.is_dir():
        raise OutputError(f"output folder does not exist: {target.parent}")
    if kind == "epub" and target.is_dir():
        raise OutputError(f"output path is a folder: {target}")
    resolved = {Path(s).resolve() for s in sources if s != "-"}
    if target.resolve() in resolved:
        raise OutputError(f"the book would replace an input: {target}")
    narrator = None
    results = []
    with tempfile.TemporaryDirectory(prefix=".tts-book-", dir=target.parent) as tmp:
        for n, source in enumerate(sources, 1):
            episode = replace(
                options,
                output=Path(tmp) / f"{n:03d}.mp3",
                audio=replace(options.audio, format="mp3"),
                sidecars=frozenset(),
            )
            result = build(source, episode, notify=notify)
            narrator = narrator or f"{result.engine}/{result.voice}"
            results.append(result)
        if kind == "epub":
            path = write_epub(target, results, title=title, narrator=narrator)
        else:
            path = write_daisy(target, results, title=title, narrator=narrator)
    return path, results
