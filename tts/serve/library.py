"""A library is a folder of built episodes: what `tts build --report` leaves, read back without re-deriving anything.

An episode is an audio file (NAME.mp3 or NAME.m4b) in the folder's top level, with what was built beside it:
its run report (NAME.report.json, NAME.json, or any report whose outputs name the audio), the NAME.vtt/.srt/
.chapters.json sidecars, NAME.words.json word timings, and NAME.epub / NAME.daisy.zip / NAME.daisy/ talking books.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

AUDIO_SUFFIXES = (".mp3", ".m4b")
# Files a listener may download, by the suffix after the episode's stem.
DOWNLOADS = {
    ".mp3": ("MP3 音频", "audio/mpeg"),
    ".m4b": ("M4B 有声书", "audio/mp4"),
    ".epub": ("EPUB 3 有声读物", "application/epub+zip"),
    ".daisy.zip": ("DAISY 2.02 有声书", "application/zip"),
    ".vtt": ("WebVTT 字幕", "text/vtt; charset=utf-8"),
    ".srt": ("SRT 字幕", "application/x-subrip; charset=utf-8"),
    ".chapters.json": ("章节 JSON", "application/json+chapters"),
    ".words.json": ("逐词时间 JSON", "application/json"),
    ".report.json": ("生成报告 JSON", "application/json"),
}
SIDECAR_SUFFIXES = tuple(s for s in DOWNLOADS if s not in AUDIO_SUFFIXES) + (".json",)
SENTENCE_END = re.compile(r"[。！？!?…]+[”’」』）)\"']*$")
MAX_JOIN_GAP = 0.3  # seconds
SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f]+$")


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


@dataclass
class Sentence:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)


@dataclass
class Chapter:
    title: str
    start: float
    end: float
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Download:
    name: str  # file name inside the library
    label: str
    mime: str
    size: int


@dataclass
class Episode:
    id: str  # the audio file's stem: unique within the folder, stable across rebuilds
    title: str
    source: str | None
    date: str | None  # the article's date (ISO), else the audio file's
    author: str | None
    url: str | None
    duration: float
    audio: str  # file name inside the library
    mime: str
    mtime: float
    size: int
    downloads: list[Download]
    sort_key: str  # newest first sorts descending on this
    report: str | None = None  # the run report's file name

    @property
    def duration_text(self) -> str:
        return spoken_duration(self.duration)

    @property
    def iso_duration(self) -> str:
        total = round(self.duration)
        return f"PT{total // 3600}H{total % 3600 // 60}M{total % 60}S"


def spoken_duration(seconds: float) -> str:
    """Chinese reading of a length: 4分3秒, 1小时2分, 8秒 (the same rule as the player's aria-valuetext)."""
    total = max(0, int(seconds + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}小时{minutes}分{secs}秒"
    if minutes:
        return f"{minutes}分{secs}秒"
    return f"{secs}秒"


def is_safe_name(name: str) -> bool:
    """A plain file name in the folder's top level: no separators, no parent references, nothing hidden."""
    return bool(SAFE_NAME.match(name)) and not name.startswith(".") and name not in ("", "..")


def resolve_inside(root: Path, name: str) -> Path | None:
    """The file `name` inside root, or None when it is not a plain visible file there (symlinks out included)."""
    if not is_safe_name(name):
        return None
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    return path


class Library:
    """Episodes of one folder, parsed once per change of their files (cheap to ask again)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._cache: dict[str, tuple[tuple, Episode]] = {}
        self._reports: tuple[int, dict[str, Path]] | None = None

    def audio_files(self) -> list[os.DirEntry]:
        with os.scandir(self.root) as entries:
            return [
                e
                for e in entries
                if e.is_file() and not e.name.startswith(".") and e.name.lower().endswith(AUDIO_SUFFIXES)
            ]

    def episodes(self) -> list[Episode]:
        """Every episode, newest first."""
        found = [e for e in (self._episode(Path(entry.path)) for entry in self.audio_files()) if e]
        self._cache = {e.id: self._cache[e.id] for e in found if e.id in self._cache}
        return sorted(found, key=lambda e: (e.sort_key, e.id), reverse=True)

    def episode(self, episode_id: str) -> Episode | None:
        for suffix in AUDIO_SUFFIXES:
            if not is_safe_name(episode_id + suffix):
                return None
            path = self.root / (episode_id + suffix)
            if path.is_file():
                return self._episode(path)
        return None

    def signature_of(self, episode_id: str) -> tuple | None:
        """The signature of the episode with this id, without reading its files (None: no such episode)."""
        for suffix in AUDIO_SUFFIXES:
            name = episode_id + suffix
            if is_safe_name(name) and os.path.isfile(self.root / name):
                return self._signature(self.root / name, episode_id)
        return None

    def signature(self, episode: Episode) -> tuple:
        """Changes whenever one of the episode's files does (for caching what is made from them)."""
        return self._signature(self.root / episode.audio, episode.id)

    def _signature(self, audio: Path, stem: str) -> tuple:
        marks = []
        for name in [audio.name, *(stem + s for s in SIDECAR_SUFFIXES)]:
            try:
                stat = os.stat(self.root / name)
            except OSError:
                continue
            marks.append((name, stat.st_mtime_ns, stat.st_size))
        return tuple(marks)

    def _reports_by_audio(self) -> dict[str, Path]:
        """Reports named otherwise than NAME.report.json/NAME.json, found by the audio file they list
        (read once per change of the folder)."""
        mark = os.stat(self.root).st_mtime_ns
        if self._reports and self._reports[0] == mark:
            return self._reports[1]
        found: dict[str, Path] = {}
        with os.scandir(self.root) as entries:
            for entry in entries:
                if not entry.name.endswith(".json") or entry.name.endswith((".chapters.json", ".words.json")):
                    continue
                data = _read_json(Path(entry.path), limit=2_000_000)
                audio = (data or {}).get("outputs", {}).get("audio") if isinstance(data, dict) else None
                if isinstance(audio, str) and "report_version" in data:
                    found.setdefault(Path(audio).name, Path(entry.path))
        self._reports = (mark, found)
        return found

    def _episode(self, audio: Path) -> Episode | None:
        stem = audio.name[: -len(audio.suffix)]
        signature = self._signature(audio, stem)
        cached = self._cache.get(stem)
        if cached and cached[0] == signature:
            return cached[1]
        report_path = next(
            (p for p in (self.root / f"{stem}.report.json", self.root / f"{stem}.json") if p.is_file()), None
        ) or self._reports_by_audio().get(audio.name)
        episode = _read_episode(audio, stem, report_path)
        if episode:
            self._cache[stem] = (signature, episode)
        return episode

    def transcript(self, episode: Episode) -> list[Chapter]:
        """Chapters with their sentences (and words when timed), from the sidecars."""
        report = _read_json(self.root / episode.report) if episode.report else None
        chapters = _chapters(self.root, episode, report if isinstance(report, dict) else None)
        sentences = _sentences(self.root, episode.id)
        for sentence in sentences:
            target = chapters[0]
            for chapter in chapters:
                if sentence.start + 1e-3 >= chapter.start:
                    target = chapter
            target.sentences.append(sentence)
        return chapters


def _read_json(path: Path, limit: int = 50_000_000):
    try:
        if path.stat().st_size > limit:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _read_episode(audio: Path, stem: str, report_path: Path | None) -> Episode | None:
    report = _read_json(report_path) if report_path else None
    report = report if isinstance(report, dict) and "error" not in report else {}
    article = report.get("article") or {}
    stat = audio.stat()
    title = article.get("title")
    duration = (report.get("audio") or {}).get("duration")
    tags = {}
    if not title or duration is None:
        tags = _tags(audio)
    mime = DOWNLOADS[audio.suffix.lower()][1]
    file_date = datetime.fromtimestamp(stat.st_mtime, UTC).strftime("%Y-%m-%d %H:%M")
    date = article.get("date") or tags.get("date")
    downloads = []
    for suffix, (label, kind) in DOWNLOADS.items():
        path = audio.with_name(stem + suffix)
        if path.is_file():
            downloads.append(Download(path.name, label, kind, path.stat().st_size))
    if report_path and report_path.name not in {d.name for d in downloads}:
        downloads.append(
            Download(report_path.name, DOWNLOADS[".report.json"][0], "application/json", report_path.stat().st_size)
        )
    return Episode(
        id=stem,
        title=title or tags.get("title") or stem,
        source=article.get("source") or tags.get("artist"),
        date=date or file_date[:10],
        author=article.get("author"),
        url=report.get("url"),
        duration=float(duration if duration is not None else tags.get("duration", 0.0)),
        audio=audio.name,
        mime=mime,
        mtime=stat.st_mtime,
        size=stat.st_size,
        downloads=downloads,
        sort_key=f"{(date or file_date)[:16]:<16}|{file_date}",
        report=report_path.name if report_path else None,
    )


def _tags(audio: Path) -> dict:
    """Title, artist, date and length from the file's own tags, for audio built without a report."""
    try:
        import mutagen

        info = mutagen.File(audio, easy=True)
    except Exception:  # an unreadable file is listed by its name
        return {}
    if info is None:
        return {}
    first = lambda key: (info.get(key) or [None])[0]  # noqa: E731
    return {
        "title": first("title"),
        "artist": first("artist"),
        "date": first("date"),
        "duration": getattr(info.info, "length", 0.0),
    }


def _chapters(root: Path, episode: Episode, report: dict | None) -> list[Chapter]:
    sections = (report or {}).get("sections") or []
    chapters = [
        Chapter(str(s["title"]), float(s["start"]), float(s["end"]))
        for s in sections
        if isinstance(s, dict) and {"title", "start", "end"} <= s.keys()
    ]
    if not chapters:
        data = _read_json(root / f"{episode.id}.chapters.json")
        items = data.get("chapters", []) if isinstance(data, dict) else []
        for n, item in enumerate(items):
            start = float(item.get("startTime", 0))
            end = float(item.get("endTime", items[n + 1]["startTime"] if n + 1 < len(items) else episode.duration))
            chapters.append(Chapter(str(item.get("title", "")), start, end))
    return chapters or [Chapter(episode.title, 0.0, episode.duration)]


def _sentences(root: Path, stem: str) -> list[Sentence]:
    words = _words(root / f"{stem}.words.json")
    if words and isinstance(words[0], Sentence):
        return words
    sentences = _join_cues(_vtt_cues(root / f"{stem}.vtt"))
    if not words:
        return sentences
    if not sentences:
        return _sentences_from_words(words)
    # the sentences are the transcript's; each word goes to the sentence being spoken when it starts
    starts = [s.start for s in sentences]
    for word in words:
        sentences[max(0, bisect.bisect_right(starts, word.start + 1e-3) - 1)].words.append(word)
    return sentences


def pieces(sentence: Sentence) -> list[tuple[str, Word | None]]:
    """The sentence's text cut into its timed words and the text between them (punctuation that words lack)."""
    out: list[tuple[str, Word | None]] = []
    cursor = 0
    for word in sentence.words:
        at = sentence.text.find(word.text, cursor) if word.text else -1
        if at < 0:
            continue
        if at > cursor:
            out.append((sentence.text[cursor:at], None))
        out.append((word.text, word))
        cursor = at + len(word.text)
    if cursor < len(sentence.text):
        out.append((sentence.text[cursor:], None))
    return out


def _vtt_cues(path: Path) -> list[Sentence]:
    """Cues of a WebVTT file (the subset `tts build` writes: optional ids, one timing line, text lines)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        return []
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip().split("\n")
        for n, line in enumerate(lines):
            if "-->" in line:
                start, end = (_seconds(t.split()[0]) for t in line.split("-->"))
                body = "".join(lines[n + 1 :]).strip()
                if body and start is not None and end is not None:
                    cues.append(Sentence(start, end, body))
                break
    return cues


def _seconds(stamp: str) -> float | None:
    parts = stamp.strip().replace(",", ".").split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    total = 0.0
    for value in values:
        total = total * 60 + value
    return total


def _join_cues(cues: list[Sentence]) -> list[Sentence]:
    """Caption cues are sentences cut at clauses to caption size: join the pieces back into whole sentences.

    A piece continues the sentence before it when that one has no closing punctuation and the two nearly touch
    (pauses between sentences, headings and the title are longer than MAX_JOIN_GAP; clause pauses are shorter).
    """
    sentences: list[Sentence] = []
    for cue in cues:
        last = sentences[-1] if sentences else None
        if last and not SENTENCE_END.search(last.text) and cue.start - last.end < MAX_JOIN_GAP and len(last.text) < 400:
            last.end, last.text = cue.end, last.text + cue.text
        else:
            sentences.append(Sentence(cue.start, cue.end, cue.text))
    return sentences


def _words(path: Path) -> list:
    """Word timings: {"sentences": [{text, start, end, words: [...]}]} or {"words": [...]} or a bare list of
    {"text"|"word", "start", "end"}; anything else is ignored (sentence cues from the VTT are used instead)."""
    data = _read_json(path)
    if data is None:
        return []
    try:
        if isinstance(data, dict) and isinstance(data.get("sentences"), list):
            return [
                Sentence(float(s["start"]), float(s["end"]), str(s["text"]), _word_list(s.get("words") or []))
                for s in data["sentences"]
            ]
        items = data.get("words") if isinstance(data, dict) else data
        return _word_list(items) if isinstance(items, list) else []
    except (KeyError, TypeError, ValueError):
        return []


def _word_list(items: list) -> list[Word]:
    return [Word(str(w.get("text", w.get("word", ""))), float(w["start"]), float(w["end"])) for w in items]


def _sentences_from_words(words: list[Word]) -> list[Sentence]:
    """Without a transcript: a sentence ends at closing punctuation or at a pause (a heading has no full stop)."""
    sentences: list[Sentence] = []
    current: list[Word] = []
    for n, word in enumerate(words):
        current.append(word)
        pause = n + 1 < len(words) and words[n + 1].start - word.end >= MAX_JOIN_GAP
        if SENTENCE_END.search(word.text) or pause:
            sentences.append(Sentence(current[0].start, current[-1].end, "".join(w.text for w in current), current))
            current = []
    if current:
        sentences.append(Sentence(current[0].start, current[-1].end, "".join(w.text for w in current), current))
    return sentences
