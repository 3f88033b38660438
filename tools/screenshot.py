"""Take the README's screenshot from the running app: `python tools/screenshot.py`.

Starts `twitchlearn serve` on a free port, answers one question in headless Chromium,
and saves docs/screenshot.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from twitchlearn import load_course
from twitchlearn.site import lesson_page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import CHROMIUM, CHROMIUM_ARGS, VoilaServer, local_only  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        server = VoilaServer(Path(tmp), "--class-size", "0")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1000, "height": 1100})
                page.route("**/*", local_only)
                first = lesson_page(load_course().lessons[0])
                page.goto(f"{server.url}/voila/render/{first}")
                question = page.locator(".tl-question").first
                question.wait_for(timeout=120_000)
                question.get_by_role("radio").nth(1).check()
                question.get_by_role("button", name="Check answer").click()
                question.locator(".tl-feedback").wait_for()
                page.locator(".tl-quiz").scroll_into_view_if_needed()
                out = ROOT / "docs" / "screenshot.png"
                page.screenshot(path=str(out))
                browser.close()
                print(f"wrote {out.relative_to(ROOT)}")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
