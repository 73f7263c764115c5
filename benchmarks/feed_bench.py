"""The podcast feed for a folder of 100 episodes: time to build it and to check it, and — to show why the feed is
written with lxml directly — the same feed written by feedgen's podcast extension, run through the same checker.

One episode is really built (Kokoro, the short test article); 99 more are copies of its files with their own
reports (ids, titles, dates), so the folder looks like a hundred days of a newsroom's output.

Run:  uv run python -m benchmarks.feed_bench                  (feedgen part skipped unless it is installed)
      uv run --with feedgen python -m benchmarks.feed_bench   (with the comparison)
Results are printed and written to benchmarks/results/feed.json.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "feed.json"
EPISODES = 100
REPEATS = 5


def _make_folder(folder: Path) -> None:
    import imageio_ffmpeg

    from tests.conftest import SHORT_ARTICLE
    from tts.options import BuildOptions
    from tts.output.report import report_dict, write_report
    from tts.pipeline import build

    source = folder / "seed.txt"
    source.write_text(SHORT_ARTICLE, encoding="utf-8")
    options = BuildOptions(
        engine="kokoro", output=folder / "seed.mp3", sidecars=frozenset({"vtt", "srt", "chapters.json"})
    )
    result = build(source, options)
    seed = report_dict(result, str(source), options)
    source.unlink()
    day = date(2021, 1, 1)
    for n in range(EPISODES):
        name = f"ep{n:03d}"
        for suffix in (".mp3", ".vtt", ".srt", ".chapters.json"):
            shutil.copy(folder / f"seed{suffix}", folder / f"{name}{suffix}")
        report = json.loads(json.dumps(seed))
        report["episode_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://news.example.cn/{name}"))
        report["article"]["title"] = f"{seed['article']['title']}（第{n + 1}期）"
        report["article"]["date"] = f"{day + timedelta(days=n)} 07:00"
        report["outputs"] = {k: v.replace("seed", name) for k, v in seed["outputs"].items()}
        write_report(folder / f"{name}.json", report)
    for suffix in (".mp3", ".vtt", ".srt", ".chapters.json"):
        (folder / f"seed{suffix}").unlink()
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=navy:s=1400x1400",
            "-frames:v",
            "1",
            str(folder / "cover.jpg"),
        ],
        check=True,
    )


def _timed(fn, repeats: int = REPEATS) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def _feedgen_feed(folder: Path, settings) -> bytes:
    """The same feed through feedgen 1.0's podcast extension (plus the podcast: tags it lacks, added with lxml)."""
    from feedgen.feed import FeedGenerator

    from tts.publish.feed import _published, _tz, read_episodes, rfc822

    zone = _tz(settings.timezone)
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(settings.title)
    fg.link(href=settings.base, rel="alternate")
    fg.description(settings.title)
    fg.language(settings.language)
    fg.podcast.itunes_author(settings.author)
    fg.podcast.itunes_owner(name=settings.author, email=settings.email)
    fg.podcast.itunes_image(settings.url_for(settings.image))
    fg.podcast.itunes_category("News", "Daily News")
    fg.podcast.itunes_explicit("no")  # its API takes yes/no/clean only
    for episode in read_episodes(folder):
        entry = fg.add_entry(order="append")
        entry.id(f"urn:uuid:{episode.id}")
        entry.guid(f"urn:uuid:{episode.id}", permalink=False)
        entry.title(episode.title)
        entry.description(episode.summary or episode.title)
        entry.enclosure(settings.url_for(episode.audio.name), str(episode.length), episode.mime)
        entry.pubDate(rfc822(_published(episode, zone)))
        entry.podcast.itunes_duration(round(episode.duration))
    return fg.rss_str(pretty=True)


def main() -> None:
    from tts.publish.feed import ShowSettings, feed_xml
    from tts.publish.feedcheck import check_feed

    settings = ShowSettings(
        base_url="https://news.example.cn/podcast/",
        title="晨间新闻",
        author="某某日报",
        email="podcast@example.cn",
        image="cover.jpg",
        category="News/Daily News",
    )
    results: dict = {"episodes": EPISODES, "repeats": REPEATS}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _make_folder(folder)
        seconds, data = _timed(lambda: feed_xml(folder, settings))
        check_seconds, problems = _timed(lambda: check_feed(data, folder))
        results["tts_feed"] = {
            "build_s": round(seconds, 4),
            "check_s": round(check_seconds, 4),
            "bytes": len(data),
            "errors": sum(p.level == "error" for p in problems),
            "warnings": sum(p.level == "warning" for p in problems),
        }
        try:
            import feedgen  # noqa: F401
        except ImportError:
            results["feedgen"] = "not installed: uv run --with feedgen python -m benchmarks.feed_bench"
        else:
            fg_seconds, fg_data = _timed(lambda: _feedgen_feed(folder, settings))
            fg_problems = check_feed(fg_data, folder)
            errors = sorted({p.message for p in fg_problems if p.level == "error"})
            results["feedgen"] = {
                "build_s": round(fg_seconds, 4),
                "bytes": len(fg_data),
                "errors": sum(p.level == "error" for p in fg_problems),
                "warnings": sum(p.level == "warning" for p in fg_problems),
                "distinct_errors": errors,
                "note": "podcast: tags are not written by feedgen",
            }
    results["target"] = {"build_s_max": 2.0, "met": results["tts_feed"]["build_s"] < 2.0}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
