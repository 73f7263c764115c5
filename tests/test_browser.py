"""The listening library in a real browser: Playwright driving Debian's Chromium (found by path, never downloaded).

A keyboard-only journey checks the highlighted sentence against audio.currentTime and the episode's own timeline
(its WebVTT file, read with webvtt-py); axe-core (vendored in tests/vendor/axe-core, MPL-2.0) scans every page type
for serious or critical violations; screenshots of each page type are saved as test artifacts (TTS_TEST_ARTIFACTS,
else the session's temporary folder). Skipped, with the reason, where no Chromium can be found.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import webvtt

from .serve_fixtures import served  # noqa: F401  (session fixture)

pytestmark = pytest.mark.slow  # a real browser against a served library of real episodes

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--mute-audio",
]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("TTS_CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (uv sync)")
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium found (apt-get install chromium, or set TTS_CHROMIUM); .ci/run installs it")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800}, bypass_csp=True, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


# -- helpers -----------------------------------------------------------------------------------------------------


def tab_until(page, predicate_js: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate_js}); }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate_js}")


STATE_JS = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const audio = document.getElementById('audio');
  const current = document.querySelectorAll('.s.current');
  done({t: audio.currentTime, paused: audio.paused, rate: audio.playbackRate, count: current.length,
        text: current.length ? current[0].textContent : null,
        valuetext: document.getElementById('seek').getAttribute('aria-valuetext')});
})))"""


def timeline(served, stem: str = "park"):
    cues = [(_seconds(c.start), c.text) for c in webvtt.read(str(served.library / f"{stem}.vtt"))]
    chapters = json.loads((served.library / f"{stem}.chapters.json").read_text(encoding="utf-8"))["chapters"]
    return cues, chapters


def _seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def spoken(seconds: float) -> str:
    total = int(seconds + 0.5)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}小时{m}分{s}秒" if h else f"{m}分{s}秒" if m else f"{s}秒"


def assert_highlight_matches_time(page, cues) -> dict:
    """The highlighted sentence is the one the timeline says is being spoken at audio.currentTime."""
    state = page.evaluate(STATE_JS)
    spoken_now = [text for start, text in cues if start <= state["t"] + 1e-3]
    assert spoken_now, state
    assert state["count"] == 1 and spoken_now[-1] in state["text"], (state, spoken_now[-1])
    return state


def pause(page) -> None:
    page.keyboard.press("k")
    page.wait_for_function("document.getElementById('audio').paused")


def shot(page, served, name: str) -> None:
    page.screenshot(path=str(served.artifacts / f"{name}.png"), full_page=True)


# -- the keyboard journey ----------------------------------------------------------------------------------------


def test_keyboard_only_journey(page, served):
    cues, chapters = timeline(served)
    page.goto(served.url + "/")
    tab_until(page, "el.id === 'q'")  # other tests may have added episodes: find this one by its title
    page.keyboard.type("今日开放")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=*")
    tab_until(page, "el.textContent === '城市公园今日开放'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/episodes/park")

    tab_until(page, "el.id === 'play'")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('audio').currentTime > 0.8")
    pause(page)
    assert_highlight_matches_time(page, cues)

    page.keyboard.press("k")  # focus is on the play button, inside the player: shortcuts work
    page.keyboard.press("]")
    page.keyboard.press("]")  # chapter 3
    pause(page)
    state = assert_highlight_matches_time(page, cues)
    assert state["t"] >= chapters[2]["startTime"]
    chapter_of_highlight = page.evaluate("""() => { let el = document.querySelector('.s.current');
        const heads = [...document.querySelectorAll('#transcript h2')];
        return heads.filter(h => h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING
                                 || h.contains(el)).length; }""")
    assert chapter_of_highlight == 3

    before = state["text"]
    page.keyboard.press(".")  # next sentence
    state = assert_highlight_matches_time(page, cues)
    texts = [text for _, text in cues]
    assert (
        texts.index(next(t for t in texts if t in state["text"]))
        == texts.index(next(t for t in texts if t in before)) + 1
    )

    tab_until(page, "el.id === 'speed'")
    page.keyboard.press("ArrowDown")  # 1 -> 1.25
    assert page.evaluate(STATE_JS)["rate"] == 1.25
    page.keyboard.press("=")  # the shortcut, focus still in the player
    assert page.evaluate(STATE_JS)["rate"] == 1.5
    assert "1.5" in page.locator("#status").text_content()

    page.keyboard.press("Shift+Tab")  # back to the seek slider
    assert page.evaluate("document.activeElement.id") == "seek"
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    state = page.evaluate(STATE_JS)
    duration = page.evaluate("document.getElementById('audio').duration")
    assert abs(state["t"] - 5) < 0.01
    assert state["valuetext"] == f"5秒，共{spoken(duration)}"
    assert_highlight_matches_time(page, cues)


def test_enter_on_a_sentence_plays_from_it(page, served):
    cues, _ = timeline(served)
    page.goto(served.url + "/episodes/park")
    tab_until(page, "el.classList.contains('s')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    target = page.evaluate(
        "({text: document.activeElement.textContent, start: parseFloat(document.activeElement.dataset.start)})"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("!document.getElementById('audio').paused")
    page.focus("#play")
    pause(page)
    state = assert_highlight_matches_time(page, cues)
    assert state["t"] >= target["start"] and (state["text"] == target["text"] or state["t"] - target["start"] > 0.5)
    shot(page, served, "episode-playing")


def test_the_sentence_being_spoken_is_kept_in_view(browser, served):
    context = browser.new_context(viewport={"width": 800, "height": 560}, locale="zh-CN")
    page = context.new_page()
    page.goto(served.url + "/episodes/park")
    page.focus("#play")
    page.keyboard.press("k")
    page.keyboard.press("]")
    page.keyboard.press("]")  # the last chapter, below the fold at this height
    page.wait_for_function(
        """() => { const el = document.querySelector('.s.current'); if (!el) return false;
        const box = el.getBoundingClientRect(), player = document.getElementById('player').getBoundingClientRect();
        return box.top >= player.bottom - 1 && box.bottom <= innerHeight + 1; }""",
        timeout=10_000,
    )
    start = page.evaluate("parseFloat(document.querySelector('.s.current').dataset.start)")
    assert start >= timeline(served)[1][2]["startTime"]  # two chapters on from the start: chapter 3
    page.screenshot(path=str(served.artifacts / "episode-small-window.png"))
    context.close()


def test_shortcuts_never_act_outside_the_player(page, served):
    page.goto(served.url + "/episodes/park")
    page.focus("#main")
    for key in ("k", "]", ".", "="):
        page.keyboard.press(key)
    state = page.evaluate(STATE_JS)
    assert state["paused"] and state["t"] == 0 and state["rate"] == 1


def test_without_javascript_the_page_plays_and_shows_the_transcript(browser, served):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.goto(served.url + "/episodes/park")
    assert page.locator("audio[controls]").count() == 1
    assert page.locator("#controls").is_hidden()
    for _, text in timeline(served)[0]:
        assert page.get_by_text(text, exact=False).first.is_visible()
    page.screenshot(path=str(served.artifacts / "episode-no-javascript.png"), full_page=True)
    context.close()


def test_reduced_motion_turns_off_transitions(page, served):
    page.emulate_media(reduced_motion="reduce")
    page.goto(served.url + "/episodes/park")
    assert page.evaluate("getComputedStyle(document.querySelector('.s')).transitionDuration") == "0s"


# -- accessibility scans -----------------------------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="module")
def static_site(served, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "tts.cli", "site", str(served.library), "-o", str(out)],
        env=served.env,
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.parametrize(
    "kind, where",
    [
        ("index", "/"),
        ("search", "/?q=城市"),
        ("episode", "/episodes/park"),
        ("not-found", "/episodes/missing"),
        ("site-index", "site:index.html"),
        ("site-episode", "site:episodes/park.html"),
    ],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations(page, served, static_site, kind, where, scheme):
    page.emulate_media(color_scheme=scheme)
    url = (static_site / where[5:]).as_uri() if where.startswith("site:") else served.url + where
    page.goto(url)
    if kind == "episode":  # scan with a sentence highlighted and focus on a control, as a listener sees it
        page.focus("#next-sentence")
        page.keyboard.press("Enter")
    assert axe_violations(page) == []
    if scheme == "light":
        shot(page, served, kind)


def test_word_level_highlight_follows_word_timings(page, served, tmp_path):
    """With a NAME.words.json beside the audio, the word being spoken is highlighted too."""
    from .serve_fixtures import copy_library, start_server, stop_server

    copy_library(served.library / "park", tmp_path / "lib", ["park"])
    words = []
    for start, end, text in [
        (_seconds(c.start), _seconds(c.end), c.text) for c in webvtt.read(str(served.library / "park.vtt"))
    ]:
        pieces = [text[i : i + 2] for i in range(0, len(text), 2)]  # two characters a word, time shared by characters
        for n, piece in enumerate(pieces):
            words.append(
                {
                    "text": piece,
                    "start": round(start + (end - start) * 2 * n / len(text), 3),
                    "end": round(start + (end - start) * min(len(text), 2 * n + 2) / len(text), 3),
                }
            )
    (tmp_path / "lib" / "park.words.json").write_text(
        json.dumps({"words": words}, ensure_ascii=False), encoding="utf-8"
    )
    process, url = start_server(tmp_path / "lib", served.env, "--workers", "0")
    try:
        page.goto(url + "/episodes/park")
        page.focus("#seek")
        for _ in range(2):
            page.keyboard.press("ArrowRight")  # 10 s
        state = page.evaluate("""() => new Promise(done => requestAnimationFrame(() => done({
            t: document.getElementById('audio').currentTime,
            word: (document.querySelector('.w.current-word') || {}).textContent,
            inside: !!document.querySelector('.s.current .w.current-word')})))""")
        expected = [w["text"] for w in words if w["start"] <= state["t"] + 1e-3][-1]
        assert state["word"] == expected and state["inside"], (state, expected)
        shot(page, served, "episode-word-timings")
    finally:
        stop_server(process)


def test_static_site_searches_titles_in_the_browser(page, served, static_site):
    page.goto((static_site / "index.html").as_uri())
    page.focus("#q")
    page.keyboard.type("今日开放")
    assert page.locator("#search-results li").count() == 1
    assert page.locator("#episode-list").is_hidden()
    page.locator("#search-results a").click()
    page.wait_for_url("**/episodes/park.html")
    assert page.locator("audio").count() == 1
