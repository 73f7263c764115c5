"""An RSS 2.0 podcast feed for a folder of built episodes (iTunes and Podcasting 2.0 tags).

Episodes are read from what `tts build` left in the folder: the run reports (`--report`, single or batch) name the
audio and sidecars and give the episode id, title, date, summary and duration; audio files without a report are read
from their tags. Output is deterministic: the same folder gives the same bytes, and adding an episode changes
nothing about the others (GUIDs come from the report's episode_id, dates from the article).
"""

from __future__ import annotations

import email.utils
import json
import tomllib
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from tts.errors import ConfigError, InputError
from tts.publish.xmltext import clean, truncate_bytes

SETTINGS_FILE = "podcast.toml"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
# The podcast namespace's fixed UUID for podcast:guid (uuid5 of the feed URL without scheme and trailing slashes).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4b": "audio/x-m4a", ".m4a": "audio/x-m4a"}
SIDECAR_TYPES = {"vtt": "text/vtt", "srt": "application/x-subrip"}
CHAPTERS_TYPE = "application/json+chapters"
MAX_DESCRIPTION_BYTES = 4000


@dataclass(frozen=True)
class ShowSettings:
    """Show-level settings: from `podcast.toml` in the folder, overridden by options."""

    base_url: str = ""  # where the folder is served, e.g. https://news.example.cn/podcast/
    title: str = ""
    author: str = ""
    email: str = ""  # itunes:owner and podcast:locked owner
    image: str = ""  # artwork: a file in the folder (served from base_url) or an absolute URL
    category: str = "News"  # Apple category; "News/Daily News" gives a subcategory
    explicit: bool = False
    description: str = ""
    language: str = "zh-cn"
    link: str = ""  # the show's web page (default: base_url)
    locked: bool = True  # podcast:locked: other platforms may not import the feed without the owner's consent
    timezone: str = "+08:00"  # for article dates without one (Chinese news: China Standard Time)
    feed_name: str = "feed.xml"
    copyright: str = ""

    @classmethod
    def load(cls, folder: str | Path, **overrides) -> ShowSettings:
        """podcast.toml in the folder (any field above as a key, top level or under [show]), then overrides."""
        path = Path(folder) / SETTINGS_FILE
        data: dict = {}
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: not valid TOML: {exc}") from None
            data = data.get("show", data)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{path}: unknown setting {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        data.update({k: v for k, v in overrides.items() if v is not None})
        defaults = cls()
        for name, value in data.items():
            if type(value) is not type(getattr(defaults, name)):
                kind = type(getattr(defaults, name)).__name__
                raise ConfigError(
                    f"{path}: {name} must be a {'true/false' if kind == 'bool' else 'string'}, got {value!r}"
                )
        return cls(**data)

    @property
    def base(self) -> str:
        return self.base_url if self.base_url.endswith("/") else self.base_url + "/"

    @property
    def feed_url(self) -> str:
        return self.base + quote(self.feed_name)

    def url_for(self, name: str) -> str:
        if "://" in name:
            return name
        return self.base + quote(name)

    def check(self) -> None:
        missing = [name for name in ("base_url", "title", "author", "email", "image") if not getattr(self, name)]
        if missing:
            options = ", ".join("--" + m.replace("_", "-") for m in missing)
            raise ConfigError(f"the feed needs {options} (as options or in {SETTINGS_FILE})")
        if not self.base_url.startswith(("https://", "http://")):
            raise ConfigError(f"base URL must start with https:// or http://, got {self.base_url!r}")
        if "@" not in self.email:
            raise ConfigError(f"email does not look like an address: {self.email!r}")
        _tz(self.timezone)


def podcast_guid(feed_url: str) -> str:
    """podcast:guid per the namespace: uuid5 of the feed URL with the scheme and trailing slashes removed."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


@dataclass
class Episode:
    id: str
    title: str
    audio: Path
    duration: float
    published: datetime | None
    summary: str = ""
    author: str | None = None
    source: str | None = None
    url: str | None = None  # the original article
    sidecars: dict[str, Path] = field(default_factory=dict)  # vtt, srt, chapters.json found in the folder

    @property
    def length(self) -> int:
        return self.audio.stat().st_size

    @property
    def mime(self) -> str:
        return AUDIO_TYPES.get(self.audio.suffix.lower(), "audio/mpeg")


def read_episodes(folder: str | Path) -> list[Episode]:
    """Every built episode in the folder, newest first: from run reports, else from the audio's tags."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"not a folder: {root}")
    episodes: dict[Path, Episode] = {}
    for report in sorted(root.glob("*.json")):
        for row in _report_rows(report):
            episode = _from_report(root, row)
            if episode is not None:
                episodes.setdefault(episode.audio, episode)
    for audio in sorted(p for p in root.iterdir() if p.suffix.lower() in AUDIO_TYPES and not p.name.startswith(".")):
        if audio not in episodes:
            episodes[audio] = _from_tags(audio)
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(episodes.values(), key=lambda e: (e.published or oldest, e.id), reverse=True)


def _report_rows(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, OSError):
        return []
    if not isinstance(data, dict):
        return []
    articles = data.get("articles")
    rows = articles if isinstance(articles, list) else [data]
    return [r for r in rows if isinstance(r, dict) and "report_version" in r and "error" not in r and "outputs" in r]


def _local(root: Path, recorded: str | None) -> Path | None:
    """A file the report names, looked up in the folder (reports record paths as given at build time)."""
    if not recorded:
        return None
    path = root / Path(recorded).name
    return path if path.is_file() else None


def _from_report(root: Path, row: dict) -> Episode | None:
    outputs = row.get("outputs", {})
    audio = _local(root, outputs.get("audio"))
    if audio is None:
        return None
    article = row.get("article", {})
    sidecars = {kind: p for kind in ("vtt", "srt", "chapters.json") if (p := _local(root, outputs.get(kind)))}
    title = article.get("title") or audio.stem
    episode_id = row.get("episode_id") or str(uuid.uuid5(PODCAST_GUID_NAMESPACE, audio.name))
    return Episode(
        id=episode_id,
        title=title,
        audio=audio,
        duration=float(row.get("audio", {}).get("duration") or 0),
        published=_article_date(article.get("date")),
        summary=article.get("summary") or "",
        author=article.get("author"),
        source=article.get("source"),
        url=row.get("url"),
        sidecars=sidecars,
    )


def _from_tags(audio: Path) -> Episode:
    """An episode with no report: title, date, text and duration from its tags (ID3 or MP4)."""
    import mutagen

    try:
        media = mutagen.File(audio)
    except Exception as exc:  # mutagen raises many kinds on a broken file
        raise InputError(f"cannot read {audio.name}: {exc}") from None
    if media is None:
        raise InputError(f"not an audio file: {audio.name}")
    tags = media.tags or {}

    def text(*keys: str) -> str | None:
        for key in keys:
            value = tags.get(key)
            if value:
                return str(value.text[0] if hasattr(value, "text") else value[0])
        return None

    date = None
    if year := text("TYER", "TDRC", "\xa9day"):
        date = year[:4]
        if (tdat := text("TDAT")) and len(tdat) == 4:
            date += f"-{tdat[2:]}-{tdat[:2]}"
            if (tme := text("TIME")) and len(tme) == 4:
                date += f" {tme[:2]}:{tme[2:]}"
        elif len(year) >= 10:
            date = year[:10]
    lyrics = next((str(v) for k, v in tags.items() if str(k).startswith("USLT")), "") if hasattr(tags, "items") else ""
    title = text("TIT2", "\xa9nam") or audio.stem
    sidecars = {kind: p for kind in ("vtt", "srt", "chapters.json") if (p := audio.with_suffix("." + kind)).is_file()}
    return Episode(
        id=str(uuid.uuid5(PODCAST_GUID_NAMESPACE, audio.name)),
        title=title,
        audio=audio,
        duration=media.info.length,
        published=_article_date(date),
        summary=lyrics.split("\n", 1)[-1][:500] if lyrics else "",
        source=text("TPE1", "\xa9ART"),
        author=text("TEXT"),
        sidecars=sidecars,
    )


def _tz(offset: str) -> timezone:
    try:
        moment = datetime.strptime(offset.replace(":", ""), "%z")
    except ValueError:
        raise ConfigError(f"timezone must be an offset such as +08:00, got {offset!r}") from None
    return timezone(moment.utcoffset() or timedelta(0))


def _article_date(value: str | None) -> datetime | None:
    """ISO 'YYYY-MM-DD[ HH:MM]' (naive; the show's timezone is applied when writing)."""
    if not value:
        return None
    for form, size in (("%Y-%m-%d %H:%M", 16), ("%Y-%m-%d", 10), ("%Y", 4)):
        try:
            return datetime.strptime(value[:size], form)
        except ValueError:
            continue
    return None


def rfc822(moment: datetime) -> str:
    return email.utils.format_datetime(moment)


def _published(episode: Episode, zone: timezone) -> datetime:
    """The article's date in the show's timezone; without one, when the audio was written (stable until rebuilt)."""
    if episode.published is not None:
        moment = episode.published
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return datetime.fromtimestamp(int(episode.audio.stat().st_mtime), zone)


def feed_xml(folder: str | Path, settings: ShowSettings) -> bytes:
    """The feed for the episodes in folder, as UTF-8 bytes (the web service serves exactly this as /feed.xml)."""
    settings.check()
    return render(read_episodes(folder), settings)


def render(episodes: list[Episode], settings: ShowSettings) -> bytes:
    from lxml import etree

    zone = _tz(settings.timezone)
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    channel = etree.SubElement(rss, "channel")
    _channel(channel, episodes, settings, zone)
    for episode in episodes:
        _item(etree.SubElement(channel, "item"), episode, settings, zone)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, tag: str, value: str | None = None, **attrs: str):
    from lxml import etree

    ns, _, local = tag.rpartition(":")
    name = f"{{{NSMAP[ns]}}}{local}" if ns else local
    element = etree.SubElement(parent, name, {k: clean(v) for k, v in attrs.items()})
    if value is not None:
        element.text = clean(value)
    return element


def _channel(channel, episodes: list[Episode], settings: ShowSettings, zone: timezone) -> None:
    description = truncate_bytes(clean(settings.description or settings.title), MAX_DESCRIPTION_BYTES)
    _sub(channel, "title", settings.title)
    _sub(channel, "link", settings.link or settings.base)
    _sub(channel, "description", description)
    _sub(channel, "language", settings.language)
    if settings.copyright:
        _sub(channel, "copyright", settings.copyright)
    if episodes:  # the newest episode's date, so an unchanged folder gives an unchanged feed
        _sub(channel, "lastBuildDate", rfc822(max(_published(e, zone) for e in episodes)))
    _sub(channel, "generator", "tts")
    _sub(channel, "atom:link", href=settings.feed_url, rel="self", type="application/rss+xml")
    image_url = settings.url_for(settings.image)
    image = _sub(channel, "image")
    _sub(image, "url", image_url)
    _sub(image, "title", settings.title)
    _sub(image, "link", settings.link or settings.base)
    _sub(channel, "itunes:image", href=image_url)
    _sub(channel, "itunes:author", settings.author)
    owner = _sub(channel, "itunes:owner")
    _sub(owner, "itunes:name", settings.author)
    _sub(owner, "itunes:email", settings.email)
    main, _, subcategory = settings.category.partition("/")
    category = _sub(channel, "itunes:category", text=main.strip())  # Apple's form: the name in a text attribute
    if subcategory.strip():
        _sub(category, "itunes:category", text=subcategory.strip())
    _sub(channel, "itunes:explicit", "true" if settings.explicit else "false")
    _sub(channel, "itunes:type", "episodic")
    _sub(channel, "podcast:guid", podcast_guid(settings.feed_url))
    _sub(channel, "podcast:locked", "yes" if settings.locked else "no", owner=settings.email)


def _item(item, episode: Episode, settings: ShowSettings, zone: timezone) -> None:
    summary = episode.summary or episode.title
    byline = "，".join(x for x in (episode.source, episode.author) if x)
    description = truncate_bytes(clean(f"{summary}\n（{byline}）" if byline else summary), MAX_DESCRIPTION_BYTES)
    _sub(item, "title", episode.title)
    _sub(item, "description", description)
    if episode.url:
        _sub(item, "link", episode.url)
    _sub(item, "guid", f"urn:uuid:{episode.id}", isPermaLink="false")
    _sub(item, "pubDate", rfc822(_published(episode, zone)))
    _sub(item, "enclosure", url=settings.url_for(episode.audio.name), length=str(episode.length), type=episode.mime)
    _sub(item, "itunes:title", episode.title)
    _sub(item, "itunes:duration", str(max(1, round(episode.duration))))
    _sub(item, "itunes:explicit", "true" if settings.explicit else "false")
    _sub(item, "itunes:episodeType", "full")
    for kind, mime in SIDECAR_TYPES.items():
        if kind in episode.sidecars:
            _sub(
                item,
                "podcast:transcript",
                url=settings.url_for(episode.sidecars[kind].name),
                type=mime,
                language=settings.language,
                rel="captions",
            )
    if "chapters.json" in episode.sidecars:
        _sub(item, "podcast:chapters", url=settings.url_for(episode.sidecars["chapters.json"].name), type=CHAPTERS_TYPE)


def write_feed(folder: str | Path, settings: ShowSettings, output: str | Path | None = None) -> Path:
    """Write the feed (default: FOLDER/feed.xml) atomically; returns its path."""
    from tts.errors import OutputError
    from tts.paths import atomic_write_bytes

    target = Path(output) if output else Path(folder) / settings.feed_name
    if output and target.parent.resolve() == Path(folder).resolve():
        settings = replace(settings, feed_name=target.name)  # the self link names the file actually written
    data = feed_xml(folder, settings)
    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
