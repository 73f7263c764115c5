"""The podcast feed (`tts feed`) and its checker, on episodes really built by the pipeline (Kokoro, short articles)."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from tests.conftest import SHORT_ARTICLE
from tts.cli import app
from tts.options import AudioSettings, BuildOptions, TagOptions
from tts.output.report import report_dict, write_report
from tts.pipeline import build
from tts.publish.feed import ITUNES, PODCAST, ShowSettings, feed_xml, podcast_guid, read_episodes, write_feed
from tts.publish.feedcheck import check_feed, check_file
from tts.publish.xmltext import clean

# A headline with markup characters and a control character: it must come out escaped and well-formed.
HOSTILE_TITLE = "静宁苹果<丰收>季 & 果农\x07喜笑颜开"


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _image(path: Path, size: str) -> Path:
    subprocess.run(
        [_ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=navy:s={size}", "-frames:v", "1", str(path)],
        check=True,
    )
    return path


def build_episode(folder: Path, name: str, text: str, url: str | None = None, fmt: str = "mp3") -> Path:
    """Build one article into folder with every sidecar and its run report, as `tts build --report` does."""
    source = folder / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    options = BuildOptions(
        engine="tone",
        output=folder / f"{name}.{fmt}",
        tags=TagOptions(url=url),
        audio=AudioSettings(format=fmt),
        sidecars=frozenset({"vtt", "srt", "chapters.json"}),
    )
    result = build(source, options)
    source.unlink()  # only built outputs stay in the folder
    write_report(folder / f"{name}.report.json", report_dict(result, str(source), options))
    return result.audio


@pytest.fixture(scope="module")
def show(tmp_path_factory, real_cache) -> Path:
    folder = tmp_path_factory.mktemp("show")
    build_episode(folder, "one", SHORT_ARTICLE, url="https://news.example.cn/2021/09/15/apples.html")
    build_episode(folder, "two", SHORT_ARTICLE.replace("静宁苹果丰收季 果农喜笑颜开", HOSTILE_TITLE), fmt="m4b")
    _image(folder / "cover.jpg", "1400x1400")
    return folder


SETTINGS = ShowSettings(
    base_url="https://news.example.cn/podcast",
    title="晨间新闻 <早报> & 更多",
    author="某某日报",
    email="podcast@example.cn",
    image="cover.jpg",
    category="News/Daily News",
)


def _copy(show: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "show"
    shutil.copytree(show, folder)
    return folder


def test_feed_passes_checker_and_reference_parsers(show):
    import feedparser
    import podcastparser

    data = feed_xml(show, SETTINGS)
    assert [str(p) for p in check_feed(data, show)] == []
    episodes = read_episodes(show)
    assert len(episodes) == 2

    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == SETTINGS.title and parsed.feed.language == "zh-cn"
    by_id = {e.id: e for e in parsed.entries}
    for episode in episodes:
        entry = by_id[f"urn:uuid:{episode.id}"]
        assert entry.title == episode.title.replace("\x07", "")
        (enclosure,) = entry.enclosures
        assert int(enclosure.length) == episode.audio.stat().st_size
        assert enclosure.type == ("audio/x-m4a" if episode.audio.suffix == ".m4b" else "audio/mpeg")
        assert enclosure.href.endswith("/podcast/" + episode.audio.name)
        assert entry.published_parsed is not None
        assert int(entry.itunes_duration) == max(1, round(episode.duration))
        base = f"https://news.example.cn/podcast/{episode.audio.stem}"
        assert entry.podcast_transcript["url"] in {base + ".vtt", base + ".srt"}  # feedparser keeps the last one
        assert entry.podcast_chapters == {"url": base + ".chapters.json", "type": "application/json+chapters"}
    assert parsed.feed.podcast_guid == podcast_guid(SETTINGS.feed_url)

    with (show / "feed.xml").open("wb") as out:
        out.write(data)
    pod = podcastparser.parse("https://news.example.cn/podcast/feed.xml", (show / "feed.xml").open("rb"))
    (show / "feed.xml").unlink()
    assert pod["title"] == SETTINGS.title
    assert pod["explicit"] is False
    assert len(pod["episodes"]) == 2
    for item in pod["episodes"]:
        episode = next(e for e in episodes if f"urn:uuid:{e.id}" == item["guid"])
        assert item["enclosures"][0]["file_size"] == episode.audio.stat().st_size
        assert item["total_time"] == max(1, round(episode.duration))
        # podcastparser 0.6.11 knows the podcast namespace only by its old GitHub URI, so it skips podcast: tags
        # written with the canonical https://podcastindex.org/namespace/1.0 (feedparser reads them, above).


def test_every_podcast_element_is_written_and_text_escaped(show):
    root = etree.fromstring(feed_xml(show, SETTINGS))
    channel = root.find("channel")
    assert channel.findtext(f"{{{PODCAST}}}guid") == podcast_guid("https://news.example.cn/podcast/feed.xml")
    assert channel.find(f"{{{PODCAST}}}locked").get("owner") == "podcast@example.cn"
    assert channel.findtext(f"{{{ITUNES}}}explicit") == "false"
    assert channel.find(f"{{{ITUNES}}}category").get("text") == "News"
    for item in channel.findall("item"):
        kinds = {t.get("type"): t.get("rel") for t in item.findall(f"{{{PODCAST}}}transcript")}
        assert kinds == {"text/vtt": "captions", "application/x-subrip": "captions"}
        assert item.find(f"{{{PODCAST}}}chapters").get("type") == "application/json+chapters"
    titles = [i.findtext("title") for i in channel.findall("item")]
    assert "静宁苹果<丰收>季 & 果农喜笑颜开" in titles  # markup characters escaped, the control character removed
    assert b"<\xe4\xb8\xb0" not in feed_xml(show, SETTINGS)  # no raw "<丰" in the bytes


def test_podcast_guid_follows_the_namespace_example():
    # The namespace documentation's example: podnews.net/rss -> 9b024349-ccf0-5f69-a609-6b82873eab3c
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss/") == podcast_guid("https://podnews.net/rss")


def test_rebuilds_and_new_episodes_leave_old_items_unchanged(show, tmp_path):
    folder = _copy(show, tmp_path)
    before = feed_xml(folder, SETTINGS)
    assert feed_xml(folder, SETTINGS) == before  # deterministic

    def items(data: bytes) -> dict[str, bytes]:
        channel = etree.fromstring(data).find("channel")
        return {i.findtext("guid"): etree.tostring(i, with_tail=False) for i in channel.findall("item")}

    old = items(before)
    # Rebuild episode one (same article, same address) and add a new one.
    build_episode(folder, "one", SHORT_ARTICLE, url="https://news.example.cn/2021/09/15/apples.html")
    build_episode(folder, "three", SHORT_ARTICLE, url="https://news.example.cn/2021/09/16/apples-again.html")
    after = items(feed_xml(folder, SETTINGS))
    assert len(after) == 3
    for guid, xml in old.items():
        assert after[guid] == xml
    assert check_feed(feed_xml(folder, SETTINGS), folder) == []


def test_episodes_without_reports_are_read_from_tags(show, tmp_path):
    folder = _copy(show, tmp_path)
    for report in folder.glob("*.report.json"):
        report.unlink()
    episodes = read_episodes(folder)
    assert {clean(e.title) for e in episodes} == {"静宁苹果丰收季 果农喜笑颜开", clean(HOSTILE_TITLE)}
    for episode in episodes:
        assert episode.duration > 10 and episode.published is not None
        assert set(episode.sidecars) == {"vtt", "srt", "chapters.json"}
    assert check_feed(feed_xml(folder, SETTINGS), folder) == []


def _mutate(data: bytes, change) -> bytes:
    root = etree.fromstring(data)
    change(root.find("channel"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _it(tag: str) -> str:
    return f"{{{ITUNES}}}{tag}"


def _pc(tag: str) -> str:
    return f"{{{PODCAST}}}{tag}"


def _set(path: str, attr: str | None, value: str):
    def change(channel):
        element = channel.find(path)
        if attr:
            element.set(attr, value)
        else:
            element.text = value

    return change


def _remove(path: str):
    def change(channel):
        element = channel.find(path)
        element.getparent().remove(element)

    return change


def _duplicate_guid(channel):
    first, second = channel.findall("item")[:2]
    second.find("guid").text = first.find("guid").text


def _duplicate_item(channel):
    channel.append(copy.deepcopy(channel.find("item")))


FAULTS = {
    "enclosure length": (_set("item/enclosure", "length", "12345"), "enclosure length 12345"),
    "duplicate guid": (_duplicate_guid, "repeats item"),
    "explicit yes": (_set(_it("explicit"), None, "yes"), "true or false"),
    "item explicit clean": (_set(f"item/{_it('explicit')}", None, "clean"), "true or false"),
    "pubDate": (_set("item/pubDate", None, "2021-09-15 15:09"), "RFC 822"),
    "long description": (_set("item/description", None, "新" * 1400), "the limit is 4000"),
    "no artwork": (_remove(_it("image")), "itunes:image"),
    "category": (_set(_it("category"), "text", "Newz"), "Apple's categories"),
    "subcategory": (_set(f"{_it('category')}/{_it('category')}", "text", "Tech"), "subcategory"),
    "locked value": (_set(_pc("locked"), None, "maybe"), "podcast:locked"),
    "locked owner": (lambda ch: ch.find(_pc("locked")).attrib.pop("owner"), "owner"),
    "guid not uuid": (_set(_pc("guid"), None, "not-a-uuid"), "podcast:guid"),
    "transcript rel": (_set(f"item/{_pc('transcript')}", "rel", "subtitles"), "podcast:transcript"),
    "chapters type": (_set(f"item/{_pc('chapters')}", "type", "application/json"), "application/json+chapters"),
    "no enclosure": (_remove("item/enclosure"), "<enclosure> is missing"),
    "missing file": (_set("item/enclosure", "url", "https://news.example.cn/podcast/gone.mp3"), "not in the folder"),
    "duration": (_set(f"item/{_it('duration')}", None, "1 min"), "itunes:duration"),
    "language": (_set("language", None, "Chinese"), "ISO 639"),
    "owner email": (_remove(f"{_it('owner')}/{_it('email')}"), "itunes:email"),
    "duplicate item": (_duplicate_item, "repeats item"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_checker_finds_each_fault(show, fault):
    change, expected = FAULTS[fault]
    problems = check_feed(_mutate(feed_xml(show, SETTINGS), change), show)
    errors = [str(p) for p in problems if p.level == "error"]
    assert any(expected in e for e in errors), errors


def test_checker_reads_artwork_and_encoding(show, tmp_path):
    folder = _copy(show, tmp_path)
    _image(folder / "small.png", "600x400")
    data = feed_xml(folder, ShowSettings(**{**SETTINGS.__dict__, "image": "small.png"}))
    assert any("600x400" in str(p) for p in check_feed(data, folder))
    latin = data.replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'")
    assert any("UTF-8" in str(p) for p in check_feed(latin, folder))
    assert any("well-formed" in str(p) for p in check_feed(data[:-40], folder))


def test_cli_writes_feed_from_toml_and_checks_it(show, tmp_path):
    folder = _copy(show, tmp_path)
    (folder / "podcast.toml").write_text(
        '[show]\nbase_url = "https://news.example.cn/podcast/"\ntitle = "晨间新闻"\nauthor = "某某日报"\n'
        'email = "podcast@example.cn"\nimage = "cover.jpg"\ncategory = "News/Daily News"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["feed", str(folder), "--title", "午间新闻", "--explicit"])
    assert result.exit_code == 0, result.output
    written = folder / "feed.xml"
    channel = etree.parse(str(written)).getroot().find("channel")
    assert channel.findtext("title") == "午间新闻" and channel.findtext(_it("explicit")) == "true"
    checked = runner.invoke(app, ["feed", "--check", str(written)])
    assert checked.exit_code == 0 and "0 errors, 0 warnings" in checked.output

    broken = folder / "broken.xml"
    broken.write_bytes(_mutate(written.read_bytes(), _set("item/enclosure", "length", "7")))
    result = runner.invoke(app, ["feed", "--check", str(broken)])
    assert result.exit_code == 2 and "enclosure length 7" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (
            [
                "feed",
                "{missing}",
                "--base-url",
                "https://x.cn/",
                "--title",
                "t",
                "--author",
                "a",
                "--email",
                "a@x.cn",
                "--image",
                "c.jpg",
            ],
            "not a folder",
        ),
        (["feed", "{folder}"], "--base-url"),
        (
            [
                "feed",
                "{folder}",
                "--base-url",
                "ftp://x.cn/",
                "--title",
                "t",
                "--author",
                "a",
                "--email",
                "a@x.cn",
                "--image",
                "c.jpg",
            ],
            "https://",
        ),
        (["feed", "--check", "{missing}"], "feed not found"),
    ],
)
def test_cli_bad_input_is_one_error_line(tmp_path, args, message):
    folder = tmp_path / "empty"
    folder.mkdir()
    args = [a.format(missing=tmp_path / "nope", folder=folder) for a in args]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], result.output


@pytest.mark.parametrize(
    "toml, message",
    [
        ('titel = "x"\n', "unknown setting titel"),
        ('explicit = "yes"\n', "explicit must be a true/false"),
        ("title = 3\n", "title must be a string"),
        ('title = "x\n', "not valid TOML"),
    ],
)
def test_bad_toml_settings_are_refused(tmp_path, toml, message):
    (tmp_path / "podcast.toml").write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(app, ["feed", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output and result.output.startswith("error:")


def test_write_feed_names_its_own_file(show, tmp_path):
    folder = _copy(show, tmp_path)
    path = write_feed(folder, SETTINGS, folder / "rss.xml")
    channel = etree.parse(str(path)).getroot().find("channel")
    self_link = channel.find("{http://www.w3.org/2005/Atom}link").get("href")
    assert self_link == "https://news.example.cn/podcast/rss.xml"
    assert check_file(path) == []
