"""Check a podcast feed against the rules Apple Podcasts, Spotify and the podcast namespace document.

Errors are what a directory rejects or a player gets wrong; warnings are recommendations. Files the feed points to
are checked too when they lie in the folder the feed is served from (the feed's own folder by default): the
enclosure's exact byte length, artwork form and size, transcripts and chapters present, chapters JSON valid.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

from tts.publish.feed import ATOM, CHAPTERS_TYPE, ITUNES, MAX_DESCRIPTION_BYTES, PODCAST, podcast_guid

SCHEMA = Path(__file__).resolve().parent / "schemas" / "podcast-namespace.xsd"

# Apple Podcasts categories and subcategories (Apple's "Podcast categories" list).
CATEGORIES: dict[str, set[str]] = {
    "Arts": {"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"},
    "Business": {"Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"},
    "Comedy": {"Comedy Interviews", "Improv", "Stand-Up"},
    "Education": {"Courses", "How To", "Language Learning", "Self-Improvement"},
    "Fiction": {"Comedy Fiction", "Drama", "Science Fiction"},
    "Government": set(),
    "History": set(),
    "Health & Fitness": {"Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"},
    "Kids & Family": {"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"},
    "Leisure": {
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    },
    "Music": {"Music Commentary", "Music History", "Music Interviews"},
    "News": {
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    },
    "Religion & Spirituality": {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality"},
    "Science": {
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    },
    "Society & Culture": {"Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"},
    "Sports": {
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    },
    "Technology": set(),
    "True Crime": set(),
    "TV & Film": {"After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"},
}
ENCLOSURE_TYPES = {
    "audio/mpeg",
    "audio/x-m4a",
    "audio/mp4",
    "audio/aac",
    "video/mp4",
    "video/quicktime",
    "video/x-m4v",
    "application/pdf",
}
TRANSCRIPT_TYPES = {
    "text/vtt",
    "application/x-subrip",
    "application/srt",
    "application/json",
    "text/html",
    "text/plain",
}
_DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
RFC822 = re.compile(
    rf"^({_DAY}, )?\d{{1,2}} {_MONTH} \d{{4}} \d{{2}}:\d{{2}}(:\d{{2}})? ([+-]\d{{4}}|GMT|UT|[A-IK-Z]|[ECMP][SD]T)$"
)
DURATION = re.compile(r"^(\d+|(\d+:)?[0-5]?\d:[0-5]\d)$")
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
MIN_ART, MAX_ART = 1400, 3000


@dataclass(frozen=True)
class Problem:
    level: str  # "error" | "warning"
    where: str  # "feed", "channel" or "item N (title)"
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


def check_file(path: str | Path, folder: str | Path | None = None) -> list[Problem]:
    file = Path(path)
    return check_feed(file.read_bytes(), Path(folder) if folder else file.parent)


def check_feed(data: bytes, folder: Path | None = None) -> list[Problem]:
    """Every problem found, errors and warnings, in document order."""
    from lxml import etree

    found: list[Problem] = []
    declared = re.match(rb"<\?xml[^>]*encoding=[\"']([^\"']+)", data[:200])
    if declared and declared.group(1).decode("ascii", "replace").lower() not in ("utf-8", "utf8"):
        found.append(Problem("error", "feed", f"encoding is {declared.group(1).decode()}; Apple requires UTF-8"))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        found.append(Problem("error", "feed", f"not valid UTF-8 at byte {exc.start}"))
        return found
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return found + [Problem("error", "feed", f"not well-formed XML: {exc}")]
    if root.tag != "rss" or root.get("version") != "2.0":
        return found + [Problem("error", "feed", 'the root element must be <rss version="2.0">')]
    for prefix, uri in (("itunes", ITUNES), ("podcast", PODCAST)):
        if root.nsmap.get(prefix) not in (None, uri):
            found.append(Problem("error", "feed", f"prefix {prefix} is bound to {root.nsmap[prefix]}, not {uri}"))
    channels = root.findall("channel")
    if len(channels) != 1:
        return found + [Problem("error", "feed", f"expected one <channel>, found {len(channels)}")]
    checker = _Checker(channels[0], folder, found)
    checker.channel()
    checker.items()
    checker.podcast_schema()
    return found


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


class _Checker:
    def __init__(self, channel, folder: Path | None, found: list[Problem]):
        self.channel_el = channel
        self.folder = folder
        self.found = found
        self_link = next(
            (link.get("href") for link in channel.findall(_q(ATOM, "link")) if link.get("rel") == "self"), None
        )
        self.self_link = self_link
        base = self_link or (channel.findtext("link") or "")
        self.base = base.rsplit("/", 1)[0] + "/" if "://" in base else None

    def problem(self, level: str, where: str, message: str) -> None:
        self.found.append(Problem(level, where, message))

    # -- files the feed points to -------------------------------------------------------------------
    def local(self, url: str | None) -> Path | None:
        """The file behind a URL, when the URL lies under the feed's base and the folder is known."""
        if not url or not self.folder or not self.base or not url.startswith(self.base):
            return None
        relative = unquote(url[len(self.base) :].split("?", 1)[0].split("#", 1)[0])
        path = (self.folder / relative).resolve()
        return path if path.is_relative_to(self.folder.resolve()) else None

    # -- channel --------------------------------------------------------------------------------------
    def channel(self) -> None:
        ch, where = self.channel_el, "channel"
        for tag in ("title", "link", "description", "language"):
            if not (ch.findtext(tag) or "").strip():
                self.problem("error", where, f"<{tag}> is missing or empty")
        self.description(ch, where)
        language = ch.findtext("language")
        if language and not LANGUAGE.match(language.strip()):
            self.problem("error", where, f"<language> {language!r} is not an ISO 639 code such as zh-cn")
        if ch.find("lastBuildDate") is not None:
            self.date(ch.findtext("lastBuildDate"), where, "lastBuildDate")
        if self.self_link is None:
            self.problem("warning", where, 'no <atom:link rel="self"> naming the feed\'s own address')
        self.artwork(ch.find(_q(ITUNES, "image")), where)
        self.categories(ch.findall(_q(ITUNES, "category")), where)
        self.explicit(ch.find(_q(ITUNES, "explicit")), where, required=True)
        if not (ch.findtext(_q(ITUNES, "author")) or "").strip():
            self.problem("warning", where, "<itunes:author> is missing")
        if not (ch.findtext(f"{_q(ITUNES, 'owner')}/{_q(ITUNES, 'email')}") or "").strip():
            self.problem(
                "error", where, "<itunes:owner><itunes:email> is missing (Spotify and Apple verify ownership by it)"
            )
        guid = ch.findtext(_q(PODCAST, "guid"))
        if guid is not None and self.self_link and _is_uuid(guid) and guid.strip() != podcast_guid(self.self_link):
            self.problem("warning", where, "<podcast:guid> is not the namespace's UUIDv5 of the feed's self link")
        if not ch.findall("item"):
            self.problem("error", where, "the feed has no <item> (directories need at least one episode)")

    def description(self, element, where: str) -> None:
        text = element.findtext("description")
        if text is not None and len(text.encode("utf-8")) > MAX_DESCRIPTION_BYTES:
            self.problem(
                "error",
                where,
                f"<description> is {len(text.encode('utf-8'))} bytes; the limit is {MAX_DESCRIPTION_BYTES}",
            )

    def date(self, value: str | None, where: str, tag: str) -> None:
        value = (value or "").strip()
        ok = bool(RFC822.match(value))
        if ok:
            try:
                parsedate_to_datetime(value)
            except (TypeError, ValueError):
                ok = False
        if not ok:
            self.problem(
                "error", where, f"<{tag}> {value!r} is not an RFC 822 date such as 'Wed, 15 Sep 2021 15:09:00 +0800'"
            )

    def artwork(self, image, where: str) -> None:
        href = image.get("href") if image is not None else None
        if not href:
            self.problem("error", where, "<itunes:image href=…> is missing (Apple requires show artwork)")
            return
        if not href.startswith(("https://", "http://")):
            self.problem("error", where, f"<itunes:image> href {href!r} is not an http(s) URL")
        if not re.search(r"\.(jpe?g|png)$", href.split("?")[0], re.I):
            self.problem("warning", where, "<itunes:image> should end in .jpg or .png (Apple takes JPEG or PNG)")
        path = self.local(href)
        if path is None:
            return
        if not path.is_file():
            self.problem("error", where, f"artwork {path.name} is not in the folder")
            return
        from tts.errors import InputError
        from tts.output.cover import load_cover

        try:
            cover = load_cover(path)
        except InputError:
            self.problem("error", where, f"artwork {path.name} is not a JPEG or PNG image")
            return
        if cover.width != cover.height or not MIN_ART <= cover.width <= MAX_ART:
            self.problem(
                "error",
                where,
                f"artwork is {cover.width}x{cover.height}; Apple requires a square of {MIN_ART}-{MAX_ART} px",
            )

    def categories(self, categories, where: str) -> None:
        if not categories:
            self.problem("error", where, "<itunes:category> is missing")
        for category in categories:
            name = category.get("text")
            if name not in CATEGORIES:
                self.problem("error", where, f"itunes:category {name!r} is not one of Apple's categories")
                continue
            for sub in category.findall(_q(ITUNES, "category")):
                if sub.get("text") not in CATEGORIES[name]:
                    self.problem(
                        "error", where, f"itunes:category {sub.get('text')!r} is not a subcategory of {name!r}"
                    )

    def explicit(self, element, where: str, required: bool) -> None:
        if element is None:
            if required:
                self.problem("error", where, "<itunes:explicit> is missing")
            return
        if (element.text or "").strip() not in ("true", "false"):
            self.problem("error", where, f"<itunes:explicit> is {element.text!r}; Apple takes true or false")

    # -- items ----------------------------------------------------------------------------------------
    def items(self) -> None:
        guids: dict[str, int] = {}
        enclosures: dict[str, int] = {}
        for n, item in enumerate(self.channel_el.findall("item"), 1):
            where = f"item {n} ({(item.findtext('title') or '').strip()[:30]})"
            self.item(item, where)
            guid = (item.findtext("guid") or "").strip()
            if guid:
                if guid in guids:
                    self.problem("error", where, f"<guid> {guid} repeats item {guids[guid]}'s")
                guids.setdefault(guid, n)
            enclosure = item.find("enclosure")
            url = enclosure.get("url") if enclosure is not None else None
            if url:
                if url in enclosures:
                    self.problem("error", where, f"enclosure URL repeats item {enclosures[url]}'s")
                enclosures.setdefault(url, n)

    def item(self, item, where: str) -> None:
        if not (item.findtext("title") or item.findtext(_q(ITUNES, "title")) or "").strip():
            self.problem("error", where, "<title> is missing or empty")
        if not (item.findtext("guid") or "").strip():
            self.problem("error", where, "<guid> is missing (it must identify the episode for ever)")
        if item.find("pubDate") is None:
            self.problem("warning", where, "<pubDate> is missing")
        else:
            self.date(item.findtext("pubDate"), where, "pubDate")
        if item.find("description") is None:
            self.problem("warning", where, "<description> is missing")
        self.description(item, where)
        duration = item.findtext(_q(ITUNES, "duration"))
        if duration is None:
            self.problem("warning", where, "<itunes:duration> is missing")
        elif not DURATION.match(duration.strip()):
            self.problem("error", where, f"<itunes:duration> {duration!r} is neither seconds nor [HH:]MM:SS")
        self.explicit(item.find(_q(ITUNES, "explicit")), where, required=False)
        kind = item.findtext(_q(ITUNES, "episodeType"))
        if kind is not None and kind.strip() not in ("full", "trailer", "bonus"):
            self.problem("error", where, f"<itunes:episodeType> {kind!r} is not full, trailer or bonus")
        self.enclosure(item.find("enclosure"), where)
        for transcript in item.findall(_q(PODCAST, "transcript")):
            self.transcript(transcript, where)
        for chapters in item.findall(_q(PODCAST, "chapters")):
            self.chapters(chapters, where)

    def enclosure(self, enclosure, where: str) -> None:
        if enclosure is None:
            self.problem("error", where, "<enclosure> is missing")
            return
        url, length, kind = enclosure.get("url"), enclosure.get("length"), enclosure.get("type")
        if not url or not url.startswith(("https://", "http://")):
            self.problem("error", where, f"enclosure url {url!r} is not an http(s) URL")
        if kind not in ENCLOSURE_TYPES:
            self.problem(
                "error",
                where,
                f"enclosure type {kind!r} is not one Apple accepts ({', '.join(sorted(ENCLOSURE_TYPES))})",
            )
        if not (length or "").isdigit() or int(length) <= 0:
            self.problem("error", where, f"enclosure length {length!r} is not a positive number of bytes")
            return
        path = self.local(url)
        if path is None:
            return
        if not path.is_file():
            self.problem("error", where, f"enclosure file {path.name} is not in the folder")
        elif path.stat().st_size != int(length):
            self.problem("error", where, f"enclosure length {length} but {path.name} has {path.stat().st_size} bytes")

    def transcript(self, element, where: str) -> None:
        kind = element.get("type")
        if kind and kind not in TRANSCRIPT_TYPES:
            self.problem("warning", where, f"podcast:transcript type {kind!r} is not one the namespace lists")
        if kind == "text/vtt" and element.get("rel") != "captions":
            self.problem("warning", where, 'a timed transcript (text/vtt) should say rel="captions"')
        self.linked_file(element.get("url"), where, "transcript")

    def chapters(self, element, where: str) -> None:
        if element.get("type") != CHAPTERS_TYPE:
            self.problem("error", where, f"podcast:chapters type is {element.get('type')!r}, not {CHAPTERS_TYPE}")
        path = self.linked_file(element.get("url"), where, "chapters")
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            starts = [float(c["startTime"]) for c in data["chapters"]]
        except (ValueError, KeyError, TypeError) as exc:
            self.problem("error", where, f"chapters file {path.name} is not JSON chapters: {exc}")
            return
        if not data.get("version"):
            self.problem("error", where, f"chapters file {path.name} has no version")
        if starts != sorted(starts):
            self.problem("error", where, f"chapters in {path.name} are not in ascending startTime")

    def linked_file(self, url: str | None, where: str, what: str) -> Path | None:
        path = self.local(url)
        if path is not None and not path.is_file():
            self.problem("error", where, f"{what} file {path.name} is not in the folder")
            return None
        return path

    # -- the podcast namespace's schema ------------------------------------------------------------------
    def podcast_schema(self) -> None:
        """Each podcast: element against the namespace's rules (schemas/podcast-namespace.xsd)."""
        import copy

        from lxml import etree

        schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
        known = {el.get("name") for el in schema_elements()}
        for element in self.channel_el.iter(_q(PODCAST, "*")):
            local = etree.QName(element).localname
            parent = element.getparent()
            where = "channel" if parent is self.channel_el else f"item ({(parent.findtext('title') or '')[:30]})"
            if local not in known:
                self.problem("warning", where, f"podcast:{local} is not checked against a schema")
                continue
            if not schema.validate(etree.ElementTree(copy.deepcopy(element))):
                for error in schema.error_log:
                    self.problem("error", where, f"podcast:{local}: {error.message}")


def schema_elements():
    from lxml import etree

    return etree.parse(str(SCHEMA)).getroot().findall("{http://www.w3.org/2001/XMLSchema}element")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value.strip())
    except ValueError:
        return False
    return True
