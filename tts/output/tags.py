"""ID3v2.3 tags with chapters, written frame by frame so CHAP frames lie on disk in start order.

mutagen's own save sorts frames by size (mutagen issue #506), which scrambles chapter order for players
that read frames sequentially; here mutagen only renders each frame and this module lays them out.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tts.model import Chapter

if TYPE_CHECKING:
    from tts.output.cover import Cover

PADDING = 1024


@dataclass(frozen=True)
class EpisodeTags:
    title: str
    artist: str | None = None  # the article's source
    album: str | None = None  # programme name
    date: str | None = None  # ISO 'YYYY-MM-DD[ HH:MM]'
    author: str | None = None
    language: str = "chi"  # ISO 639-2 as ID3 expects
    genre: str = "Podcast"
    comment: str | None = None  # e.g. the original article's URL
    lyrics: str | None = None  # the full text, in a USLT frame
    cover: Cover | None = None


def id3_tag(tags: EpisodeTags, chapters: list[Chapter], duration: float) -> bytes:
    """A complete ID3v2.3 tag (header, frames in order, padding) to put before the MP3 frames."""
    from mutagen.id3 import (
        APIC,
        COMM,
        CTOC,
        TALB,
        TCON,
        TDAT,
        TEXT,
        TIME,
        TIT2,
        TLAN,
        TLEN,
        TPE1,
        TSSE,
        TYER,
        USLT,
        CTOCFlags,
        Encoding,
        Frame,
        PictureType,
    )

    enc = Encoding.UTF16
    frames: list[Frame] = [TIT2(encoding=enc, text=[tags.title])]
    if tags.artist:
        frames.append(TPE1(encoding=enc, text=[tags.artist]))
    if tags.album:
        frames.append(TALB(encoding=enc, text=[tags.album]))
    if tags.date:
        year, month, day = tags.date[:4], tags.date[5:7], tags.date[8:10]
        frames += [TYER(encoding=enc, text=[year]), TDAT(encoding=enc, text=[day + month])]
        if len(tags.date) >= 16:
            frames.append(TIME(encoding=enc, text=[tags.date[11:13] + tags.date[14:16]]))
    frames += [
        TCON(encoding=enc, text=[tags.genre]),
        TLAN(encoding=enc, text=[tags.language]),
        TLEN(encoding=enc, text=[str(round(duration * 1000))]),
        TSSE(encoding=enc, text=["tts (Kokoro/edge-tts)"]),
    ]
    if tags.author:
        frames.append(TEXT(encoding=enc, text=[tags.author]))  # text writer: the reporter(s)
    if tags.comment:
        frames.append(COMM(encoding=enc, lang="chi", desc="", text=[tags.comment]))
    if tags.lyrics:
        frames.append(USLT(encoding=enc, lang="chi", desc="", text=tags.lyrics))
    if tags.cover is not None:
        frames.append(
            APIC(encoding=enc, mime=tags.cover.mime, type=PictureType.COVER_FRONT, desc="cover", data=tags.cover.data)
        )
    ids = [f"ch{i}" for i in range(len(chapters))]
    frames.append(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=enc, text=[tags.title])],
        )
    )
    return tag_bytes(frames + chapter_frames(chapters, ids))


def chapter_frames(chapters: list[Chapter], ids: list[str]) -> list:
    """One CHAP frame per chapter, in start order, titled, with times in milliseconds."""
    from mutagen.id3 import CHAP, TIT2, Encoding

    return [
        CHAP(
            element_id=element_id,
            start_time=round(chapter.start * 1000),
            end_time=round(chapter.end * 1000),
            start_offset=0xFFFFFFFF,
            end_offset=0xFFFFFFFF,
            sub_frames=[TIT2(encoding=Encoding.UTF16, text=[chapter.title])],
        )
        for element_id, chapter in zip(ids, chapters, strict=True)
    ]


def tag_bytes(frames: list) -> bytes:
    """An ID3v2.3 tag holding FRAMES in the order given (header, frames, padding); mutagen renders each frame."""
    from mutagen.id3._tags import save_frame
    from mutagen.id3._util import ID3SaveConfig

    config = ID3SaveConfig(3, "/")
    body = b"".join(save_frame(frame, config=config) for frame in frames) + b"\x00" * PADDING
    return b"ID3" + bytes([3, 0, 0]) + _syncsafe(len(body)) + body


def _syncsafe(n: int) -> bytes:
    return struct.pack(">4B", (n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F)
