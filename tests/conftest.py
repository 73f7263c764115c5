"""Shared fixtures. Tests that run the real Kokoro model share one engine instance (loading costs ~1 s)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

# A test suite started in the background of a non-interactive shell (`.ci/run &`, nohup) inherits SIGINT ignored, and
# so would every CLI the tests start: Python installs its Ctrl-C handler only where SIGINT is not ignored, and the
# tests that interrupt a build would wait in vain. Handling it here makes the children start with the default.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "articles" / "gansu-tianjin-wuqing-jingning.txt"
CORPUS = Path(__file__).resolve().parent / "corpus"
PLUGINS = Path(__file__).resolve().parent / "plugins"  # the tone engine, an entry-point plugin


def plugin_env(**extra: str) -> dict[str, str]:
    """The environment for a `tts` subprocess that also finds the test plugins, with EXTRA variables set."""
    path = os.pathsep.join(p for p in (str(PLUGINS), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


SHORT_ARTICLE = """首页 > 新闻 > 正文

静宁苹果丰收季 果农喜笑颜开

2021-09-15 15:09 来源：中国甘肃网 编辑：宋芳科

　　记者 李红军

　　九月的静宁，满山苹果挂满枝头。果农们正忙着采摘。

　　果园里的丰收

　　今年全县苹果产量预计达到一百万吨，比去年增长百分之五。

版权声明：凡注有稿件来源为“中国甘肃网”的稿件，均为中国甘肃网版权稿件。
分享到
"""


# Under pytest-xdist a file's tests run on one worker, so its module fixtures (real syntheses) are built once; files
# that share a costly session fixture run on the same worker, as one unit.
_SHARED_FIXTURE_GROUPS = {
    **dict.fromkeys(("test_serve_http.py", "test_serve_library.py", "test_browser.py"), "served"),
    # real Kokoro builds of SHORT_ARTICLE: the first synthesises, the others read the session's clips
    **dict.fromkeys(("test_build_cli.py", "test_episode_outputs.py", "test_timings.py"), "short-article"),
}


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own choice; optional: -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Units of work for the workers: one per test file, or per group of files above. (xdist's --dist loadgroup
    cannot be used: it renames test ids through an attribute that pytest 9 no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class FileGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            name = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
            return _SHARED_FIXTURE_GROUPS.get(name, name)

    return FileGroups(config, log)


@pytest.fixture(scope="session")
def real_cache(session_cache: Path) -> Path:
    """The session's cache with the Kokoro model and voices in place (see session_cache)."""
    return session_cache


@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every test's clips go to a temporary cache, never the user's. Only the Kokoro assets are shared: prepared once
    in the user's cache as a first build would (92 MB, minutes to fetch), and linked into the temporary one."""
    from tts.paths import cache_dir

    user_assets = cache_dir() / "kokoro"
    user_assets.mkdir(parents=True, exist_ok=True)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Under `pytest -n`, the workers share one clip cache (beside their own temp dirs) so a clip synthesised by one
        # is a hit for the other; the cache's atomic, checksummed entries are made for concurrent writers.
        root = tmp_path_factory.getbasetemp().parent / "cache"
        root.mkdir(exist_ok=True)
    else:
        root = tmp_path_factory.mktemp("cache")
    if not (root / "kokoro").is_symlink():
        try:
            os.symlink(user_assets, root / "kokoro")
        except FileExistsError:
            pass  # the other worker linked it first
    previous = os.environ.get("TTS_CACHE_DIR")
    os.environ["TTS_CACHE_DIR"] = str(root)
    from tts.engines import kokoro_assets

    kokoro_assets.model_path()
    kokoro_assets.load_voice("zm_yunjian")
    yield root
    if previous is None:
        os.environ.pop("TTS_CACHE_DIR", None)
    else:
        os.environ["TTS_CACHE_DIR"] = previous


@pytest.fixture
def fresh_cache(tmp_path: Path, real_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty clip cache that still sees the installed model and voices."""
    root = tmp_path / "cache"
    root.mkdir()
    os.symlink(real_cache / "kokoro", root / "kokoro")
    monkeypatch.setenv("TTS_CACHE_DIR", str(root))
    return root


@pytest.fixture(scope="session")
def kokoro(real_cache: Path):
    from tts.engines import get_engine

    return get_engine("kokoro")


@pytest.fixture
def short_article(tmp_path: Path) -> Path:
    path = tmp_path / "short.txt"
    path.write_text(SHORT_ARTICLE, encoding="utf-8")
    return path


# -- the online engine: never reach the real service from tests (only loopback) -------------------

CLOSED_PORT_URL = "ws://127.0.0.1:9/edge/v1?TrustedClientToken=loopback"
REAL_WSS_URL = None


@pytest.fixture(autouse=True)
def edge_traffic_stays_on_loopback(monkeypatch: pytest.MonkeyPatch):
    """Point the real edge_tts client at loopback for every test; `edge_peer` answers there when wanted."""
    import edge_tts.communicate
    import edge_tts.voices

    global REAL_WSS_URL
    REAL_WSS_URL = REAL_WSS_URL or edge_tts.communicate.WSS_URL
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", CLOSED_PORT_URL)
    monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", "http://127.0.0.1:9/voices/list?trustedclienttoken=x")


@pytest.fixture(scope="session")
def peer_audio(kokoro):
    from .edge_peer import speech_audio_for

    return speech_audio_for(kokoro)


@pytest.fixture
def edge_peer(peer_audio, monkeypatch: pytest.MonkeyPatch):
    """Start a loopback peer (call with faults=…, latency=…) and point edge_tts at it."""
    import edge_tts.communicate
    import edge_tts.voices

    from .edge_peer import EdgePeer

    peers = []

    def start(port: int = 0, **options):
        peer = EdgePeer(peer_audio, **options)
        monkeypatch.setattr(edge_tts.communicate, "WSS_URL", peer.start(port))
        monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", peer.voices_url)
        peers.append(peer)
        return peer

    yield start
    for peer in peers:
        peer.stop()


@pytest.fixture(autouse=True)
def no_cancellation_outlives_its_test():
    """A batch interrupted in this process marks every live engine cancelled (tts.engines.base.cancel_all), as a
    `tts build` process that is about to exit wants; the session's shared engines must not carry that into the next
    test."""
    yield
    from tts.engines import base

    base._CANCELLED.clear()
