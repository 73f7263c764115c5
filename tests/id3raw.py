"""A minimal reader of the raw ID3v2.3 frame sequence, independent of mutagen, to check on-disk order."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path


@dataclass
class RawChapter:
    element_id: str
    start_ms: int
    end_ms: int
    title: str


def _syncsafe(b: bytes) -> int:
    return (b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3]


def _text(frame_body: bytes) -> str:
    encoding, data = frame_body[0], frame_body[1:]
    if encoding == 1:
        return data.decode("utf-16").rstrip("\x00")
    return data.decode("latin-1").rstrip("\x00")


def frames(path: Path) -> tuple[int, list[tuple[str, bytes]]]:
    """(major version, [(frame id, body)]) in the order they lie on disk."""
    data = path.read_bytes()
    assert data[:3] == b"ID3", "no ID3v2 tag at the start of the file"
    version, size = data[3], _syncsafe(data[6:10])
    pos, end, out = 10, 10 + size, []
    while pos + 10 <= end and data[pos : pos + 4] != b"\x00\x00\x00\x00":
        fid = data[pos : pos + 4].decode("latin-1")
        fsize = struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        out.append((fid, data[pos + 10 : pos + 10 + fsize]))
        pos += 10 + fsize
    return version, out


def _sub_frames(body: bytes) -> dict[str, str]:
    subs, pos = {}, 0
    while pos + 10 <= len(body):
        fid = body[pos : pos + 4].decode("latin-1")
        fsize = struct.unpack(">I", body[pos + 4 : pos + 8])[0]
        subs[fid] = _text(body[pos + 10 : pos + 10 + fsize])
        pos += 10 + fsize
    return subs


def chapters(path: Path) -> list[RawChapter]:
    out = []
    for fid, body in frames(path)[1]:
        if fid == "CHAP":
            element_id, rest = body.split(b"\x00", 1)
            start, end = struct.unpack(">II", rest[:8])
            out.append(RawChapter(element_id.decode(), start, end, _sub_frames(rest[16:]).get("TIT2", "")))
    return out


def toc(path: Path) -> tuple[int, list[str], str]:
    """(flags, child ids, title) of the CTOC frame."""
    for fid, body in frames(path)[1]:
        if fid == "CTOC":
            _, rest = body.split(b"\x00", 1)
            flags, count = rest[0], rest[1]
            ids, pos = [], 2
            for _ in range(count):
                end = rest.index(b"\x00", pos)
                ids.append(rest[pos:end].decode())
                pos = end + 1
            return flags, ids, _sub_frames(rest[pos:]).get("TIT2", "")
    raise AssertionError("no CTOC frame")
