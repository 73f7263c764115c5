"""The serve package without a server: the SQLite schema and its migrations, tokens, the job queue across
processes, reading a library folder (reports, sidecars, word timings), paging, and `tts site` output.
These use copies of the session's built episodes, so they synthesise nothing themselves."""

from __future__ import annotations

import json
import multiprocessing
import re
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tts.serve import db
from tts.serve.library import Library, pieces, resolve_inside, spoken_duration

from .serve_fixtures import copy_library, served, start_server, stop_server  # noqa: F401  (session fixture)

# -- database ----------------------------------------------------------------------------------------------------


def test_new_database_is_wal_at_the_current_schema(tmp_path):
    store = db.Store(tmp_path / "x.db")
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_database_is_migrated_in_place_keeping_its_rows(tmp_path):
    path = tmp_path / "old.db"
    conn = db.connect(path)
    for statement in db.MIGRATIONS[0].split(";"):  # a database made by the first schema version
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO jobs (id, status, created, input, options) VALUES ('j1', 'queued', 1, 'in.txt', '{}')")
    conn.close()
    store = db.Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"jobs_by_status", "episodes_newest"} <= indexes
    assert store.job("j1").status == "queued"


def test_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    with pytest.raises(db.SchemaError):
        db.Store(path)


def test_tokens_are_stored_hashed_and_can_be_revoked(tmp_path):
    store = db.Store(tmp_path / "t.db")
    token_id, token = store.create_token("newsroom")
    assert store.check_token(token) == token_id and store.check_token(token + "x") is None
    assert token not in (tmp_path / "t.db").read_bytes().decode("latin-1")
    assert store.revoke_token(token_id) and store.check_token(token) is None
    assert not store.revoke_token(token_id)


def _claim_all(path: str, out) -> None:
    store = db.Store(Path(path))
    taken = []
    while (job := store.claim_job(multiprocessing.current_process().pid)) is not None:
        taken.append(job.id)
    out.put(taken)


def test_each_job_is_claimed_by_exactly_one_process(tmp_path):
    store = db.Store(tmp_path / "q.db")
    ids = [store.add_job("in.txt", {}, None) for _ in range(60)]
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    processes = [context.Process(target=_claim_all, args=(str(tmp_path / "q.db"), out)) for _ in range(3)]
    for p in processes:
        p.start()
    taken = [job for _ in processes for job in out.get(timeout=60)]
    for p in processes:
        p.join(10)
    assert sorted(taken) == sorted(ids)  # none twice, none lost


# -- the library folder ------------------------------------------------------------------------------------------


def test_episode_read_from_report_and_sidecars(served):
    library = Library(served.library)
    episode = library.episode("park")
    report = json.loads((served.library / "park.report.json").read_text(encoding="utf-8"))
    assert episode.title == report["article"]["title"] and episode.source == "测试日报"
    assert episode.duration == pytest.approx(report["audio"]["duration"])
    assert {d.name for d in episode.downloads} >= {"park.mp3", "park.vtt", "park.srt", "park.chapters.json"}
    chapters = library.transcript(episode)
    assert [c.title for c in chapters] == [s["title"] for s in report["sections"]]
    assert all(c.sentences for c in chapters)
    # sentences, in time order, with no sentence crossing a chapter start
    starts = [s.start for c in chapters for s in c.sentences]
    assert starts == sorted(starts)


def test_caption_pieces_are_joined_into_sentences_and_word_timings_are_used(tmp_path, served):
    copy_library(served.library / "park", tmp_path / "lib", ["long"])
    (tmp_path / "lib" / "long.words.json").unlink(missing_ok=True)  # this case starts from the captions alone
    vtt = (
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\n第一句很长，\n\n2\n00:00:01.000 --> 00:00:02.000\n后半句。\n\n"
        "3\n00:00:02.500 --> 00:00:03.000\n第二句。\n"
    )
    (tmp_path / "lib" / "long.vtt").write_text(vtt, encoding="utf-8")
    library = Library(tmp_path / "lib")
    sentences = [s for c in library.transcript(library.episode("long")) for s in c.sentences]
    assert [(s.text, s.start, s.end) for s in sentences] == [("第一句很长，后半句。", 0.0, 2.0), ("第二句。", 2.5, 3.0)]
    words = {
        "words": [
            {"text": "第一句", "start": 0.0, "end": 0.4},
            {"text": "很长", "start": 0.4, "end": 1.0},
            {"text": "后半句", "start": 1.0, "end": 2.0},
            {"text": "第二", "start": 2.5, "end": 2.7},
            {"text": "句", "start": 2.7, "end": 3.0},
        ]
    }  # word timings without punctuation
    (tmp_path / "lib" / "long.words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    library = Library(tmp_path / "lib")
    sentences = [s for c in library.transcript(library.episode("long")) for s in c.sentences]
    assert [(s.text, [w.text for w in s.words]) for s in sentences] == [
        ("第一句很长，后半句。", ["第一句", "很长", "后半句"]),
        ("第二句。", ["第二", "句"]),
    ]
    assert [(text, w is not None) for text, w in pieces(sentences[0])] == [
        ("第一句", True),
        ("很长", True),
        ("，", False),
        ("后半句", True),
        ("。", False),
    ]
    (tmp_path / "lib" / "long.vtt").unlink()  # words alone: sentences end at punctuation or a pause
    library = Library(tmp_path / "lib")
    sentences = [s for c in library.transcript(library.episode("long")) for s in c.sentences]
    assert [s.text for s in sentences] == ["第一句很长后半句", "第二句"]


def test_audio_without_a_report_is_listed_from_its_tags(tmp_path, served):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "bare.mp3").write_bytes((served.library / "park.mp3").read_bytes())
    episode = Library(tmp_path / "lib").episode("bare")
    assert episode.title == "城市公园今日开放" and episode.duration > 10  # from the ID3 title and the stream


def test_resolve_inside_refuses_everything_but_plain_names(tmp_path):
    root = tmp_path / "lib"
    root.mkdir()
    (root / "a.vtt").write_text("WEBVTT\n")
    (tmp_path / "secret.txt").write_text("x")
    (root / "link.vtt").symlink_to(tmp_path / "secret.txt")
    assert resolve_inside(root, "a.vtt") == (root / "a.vtt").resolve()
    for name in (
        "../secret.txt",
        "..",
        ".",
        "",
        "/etc/passwd",
        "sub/a.vtt",
        "..\\a.vtt",
        "link.vtt",
        ".hidden",
        "a.vtt\x00",
    ):
        assert resolve_inside(root, name) is None, name


@pytest.mark.parametrize(
    "seconds, text", [(0, "0秒"), (8.4, "8秒"), (243, "4分3秒"), (308, "5分8秒"), (3725, "1小时2分5秒")]
)
def test_spoken_durations(seconds, text):
    assert spoken_duration(seconds) == text


# -- paging, and the static site ---------------------------------------------------------------------------------


def test_index_pages_and_search_over_many_episodes(tmp_path, served):
    import httpx

    names = [f"copy-{n:02d}" for n in range(45)]
    copy_library(served.library / "park", tmp_path / "lib", names)
    process, url = start_server(tmp_path / "lib", served.env, "--workers", "0")
    try:
        first, last = httpx.get(url + "/").text, httpx.get(url + "/?page=3").text
        assert first.count('class="episode-card"') == 20 and last.count('class="episode-card"') == 5
        assert 'aria-current="page">第3页' in last and 'rel="prev"' in last and 'rel="next"' not in last
        assert httpx.get(url + "/api/episodes", params={"q": "今日", "page": 2}).json()["total"] == 45
        assert httpx.get(url + "/", params={"q": "没有这个"}).text.count('class="episode-card"') == 0
    finally:
        stop_server(process)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.urls.append(value)


def test_static_site_links_all_resolve(tmp_path, served):
    out = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "tts.cli", "site", str(served.library), "-o", str(out)],
        env=served.env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    pages = sorted(out.rglob("*.html"))
    assert {p.relative_to(out).as_posix() for p in pages} >= {"index.html", "episodes/park.html", "episodes/brief.html"}
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("#", "data:")):
                continue
            assert (page.parent / unquote(parts.path)).resolve().is_file(), (page, url)
    assert (out / "park.mp3").read_bytes() == (served.library / "park.mp3").read_bytes()
    assert not re.search(r'(href|src)="/', (out / "episodes" / "park.html").read_text(encoding="utf-8"))


def test_site_refuses_to_write_into_the_library(served):
    result = subprocess.run(
        [sys.executable, "-m", "tts.cli", "site", str(served.library), "-o", str(served.library)],
        env=served.env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 5 and result.stderr.startswith("error:")


def test_a_private_library_needs_a_token_to_read(tmp_path, served):
    import base64

    import httpx

    copy_library(served.library / "park", tmp_path / "lib", ["park"])
    made = subprocess.run(
        [sys.executable, "-m", "tts.cli", "serve", str(tmp_path / "lib"), "--create-token"],
        env=served.env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = made.stdout.strip().splitlines()[-1]
    process, url = start_server(tmp_path / "lib", served.env, "--workers", "0", "--private")
    try:
        for path in ("/", "/episodes/park", "/park.mp3", "/api/episodes"):
            refused = httpx.get(url + path)
            assert refused.status_code == 401 and "basic" in refused.headers["www-authenticate"].lower(), path
            assert httpx.get(url + path, headers={"authorization": f"Bearer {token}"}).status_code == 200, path
        basic = base64.b64encode(f"listener:{token}".encode()).decode()
        assert httpx.get(url + "/park.mp3", headers={"authorization": f"Basic {basic}"}).status_code == 200
        assert httpx.get(url + "/", headers={"authorization": "Bearer tts_wrong"}).status_code == 401
    finally:
        stop_server(process)


def test_static_site_feed_points_at_the_copied_files(tmp_path, served):
    pytest.importorskip("tts.publish.feed", reason="tts.publish.feed (the `tts feed` generator) is not in this branch")
    copy_library(served.library / "park", tmp_path / "lib", ["park"])
    (tmp_path / "lib" / "podcast.toml").write_text(
        'title = "测试播客"\nauthor = "测试日报"\nemail = "news@example.org"\n'
        'image = "https://example.org/cover.jpg"\n',
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tts.cli",
            "site",
            str(tmp_path / "lib"),
            "-o",
            str(out),
            "--base-url",
            "https://example.org/listen",
        ],
        env=served.env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert 'url="https://example.org/listen/park.mp3"' in feed and (out / "park.mp3").is_file()
    assert 'href="feed.xml"' in (out / "index.html").read_text(encoding="utf-8")


def test_serve_refuses_a_missing_library_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tts.cli", "serve", str(tmp_path / "missing")], capture_output=True, text=True
    )
    assert result.returncode == 2 and result.stderr.startswith("error:") and len(result.stderr.splitlines()) == 1
