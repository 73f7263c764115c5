"""Article pages fetched over HTTP from a real server on loopback: redirects, the header's charset, and one clear
error (exit 2) per kind of failure."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from tts.cli import app
from tts.errors import InputError
from tts.input import fetch as fetch_module
from tts.input.extract import read_article
from tts.input.reading import read_page
from tts.pipeline import BuildOptions, prepared_url

PAGE = """<html><head><title>静宁苹果丰收季 果农喜笑颜开_中国甘肃网</title>
<meta property="og:site_name" content="中国甘肃网"></head><body>
<div class="nav"><a href="/">首页</a> <a href="/n">新闻</a> <a href="/c">财经</a></div>
<h1>静宁苹果丰收季 果农喜笑颜开</h1>
<div class="info">2021-09-15 15:09 来源：中国甘肃网</div>
<div class="article"><p>九月的静宁，满山苹果挂满枝头，果农们正忙着采摘。</p>
<p>今年全县苹果产量预计达到一百万吨，比去年增长百分之五。</p></div>
<ul class="related"><li><a href="/1">静宁县召开秋季农业生产工作会议</a></li><li><a href="/2">甘肃苹果出口再创新高</a></li></ul>
</body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        route = self.path.split("?")[0]
        if route == "/article.html":
            # GBK bytes, declared only in the header; the page's own <meta> says nothing.
            self._send(200, PAGE.encode("gbk"), "text/html; charset=GBK")
        elif route == "/moved":
            self.send_response(301)
            self.send_header("Location", "/article.html")
            self.end_headers()
        elif route == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif route == "/slow":
            time.sleep(2)
            self._send(200, PAGE.encode("utf-8"), "text/html")
        elif route == "/huge":
            self._send(200, b"<p>" + "很长的页面。".encode() * 200_000 + b"</p>", "text/html; charset=utf-8")
        elif route == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading on purpose (the size limit); nothing to report


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_fetched_through_redirects_and_decoded_by_the_header_charset(server):
    page, article = read_article(f"{server}/moved")
    assert page.url == f"{server}/article.html" and page.is_html and page.encoding == "gb18030"
    assert article.title == "静宁苹果丰收季 果农喜笑颜开"
    assert (article.date, article.source) == ("2021-09-15 15:09", "中国甘肃网")
    assert article.paragraphs == [
        "九月的静宁，满山苹果挂满枝头，果农们正忙着采摘。",
        "今年全县苹果产量预计达到一百万吨，比去年增长百分之五。",
    ]
    assert {"静宁县召开秋季农业生产工作会议", "首页 新闻 财经"} <= {r.text for r in article.removed}


def test_clean_command_takes_a_url(server):
    result = CliRunner().invoke(app, ["clean", f"{server}/article.html", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"] == "静宁苹果丰收季 果农喜笑颜开"


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("/missing.html", "HTTP 404"),
        ("/loop", "redirects"),
        ("/image.png", "image/png, not a web page"),
        ("/huge", "larger than"),
    ],
    ids=["http-error", "redirect-loop", "not-a-page", "too-large"],
)
def test_each_failure_is_one_clear_input_error(server, route, message, monkeypatch):
    monkeypatch.setattr(fetch_module, "MAX_BYTES", 1024 * 1024)
    result = CliRunner().invoke(app, ["clean", f"{server}{route}"])
    assert result.exit_code == InputError.exit_code
    assert result.output.startswith("error: could not fetch") and message in result.output
    assert "Traceback" not in result.output


def test_a_slow_server_times_out(server):
    with pytest.raises(InputError, match="no answer within 0.5 s"):
        fetch_module.fetch(f"{server}/slow", timeout=0.5)


def test_a_closed_port_cannot_connect():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError, match="cannot connect"):
        read_page(f"http://127.0.0.1:{port}/article.html")


def test_a_url_article_is_written_to_the_current_folder_and_tagged_with_its_url(server):
    url = f"{server}/news/2021/jingning-apples.html"
    assert BuildOptions().output_for(url).name == "jingning-apples.mp3"
    assert prepared_url(url) == url and prepared_url("page.txt") is None
