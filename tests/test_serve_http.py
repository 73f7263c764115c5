"""`tts serve` over real HTTP: pages, byte ranges, caching headers, MIME types, auth, path safety, body limits,
and submissions built by the worker processes (20 at once with 2 workers; a failing job and a killed worker do not
take the service down)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import httpx
import pytest
import webvtt

from .serve_fixtures import BRIEF, served  # noqa: F401  (session fixture)


def get(served, path, **kwargs) -> httpx.Response:
    return httpx.get(served.url + path, timeout=30, **kwargs)


def submit(served, text: str, token: str | None = None, **params) -> httpx.Response:
    headers = {"content-type": "text/plain; charset=utf-8"}
    if token is not False:
        headers["authorization"] = f"Bearer {token or served.token}"
    return httpx.post(
        served.url + "/api/articles", params=params, content=text.encode("utf-8"), headers=headers, timeout=30
    )


def wait_for(served, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = get(served, f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


# -- pages -------------------------------------------------------------------------------------------------------


def test_index_lists_episodes_newest_first_with_source_date_and_duration(served):
    page = get(served, "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="zh-CN">' in html and 'href="#main"' in html
    assert html.index("晨间简讯：城市公园开放") < html.index("城市公园今日开放")  # 2026-11-29 before 2026-11-28
    assert "测试日报" in html and "2026-11-28 10:00" in html
    report = json.loads((served.library / "park.report.json").read_text(encoding="utf-8"))
    seconds = round(report["audio"]["duration"])
    assert f"{seconds}秒" in html or f"{seconds // 60}分{seconds % 60}秒" in html


def test_search_by_title(served):
    html = get(served, "/", params={"q": "今日开放"}).text
    assert "城市公园今日开放" in html and "晨间简讯" not in html
    html = get(served, "/", params={"q": "%_不存在"}).text  # LIKE wildcards are searched for literally
    assert "没有找到" in html
    assert get(served, "/", params={"page": "x"}).status_code == 400


def test_episode_page_without_javascript_plays_and_shows_the_whole_transcript(served):
    html = get(served, "/episodes/park").text
    doc = parse(html)
    audio = [a for t, a in doc.tags if t == "audio"]
    assert audio and "controls" in audio[0] and audio[0]["src"] == "/park.mp3"
    h2 = [a for t, a in doc.tags if t == "h2"]
    assert [a["id"] for a in h2] == ["chapter-1", "chapter-2", "chapter-3"]  # chapters are the h2 headings
    text = "".join(doc.text)
    for caption in webvtt.read(str(served.library / "park.vtt")):
        assert caption.text in text
    slider = next(a for t, a in doc.tags if a.get("role") == "slider")
    assert slider["aria-valuetext"].startswith("0秒，共")


def test_unknown_episode_is_a_404_page(served):
    page = get(served, "/episodes/nothing-here")
    assert page.status_code == 404 and "找不到页面" in page.text


# -- media: ranges, caching, types -------------------------------------------------------------------------------


def test_byte_ranges_first_middle_last_and_suffix(served):
    data = (served.library / "park.mp3").read_bytes()
    size = len(data)
    whole = get(served, "/park.mp3")
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes" and whole.headers["content-type"] == "audio/mpeg"
    assert int(whole.headers["content-length"]) == size
    for header, start, end in [
        ("bytes=0-0", 0, 0),
        (f"bytes={size // 2}-{size // 2 + 99}", size // 2, size // 2 + 99),
        (f"bytes={size - 1}-", size - 1, size - 1),
        ("bytes=-500", size - 500, size - 1),
        (f"bytes=100-{size + 5000}", 100, size - 1),
    ]:
        part = get(served, "/park.mp3", headers={"range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {start}-{end}/{size}", header
        assert part.content == data[start : end + 1], header


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{size_plus}"])
def test_unsatisfiable_range_is_416(served, header):
    size = (served.library / "park.mp3").stat().st_size
    answer = get(served, "/park.mp3", headers={"range": header.format(size=size, size_plus=size + 10)})
    assert answer.status_code == 416 and answer.headers["content-range"] == f"bytes */{size}"


def test_etag_and_last_modified_give_304(served):
    first = get(served, "/park.vtt")
    assert first.headers["content-type"].startswith("text/vtt")
    assert get(served, "/park.vtt", headers={"if-none-match": first.headers["etag"]}).status_code == 304
    assert get(served, "/park.vtt", headers={"if-modified-since": first.headers["last-modified"]}).status_code == 304
    assert get(served, "/park.vtt", headers={"if-none-match": '"other"'}).status_code == 200


@pytest.mark.parametrize(
    "name, mime",
    [
        ("park.srt", "application/x-subrip"),
        ("park.chapters.json", "application/json+chapters"),
        ("park.report.json", "application/json"),
    ],
)
def test_sidecar_mime_types_and_downloads(served, name, mime):
    answer = get(served, f"/{name}", params={"download": ""})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(mime)
    assert "attachment" in answer.headers["content-disposition"]


@pytest.mark.parametrize(
    "path",
    [
        "/..%2Fserve_fixtures.py",
        "/%2e%2e/secret.json",
        "/..%5C..%5Cetc%5Cpasswd",
        "/../../etc/passwd",
        "/.tts-serve%2Ftts.db",
        "/%2Fetc%2Fpasswd",
        "/outside.json",
        "/park.txt",
        "/episodes/..%2F..%2Fetc%2Fpasswd",
        "/static/..%2F..%2Fapp.py",
        "/static/../app.py",
    ],
)
def test_no_path_reaches_outside_the_library(served, path):
    secret = served.library.parent / "secret.json"
    secret.write_text('{"secret": true}', encoding="utf-8")
    outside = served.library / "outside.json"
    if not outside.exists():
        os.symlink(secret, outside)  # a link out of the library is not followed
    answer = httpx.get(served.url + path, timeout=10)  # httpx keeps %2F and %2e as sent
    assert answer.status_code in (400, 404), path
    assert b"secret" not in answer.content and b"import" not in answer.content and b"root:" not in answer.content


def test_security_headers(served):
    headers = get(served, "/").headers
    assert "default-src 'self'" in headers["content-security-policy"] and headers["x-content-type-options"] == "nosniff"


# -- auth and limits ---------------------------------------------------------------------------------------------


def test_submission_needs_a_valid_unrevoked_token(served):
    import subprocess
    import sys

    assert submit(served, BRIEF, token=False).status_code == 401
    assert submit(served, BRIEF, token="tts_wrong").status_code == 401
    made = subprocess.run(
        [sys.executable, "-m", "tts.cli", "serve", str(served.library), "--create-token", "--token-name", "to-revoke"],
        env=served.env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = made.stdout.strip().splitlines()[-1]
    token_id = made.stdout.split()[1]
    accepted = submit(served, "。", token=token)  # accepted as a job (it fails in the build: no headline)
    assert accepted.status_code == 202
    subprocess.run(
        [sys.executable, "-m", "tts.cli", "serve", str(served.library), "--revoke-token", token_id],
        env=served.env,
        check=True,
        capture_output=True,
    )
    assert submit(served, BRIEF, token=token).status_code == 401
    # only the hash is stored
    db = (served.library / ".tts-serve" / "tts.db").read_bytes()
    assert token.encode() not in db and served.token.encode() not in db
    assert get(served, "/").status_code == 200  # reading needs no token


def test_oversize_body_is_refused(served):
    big = "正文。" * (2 * 1024 * 1024)  # 12 MB, over the 5 MB default
    assert submit(served, big).status_code == 413

    def chunks():  # no Content-Length: the limit still holds while the body streams
        for _ in range(12):
            yield b"x" * (1024 * 1024)

    answer = httpx.post(
        served.url + "/api/articles",
        content=chunks(),
        timeout=30,
        headers={"authorization": f"Bearer {served.token}", "content-type": "text/plain"},
    )
    assert answer.status_code == 413


def test_bad_options_are_refused_before_queueing(served):
    answer = submit(served, BRIEF, speed="9")
    assert answer.status_code == 400 and "speed" in answer.json()["error"]
    assert submit(served, BRIEF, profile="../../etc/passwd").status_code == 400
    assert submit(served, BRIEF, colour="blue").status_code == 400


# -- jobs --------------------------------------------------------------------------------------------------------


def test_a_failing_job_fails_alone_and_the_service_stays_up(served):
    job = submit(served, "only English words here, nothing to read", loudness="off").json()
    result = wait_for(served, job["id"])
    assert result["status"] == "failed" and result["exit_code"] == 2 and result["error"]
    assert get(served, "/healthz").json()["ok"]


def test_json_and_multipart_submissions(served):
    headers = {"authorization": f"Bearer {served.token}"}
    by_json = httpx.post(
        served.url + "/api/articles",
        json={"text": BRIEF, "announce": False, "loudness": "off"},
        headers=headers,
        timeout=30,
    )
    html = (
        "<html><head><title>晨间简讯：城市公园开放</title></head><body><nav>首页 | 新闻</nav>"
        + "".join(f"<p>{line}</p>" for line in BRIEF.split("\n") if line)
        + "</body></html>"
    )
    by_form = httpx.post(
        served.url + "/api/articles",
        files={"file": ("brief.html", html.encode(), "text/html")},
        data={"announce": "false", "loudness": "off"},
        headers=headers,
        timeout=30,
    )
    assert by_json.status_code == 202 and by_form.status_code == 202
    for answer in (by_json, by_form):
        job = wait_for(served, answer.json()["id"])
        assert job["status"] == "done", job
        assert job["options"] == {"announce": False, "loudness": "off"}


def test_twenty_parallel_submissions_with_two_workers_all_complete(served):
    before = get(served, "/api/episodes").json()["total"]
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda n: submit(served, BRIEF, announce="false", loudness="off"), range(20)))
    assert [a.status_code for a in answers] == [202] * 20
    jobs = [wait_for(served, a.json()["id"], timeout=240) for a in answers]
    assert [j["status"] for j in jobs] == ["done"] * 20, [j["error"] for j in jobs if j["error"]]
    for job in jobs:
        assert (served.library / f"{job['episode']}.mp3").is_file()
        assert get(served, job["episode_url"]).status_code == 200
    assert get(served, "/api/episodes").json()["total"] == before + 20
    db = sqlite3.connect(served.library / ".tts-serve" / "tts.db")
    workers = {
        row[0]
        for row in db.execute(f"SELECT worker FROM jobs WHERE id IN ({','.join('?' * 20)})", [j["id"] for j in jobs])
    }
    assert len(workers) == 2  # both worker processes took jobs
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_killed_worker_fails_its_job_and_is_replaced(served):
    db = sqlite3.connect(served.library / ".tts-serve" / "tts.db", timeout=30)
    job = submit(served, BRIEF, announce="false").json()  # with loudness: long enough to be caught running
    deadline = time.monotonic() + 60
    row = None
    while time.monotonic() < deadline:
        row = db.execute("SELECT status, worker FROM jobs WHERE id = ?", (job["id"],)).fetchone()
        if row[0] != "queued":
            break
        time.sleep(0.02)
    if row[0] != "running":
        pytest.skip("the job finished before it could be interrupted")
    os.kill(row[1], signal.SIGKILL)
    result = wait_for(served, job["id"])
    assert result["status"] == "failed" and "ended unexpectedly" in result["error"]
    again = wait_for(served, submit(served, BRIEF, announce="false", loudness="off").json()["id"])
    assert again["status"] == "done"


# -- the feed (the generator comes from tts.publish) -----------------------------------------------------------


def test_feed_comes_from_the_publish_generator(served):
    feed = pytest.importorskip(
        "tts.publish.feed", reason="tts.publish.feed (the `tts feed` generator) is not in this branch"
    )
    show = served.library / "podcast.toml"
    assert get(served, "/feed.xml").status_code == 404  # the show is not described yet: the page says what is missing
    show.write_text(
        'title = "测试播客"\nauthor = "测试日报"\nemail = "news@example.org"\n'
        'image = "https://example.org/cover.jpg"\n',
        encoding="utf-8",
    )
    try:
        answer = get(served, "/feed.xml")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/rss+xml")
        expected = feed.feed_xml(served.library, feed.ShowSettings.load(served.library, base_url=served.url + "/"))
        assert answer.content == expected  # byte for byte what `tts feed` makes for this address
        assert f'url="{served.url}/park.mp3"'.encode() in answer.content
        assert get(served, "/park.mp3").status_code == 200  # every enclosure resolves here
        assert 'href="/feed.xml"' in get(served, "/").text
    finally:
        show.unlink()
