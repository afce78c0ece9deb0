"""The README's pictures of the app, taken in a real browser from an app that is already running.

    scripts/start &                          # the default library: the two seed reviews
    .venv/bin/python scripts/screenshots.py  # or --url http://127.0.0.1:8611 --out /tmp/shots

Pictures drawn by hand go stale as the pages change; these are taken the way a practitioner
meets the app, at 1400x1000, with Debian's Chromium (``scripts/install-browser``; nothing here
downloads a browser): a search for "bath safety" (search.png), the same search as reviews
(reviews.png), Show in document (document.png), a cited answer (answer.png), the Themes page
with a theme chosen (themes.png) and a seven-minute briefing (briefing.png). The briefing is
started from the search, so the site keeps a pack named "Briefing: bath safety" afterwards.
The exported slide (slide.png) is drawn from the exported file by tests/test_e2e.py.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
SIZE = {"width": 1400, "height": 1000}
WAIT_MS = 120_000  # the first search loads the model
QUERY = "bath safety"
QUESTION = "How should GP practices store child protection information?"


def settle(page: Page) -> None:
    """Wait until Streamlit has redrawn everything (nothing greyed out, nothing running)."""
    page.wait_for_timeout(500)
    page.wait_for_function("""() => !document.querySelector('[data-stale="true"]')
        && !document.querySelector('[data-testid^="stStatusWidgetRunning"]')""")
    page.wait_for_timeout(500)  # charts draw after the script has finished


def search(page: Page, url: str) -> None:
    page.goto(url)
    box = page.get_by_label("Search for learning")
    box.fill(QUERY)
    box.press("Enter")
    page.get_by_role("heading", level=3, name=re.compile(r"^1\. ")).wait_for()
    box.blur()


def take(page: Page, url: str, out: Path) -> list[Path]:
    shots: list[Path] = []

    def shot(name: str) -> None:
        settle(page)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.mouse.move(SIZE["width"] - 5, SIZE["height"] - 5)  # no hover effects in the picture
        shots.append(out / f"{name}.png")
        page.screenshot(path=str(shots[-1]))

    search(page, url)
    shot("search")

    page.get_by_role("button", name=re.compile(r"^Show in document: 1\. ")).click()
    page.get_by_role("dialog").get_by_text(re.compile("^The passage: ")).wait_for()
    shot("document")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()

    page.get_by_text("Reviews", exact=True).click()
    page.get_by_role("heading", name=re.compile(r"^\d+ reviews? match$")).wait_for()
    shot("reviews")

    page.goto(f"{url}/ask_page")
    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill(QUESTION)
    chat.press("Enter")
    page.get_by_test_id("stExpander").filter(has_text="Recommendation").first.wait_for()
    chat.blur()
    shot("answer")

    page.goto(f"{url}/themes_page")
    page.get_by_label("Show the passages of a learning theme").click()
    page.keyboard.type("Water safety")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=re.compile(r"^Water safety and bathing: \d+ passages?$")).wait_for()
    page.get_by_role("heading", name="Learning themes").scroll_into_view_if_needed()
    shot("themes")

    search(page, url)
    page.get_by_role("button", name="Start a briefing from these results").click()
    heading = page.get_by_role("heading", name="Seven-minute briefing")
    heading.wait_for()
    settle(page)
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")  # the briefing, not the pack list
    shot("briefing")
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8501", help="the running app")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport=SIZE)
            page.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)
            for path in take(page, args.url.rstrip("/"), args.out):
                print(path)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
