"""The machine-readable run report (`--report report.json`) for publishers' scripts."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from tts.paths import temp_sibling

REPORT_VERSION = 1


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
        "url": options.url,
        "article": {k: v for k, v in result.article.to_dict().items() if k in ("title", "date", "source", "author")},
        "engine": {"name": result.engine, "voice": result.voice, "why": result.engine_reason},
        "outputs": {"audio": str(result.audio), **{k: str(v) for k, v in result.sidecars.items()}},
        "audio": {"format": options.audio.format, "bitrate": options.audio.bitrate, "sample_rate": options.audio.sample_rate,
                  "channels": options.audio.channels, "duration": round(timeline.duration, 3),
                  "loudness_target_lufs": options.audio.loudness, "true_peak_ceiling_dbtp": options.audio.true_peak,
                  "measured_before": result.loudness},
        "sections": sections,
        "cleaning": {"removed_by_reason": dict(sorted(removed.items())), "captions": len(result.article.captions)},
        "synthesis": {"chunks": len(result.plan.chunks), "synthesized": result.synthesized, "from_cache": result.from_cache,
                      "retries": result.retries, "faults": result.faults},
        **({"verification": result.verification.to_dict()} if getattr(result, "verification", None) else {}),
        "warnings": result.warnings,
        "wall_seconds": round(result.seconds, 2),
    }


def write_report(path: Path, data: dict) -> None:
    tmp = temp_sibling(path)
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
