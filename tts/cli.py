"""The `tts` command: a thin layer that parses options, calls the library and maps its errors to exit codes.

Exit codes: 0 success; 1 unexpected failure; 2 bad input or option; 3 voice/model assets missing;
4 speech engine failed; 5 output could not be written; 6 some articles of a batch failed (the others were
built); 130 interrupted (finished chunks stay cached).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from tts.errors import TtsError

app = typer.Typer(
    help="Turn Chinese news articles into chaptered Mandarin audio (MP3 with chapters and a WebVTT transcript).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich costs half a second of imports
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Captions(str, Enum):
    skip = "skip"
    read = "read"


ArticleArg = Annotated[str, typer.Argument(help="Article file (.txt or .html, any common Chinese encoding), or - for standard input.", show_default=False)]
CaptionsOpt = Annotated[Captions, typer.Option("--captions", help="Image captions: skip them, or read them as 图片说明：… where they stand.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on standard output.")]


def _fail(exc: TtsError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


class Format(str, Enum):
    mp3 = "mp3"
    m4b = "m4b"


ArticlesArg = Annotated[list[str], typer.Argument(help="Article files (.txt or .html, any common Chinese encoding) or folders of them, or - for standard input.", show_default=False)]


@app.command()
def build(
    articles: ArticlesArg,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Audio file to write (a folder when building several articles). Default: the input's name with .mp3/.m4b (article.mp3 for stdin). Sidecars go beside it.")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, max=16, help="Articles built at once (default: 1 for kokoro, which uses every core; 2 for edge).")] = None,
    profile: Annotated[str, typer.Option("--profile", "-p", help="Voice profile: a name from `tts voices` (./voices/*.toml or bundled) or a path to a .toml file.")] = "news",
    engine: Annotated[Optional[str], typer.Option("--engine", "-e", help="auto (default: edge when its service answers a quick probe, else kokoro), edge (Microsoft online voices) or kokoro (embedded, offline). One engine serves the whole episode.")] = None,
    voice: Annotated[Optional[str], typer.Option("--voice", "-v", help="Engine voice id, overriding the profile's, e.g. zf_xiaoxiao; `tts voices` lists them.")] = None,
    speed: Annotated[Optional[float], typer.Option("--speed", min=0.5, max=2.0, help="Speaking speed factor (0.5-2.0), overriding the profile's.")] = None,
    captions: CaptionsOpt = Captions.skip,
    audio_format: Annotated[Format, typer.Option("--format", help="mp3 (ID3v2.3 chapters) or m4b (AAC audiobook with chapters).")] = Format.mp3,
    bitrate: Annotated[str, typer.Option("--bitrate", help="Audio bitrate (64k-96k suits speech).")] = "64k",
    sample_rate: Annotated[int, typer.Option("--sample-rate", help="Output sample rate in Hz: 44100 (default), 48000, 24000 or 22050.")] = 44_100,
    stereo: Annotated[bool, typer.Option("--stereo/--mono", help="Channels of the output (speech is mono; some hosts want stereo).")] = False,
    loudness: Annotated[str, typer.Option("--loudness", help="Integrated loudness target in LUFS for the whole episode (e.g. -16, or -19 for mono-targeted hosts), or 'off'.")] = "-16",
    true_peak: Annotated[float, typer.Option("--true-peak", help="True-peak ceiling in dBTP.")] = -1.0,
    album: Annotated[Optional[str], typer.Option("--album", help="Programme name for the album tag. Default: the article's source.")] = None,
    genre: Annotated[str, typer.Option("--genre", help="Genre tag (Podcast or Speech are what podcast apps expect).")] = "Podcast",
    url: Annotated[Optional[str], typer.Option("--url", help="The original article's address: written to the comment tag and the report.")] = None,
    cover: Annotated[Optional[Path], typer.Option("--cover", help="Cover image (JPEG or PNG; square 1400-3000 px suits podcast apps).")] = None,
    announce: Annotated[bool, typer.Option("--announce/--no-announce", help="After the title, say the source, date and length (本文约5分钟) for listeners.")] = True,
    vtt: Annotated[bool, typer.Option("--vtt/--no-vtt", help="Write a WebVTT transcript beside the audio.")] = True,
    srt: Annotated[bool, typer.Option("--srt", help="Also write SRT captions.")] = False,
    chapters_json: Annotated[bool, typer.Option("--chapters-json", help="Also write Podcasting 2.0 chapters (.chapters.json).")] = False,
    verify: Annotated[bool, typer.Option("--verify", help="Transcribe the episode with Whisper-base, report each sentence's character error rate, re-synthesise garbled sentences (needs the verify extra).")] = False,
    words_json: Annotated[bool, typer.Option("--words-json", help="Also write word timings (.words.json) for read-along players.")] = False,
    sidecars: Annotated[Optional[str], typer.Option("--sidecars", help="'all' writes vtt, srt, chapters.json and words.json; 'none' writes none.")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Write a JSON run report: input, engine, durations per section, chapters, removals by reason, retries, warnings, wall time (also on failure).")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse and keep synthesised sentences in the per-user cache, so reruns and resumed builds skip finished work.")] = True,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Clean and plan only: show what would be read, synthesise nothing.")] = False,
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", min=1, max=16, help="edge: requests in flight at once (default 4; lower it if the service rate-limits).")] = None,
    retries: Annotated[Optional[int], typer.Option("--retries", min=1, max=20, help="edge: attempts per chunk before giving up (default 5, exponential backoff with jitter).")] = None,
    pitch: Annotated[Optional[str], typer.Option("--pitch", help="edge: pitch shift such as +0Hz or -5Hz.")] = None,
    volume: Annotated[Optional[str], typer.Option("--volume", help="edge: volume change such as +0% or -10%.")] = None,
    lexicon: Annotated[Optional[Path], typer.Option("--lexicon", help="Pronunciation lexicon (TOML): pinyin for the offline voice, homophones for the online one. Default: ./lexicon.toml if present, plus the built-in list.")] = None,
    normalize: Annotated[bool, typer.Option("--normalize/--no-normalize", help="Read numbers, dates, units and symbols as a newsreader would (turn off only to compare).")] = True,
    kokoro_model: Annotated[Optional[Path], typer.Option("--kokoro-model", help="Your own Kokoro v1.0 .onnx file instead of the bundled one (env TTS_KOKORO_MODEL).")] = None,
    kokoro_voices: Annotated[Optional[Path], typer.Option("--kokoro-voices", help="Your own voices: voices-v1.0.bin (npz) or a folder of NAME.bin files (env TTS_KOKORO_VOICES).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Build each article into an episode: audio with a chapter per section, at podcast loudness, with tags and a transcript.

    Several files or folders build with a progress bar each and a summary; one failure does not stop the others.
    """
    from tts import pipeline as library
    from tts.output.episode import AudioSettings
    from tts.errors import ConfigError

    try:
        level = None if loudness.lower() == "off" else float(loudness)
    except ValueError:
        _fail(ConfigError(f"--loudness takes LUFS such as -16, or 'off'; got {loudness!r}"))
    kinds = {"vtt"} if vtt else set()
    kinds |= {"srt"} if srt else set()
    kinds |= {"chapters.json"} if chapters_json else set()
    kinds |= {"words.json"} if words_json else set()
    if sidecars is not None:
        if sidecars not in ("all", "none"):
            _fail(ConfigError(f"--sidecars takes all or none, got {sidecars!r}"))
        kinds = set(library.SIDECARS) if sidecars == "all" else set()
    kokoro = {k: str(v) for k, v in (("model", kokoro_model), ("voices", kokoro_voices)) if v}
    edge = {k: v for k, v in (("concurrency", concurrency), ("retries", retries), ("pitch", pitch), ("volume", volume)) if v is not None}
    options = library.BuildOptions(
        profile=profile, engine=engine, voice=voice, speed=speed, output=output, read_captions=captions is Captions.read,
        audio=AudioSettings(format=audio_format.value, bitrate=bitrate, sample_rate=sample_rate, channels=2 if stereo else 1,
                            loudness=level, true_peak=true_peak),
        sidecars=frozenset(kinds), use_cache=cache, album=album, genre=genre, url=url, cover=cover, announce=announce,
        lexicon=lexicon, normalize=normalize, engine_options={"kokoro": kokoro, "edge": edge}, verify=verify,
    )
    try:
        sources = _expand(articles)
        if len(sources) > 1 or len(articles) > 1 or Path(articles[0]).is_dir():
            if dry_run:
                for source in sources:
                    typer.echo(f"\n##### {source}")
                    _print_plan(library.prepare(source, options), as_json)
                return
            _build_batch(sources, options, jobs, report, as_json)
            return
        article = sources[0]
        if dry_run:
            prepared = library.prepare(article, options)
            _print_plan(prepared, as_json)
            return
        result = _build_with_progress(library, article, options, quiet=as_json)
    except TtsError as exc:
        _write_failure_report(report, " ".join(articles), exc)
        _fail(exc)
    except KeyboardInterrupt:
        typer.echo("interrupted: finished sentences are cached; run the same command again to resume", err=True)
        raise typer.Exit(130) from None
    data = None
    if report or as_json:
        from tts.output.report import report_dict, write_report

        data = report_dict(result, article, options)
        if report:
            write_report(report, data)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    minutes, seconds = divmod(round(result.timeline.duration), 60)
    typer.echo(f"wrote {result.audio} ({minutes}:{seconds:02d}, {len(result.timeline.chapters)} chapters, "
               f"{result.engine}/{result.voice}; {result.synthesized} synthesised, {result.from_cache} from cache, {result.seconds:.1f}s)")
    for path in result.sidecars.values():
        typer.echo(f"wrote {path}")
    if result.verification is not None:
        from tts.speech.verify import summary

        typer.echo(summary(result.verification))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


def _expand(articles: list[str]) -> list[str]:
    from tts.batch import expand

    return expand(articles)


BATCH_FAILED = 6


def _build_batch(sources: list[str], options, jobs: Optional[int], report: Optional[Path], as_json: bool) -> None:
    """Several articles: a bar per article and one overall, then a summary table; exit 6 if any failed."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from tts.batch import build_many
    from tts.output.report import report_dict, write_report

    console = Console(stderr=True)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=True, disable=as_json or not console.is_terminal) as bar:
        overall = bar.add_task("all articles", total=len(sources))
        tasks = {s: bar.add_task(Path(s).name[:30], total=None, visible=False) for s in sources}
        finished: set[str] = set()

        def progress(source: str, done: int, total: int) -> None:
            bar.update(tasks[source], completed=done, total=total, visible=True)
            if done == total and source not in finished:
                finished.add(source)
                bar.advance(overall)

        items = build_many(sources, options, jobs, progress=progress)
    rows = []
    for item in items:
        if item.result is not None:
            rows.append(report_dict(item.result, item.source, options))
        else:
            rows.append({"input": item.source, "error": str(item.error), "exit_code": item.error.exit_code})
    failed = [r for r in rows if "error" in r]
    data = {"articles": rows, "built": len(rows) - len(failed), "failed": len(failed)}
    if report:
        write_report(report, data)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"{data['built']} built, {data['failed']} failed")
        for column in ("article", "result", "length", "chunks (new/cached)", "seconds"):
            table.add_column(column)
        for row in rows:
            if "error" in row:
                table.add_row(row["input"], f"[red]error[/red]: {row['error']}", "", "", "")
            else:
                minutes, secs = divmod(round(row["audio"]["duration"]), 60)
                synth = row["synthesis"]
                table.add_row(row["input"], row["outputs"]["audio"], f"{minutes}:{secs:02d}",
                              f"{synth['synthesized']}/{synth['from_cache']}", f"{row['wall_seconds']:.1f}")
        Console().print(table)
    if failed:
        raise typer.Exit(BATCH_FAILED)


def _write_failure_report(path: Optional[Path], article: str, exc: TtsError) -> None:
    if path is None:
        return
    from tts.output.report import REPORT_VERSION, write_report

    try:
        write_report(path, {"report_version": REPORT_VERSION, "input": article, "error": str(exc), "exit_code": exc.exit_code})
    except OSError:
        pass


def _build_with_progress(library, article: str, options, quiet: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    def notify(message: str) -> None:
        typer.echo(message, err=True)

    if quiet or not sys.stderr.isatty():
        return library.build(article, options, notify=notify)
    columns = [TextColumn("synthesising"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("chunks", total=None)
        return library.build(article, options, progress=lambda done, total: bar.update(task, completed=done, total=total),
                             notify=bar.console.print)


def _print_plan(prepared, as_json: bool) -> None:
    if as_json:
        data = prepared.article.to_dict()
        data["plan"] = [{"chapter": s.title, "chunks": [c.spoken for c in s.chunks]} for s in prepared.plan.sections]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_article(prepared.article)
    chunks = len(prepared.plan.chunks)
    typer.echo(f"\n{len(prepared.plan.sections)} chapters, {len(prepared.plan.sentences)} sentences, {chunks} engine calls "
               f"({prepared.engine}: {prepared.engine_reason}; profile {prepared.profile.name})")


def _print_article(article) -> None:
    typer.echo(f"标题: {article.title}")
    typer.echo(f"日期: {article.date or '-'}   来源: {article.source or '-'}   作者: {article.author or '-'}")
    for n, section in enumerate(article.sections, 1):
        typer.echo(f"\n== {n}. {section.heading or '(导语)'}")
        for paragraph in section.paragraphs:
            typer.echo(f"  {paragraph}")
    if article.captions:
        typer.echo(f"\n(captions: {len(article.captions)}; removed lines: {len(article.removed)})")


@app.command()
def clean(
    article: ArticleArg,
    captions: CaptionsOpt = Captions.skip,
    as_json: JsonOpt = False,
) -> None:
    """Show what would be read from ARTICLE, section by section, and (with --json) what was removed and why."""
    from tts.input.clean import CleanOptions, clean_text
    from tts.input.reading import read_page

    try:
        page = read_page(article)
        result = clean_text(page.text, CleanOptions(read_captions=captions is Captions.read, title_hint=page.html_title))
    except TtsError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_article(result)


@app.command()
def say(
    text: Annotated[str, typer.Argument(help="Text to show in spoken form, e.g. '21-09-15 15:09 拨打12345'.", show_default=False)],
    engine: Annotated[str, typer.Option("--engine", "-e", help="Whose input to show: kokoro (lexicon as pinyin markup) or edge (lexicon homophones).")] = "kokoro",
    lexicon: Annotated[Optional[Path], typer.Option("--lexicon", help="Pronunciation lexicon (TOML); default ./lexicon.toml if present, plus the built-in list.")] = None,
    phonemes: Annotated[bool, typer.Option("--phonemes", help="kokoro: also print the phonemes the model receives.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show what TEXT becomes before synthesis, to check and fix pronunciations before a build."""
    from tts.engines import engine_class
    from tts.speech.normalize import Lexicon, Speaker

    try:
        speaker = Speaker(Lexicon.load(lexicon), getattr(engine_class(engine), "lexicon_style", "say"))
        spoken = speaker(text)
        ipa = engine_class(engine)().phonemize(spoken) if phonemes and engine == "kokoro" else None
    except TtsError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps({"text": text, "spoken": spoken, "phonemes": ipa}, ensure_ascii=False))
        return
    typer.echo(spoken)
    if ipa:
        typer.echo(ipa)


cache_app = typer.Typer(help="The per-user cache of synthesised sentences (what makes rebuilds and resumes fast).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(as_json: JsonOpt = False) -> None:
    """Where the cache is, how many sentences it holds, its size and its limit (TTS_CACHE_LIMIT_MB)."""
    from tts.speech.cache import ClipCache

    info = ClipCache().info()
    data = {"path": str(info.path), "entries": info.entries, "bytes": info.bytes, "limit_bytes": info.limit,
            "audio_seconds": round(info.seconds_of_audio, 1)}
    if as_json:
        typer.echo(json.dumps(data))
        return
    typer.echo(f"{info.path}\n{info.entries} sentences, {info.bytes / 1e6:.1f} MB of {info.limit / 1e6:.0f} MB "
               f"({info.seconds_of_audio / 60:.1f} minutes of speech)")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached sentence (the voice model and voices stay)."""
    from tts.speech.cache import ClipCache

    typer.echo(f"removed {ClipCache().clear()} cached sentences")


@app.command()
def voices(
    engine: Annotated[Optional[str], typer.Option("--engine", "-e", help="Only this engine's voices.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List each engine's voices (default marked with *) and the voice profiles."""
    from tts.engines import engine_class, engine_names
    from tts.speech.profiles import load_profile, profile_names

    try:
        names = [engine] if engine else engine_names()
        listing = {}
        for name in names:
            cls = engine_class(name)
            found, source = cls().voices(), "bundled list"
            if hasattr(cls, "live_voices"):
                try:
                    found, source = cls.live_voices(), "live list"
                except TtsError:
                    source = "known list; the service could not be reached"
            listing[name] = {"default": cls.default_voice, "source": source, "voices": [v.__dict__ for v in found]}
        profiles = {}
        for p in profile_names():
            prof = load_profile(p)
            profiles[p] = {"engine": prof.engine, "description": prof.description,
                           "voices": {e: {"voice": v.voice, "speed": v.speed} for e, v in prof.engines.items()}}
    except TtsError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps({"engines": listing, "profiles": profiles}, ensure_ascii=False, indent=2))
        return
    for name, data in listing.items():
        typer.echo(f"{name} ({data['source']}):")
        for v in data["voices"]:
            mark = "*" if v["id"] == data["default"] else " "
            typer.echo(f" {mark} {v['id']:<29} {v['gender']:<7} {v['locale']:<15} {v['description']}")
    typer.echo("profiles (--profile):")
    for p, d in profiles.items():
        choices = ", ".join(f"{e}: {v['voice']} x{v['speed']}" for e, v in d["voices"].items())
        typer.echo(f"   {p:<8} {d['description']} ({choices})")


def main() -> None:
    import os

    try:
        app()
    except Exception as exc:  # a bug, not bad input: still one line unless TTS_DEBUG asks for the traceback
        if os.environ.get("TTS_DEBUG"):
            raise
        typer.echo(f"error: unexpected {type(exc).__name__}: {exc} (set TTS_DEBUG=1 for a traceback; please report it)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
