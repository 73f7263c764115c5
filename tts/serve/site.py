"""`tts site`: the library's pages as static files, for any web server or CDN (no Python where it is hosted).

DIR/index.html (and page-N.html), DIR/episodes/ID.html, the audio, sidecars and books beside them (as the folder
is laid out, so the feed's enclosures resolve), DIR/static/ (style and player script), and DIR/feed.xml when the feed
generator is installed and a base URL is given.
Every link is relative, so the folder works at any address. Files are written to temporary names and renamed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from tts.errors import InputError, OutputError
from tts.paths import atomic_write_bytes
from tts.serve import pages
from tts.serve.library import Library


def build_site(library: Path, output: Path, base_url: str | None = None, title: str = "新闻听书馆") -> dict:
    """Write the static site; returns counts of what was written."""
    library = Path(library).resolve()
    output = Path(output).resolve()
    if not library.is_dir():
        raise InputError(f"library folder not found: {library}")
    if output == library:  # the pages and copies would become part of the library
        raise OutputError("the site folder must not be the library folder itself")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {output}: {exc.strerror}") from None
    lib = Library(library)
    env = pages.environment()
    episodes = lib.episodes()
    summaries = [pages.episode_dict(e) for e in episodes]
    feed = _write_feed(library, output, base_url)

    # every title for the in-browser search (a script, so it also works opened from disk)
    titles = [
        {
            "title": e["title"],
            "url": pages.SiteLinks("").episode(e["id"]),
            "source": e["source"],
            "date": e["date"],
            "duration": e["duration_text"],
        }
        for e in summaries
    ]
    script = "window.TTS_EPISODES = " + json.dumps(titles, ensure_ascii=False).replace("</", "<\\/") + ";\n"
    atomic_write_bytes(output / "episodes.js", script.encode("utf-8"))

    page_count = max(1, -(-len(summaries) // pages.PAGE_SIZE))
    for page in range(1, page_count + 1):
        chunk = summaries[(page - 1) * pages.PAGE_SIZE : page * pages.PAGE_SIZE]
        html = pages.render_index(env, pages.SiteLinks(""), chunk, len(summaries), page, "", feed, title)
        name = "index.html" if page == 1 else f"page-{page}.html"
        atomic_write_bytes(output / name, html.encode("utf-8"))

    for episode in episodes:
        html = pages.render_episode(env, pages.SiteLinks("../"), episode, lib.transcript(episode), title)
        atomic_write_bytes(output / "episodes" / f"{episode.id}.html", html.encode("utf-8"))
        for download in {d.name for d in episode.downloads} | {episode.audio}:
            _copy(library / download, output / download)
    static = output / "static"
    static.mkdir(exist_ok=True)
    for path in pages.STATIC_DIR.iterdir():
        if path.is_file():
            _copy(path, static / path.name)
    return {"episodes": len(episodes), "index_pages": page_count, "feed": feed}


def _copy(source: Path, target: Path) -> None:
    """Copy unless an identical copy (same size and time) is already there; a hard link when on one filesystem."""
    stat = source.stat()
    if target.exists() and target.stat().st_size == stat.st_size and int(target.stat().st_mtime) == int(stat.st_mtime):
        return
    tmp = target.with_name(f".{target.name}.partial")
    tmp.unlink(missing_ok=True)
    shutil.copy2(source, tmp)
    os.replace(tmp, target)


def _write_feed(library: Path, output: Path, base_url: str | None) -> bool:
    if not base_url:
        return False
    try:
        from tts.publish.feed import feed_xml
    except ImportError:
        return False
    from tts.serve.app import show_settings

    atomic_write_bytes(output / "feed.xml", feed_xml(library, show_settings(library, base_url.rstrip("/") + "/")))
    return True
