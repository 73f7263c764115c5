"""`tts serve`: the listening library over HTTP (Starlette on uvicorn), with the submission API and the feed.

Reading needs no token unless the server runs with `private`; submitting always needs a bearer token
(`tts serve --create-token`). Files are only ever served from the library's top level, by plain file name.
"""

from __future__ import annotations

import email.utils
import os
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tts.serve import pages
from tts.serve.db import Store
from tts.serve.jobs import STATE_DIR, OptionError, Workers, check_options, save_submission
from tts.serve.library import DOWNLOADS, Library, resolve_inside

MB = 1024 * 1024
SUBMISSION_TYPES = {"text/plain": ".txt", "text/html": ".html", "application/xhtml+xml": ".html"}
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@dataclass
class ServeConfig:
    library: Path
    database: Path | None = None  # default: LIBRARY/.tts-serve/tts.db
    workers: int = 1
    defaults: dict = field(default_factory=dict)  # build options every job starts from (e.g. engine)
    private: bool = False  # reading needs a token too
    max_body: int = 5 * MB  # largest submission accepted
    title: str = "新闻听书馆"

    @property
    def db_path(self) -> Path:
        return self.database or self.library / STATE_DIR / "tts.db"


class Service:
    """What the routes share: the library, the database, the rendered-page environment, the workers."""

    def __init__(self, config: ServeConfig, start_workers: bool = True) -> None:
        self.config = config
        self.root = Path(config.library).resolve()
        self.library = Library(self.root)
        self.store = Store(config.db_path)
        self.env = pages.environment()
        self.links = pages.Links("/")
        self.workers = (
            Workers(self.store, self.root, config.workers, config.defaults)
            if start_workers and config.workers
            else None
        )
        self._synced: tuple | None = None
        self._sync_lock = threading.Lock()
        self._feed: tuple[tuple, bytes] | None = None
        self._feed_ready: tuple[tuple, bool] | None = None
        self.pages: dict[tuple, str] = {}  # rendered pages, by what they are made from
        self.static = _load_static()

    def remember(self, key: tuple, html: str) -> None:
        if len(self.pages) > 1024:  # a bound, not an LRU: pages are cheap to make again
            self.pages.clear()
        self.pages[key] = html

    def sync(self) -> None:
        """Refresh the episode index when the library folder changed (a file added, renamed or removed)."""
        stat = os.stat(self.root)
        mark = (stat.st_mtime_ns, stat.st_ino)
        if mark == self._synced:
            return
        with self._sync_lock:
            if mark == self._synced:
                return
            self.store.replace_episodes([pages.episode_dict(e) for e in self.library.episodes()])
            self._synced = mark


def create_app(config: ServeConfig, start_workers: bool = True) -> Starlette:
    service = Service(config, start_workers)

    @asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(service.sync)
        if service.workers:
            service.workers.start()
        try:
            yield
        finally:
            if service.workers:
                await run_in_threadpool(service.workers.stop)

    routes = [
        Route("/", index),
        Route("/episodes/{episode_id}", episode_page),
        Route("/feed.xml", feed),
        Route("/api/articles", submit, methods=["POST"]),
        Route("/api/jobs/{job_id}", job_status),
        Route("/api/episodes", episode_list),
        Route("/healthz", health),
        Route("/static/{name}", static_file, methods=["GET", "HEAD"]),
        # the library's files at the top, as `tts feed --base-url` expects the folder to be served
        Route("/{name}", media, methods=["GET", "HEAD"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: http_error})
    app.state.service = service
    app.add_middleware(_Guard, service=service)
    return app


class _Guard:
    """Security headers on every answer; read access control when the library is private; body size limit."""

    def __init__(self, app, service: Service) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        length = request.headers.get("content-length")
        if length and not length.isdigit():
            return await _json(400, "invalid Content-Length")(scope, receive, send)
        if length and int(length) > self.service.config.max_body:
            return await _json(413, f"request body over {self.service.config.max_body} bytes")(scope, receive, send)
        path = scope["path"]
        # submissions check their own token; everything else is reading
        if self.service.config.private and path not in ("/healthz", "/api/articles"):
            if await run_in_threadpool(_token_id, self.service, request) is None:
                response = Response(
                    "a token is needed to read this library",
                    401,
                    media_type="text/plain; charset=utf-8",
                    headers={"www-authenticate": 'Basic realm="tts", charset="UTF-8"'},
                )
                return await response(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _svc(request: Request) -> Service:
    return request.app.state.service


def _json(status: int, error: str, **extra) -> JSONResponse:
    return JSONResponse({"error": error, **extra}, status_code=status)


async def http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # registered for HTTPException only (Starlette types handlers loosely)
        raise exc
    if request.url.path.startswith("/api/"):
        return _json(exc.status_code, exc.detail)
    service = _svc(request)
    body = pages.render_not_found(service.env, service.links, service.config.title, exc.detail)
    return HTMLResponse(body, status_code=exc.status_code)


# -- reading -----------------------------------------------------------------------------------------------------


def _page_number(text: str | None) -> int:
    if text is None or text == "":
        return 1
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise HTTPException(400, "页码无效")
    return int(text)


async def index(request: Request) -> Response:
    service = _svc(request)
    query = request.query_params.get("q", "").strip()[:200]
    page = _page_number(request.query_params.get("page"))

    def render() -> str:
        service.sync()
        key = ("index", service._synced, _feed_mark(service.root), query, page)
        html = service.pages.get(key)
        if html is None:
            found, total = service.store.find_episodes(query, (page - 1) * pages.PAGE_SIZE, pages.PAGE_SIZE)
            html = pages.render_index(
                service.env, service.links, found, total, page, query, feed_ready(service), service.config.title
            )
            service.remember(key, html)
        return html

    # a page already made is answered on the event loop (a stat or two); making one goes to a thread
    mark = os.stat(service.root)
    if (mark.st_mtime_ns, mark.st_ino) == service._synced:
        html = service.pages.get(("index", service._synced, _feed_mark(service.root), query, page))
        if html is not None:
            return HTMLResponse(html, headers={"cache-control": "no-cache"})
    return HTMLResponse(await run_in_threadpool(render), headers={"cache-control": "no-cache"})


async def episode_page(request: Request) -> Response:
    service = _svc(request)
    episode_id = request.path_params["episode_id"]

    def render() -> str | None:
        episode = service.library.episode(episode_id)
        if episode is None:
            return None
        key = (episode.id, service.library.signature(episode))
        html = service.pages.get(key)
        if html is None:
            html = pages.render_episode(
                service.env, service.links, episode, service.library.transcript(episode), service.config.title
            )
            service.remember(key, html)
        return html

    signature = service.library.signature_of(episode_id)
    body = service.pages.get((episode_id, signature)) if signature else None
    if body is None:
        body = await run_in_threadpool(render)
    if body is None:
        raise HTTPException(404, "没有这一期节目")
    return HTMLResponse(body, headers={"cache-control": "no-cache"})


def _load_static() -> dict[str, tuple[bytes, str, str]]:
    """The player's script and stylesheet, held in memory: (content, ETag, type) by name."""
    import hashlib

    kinds = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
    files = {}
    for path in pages.STATIC_DIR.iterdir():
        if path.suffix in kinds:
            data = path.read_bytes()
            files[path.name] = (data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"', kinds[path.suffix])
    return files


async def static_file(request: Request) -> Response:
    found = _svc(request).static.get(request.path_params["name"])
    if found is None:
        raise HTTPException(404, "没有这个文件")
    data, etag, kind = found
    headers = {"etag": etag, "cache-control": "public, max-age=300"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=kind, headers=headers)


IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}  # cover art the feed names


def mime_type(name: str) -> str:
    lowered = name.lower()
    for suffix, kind in IMAGE_TYPES.items():
        if lowered.endswith(suffix):
            return kind
    for suffix in sorted(DOWNLOADS, key=len, reverse=True):
        if lowered.endswith(suffix):
            return DOWNLOADS[suffix][1]
    return "application/json" if lowered.endswith(".json") else "application/octet-stream"


async def media(request: Request) -> Response:
    """A file of the library, with byte ranges (206/416), ETag and Last-Modified, by plain file name only."""
    service = _svc(request)
    name = request.path_params["name"]
    path = resolve_inside(service.root, name) if mime_type(name) != "application/octet-stream" else None
    if path is None:
        raise HTTPException(404, "没有这个文件")
    stat = path.stat()
    download = request.query_params.get("download") is not None
    response = FileResponse(
        path,
        stat_result=stat,
        media_type=mime_type(name),
        filename=name if download else None,
        content_disposition_type="attachment" if download else "inline",
        headers={"cache-control": "public, max-age=300"},
    )
    if _not_modified(request, response.headers["etag"], stat.st_mtime):
        return Response(
            status_code=304, headers={k: response.headers[k] for k in ("etag", "last-modified", "cache-control")}
        )
    return response


def _not_modified(request: Request, etag: str, mtime: float) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in if_none_match.split(","))
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(mtime) <= email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def feed_available() -> bool:
    try:
        import tts.publish.feed  # noqa: F401  (the `tts feed` generator)
    except ImportError:
        return False
    return True


def show_settings(folder: Path, base_url: str):
    """The feed's show settings: the library's podcast.toml, with the base URL where this serves the folder."""
    from tts.publish.feed import ShowSettings

    return ShowSettings.load(folder, base_url=base_url)


def _feed_mark(root: Path) -> tuple:
    """Changes when an episode is added or removed, or the show's settings file is edited."""
    toml = root / "podcast.toml"
    return os.stat(root).st_mtime_ns, toml.stat().st_mtime_ns if toml.exists() else 0


def feed_ready(service: Service) -> bool:
    """Whether /feed.xml can be made: the generator is installed and the show is described (podcast.toml)."""
    from tts.errors import TtsError

    mark = _feed_mark(service.root)
    if service._feed_ready and service._feed_ready[0] == mark:
        return service._feed_ready[1]
    ready = feed_available()
    if ready:
        try:
            show_settings(service.root, "http://127.0.0.1/").check()
        except TtsError:
            ready = False
    service._feed_ready = (mark, ready)
    return ready


async def feed(request: Request) -> Response:
    """The podcast feed, from the same generator as `tts feed`, for the folder as this serves it."""
    service = _svc(request)
    if not feed_available():
        raise HTTPException(404, "本服务没有安装播客订阅源生成器")
    from tts.errors import TtsError
    from tts.publish.feed import feed_xml

    base_url = str(request.base_url)

    def generate() -> bytes:
        key = (_feed_mark(service.root), base_url)
        if service._feed and service._feed[0] == key:
            return service._feed[1]
        body = feed_xml(service.root, show_settings(service.root, base_url))
        service._feed = (key, body)
        return body

    try:
        body = await run_in_threadpool(generate)
    except TtsError as exc:  # the show is not described yet: say what is missing
        raise HTTPException(404, f"播客订阅源尚未配置：{exc}") from None
    return Response(body, media_type="application/rss+xml; charset=utf-8", headers={"cache-control": "no-cache"})


async def episode_list(request: Request) -> Response:
    service = _svc(request)
    query = request.query_params.get("q", "").strip()[:200]
    page = _page_number(request.query_params.get("page"))
    await run_in_threadpool(service.sync)
    found, total = await run_in_threadpool(
        service.store.find_episodes, query, (page - 1) * pages.PAGE_SIZE, pages.PAGE_SIZE
    )
    return JSONResponse({"total": total, "page": page, "episodes": found})


async def health(request: Request) -> Response:
    service = _svc(request)
    counts = await run_in_threadpool(service.store.job_counts)
    return JSONResponse({"ok": True, "jobs": counts, "workers": len(service.workers.pids) if service.workers else 0})


# -- submitting --------------------------------------------------------------------------------------------------


def _token_id(service: Service, request: Request) -> int | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    token = None
    if scheme.lower() == "bearer":
        token = value.strip()
    elif scheme.lower() == "basic":  # podcast apps can send a token as the password of a private feed
        import base64
        import binascii

        try:
            token = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            token = None
    if not token or len(token) > 200:
        return None
    return service.store.check_token(token)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused past limit even when sent without a Content-Length (chunked)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body over {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette reuses a read body for .form() and .json()
    return body


async def submit(request: Request) -> Response:
    """POST /api/articles: text/plain or text/html body (options in the query), JSON {text|html, ...options},
    or multipart/form-data with a `file` part (options as fields). 202 with the job id and where to poll."""
    service = _svc(request)
    token_id = await run_in_threadpool(_token_id, service, request)
    if token_id is None:
        response = _json(401, "a valid bearer token is needed (tts serve --create-token)")
        response.headers["www-authenticate"] = 'Bearer realm="tts"'
        return response
    body = await _read_body(request, service.config.max_body)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        data, suffix, raw_options = await _submission(request, kind, body)
        options = check_options(raw_options)
    except OptionError as exc:
        return _json(400, str(exc))
    if not data.strip():
        return _json(400, "the article is empty")

    def enqueue() -> str:
        from tts.serve.db import new_job_id

        job_id = new_job_id()
        path = save_submission(service.root, job_id, data, suffix)
        return service.store.add_job(str(path), options, token_id, job_id)

    job_id = await run_in_threadpool(enqueue)
    location = f"/api/jobs/{job_id}"
    return JSONResponse(
        {"id": job_id, "status": "queued", "url": location}, status_code=202, headers={"location": location}
    )


async def _submission(request: Request, kind: str, body: bytes) -> tuple[bytes, str, dict]:
    if kind in SUBMISSION_TYPES:
        return body, SUBMISSION_TYPES[kind], dict(request.query_params)
    if kind == "application/json":
        import json

        try:
            payload = json.loads(body)
        except ValueError:
            raise OptionError("the body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise OptionError("the JSON body must be an object")
        text, html = payload.pop("text", None), payload.pop("html", None)
        if not isinstance(text or html, str) or (text and html):
            raise OptionError("give the article as one string field: text or html")
        return (text or html).encode("utf-8"), ".txt" if text else ".html", payload
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=50, max_part_size=request.app.state.service.config.max_body)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise OptionError("multipart submissions need a file part named 'file'")
        data = await upload.read()
        name = (upload.filename or "").lower()
        suffix = ".html" if name.endswith((".html", ".htm")) or upload.content_type in ("text/html",) else ".txt"
        fields = {k: v for k, v in form.multi_items() if k != "file" and isinstance(v, str)}
        return data, suffix, fields
    raise OptionError("send text/plain, text/html, application/json or multipart/form-data")


async def job_status(request: Request) -> Response:
    service = _svc(request)
    job_id = request.path_params["job_id"]
    job = await run_in_threadpool(service.store.job, job_id) if job_id.isalnum() and len(job_id) <= 64 else None
    if job is None:
        return _json(404, "no such job")
    data = job.public()
    if job.episode:
        data["episode_url"] = service.links.episode(job.episode)
    return JSONResponse(data)
