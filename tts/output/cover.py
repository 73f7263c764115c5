"""Cover images: JPEG or PNG, checked by content, with their pixel size (podcast apps want 1400-3000 px)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from tts.errors import InputError


@dataclass(frozen=True)
class Cover:
    path: Path
    mime: str
    data: bytes
    width: int
    height: int

    def warnings(self) -> list[str]:
        side = min(self.width, self.height)
        if self.width != self.height or not 1400 <= side <= 3000:
            return [f"cover is {self.width}x{self.height}; podcast directories want a square 1400-3000 px image"]
        return []


def load_cover(path: str | Path) -> Cover:
    file = Path(path)
    if not file.is_file():
        raise InputError(f"cover image not found: {file}")
    data = file.read_bytes()
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 24:
        width, height = struct.unpack(">II", data[16:24])
        return Cover(file, "image/png", data, width, height)
    if data.startswith(b"\xff\xd8"):
        size = _jpeg_size(data)
        if size:
            return Cover(file, "image/jpeg", data, *size)
    raise InputError(f"cover must be a JPEG or PNG image: {file}")


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    return None
