"""Render every NAME.html in this folder to NAME.txt the way select-all + copy in a browser gives it.

Run: `uv run python tests/corpus/fresh/render.py [FOLDER]` (this folder by default; needs Debian's /usr/bin/chromium
and the dev group's Playwright). Each page is loaded in real Chromium with JavaScript disabled and every network
request aborted (the page is handed over with `set_content`, so nothing outside it is fetched), then
`document.body.innerText` is written out as UTF-8 with a final newline. With JavaScript off, `<noscript>` content
shows, as it would for a reader with scripts disabled.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"


def render_all(folder: Path = HERE) -> list[Path]:
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        # A desktop-sized window: some layouts hide parts on narrow screens.
        context = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 900}, offline=True)
        context.route("**/*", lambda route: route.abort())
        for html in sorted(folder.glob("*.html")):
            page = context.new_page()
            page.set_content(html.read_text(encoding="utf-8"), wait_until="domcontentloaded")
            text = page.evaluate("document.body ? document.body.innerText : ''")
            page.close()
            out = html.with_suffix(".txt")
            out.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
            written.append(out)
        browser.close()
    return written


if __name__ == "__main__":
    for path in render_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"{path.name}: {len(path.read_text(encoding='utf-8'))} chars")
