"""The app as a practitioner meets it (issue 19), in a real browser with the real model.

Show in document opens at the passage with every paragraph marked and steps through the review;
More like this says what it is based on and a new query replaces it; topics come from the
library's own themes; plain words; Remove asks first and its result stays until dismissed; and
axe-core finds no serious or critical violation on any page, on a desktop and on a phone.
"""

from __future__ import annotations

import os
import re

import pytest

from .axe_check import assert_accessible
from .test_e2e import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, WAIT_MS, app_url, sync_api  # noqa: F401 (the fixture)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
]
PAGES = {"": "Search the reviews", "ask_page": "Ask the reviews", "themes_page": "Learning themes",
         "library_page": "Add a published review", "pack_page": "Packs and briefings"}  # fmt: skip
UPDATE = os.environ.get("UPDATE_SCREENSHOTS") == "1"  # also rewrite the README's screenshots
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _browser(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def _search(page, words: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label("Search for learning")
    box.fill(words)
    box.press("Enter")


def test_show_in_document_more_like_this_and_topics(app_url: str) -> None:  # noqa: F811
    expect = sync_api.expect
    expect.set_options(timeout=WAIT_MS)
    with sync_api.sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(app_url)
            page.get_by_role("heading", name="Search the reviews").wait_for()
            # topics are the library's own themes (the seeds': no fixed "bath safety" button)
            topics = page.get_by_role("radio", name="Assurance, audit and monitoring")
            expect(topics).to_be_visible()
            expect(page.get_by_role("radio", name="bath safety", exact=True)).to_have_count(0)

            _search(page, "bath safety")
            # result titles are headings, and each button says which result it acts on
            title = re.compile(r"^1\. Child 'I' \(HSCB\): Introduction")
            first = page.get_by_role("heading", level=3, name=title)
            expect(first).to_be_visible()
            expect(page.get_by_role("button", name="Show in document: 1. Child 'I' (HSCB)")).to_have_count(1)
            # an introduction has no recommendation, so no response status
            card = page.get_by_test_id("stVerticalBlock").filter(has=first).last
            expect(card.get_by_text("Response status")).to_have_count(0)
            assert_accessible(page, "after a search")

            # Show in document: the passage in a box, every paragraph marked in bold, no literal [ ]
            page.get_by_role("button", name="Show in document: 1. Child 'I' (HSCB)").click()
            dialog = page.get_by_role("dialog")
            box = dialog.get_by_test_id("stVerticalBlock").filter(has_text="The passage: Introduction").last
            expect(box).to_be_visible()
            marked = box.locator("strong").filter(has_text="unattended while bathing")
            expect(marked).to_be_visible()
            assert box.locator("strong").count() >= 3  # the title line and each paragraph
            assert "[" not in box.inner_text()
            expect(dialog.get_by_role("button", name="Previous passage of Child 'I' (HSCB)")).to_be_disabled()
            expect(dialog.get_by_role("button", name="Download the original text file")).to_be_visible()
            assert_accessible(page, "Show in document")
            if UPDATE:
                page.screenshot(path=str(SCREENSHOTS / "document.png"))
            dialog.get_by_role("button", name="Next passage of Child 'I' (HSCB)").click()
            expect(dialog.get_by_text("The passage: Recommendation 1")).to_be_visible()
            expect(dialog.get_by_role("button", name="Previous passage of Child 'I' (HSCB)")).to_be_enabled()
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()

            # More like this: says which passage it is based on; a new query replaces it
            page.get_by_role("button", name="More like this: 1. Child 'I' (HSCB)").click()
            based = page.get_by_text("Passages like Child 'I' (HSCB): Introduction")
            expect(based).to_be_visible()
            assert_accessible(page, "More like this")
            _search(page, "GP record storage")
            expect(based).to_be_hidden()
            expect(page.get_by_role("heading", level=3, name=re.compile(r"^1\. "))).to_be_visible()

            # a suggested topic is a search like a typed one
            page.get_by_role("radio", name="Assurance, audit and monitoring").click()
            expect(page.get_by_label("Search for learning")).to_have_value("Assurance, audit and monitoring")

            # Themes: a chart with every label, its numbers as a table, a theme chosen
            page.goto(f"{app_url}/themes_page")
            page.get_by_role("heading", name="Learning themes").wait_for()
            expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
            page.get_by_text(re.compile(r"^The chart as a table")).first.click()
            expect(page.get_by_role("table").first).to_contain_text("Water safety and bathing")
            page.get_by_label("Show the passages of a learning theme").click()
            page.keyboard.type("Water safety")
            page.keyboard.press("Enter")
            chosen = re.compile(r"^Water safety and bathing: \d+ passages?$")
            page.get_by_role("heading", name=chosen).wait_for()
            assert_accessible(page, "Themes, a theme chosen")
            if UPDATE:
                page.get_by_role("heading", name="Learning themes").scroll_into_view_if_needed()
                page.screenshot(path=str(SCREENSHOTS / "themes.png"))
        finally:
            browser.close()


def test_every_page_passes_axe_on_a_phone_with_labelled_navigation(app_url: str) -> None:  # noqa: F811
    with sync_api.sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page(**PHONE)
            page.set_default_timeout(WAIT_MS)
            for path, heading in PAGES.items():
                page.goto(f"{app_url}/{path}")
                page.get_by_role("heading", name=heading).wait_for()
                page.wait_for_timeout(1000)  # charts and late elements
                assert_accessible(page, f"{path or 'search'} on a phone")
            opener = page.get_by_role("button", name=re.compile("sidebar", re.I))
            sync_api.expect(opener).to_be_visible()  # navigation and filters: a named control
            opener.click()
            sync_api.expect(page.get_by_test_id("stSidebarNavLink").first).to_be_visible()
        finally:
            browser.close()


def test_the_library_speaks_plainly_and_remove_asks_first(app_url: str) -> None:  # noqa: F811
    expect = sync_api.expect
    expect.set_options(timeout=WAIT_MS)
    with sync_api.sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{app_url}/library_page")
            page.get_by_role("heading", name="Documents").wait_for()
            page.wait_for_timeout(1000)
            text = page.locator("section.main, [data-testid=stMain]").first.inner_text()
            for jargon in ("document id", "None"):  # (the uploader's own "PDF, DOCX, MD" is Streamlit's)
                assert jargon not in text, jargon
            assert_accessible(page, "library")

            choice = page.get_by_label("Remove a review from the library")
            choice.click()
            page.get_by_role("option", name=re.compile("Child 'I'")).click()
            page.get_by_role("button", name=re.compile(r"^Remove Child 'I'")).click()
            expect(page.get_by_text("This cannot be undone")).to_be_visible()
            page.get_by_role("button", name="Cancel").click()
            expect(page.get_by_text("This cannot be undone")).to_be_hidden()
            page.get_by_role("button", name=re.compile(r"^Remove Child 'I'")).click()
            page.get_by_role("button", name=re.compile(r"^Yes, remove Child 'I'")).click()
            done = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Removed Child 'I'")
            expect(done).to_be_visible()
            page.wait_for_timeout(3000)
            expect(done).to_be_visible()  # it stays until dismissed
            assert_accessible(page, "after a removal")
            page.get_by_role("button", name="Dismiss this message").click()
            expect(done).to_be_hidden()
        finally:
            browser.close()
