"""The listening library's pages, rendered from Jinja2 templates: shared by `tts serve` and `tts site`.

Links differ between the two: the server answers absolute paths (/episodes/ID), a static site needs relative files
(episodes/ID.html) that work from any folder of any web server, so templates ask a Links object for every URL.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tts.serve.library import Chapter, Episode, pieces, spoken_duration

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
PAGE_SIZE = 20
SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


class Links:
    """URLs as the server answers them."""

    static_site = False

    def __init__(self, prefix: str = "/") -> None:
        self.prefix = prefix

    def index(self, page: int = 1, query: str = "") -> str:
        params = {k: v for k, v in (("q", query), ("page", page if page > 1 else "")) if v}
        return self.prefix + ("?" + urlencode(params) if params else "")

    def episode(self, episode_id: str) -> str:
        return f"{self.prefix}episodes/{quote(episode_id)}"

    def media(self, name: str) -> str:  # the library's files are served at the top, as the feed expects
        return f"{self.prefix}{quote(name)}"

    def static(self, name: str) -> str:
        return f"{self.prefix}static/{name}"

    def feed(self) -> str:
        return f"{self.prefix}feed.xml"


class SiteLinks(Links):
    """Relative URLs for a static copy: index.html, page-2.html, episodes/ID.html, the media files, static/…"""

    static_site = True

    def index(self, page: int = 1, query: str = "") -> str:
        return self.prefix + ("index.html" if page <= 1 else f"page-{page}.html")

    def episode(self, episode_id: str) -> str:
        return f"{self.prefix}episodes/{quote(episode_id)}.html"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["duration"] = spoken_duration
    env.filters["clock"] = clock
    env.filters["size"] = human_size
    env.globals["SPEEDS"] = SPEEDS
    env.globals["pieces"] = pieces
    return env


def clock(seconds: float) -> str:
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def episode_dict(episode: Episode) -> dict:
    data = asdict(episode)
    data["duration_text"] = episode.duration_text
    data["iso_duration"] = episode.iso_duration
    return data


def render_index(
    env: Environment, links: Links, episodes: list[dict], total: int, page: int, query: str, feed: bool, title: str
) -> str:
    pages = max(1, -(-total // PAGE_SIZE))
    return env.get_template("index.html").render(
        links=links, episodes=episodes, total=total, page=page, pages=pages, query=query, feed=feed, site_title=title
    )


def render_episode(env: Environment, links: Links, episode: Episode, chapters: list[Chapter], title: str) -> str:
    sentence_ids = iter(range(1, 1_000_000))
    numbered = []
    for chapter in chapters:
        spoken = [(next(sentence_ids), s) for s in chapter.sentences]
        # the spoken heading is the chapter's h2 itself (highlighted there), not repeated in the text below it
        heading = spoken.pop(0) if spoken and spoken[0][1].text.strip() == chapter.title.strip() else None
        numbered.append((chapter, heading, spoken))
    return env.get_template("episode.html").render(
        links=links, episode=episode_dict(episode), chapters=numbered, site_title=title
    )


def render_not_found(env: Environment, links: Links, title: str, message: str) -> str:
    return env.get_template("not_found.html").render(links=links, site_title=title, message=message)
