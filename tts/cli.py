"""The `tts` command: a thin layer that parses options, calls the library and maps its errors to exit codes.

Exit codes: 0 success; 1 unexpected failure; 2 bad input or option; 3 voice/model assets missing;
4 speech engine failed; 5 output could not be written; 6 some articles of a batch failed (the others were
built); 130 interrupted (finished chunks stay cached).
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from tts.errors import OutputError, TtsError
from tts.options import DEFAULTS

app = typer.Typer(
    help="Turn Chinese news articles into chaptered Mandarin audio (MP3 with chapters and a WebVTT transcript).",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (typer imports shellingham only when asked)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich costs half a second of imports
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Captions(str, Enum):
    skip = "skip"
    read = "read"


ArticleArg = Annotated[
    str,
    typer.Argument(
        help="Article file (.txt or .html, any common Chinese encoding), an http(s) URL, or - for standard input.",
        show_default=False,
    ),
]
CaptionsOpt = Annotated[
    Captions,
    typer.Option("--captions", help="Image captions: skip them, or read them as 图片说明：… where they stand."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on standard output.")]


def _fail(exc: TtsError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


class Format(str, Enum):
    mp3 = "mp3"
    m4b = "m4b"
    epub = "epub"  # talking books (tts/publish): one book of all the articles
    daisy = "daisy"


ArticlesArg = Annotated[
    list[str],
    typer.Argument(
        help="Article files (.txt or .html, any common Chinese encoding) or folders of them, http(s) URLs, or - for standard input.",
        show_default=False,
    ),
]


@app.command()
def build(
    articles: ArticlesArg,
    output: Annotated[
        Optional[Path],
        typer.Option(
            "-o",
            "--output",
            help="Audio file to write (a folder when building several articles). Default: the input's name with .mp3/.m4b (article.mp3 for stdin). Sidecars go beside it.",
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            max=16,
            help="Articles built at once, in worker processes when more than 1 (default: one per core for kokoro; 2 for edge).",
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            "-p",
            help="Voice profile: a name from `tts voices` (./voices/*.toml or bundled) or a path to a .toml file.",
        ),
    ] = DEFAULTS.profile,
    engine: Annotated[
        Optional[str],
        typer.Option(
            "--engine",
            "-e",
            help="auto (default: edge when its service answers a quick probe, else kokoro), edge (Microsoft online voices) or kokoro (embedded, offline). One engine serves the whole episode.",
        ),
    ] = None,
    voice: Annotated[
        Optional[str],
        typer.Option(
            "--voice",
            "-v",
            help="Engine voice id, overriding the profile's, e.g. zf_xiaoxiao; `tts voices` lists them.",
        ),
    ] = None,
    speed: Annotated[
        Optional[float],
        typer.Option("--speed", min=0.5, max=2.0, help="Speaking speed factor (0.5-2.0), overriding the profile's."),
    ] = None,
    captions: CaptionsOpt = Captions.skip,
    audio_format: Annotated[
        Optional[Format],
        typer.Option(
            "--format",
            help="mp3 (ID3v2.3 chapters) or m4b (AAC audiobook with chapters); epub (EPUB 3 read-along book) or daisy (DAISY 2.02 book folder): one book of all the articles. Default: from the -o suffix, else mp3.",
            show_default=False,
        ),
    ] = None,
    bitrate: Annotated[
        str, typer.Option("--bitrate", help="Audio bitrate (64k-96k suits speech; MP3 at 44.1/48 kHz takes 32k-320k).")
    ] = DEFAULTS.audio.bitrate,
    sample_rate: Annotated[
        int, typer.Option("--sample-rate", help="Output sample rate in Hz: 44100 (default), 48000, 24000 or 22050.")
    ] = DEFAULTS.audio.sample_rate,
    stereo: Annotated[
        bool, typer.Option("--stereo/--mono", help="Channels of the output (speech is mono; some hosts want stereo).")
    ] = False,
    loudness: Annotated[
        str,
        typer.Option(
            "--loudness",
            help="Integrated loudness target in LUFS for the whole episode (e.g. -16, or -19 for mono-targeted hosts), or 'off'.",
        ),
    ] = f"{DEFAULTS.audio.loudness:g}",
    true_peak: Annotated[
        float, typer.Option("--true-peak", help="True-peak ceiling in dBTP.")
    ] = DEFAULTS.audio.true_peak,
    album: Annotated[
        Optional[str], typer.Option("--album", help="Programme name for the album tag. Default: the article's source.")
    ] = None,
    genre: Annotated[
        str, typer.Option("--genre", help="Genre tag (Podcast or Speech are what podcast apps expect).")
    ] = DEFAULTS.tags.genre,
    url: Annotated[
        Optional[str],
        typer.Option("--url", help="The original article's address: written to the comment tag and the report."),
    ] = None,
    cover: Annotated[
        Optional[Path],
        typer.Option("--cover", help="Cover image (JPEG or PNG; square 1400-3000 px suits podcast apps)."),
    ] = None,
    announce: Annotated[
        bool,
        typer.Option(
            "--announce/--no-announce",
            help="After the title, say the source, date and length (本文约5分钟) for listeners.",
        ),
    ] = True,
    vtt: Annotated[bool, typer.Option("--vtt/--no-vtt", help="Write a WebVTT transcript beside the audio.")] = True,
    srt: Annotated[bool, typer.Option("--srt", help="Also write SRT captions.")] = False,
    chapters_json: Annotated[
        bool, typer.Option("--chapters-json", help="Also write Podcasting 2.0 chapters (.chapters.json).")
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Transcribe the episode with Whisper-base, report each sentence's character error rate, re-synthesise garbled sentences (needs the verify extra).",
        ),
    ] = False,
    words_json: Annotated[
        bool, typer.Option("--words-json", help="Also write word timings (.words.json) for read-along players.")
    ] = False,
    sidecars: Annotated[
        Optional[str],
        typer.Option("--sidecars", help="'all' writes vtt, srt, chapters.json and words.json; 'none' writes none."),
    ] = None,
    report: Annotated[
        Optional[Path],
        typer.Option(
            "--report",
            help="Write a JSON run report: input, engine, durations per section, chapters, removals by reason, retries, warnings, wall time (also on failure).",
        ),
    ] = None,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help="Reuse and keep synthesised sentences in the per-user cache, so reruns and resumed builds skip finished work.",
        ),
    ] = True,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Clean and plan only: show what would be read, synthesise nothing.")
    ] = False,
    concurrency: Annotated[
        Optional[int],
        typer.Option(
            "--concurrency",
            min=1,
            max=16,
            help="edge: requests in flight at once (default 4; lower it if the service rate-limits).",
        ),
    ] = None,
    retries: Annotated[
        Optional[int],
        typer.Option(
            "--retries",
            min=1,
            max=20,
            help="edge: attempts per chunk before giving up (default 5, exponential backoff with jitter).",
        ),
    ] = None,
    pitch: Annotated[Optional[str], typer.Option("--pitch", help="edge: pitch shift such as +0Hz or -5Hz.")] = None,
    volume: Annotated[Optional[str], typer.Option("--volume", help="edge: volume change such as +0% or -10%.")] = None,
    lexicon: Annotated[
        Optional[Path],
        typer.Option(
            "--lexicon",
            help="Pronunciation lexicon (TOML): pinyin for the offline voice, homophones for the online one. Default: ./lexicon.toml if present, plus the built-in list.",
        ),
    ] = None,
    normalize: Annotated[
        bool,
        typer.Option(
            "--normalize/--no-normalize",
            help="Read numbers, dates, units and symbols as a newsreader would (turn off only to compare).",
        ),
    ] = True,
    kokoro_model: Annotated[
        Optional[Path],
        typer.Option(
            "--kokoro-model", help="Your own Kokoro v1.0 .onnx file instead of the bundled one (env TTS_KOKORO_MODEL)."
        ),
    ] = None,
    kokoro_voices: Annotated[
        Optional[Path],
        typer.Option(
            "--kokoro-voices",
            help="Your own voices: voices-v1.0.bin (npz) or a folder of NAME.bin files (env TTS_KOKORO_VOICES).",
        ),
    ] = None,
    digest: Annotated[
        bool,
        typer.Option(
            "--digest",
            help="One episode of all the articles: a spoken opening listing the stories, a chapter per article with its sections nested (ID3 CTOC hierarchy; flat in m4b), loudness normalised over the whole programme.",
        ),
    ] = False,
    executor: Annotated[
        str,
        typer.Option(
            "--executor",
            help="Where articles are built: local (this machine; -j worker processes) or dask (a Dask cluster: --scheduler, or -j processes started here).",
        ),
    ] = "local",
    scheduler: Annotated[
        Optional[str],
        typer.Option(
            "--scheduler", help="dask: the cluster's scheduler address, e.g. tcp://10.0.0.5:8786 (env TTS_SCHEDULER)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Build each article into an episode: audio with a chapter per section, at podcast loudness, with tags and a transcript.

    Several files or folders build with a progress bar each and a summary; one failure does not stop the others.
    """
    if digest:
        _build_digest(locals())
        return
    if audio_format in (Format.epub, Format.daisy):
        _build_book(locals())
        return
    from tts import pipeline as library

    try:
        options = _build_options(locals())
        _check_report_path(report, articles, options)
    except TtsError as exc:
        _fail(exc)
    with _failures_reported(report, articles):
        sources = _expand(articles)
        if len(sources) > 1 or len(articles) > 1 or Path(articles[0]).is_dir() or executor != "local" or scheduler:
            if dry_run:
                for source in sources:
                    typer.echo(f"\n##### {source}")
                    _print_plan(library.prepare(source, options), as_json)
                return
            _build_batch(sources, options, jobs, report, as_json, executor, scheduler)
            return
        article = sources[0]
        if dry_run:
            prepared = library.prepare(article, options)
            _print_plan(prepared, as_json)
            return
        result = _build_with_progress(library, article, options, quiet=as_json)
    data = None
    if report or as_json:
        from tts.output.report import report_dict, write_report

        data = report_dict(result, article, options)
        if report:
            try:
                write_report(report, data)
            except TtsError as exc:  # the audio is written; say so, and fail on the report
                typer.echo(f"wrote {result.audio}", err=True)
                _fail(exc)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    minutes, seconds = divmod(round(result.timeline.duration), 60)
    typer.echo(
        f"wrote {result.audio} ({minutes}:{seconds:02d}, {len(result.timeline.chapters)} chapters, "
        f"{result.engine}/{result.voice}; {result.synthesized} synthesised, {result.from_cache} from cache, {result.seconds:.1f}s)"
    )
    for path in result.sidecars.values():
        typer.echo(f"wrote {path}")
    if result.verification is not None:
        from tts.speech.verify import summary

        typer.echo(summary(result.verification))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)


def _os_error(exc: OSError, inputs: list[str]) -> TtsError:
    """An unanticipated OSError as one of ours: reading an input is bad input (2), anything else an output fault (5)."""
    from tts.errors import InputError

    where = f"{exc.filename}: " if exc.filename else ""
    if exc.filename and str(exc.filename) in inputs:
        return InputError(f"cannot read {where}{exc.strerror or exc}")
    return OutputError(f"{where}{exc.strerror or exc}")


class Interrupted(TtsError):
    exit_code = 130


@contextmanager
def _failures_reported(report: Optional[Path], articles: list[str]):
    """Every way a build ends early, the same for one article, a batch, a digest or a book: one `error:` line and its
    exit code, and the failure in --report."""
    try:
        yield
    except TtsError as exc:
        _write_failure_report(report, " ".join(articles), exc)
        _fail(exc)
    except OSError as exc:  # the system refused a file operation nothing above anticipated
        error = _os_error(exc, articles)
        _write_failure_report(report, " ".join(articles), error)
        _fail(error)
    except KeyboardInterrupt:
        _write_failure_report(report, " ".join(articles), Interrupted("interrupted by the user"))
        typer.echo("interrupted: finished sentences are cached; run the same command again to resume", err=True)
        raise typer.Exit(130) from None


def _build_digest(flags: dict) -> None:
    """--digest: one programme of all the articles (tts.publish.digest)."""
    from tts.errors import ConfigError
    from tts.publish.digest import build_digest

    articles, report = flags["articles"], flags["report"]
    with _failures_reported(report, articles):
        if flags["audio_format"] in (Format.epub, Format.daisy):
            raise ConfigError("--digest makes one audio episode (mp3 or m4b), not a book")
        if flags["dry_run"]:
            raise ConfigError("--dry-run is not available with --digest; dry-run the articles without it")
        options = _build_options(flags)
        result = build_digest(_expand(articles), options, notify=lambda message: typer.echo(message, err=True))
        if report or flags["as_json"]:
            from tts.output.report import report_dict, write_report

            data = report_dict(result, " ".join(articles), options)
            if report:
                write_report(report, data)
            if flags["as_json"]:
                typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
                return
    minutes, seconds = divmod(round(result.timeline.duration), 60)
    typer.echo(
        f"wrote {result.audio} ({minutes}:{seconds:02d}, {len(articles)} articles, "
        f"{len(result.timeline.chapters)} chapters)"
    )
    for path in result.sidecars.values():
        typer.echo(f"wrote {path}")


def _build_book(flags: dict) -> None:
    """--format epub|daisy: every article's episode, then one talking book of them (tts.publish.books)."""
    from tts import pipeline as library
    from tts.errors import ConfigError
    from tts.publish.books import build_book

    articles, report = flags["articles"], flags["report"]
    with _failures_reported(report, articles):
        if flags["output"] is not None and flags["output"].suffix.lower() in (".mp3", ".m4b"):
            raise ConfigError(f"-o {flags['output']} is audio but --format is {flags['audio_format'].value}")
        options = _build_options({**flags, "audio_format": None, "output": None})
        sources = _expand(articles)
        if flags["dry_run"]:
            for source in sources:
                _print_plan(library.prepare(source, options), flags["as_json"])
            return
        path, results = build_book(
            sources,
            options,
            flags["audio_format"].value,
            flags["output"],
            notify=lambda message: typer.echo(message, err=True),
        )
        if report or flags["as_json"]:
            from tts.output.report import report_dict, write_report

            data = {
                "book": str(path),
                "format": flags["audio_format"].value,
                "articles": [report_dict(r, s, options) for r, s in zip(results, sources, strict=True)],
            }
            if report:
                write_report(report, data)
            if flags["as_json"]:
                typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
                return
    seconds = round(sum(r.timeline.duration for r in results))
    typer.echo(f"wrote {path} ({len(results)} articles, {seconds // 60}:{seconds % 60:02d})")


# Flags that only some engine takes; each engine declares the ones it reads (Engine.build_flags).
ENGINE_FLAGS = ("kokoro_model", "kokoro_voices", "concurrency", "retries", "pitch", "volume")


def _build_options(flags: dict):
    """Map `tts build` flags onto the option groups (where every default and check lives)."""
    from tts.errors import ConfigError
    from tts.options import AudioSettings, BuildOptions, TagOptions

    loudness = flags["loudness"]
    try:
        level = None if loudness.lower() == "off" else float(loudness)
    except ValueError:
        raise ConfigError(f"--loudness takes LUFS such as -16, or 'off'; got {loudness!r}") from None
    kinds = {"vtt"} if flags["vtt"] else set()
    kinds |= {"srt"} if flags["srt"] else set()
    kinds |= {"chapters.json"} if flags["chapters_json"] else set()
    kinds |= {"words.json"} if flags["words_json"] else set()
    if flags["sidecars"] is not None:
        if flags["sidecars"] not in ("all", "none"):
            raise ConfigError(f"--sidecars takes all or none, got {flags['sidecars']!r}")
        from tts.options import SIDECARS

        kinds = set(SIDECARS) if flags["sidecars"] == "all" else set()
    output = flags["output"]
    audio_format = flags["audio_format"].value if flags["audio_format"] else None
    suffix = output.suffix.lower().lstrip(".") if output is not None and not output.is_dir() else ""
    if suffix in ("mp3", "m4b"):
        if audio_format and audio_format != suffix:
            raise ConfigError(f"-o {output} ends in .{suffix} but --format is {audio_format}; make them agree")
        audio_format = suffix
    from tts.engines.base import options_from_flags

    engine_options = options_from_flags({flag: flags[flag] for flag in ENGINE_FLAGS})
    return BuildOptions(
        profile=flags["profile"],
        engine=flags["engine"],
        voice=flags["voice"],
        speed=flags["speed"],
        output=output,
        read_captions=flags["captions"] is Captions.read,
        audio=AudioSettings(
            format=audio_format or DEFAULTS.audio.format,
            bitrate=flags["bitrate"],
            sample_rate=flags["sample_rate"],
            channels=2 if flags["stereo"] else 1,
            loudness=level,
            true_peak=flags["true_peak"],
        ),
        tags=TagOptions(album=flags["album"], genre=flags["genre"], url=flags["url"], cover=flags["cover"]),
        sidecars=frozenset(kinds),
        use_cache=flags["cache"],
        announce=flags["announce"],
        lexicon=flags["lexicon"],
        normalize=flags["normalize"],
        verify=flags["verify"],
        engine_options=engine_options,
    )


def _check_report_path(report: Optional[Path], articles: list[str], options) -> None:
    """The report must not replace an article, the audio or a sidecar."""
    if report is None:
        return
    from tts.paths import check_outputs, inputs_of
    from tts.pipeline import planned_outputs

    sources = [a for a in articles if not Path(a).is_dir()]
    outputs = (
        [p for s in sources for p in planned_outputs(s, options)]
        if options.output is None or not Path(options.output).is_dir()
        else []
    )
    inputs = [p for s in sources for p in inputs_of(s, options)]
    for folder in (Path(a) for a in articles if Path(a).is_dir()):
        inputs += sorted(folder.iterdir())
    check_outputs(outputs + [report], inputs)


def _expand(articles: list[str]) -> list[str]:
    from tts.batch import expand

    return expand(articles)


BATCH_FAILED = 6


def _build_batch(
    sources: list[str],
    options,
    jobs: Optional[int],
    report: Optional[Path],
    as_json: bool,
    executor: str = "local",
    scheduler: Optional[str] = None,
) -> None:
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

        items = build_many(sources, options, jobs, progress=progress, executor=executor, scheduler=scheduler)
    rows = []
    for item in items:
        if item.result is not None:
            rows.append(report_dict(item.result, item.source, options))
        else:
            assert item.error is not None  # a batch item holds a result or an error
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
                table.add_row(
                    row["input"],
                    row["outputs"]["audio"],
                    f"{minutes}:{secs:02d}",
                    f"{synth['synthesized']}/{synth['from_cache']}",
                    f"{row['wall_seconds']:.1f}",
                )
        Console().print(table)
    if failed:
        raise typer.Exit(BATCH_FAILED)


def _write_failure_report(path: Optional[Path], article: str, exc: TtsError) -> None:
    if path is None:
        return
    from tts.output.report import REPORT_VERSION, write_report

    try:
        write_report(
            path, {"report_version": REPORT_VERSION, "input": article, "error": str(exc), "exit_code": exc.exit_code}
        )
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
        return library.build(
            article,
            options,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            notify=bar.console.print,
        )


def _print_plan(prepared, as_json: bool) -> None:
    if as_json:
        data = prepared.article.to_dict()
        data["plan"] = [{"chapter": s.title, "chunks": [c.spoken for c in s.chunks]} for s in prepared.plan.sections]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_article(prepared.article)
    chunks = len(prepared.plan.chunks)
    typer.echo(
        f"\n{len(prepared.plan.sections)} chapters, {len(prepared.plan.sentences)} sentences, {chunks} engine calls "
        f"({prepared.engine}: {prepared.engine_reason}; profile {prepared.profile.name})"
    )


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
    from tts.input.extract import read_article

    try:
        page, result = read_article(article, read_captions=captions is Captions.read)
        for warning in page.warnings:
            typer.echo(f"warning: {warning}", err=True)
    except TtsError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_article(result)


@app.command()
def say(
    text: Annotated[
        str, typer.Argument(help="Text to show in spoken form, e.g. '21-09-15 15:09 拨打12345'.", show_default=False)
    ],
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            "-e",
            help="Whose input to show: kokoro (lexicon as pinyin markup) or edge (lexicon homophones).",
        ),
    ] = "kokoro",
    lexicon: Annotated[
        Optional[Path],
        typer.Option(
            "--lexicon", help="Pronunciation lexicon (TOML); default ./lexicon.toml if present, plus the built-in list."
        ),
    ] = None,
    phonemes: Annotated[
        bool, typer.Option("--phonemes", help="kokoro: also print the phonemes the model receives.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show what TEXT becomes before synthesis, to check and fix pronunciations before a build."""
    from tts.engines import engine_class
    from tts.speech.normalize import Lexicon, Speaker

    try:
        cls = engine_class(engine)
        spoken = Speaker(Lexicon.load(lexicon), cls.lexicon_style)(text)
        ipa = cls().phonemize(spoken) if phonemes else None
    except TtsError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps({"text": text, "spoken": spoken, "phonemes": ipa}, ensure_ascii=False))
        return
    typer.echo(spoken)
    if ipa:
        typer.echo(ipa)


cache_app = typer.Typer(
    help="The per-user cache of synthesised sentences (what makes rebuilds and resumes fast).", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(as_json: JsonOpt = False) -> None:
    """Where the cache is, how many sentences it holds, its size and its limit (TTS_CACHE_LIMIT_MB)."""
    from tts.speech.cache import ClipCache

    info = ClipCache().info()
    data = {
        "path": str(info.path),
        "entries": info.entries,
        "bytes": info.bytes,
        "limit_bytes": info.limit,
        "audio_seconds": round(info.seconds_of_audio, 1),
    }
    if as_json:
        typer.echo(json.dumps(data))
        return
    typer.echo(
        f"{info.path}\n{info.entries} sentences, {info.bytes / 1e6:.1f} MB of {info.limit / 1e6:.0f} MB "
        f"({info.seconds_of_audio / 60:.1f} minutes of speech)"
    )


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached sentence (the voice model and voices stay)."""
    from tts.speech.cache import ClipCache

    typer.echo(f"removed {ClipCache().clear()} cached sentences")


@app.command()
def worker(
    scheduler: Annotated[
        Optional[str],
        typer.Argument(
            help="The Dask scheduler's address, e.g. tcp://10.0.0.5:8786 (env TTS_SCHEDULER).", show_default=False
        ),
    ] = None,
    processes: Annotated[
        int,
        typer.Option(
            "--processes",
            "-n",
            min=1,
            max=64,
            help="Worker processes on this machine, each building one article at a time with its share of the cores.",
        ),
    ] = 1,
    name: Annotated[Optional[str], typer.Option("--name", help="Worker name shown by the scheduler.")] = None,
) -> None:
    """Build articles that `tts build --executor dask --scheduler ADDRESS` submits, until interrupted (docs/scale-out.md)."""
    import os

    from tts.errors import ConfigError
    from tts.executors.cluster import run_worker

    address = scheduler or os.environ.get("TTS_SCHEDULER")
    try:
        if not address:
            raise ConfigError("tts worker needs the scheduler's address (argument or TTS_SCHEDULER)")
        raise typer.Exit(run_worker(address, processes, name))
    except TtsError as exc:
        _fail(exc)


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
        listing: dict[str, dict[str, Any]] = {}
        for name in names:
            cls = engine_class(name)
            found, source = cls().live_voices()
            listing[name] = {"default": cls.default_voice, "source": source, "voices": [v.__dict__ for v in found]}
        profiles: dict[str, dict[str, Any]] = {}
        for p in profile_names():
            prof = load_profile(p)
            profiles[p] = {
                "engine": prof.engine,
                "description": prof.description,
                "voices": {e: {"voice": v.voice, "speed": v.speed} for e, v in prof.engines.items()},
            }
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


@app.command()
def feed(
    folder: Annotated[
        Optional[Path],
        typer.Argument(
            help="Folder of built episodes (audio with their --report JSON and sidecars).", show_default=False
        ),
    ] = None,
    check: Annotated[
        Optional[Path],
        typer.Option(
            "--check",
            help="Check FEED.xml against Apple's, Spotify's and the podcast namespace's rules instead of writing a feed; exit 2 when it has errors.",
        ),
    ] = None,
    base_url: Annotated[
        Optional[str],
        typer.Option("--base-url", help="Address the folder is served from, e.g. https://example.cn/podcast/."),
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Show title.")] = None,
    author: Annotated[
        Optional[str], typer.Option("--author", help="Show author (itunes:author and owner name).")
    ] = None,
    email: Annotated[
        Optional[str], typer.Option("--email", help="Owner email (itunes:owner, podcast:locked owner).")
    ] = None,
    image: Annotated[
        Optional[str],
        typer.Option("--image", help="Show artwork: a JPEG/PNG in the folder or a URL (square, 1400-3000 px)."),
    ] = None,
    category: Annotated[
        Optional[str],
        typer.Option("--category", help="Apple category, optionally with subcategory: News/Daily News (default News)."),
    ] = None,
    explicit: Annotated[
        Optional[bool], typer.Option("--explicit/--clean", help="itunes:explicit true or false (default false).")
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="Feed file to write (default FOLDER/feed.xml).")
    ] = None,
) -> None:
    """Write an RSS podcast feed for a folder of built episodes (settings also from FOLDER/podcast.toml), or --check one."""
    from tts.errors import InputError

    try:
        if check is not None:
            from tts.publish.feedcheck import check_file

            if not check.is_file():
                raise InputError(f"feed not found: {check}")
            problems = check_file(check, folder)
            for problem in problems:
                typer.echo(str(problem))
            errors = sum(p.level == "error" for p in problems)
            typer.echo(f"{check}: {errors} errors, {len(problems) - errors} warnings")
            if errors:
                raise typer.Exit(2)
            return
        if folder is None:
            raise InputError("give a FOLDER of episodes (or --check FEED.xml)")
        from tts.publish.feed import ShowSettings, write_feed

        settings = ShowSettings.load(
            folder,
            base_url=base_url,
            title=title,
            author=author,
            email=email,
            image=image,
            category=category,
            explicit=explicit,
        )
        path = write_feed(folder, settings, output)
    except TtsError as exc:
        _fail(exc)
    typer.echo(f"wrote {path}")


def _version(value: bool) -> None:
    if value:
        from tts import __version__

        typer.echo(f"tts {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn Chinese news articles into chaptered Mandarin audio (MP3 with chapters and a WebVTT transcript)."""


# -- tts serve / tts site (tts/serve/) ---------------------------------------------------------------------------


@app.command()
def serve(
    library: Annotated[
        Path,
        typer.Argument(
            help="Folder of built episodes (audio with its report and sidecars); submissions are built into it.",
            show_default=False,
        ),
    ],
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=0,
            max=16,
            help="Worker processes building submitted articles (0: no submissions are built).",
        ),
    ] = 1,
    engine: Annotated[
        Optional[str],
        typer.Option(
            "--engine",
            "-e",
            help="Engine for submissions that name none: auto or an installed engine such as edge or kokoro (default: the profile's).",
        ),
    ] = None,
    private: Annotated[
        bool,
        typer.Option(
            "--private",
            help="Reading the library needs a token too (Bearer, or as the password of HTTP Basic for podcast apps).",
        ),
    ] = False,
    max_body_mb: Annotated[
        float,
        typer.Option(
            "--max-body-mb", min=0.01, max=1024, help="Largest submission accepted, in MB (larger: HTTP 413)."
        ),
    ] = 5.0,
    title: Annotated[str, typer.Option("--title", help="The library's name on its pages.")] = "新闻听书馆",
    create_token: Annotated[
        bool,
        typer.Option(
            "--create-token", help="Create a submission token, print it once (only its hash is stored) and exit."
        ),
    ] = False,
    token_name: Annotated[
        str, typer.Option("--token-name", help="A name for the token --create-token makes (who it was given to).")
    ] = "default",
    list_tokens: Annotated[
        bool, typer.Option("--list-tokens", help="List tokens (id, name, created, revoked) and exit.")
    ] = False,
    revoke_token: Annotated[
        Optional[int], typer.Option("--revoke-token", help="Revoke the token with this id and exit.")
    ] = None,
) -> None:
    """Serve LIBRARY as an accessible listening library: index, read-along player, downloads, feed and submission API."""
    from tts.serve.cli import serve_command

    serve_command(
        library,
        host=host,
        port=port,
        workers=workers,
        engine=engine,
        private=private,
        max_body=int(max_body_mb * 1024 * 1024),
        title=title,
        create_token=create_token,
        token_name=token_name,
        list_tokens=list_tokens,
        revoke_token=revoke_token,
    )


@app.command()
def site(
    library: Annotated[Path, typer.Argument(help="Folder of built episodes.", show_default=False)],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder to write the static site into (created if missing).")
    ],
    base_url: Annotated[
        Optional[str],
        typer.Option("--base-url", help="Public address of the site, for feed.xml (written only with it)."),
    ] = None,
    title: Annotated[str, typer.Option("--title", help="The library's name on its pages.")] = "新闻听书馆",
) -> None:
    """Write LIBRARY's pages as static files (index, episode pages with the read-along player, media) for any web server."""
    from tts.serve.site import build_site

    try:
        counts = build_site(library, output, base_url, title)
    except TtsError as exc:
        _fail(exc)
    typer.echo(
        f"wrote {counts['episodes']} episode pages and {counts['index_pages']} index pages to {output}"
        + (" with feed.xml" if counts["feed"] else "")
    )


def main() -> None:
    import os

    # typer 0.29 vendors click as typer._click; its exceptions are reached there.
    from typer._click import exceptions as click

    try:
        code = app(standalone_mode=False, prog_name="tts")
    except click.NoArgsIsHelpError as exc:  # bare `tts` or `tts cache`: the help is the answer
        typer.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
        sys.exit(0)
    except click.UsageError as exc:  # one line, like every other error; the hint says where help is
        where = exc.ctx.command_path if exc.ctx else "tts"
        typer.echo(f"error: {exc.format_message()} (see {where} --help)", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        typer.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, not bad input: still one line unless TTS_DEBUG asks for the traceback
        if os.environ.get("TTS_DEBUG"):
            raise
        typer.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (set TTS_DEBUG=1 for a traceback; please report it)",
            err=True,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
