"""Fetch an article page over HTTP(S) with httpx: redirects followed, a timeout, a size limit, the charset from
the Content-Type header, and one clear InputError per kind of failure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from tts.errors import InputError

TIMEOUT_S = 20.0
MAX_BYTES = 10 * 1024 * 1024  # news pages are well under 2 MB; anything larger is not an article
MAX_REDIRECTS = 10
_USER_AGENT = "Mozilla/5.0 (compatible; tts-article-reader; +https://github.com/)"
_TEXTUAL = re.compile(r"^(?:text/|application/(?:xhtml\+xml|xml))", re.I)


@dataclass(frozen=True)
class Fetched:
    data: bytes
    url: str  # after redirects
    charset: str | None  # from the Content-Type header
    content_type: str
    name: str  # a file stem for outputs


def fetch(url: str, timeout: float = TIMEOUT_S, max_bytes: int | None = None) -> Fetched:
    import httpx

    max_bytes = max_bytes or MAX_BYTES
    try:
        with httpx.Client(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=timeout,
            headers={"User-Agent": _USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"},
        ) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise InputError(
                        f"could not fetch {url}: the server answered HTTP {response.status_code} {response.reason_phrase}"
                    )
                content_type = response.headers.get("content-type", "")
                media = content_type.split(";")[0].strip().lower()
                if media and not _TEXTUAL.match(media):
                    raise InputError(f"could not fetch {url}: it is {media}, not a web page or text")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise InputError(f"could not fetch {url}: the page is larger than {max_bytes // (1024 * 1024)} MB")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise InputError(
                            f"could not fetch {url}: the page is larger than {max_bytes // (1024 * 1024)} MB"
                        )
                    chunks.append(chunk)
                final = str(response.url)
    except httpx.TooManyRedirects:
        raise InputError(f"could not fetch {url}: more than {MAX_REDIRECTS} redirects") from None
    except httpx.TimeoutException:
        raise InputError(f"could not fetch {url}: no answer within {timeout:g} s") from None
    except httpx.ConnectError as exc:
        raise InputError(f"could not fetch {url}: cannot connect ({_reason(exc)})") from None
    except httpx.UnsupportedProtocol:
        raise InputError(f"could not fetch {url}: only http and https addresses are supported") from None
    except httpx.InvalidURL as exc:
        raise InputError(f"could not fetch {url}: invalid address ({exc})") from None
    except httpx.HTTPError as exc:
        raise InputError(f"could not fetch {url}: {type(exc).__name__} ({_reason(exc)})") from None
    return Fetched(b"".join(chunks), final, _charset(content_type), content_type.lower(), url_stem(final))


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", content_type, re.I)
    return m.group(1) if m else None


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def url_stem(url: str) -> str:
    """A file stem for a URL's outputs: its last path segment without extension, else its host."""
    parts = urlsplit(url)
    segment = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", segment)
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("_")
    return stem or re.sub(r"[^\w\-]+", "_", parts.hostname or "article")
