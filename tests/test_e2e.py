"""The whole app once in a real browser: Debian's Chromium driven by Playwright, the real model.

Run ``scripts/install-browser`` first (it installs the ``chromium`` package with apt; nothing here
downloads a browser). ``UPDATE_SCREENSHOTS=1`` also draws the README's exported slide
(``docs/screenshots/slide.png``); the app's own screenshots are taken by ``scripts/screenshots.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .axe_check import DESKTOP, assert_accessible, assert_accessible_on_both
from .support import CORPUS, ROOT, seed_pdf

sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
STARTUP_S = 120
WAIT_MS = 60_000  # the first search or answer loads the model
UPLOAD_MS = 180_000  # reading and embedding uploads: over a minute on a loaded shared machine

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM}: run scripts/install-browser"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed corpus ingested with the real model, served by ``streamlit run app.py``."""
    tmp = tmp_path_factory.mktemp("e2e")
    index = tmp / "index"
    built = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(CORPUS), "--index", str(index)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp / "streamlit.log"
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index)}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_S
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log_path.read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def trampoline_pdf(path: Path) -> Path:
    """A small published response whose topic no seed document mentions."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    paragraphs = [
        (
            "Heading1",
            "Westshire Safeguarding Children Partnership Response to Publication of Rapid Review on Child T",
        ),
        (
            "BodyText",
            "Westshire Safeguarding Children Partnership (WSCP) has published the Rapid "
            "Review into the serious injury of Child T, aged four, who fell from an "
            "unnetted trampoline in the family garden. Published: 14/03/2024.",
        ),
        (
            "BodyText",
            "Recommendation 1 - Health visitors and early help workers must give parents "
            "of young children clear advice on trampoline safety in gardens, including "
            "safety netting, supervision and one child at a time.",
        ),
        (
            "BodyText",
            "Partnership Response – Trampoline safety in gardens has been added to the "
            "home safety checklist used at health visitor contacts, and a summer "
            "campaign with the fire and rescue service will reach families in 2024.",
        ),
    ]
    story = [Paragraph(text, styles[style]) for style, text in paragraphs]
    SimpleDocTemplate(str(path), pagesize=A4, title="Child T response").build(story)
    return path


def test_search_ask_upload_and_export_in_a_browser(app_url: str, tmp_path: Path) -> None:
    from docx import Document
    from pptx import Presentation

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(app_url)
            page.get_by_role("heading", name="Search the reviews").wait_for()
            expect = sync_api.expect
            expect.set_options(timeout=WAIT_MS)

            def go(link: str, heading: str) -> None:
                """Open a page from the sidebar (the session, and so the pack, is kept)."""
                page.get_by_test_id("stSidebarNavLink").filter(has=page.get_by_text(link, exact=True)).click()
                page.get_by_role("heading", name=heading).wait_for()

            def search(words: str) -> None:
                box = page.get_by_label("Search for learning")
                box.fill(words)
                box.press("Enter")

            # Search: the cited Child 'I' passage, added to the pack.
            search("bath safety")
            card = (
                page.get_by_test_id("stVerticalBlock")
                .filter(has_text="Child 'I' (HSCB): Introduction")
                .filter(has=page.get_by_role("button", name="Add to session pack"))
                .last
            )
            card.get_by_text("unattended while bathing").wait_for()
            page.get_by_label("Search for learning").blur()
            assert_accessible_on_both(page, "Search, after a search")
            card.get_by_role("button", name="Add to session pack").click()
            toast = page.get_by_test_id("stToast").filter(has_text="Added to the pack")
            expect(toast).to_be_visible()
            toast.get_by_role("button").click()  # dismissed, so that it covers nothing later
            expect(toast).to_be_hidden()

            # Ask: a cited answer.
            go("Ask", "Ask the reviews")
            chat = page.get_by_test_id("stChatInputTextArea")
            chat.fill("How should GP practices store child protection information?")
            chat.press("Enter")
            cited = page.get_by_test_id("stExpander").filter(has_text="Child J (HSCP, 2019): Recommendation")
            expect(cited.first).to_be_visible()
            expect(page.get_by_test_id("stChatMessage").last).to_contain_text("Child Protection")
            chat.blur()
            assert_accessible_on_both(page, "Ask, after an answer")

            # Ask: a follow-up keeps the review in focus and finds its police recommendation.
            page.get_by_role("button", name="Start a new conversation").click()
            expect(page.get_by_test_id("stChatMessage")).to_have_count(0)
            chat.fill("What is the learning about bath safety?")
            chat.press("Enter")
            expect(page.get_by_test_id("stChatMessage").last).to_contain_text("unattended while bathing")
            chat.fill("and what did the police do?")
            chat.press("Enter")
            expect(page.get_by_test_id("stChatMessage")).to_have_count(4)
            police = page.get_by_test_id("stExpander").filter(has_text="Child 'I' (HSCB): Recommendation 2")
            expect(police.first).to_be_visible()
            last = page.get_by_test_id("stChatMessage").last
            expect(last).to_contain_text("kept in focus Child 'I' (HSCB)")

            # Library: upload two PDFs; the new one is then found first by a search.
            go("Library", "Add a published review")
            uploads = [seed_pdf(tmp_path / "child-j-response.pdf"), trampoline_pdf(tmp_path / "child-t.pdf")]
            page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(uploads)
            page.get_by_role("button", name="Add to the library").click()
            # progress while the files are read and embedded (the worker takes seconds, the page polls)
            progress = page.get_by_test_id("stProgress").filter(
                has_text=re.compile("Reading and embedding|Waiting|Saving the library")
            )
            expect(progress).to_be_visible()
            for name in ("child-j-response.pdf", "child-t.pdf"):  # written by a worker; the page polls
                expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text=name)).to_contain_text(
                    "added", timeout=UPLOAD_MS
                )
            assert_accessible_on_both(page, "Library, after an upload")
            go("Search", "Search the reviews")
            search("trampoline safety")
            expect(page.get_by_text(re.compile(r"^1\. Child T \(.*2024\): Recommendation 1"))).to_be_visible()

            # Session pack: the passage is listed and both exports carry quote and citation.
            go("Session pack", "Packs and briefings")
            expect(page.get_by_text("1. Child 'I' (HSCB): Introduction")).to_be_visible()
            page.get_by_role("button", name="Draft the briefing from the pack").click()
            page.get_by_role("heading", name="Key learning").wait_for()
            expect(page.get_by_text("unattended while bathing").first).to_be_visible()
            saved = {}
            for label, suffix in (("Word (.docx)", "docx"), ("PowerPoint (.pptx)", "pptx")):
                with page.expect_download() as download:
                    page.get_by_role("button", name=label).click()
                saved[suffix] = tmp_path / f"pack.{suffix}"
                download.value.save_as(saved[suffix])
            assert_accessible_on_both(page, "Session pack, after a pack export")
        finally:
            browser.close()

    word = "\n".join(p.text for p in Document(str(saved["docx"])).paragraphs)
    slides = "\n".join(
        shape.text_frame.text
        for slide in Presentation(str(saved["pptx"])).slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    for text in (word, slides):
        assert "unattended while bathing" in text
        assert "Child 'I' (HSCB)" in text


def test_a_briefing_from_bath_safety_is_edited_kept_across_a_reload_and_exported(
    app_url: str, tmp_path: Path
) -> None:
    from docx import Document
    from docx.shared import Mm
    from pptx import Presentation

    mine = "MY QUESTION: what do we tell parents about bath seats?"
    typed = "Health visitors"
    screenshots = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            expect = sync_api.expect
            expect.set_options(timeout=WAIT_MS)
            page.goto(app_url)
            box = page.get_by_label("Search for learning")
            box.fill("bath safety")
            box.press("Enter")
            page.get_by_role("button", name="Start a briefing from these results").click()
            page.get_by_role("heading", name="Seven-minute briefing").wait_for()
            question = page.get_by_label("Question 1", exact=True)
            expect(question).to_have_value(re.compile("bath"))
            question.fill(mine)
            question.press("Enter")
            page.get_by_role("heading", name="Key learning").click()  # leave the box: the edit is saved
            page.wait_for_timeout(1500)

            page.reload()  # a reload is a new session: the pack comes back from the store
            page.goto(f"{app_url}/pack_page")
            page.get_by_role("heading", name="Seven-minute briefing").wait_for()
            expect(page.get_by_role("combobox", name="Open a pack")).to_have_value("Briefing: bath safety")
            expect(page.get_by_label("Question 1", exact=True)).to_have_value(mine)
            page.get_by_role("button", name="Word (.docx)").wait_for()  # the page has finished its run
            audience = page.get_by_label("Audience", exact=True)
            audience.fill(typed)
            audience.press("Enter")  # saved; then another page and back: the box starts from the pack
            page.wait_for_timeout(1500)
            for link, heading in (("Themes", "Learning themes"), ("Session pack", "Seven-minute briefing")):
                page.get_by_test_id("stSidebarNavLink").filter(has=page.get_by_text(link, exact=True)).click()
                page.get_by_role("heading", name=heading).wait_for()
            expect(page.get_by_label("Audience", exact=True)).to_have_value(typed)
            page.wait_for_timeout(1500)
            saved = {}
            for label, suffix in (("Word (.docx)", "docx"), ("PowerPoint (.pptx)", "pptx")):
                with page.expect_download() as download:
                    page.get_by_role("button", name=label).click()
                saved[suffix] = tmp_path / f"briefing.{suffix}"
                download.value.save_as(saved[suffix])
            assert_accessible_on_both(page, "the briefing, after its export")
        finally:
            browser.close()

    doc = Document(str(saved["docx"]))
    assert abs(doc.sections[0].page_width - Mm(210)) < Mm(1)
    word = "\n".join(p.text for p in doc.paragraphs)
    assert mine in word and "unattended while bathing" in word and "Child 'I' (HSCB)" in word
    assert typed in word
    prs = Presentation(str(saved["pptx"]))
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    slides = ["\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in prs.slides]
    assert any(mine in text for text in slides)
    assert all(len(text.split()) <= 60 for text in slides)
    if screenshots:
        key_learning = next(n for n, text in enumerate(slides, start=1) if text.startswith("Key learning"))
        slide_picture(saved["pptx"], key_learning, SCREENSHOTS / "slide.png", tmp_path)


def slide_picture(pptx: Path, number: int, target: Path, work: Path) -> None:
    """One slide as a PNG, drawn by LibreOffice from the exported file (for the README only;
    needs `apt-get install libreoffice-impress poppler-utils`)."""
    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        pytest.skip("the slide picture needs soffice and pdftoppm")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(pptx)],
                   check=True, capture_output=True, timeout=120)  # fmt: skip
    pdf = work / f"{pptx.stem}.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", str(number), "-l", str(number), "-singlefile",
                    str(pdf), str(target.with_suffix(""))], check=True, timeout=60)  # fmt: skip


# Every visible control with no accessible name: aria-label, its <label>, its text or a title.
UNNAMED_CONTROLS = """() => Array.from(document.querySelectorAll(
    'button, input, textarea, select, [role=button], [role=combobox], [role=checkbox], [role=slider]'))
  .filter(el => el.getClientRects().length && el.type !== 'hidden')
  .filter(el => {
    const id = el.getAttribute('aria-labelledby');
    const by = id && document.getElementById(id) ? document.getElementById(id).textContent : '';
    const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
    const name = el.getAttribute('aria-label') || label || el.textContent || el.title || by;
    return !name.trim();
  })
  .map(el => el.outerHTML.slice(0, 300))"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_themes_page_and_200_percent_zoom(app_url: str) -> None:
    """At 200% zoom (a 1280-pixel screen shows 640 CSS pixels, each twice as large) nothing needs
    scrolling sideways, every control has a name, and the Themes chart leads to passages."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(app_url)
            page.get_by_role("heading", name="Search the reviews").wait_for()
            box = page.get_by_label("Search for learning")
            box.fill("bath safety")
            box.press("Enter")
            page.get_by_text("unattended while bathing").first.wait_for()
            assert page.evaluate(OVERFLOW) <= 0
            assert page.evaluate(UNNAMED_CONTROLS) == []

            page.goto(f"{app_url}/themes_page")
            page.get_by_role("heading", name="Learning themes").wait_for()
            sync_api.expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
            page.get_by_label("Show the passages of a learning theme").click()
            page.keyboard.type("Water safety")
            page.keyboard.press("Enter")
            chosen = re.compile(r"^Water safety and bathing: \d+ passages?$")
            page.get_by_role("heading", name=chosen).wait_for()
            page.get_by_text("unattended while bathing").first.wait_for()
            assert page.evaluate(OVERFLOW) <= 0
            assert page.evaluate(UNNAMED_CONTROLS) == []
            assert_accessible(page, "Themes, a theme chosen, at 200% zoom")
        finally:
            browser.close()


HOSTILE = """---
title: "[Sign in again](http://evil.example/login) ![x](http://evil.example/x.png) <img src=http://evil.example/y.png>"
---

## Trampoline safety

Recommendation 1: Health visitors must give parents advice on trampoline safety, garden netting
and supervision.

Response: Trampoline safety advice is now part of every health visitor contact with families.
"""


def test_a_hostile_title_is_inert_text_in_the_browser(app_url: str, tmp_path: Path) -> None:
    """A title written as Markdown links, an image and HTML stays text in the Ask page's citation
    labels and on the Search page: no link to it and nothing fetched from it."""
    hostile = tmp_path / "hostile-title.md"
    hostile.write_text(HOSTILE, encoding="utf-8")
    fetched: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(WAIT_MS)
            page.on(
                "request",
                lambda request: fetched.append(request.url) if "evil.example" in request.url else None,
            )
            expect = sync_api.expect
            expect.set_options(timeout=WAIT_MS)
            page.goto(f"{app_url}/library_page")
            page.get_by_role("heading", name="Add a published review").wait_for()
            page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files([hostile])
            page.get_by_role("button", name="Add to the library").click()
            expect(
                page.get_by_test_id("stAlertContentSuccess").filter(has_text="hostile-title.md")
            ).to_contain_text("added", timeout=UPLOAD_MS)

            page.goto(f"{app_url}/ask_page")
            chat = page.get_by_test_id("stChatInputTextArea")
            chat.fill("What advice on trampoline safety and garden netting do health visitors give?")
            chat.press("Enter")
            # shown literally (an invisible word joiner after "http" keeps an address from being linked)
            label = page.get_by_test_id("stExpander").filter(has_text="[Sign in again](http")
            expect(label.first).to_be_visible()
            expect(label.first).to_contain_text("evil.example/login) ![x](http")
            expect(label.first).to_contain_text("<img src=http")
            assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0

            page.goto(app_url)
            box = page.get_by_label("Search for learning")
            box.fill("trampoline safety garden netting")
            box.press("Enter")
            expect(page.get_by_text("[Sign in again](http").first).to_be_visible()
            assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0
        finally:
            browser.close()
    assert fetched == []
