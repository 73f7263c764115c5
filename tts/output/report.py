"""The machine-readable run report (`--report report.json`) for publishers' scripts."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path

from tts.paths import atomic_write_text

REPORT_VERSION = 1
# Namespace for episode ids (uuid5); fixed forever so that ids never change across releases.
EPISODE_NAMESPACE = uuid.UUID("6f0d8a52-52b4-5d3e-9a43-1c4e2e7b9d10")
SUMMARY_CHARS = 500


def episode_id(article, url: str | None) -> str:
    """Stable across rebuilds: the article's address when known, else its title, date and source (feed GUIDs use it)."""
    key = url or "\n".join((article.title, article.date or "", article.source or ""))
    return str(uuid.uuid5(EPISODE_NAMESPACE, key))


def summary(article, limit: int = SUMMARY_CHARS) -> str:
    """The lead paragraphs, cut at a paragraph (or at limit): the feed's episode description."""
    text = ""
    for paragraph in article.paragraphs:
        if text and len(text) + len(paragraph) > limit:
            break
        text = f"{text}\n{paragraph}" if text else paragraph
    return text[:limit]


def report_dict(result, source: str, options) -> dict:
    """Everything a publisher's script needs to check one build."""
    timeline = result.timeline
    removed = Counter(r.reason for r in result.article.removed)
    sections = [
        {"title": c.title, "start": round(c.start, 3), "end": round(c.end, 3), "duration": round(c.end - c.start, 3)}
        for c in timeline.chapters
    ]
    return {
        "report_version": REPORT_VERSION,
        "input": str(source),
        "episode_id": episode_id(result.article, result.url),
        "url": result.url,
        "article": {
            **{k: v for k, v in result.article.to_dict().items() if k in ("title", "date", "source", "author")},
            "summary": summary(result.article),
        },
        "engine": {"name": result.engine, "voice": result.voice, "why": result.engine_reason},
        "outputs": {"audio": str(result.audio), **{k: str(v) for k, v in result.sidecars.items()}},
        "audio": {
            "format": options.audio.format,
            "bitrate": options.audio.bitrate,
            "sample_rate": options.audio.sample_rate,
            "channels": options.audio.channels,
            "duration": round(timeline.duration, 3),
            "loudness_target_lufs": options.audio.loudness,
            "true_peak_ceiling_dbtp": options.audio.true_peak,
            "measured_before": result.loudness,
        },
        "sections": sections,
        "cleaning": {"removed_by_reason": dict(sorted(removed.items())), "captions": len(result.article.captions)},
        "synthesis": {
            "chunks": len(result.plan.chunks),
            "synthesized": result.synthesized,
            "from_cache": result.from_cache,
            "retries": result.retries,
            "faults": result.faults,
        },
        **({"verification": result.verification.to_dict()} if getattr(result, "verification", None) else {}),
        "warnings": result.warnings,
        "wall_seconds": round(result.seconds, 2),
    }


def write_report(path: Path, data: dict) -> None:
    """Write the report atomically; a folder that cannot be written is an OutputError (exit 5), not a crash."""
    from tts.errors import OutputError

    try:
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise OutputError(f"cannot write the report {path}: {exc.strerror or exc}") from None
