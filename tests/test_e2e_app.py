"""The app as a practitioner meets it (issue 19), in a real browser with the real model.

Show in document opens at the passage with every paragraph marked and steps through the review;
More like this says what it is based on and a new query replaces it; topics come from the
library's own themes; plain words; Remove asks first and its result stays until dismissed; and
axe-core finds no serious or critical violation on any page, on a desktop and on a phone.
"""

from __future__ import annotations

import re
import time

import pytest

from .axe_check import DESKTOP, SETTLED, assert_accessible, assert_accessible_on_both
from .test_e2e import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, app_url, sync_api  # noqa: F401 (the fixture)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
]
PAGES = {"": "Search the reviews", "ask_page": "Ask the reviews", "themes_page": "Learning themes",
         "library_page": "Add a published review", "pack_page": "Packs and briefings"}  # fmt: skip
THEMES_S = 10  # the whole Themes page, charts and recurring learning, on a loaded machine (~3 s idle)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _browser(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def _open(browser, url: str):  # type: ignore[no-untyped-def]
    """A desktop-sized page of the app at ``url``, waiting up to WAIT_MS for anything."""
    page = browser.new_page(viewport=DESKTOP)
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    return page


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
            page = _open(browser, app_url)
            # (the first visit loads the model; Streamlit shows "Loading the library and the language
            # model..." only when that takes over half a second, which the ONNX encoder often does not)
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
            assert_accessible_on_both(page, "after a search")
            # the same search as reviews: each review's title is a heading under the count's
            page.get_by_text("Reviews", exact=True).click()
            expect(first).to_be_hidden()  # the passages' rerun is over (its cards linger while it runs)
            count = re.compile(r"^(1 review matches|\d+ reviews match)$")
            expect(page.get_by_role("heading", level=2, name=count)).to_be_visible()
            review = re.compile(r"^1\. Child 'I' \(HSCB\): ")
            expect(page.get_by_role("heading", level=3, name=review)).to_be_visible()
            assert_accessible_on_both(page, "the reviews view")
            page.get_by_text("Passages", exact=True).click()
            expect(first).to_be_visible()

            # Show in document: the passage in a box, every paragraph marked in bold, no literal [ ]
            page.get_by_role("button", name="Show in document: 1. Child 'I' (HSCB)").click()
            dialog = page.get_by_role("dialog")
            box = dialog.get_by_test_id("stVerticalBlock").filter(has_text="The passage: Introduction").last
            expect(box).to_be_in_viewport()  # opened at the passage
            marked = box.locator("strong").filter(has_text="unattended while bathing")
            expect(marked).to_be_visible()
            assert box.locator("strong").count() >= 3  # the title line and each paragraph
            assert "[" not in box.inner_text()
            expect(dialog.get_by_role("button", name="Previous passage of Child 'I' (HSCB)")).to_be_disabled()
            expect(dialog.get_by_role("button", name="Download the original text file")).to_be_visible()
            assert_accessible_on_both(page, "Show in document")
            dialog.get_by_role("button", name="Next passage of Child 'I' (HSCB)").click()
            expect(dialog.get_by_text("The passage: Recommendation 1")).to_be_visible()
            expect(dialog.get_by_role("button", name="Previous passage of Child 'I' (HSCB)")).to_be_enabled()
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()

            # More like this: says which passage it is based on; a new query replaces it
            page.get_by_role("button", name="More like this: 1. Child 'I' (HSCB)").click()
            based = page.get_by_text("Passages like Child 'I' (HSCB): Introduction")
            expect(based).to_be_visible()
            assert_accessible_on_both(page, "More like this")
            _search(page, "GP record storage")
            expect(based).to_be_hidden()
            expect(page.get_by_role("heading", level=3, name=re.compile(r"^1\. "))).to_be_visible()
            # a response status quotes whole sentences, or says where it cut one short
            statuses = page.get_by_text(re.compile(r"^Response status: ")).all_inner_texts()
            assert statuses, "no response status after a search for recommendations"
            for line in statuses:
                assert re.fullmatch(r'Response status: [^:"]+: ".+[.!?\u2026]"', line.strip()), line

            # a suggested topic is a search like a typed one
            page.get_by_role("radio", name="Assurance, audit and monitoring").click()
            expect(page.get_by_label("Search for learning")).to_have_value("Assurance, audit and monitoring")

            # Themes: a chart with every label, its numbers as a table, a theme chosen
            started = time.monotonic()
            page.goto(f"{app_url}/themes_page")
            page.get_by_role("heading", name="Learning themes").wait_for()
            expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
            page.get_by_role("heading", name="Recurring learning").wait_for()
            took = time.monotonic() - started
            assert took < THEMES_S, f"the Themes page took {took:.1f} s"
            page.get_by_text(re.compile(r"^The chart as a table")).first.click()
            expect(page.get_by_role("table").first).to_contain_text("Water safety and bathing")
            # every bar's label is drawn in the chart, whole, as the table names it
            rows = page.get_by_role("table").first.evaluate(
                "t => Array.from(t.tBodies[0].rows).map(r => r.cells[0].textContent.trim())"
            )
            drawn = page.get_by_test_id("stVegaLiteChart").first.locator("svg text").all_text_contents()
            assert len(rows) >= 10 and not set(rows) - set(drawn), set(rows) - set(drawn)
            page.get_by_label("Show the passages of a learning theme").click()
            page.keyboard.type("Water safety")
            page.keyboard.press("Enter")
            chosen = re.compile(r"^Water safety and bathing: \d+ passages?$")
            page.get_by_role("heading", name=chosen).wait_for()
            assert_accessible_on_both(page, "Themes, a theme chosen")
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
            # the phone's one way to the pages and the filters is a named, keyboard-operable control
            # (Streamlit's own "Expand sidebar", tied to the sidebar it opens), and the pages are a
            # navigation landmark named "App pages" (both Streamlit's labels: no option changes them)
            opener = page.get_by_role("button", name="Expand sidebar", exact=True)
            sync_api.expect(opener).to_be_visible()
            sync_api.expect(opener).to_have_attribute("aria-expanded", "false")
            assert page.locator(f"#{opener.get_attribute('aria-controls')}").count() == 1
            opener.focus()
            page.keyboard.press("Enter")
            pages = page.get_by_role("navigation", name="App pages")
            sync_api.expect(pages).to_be_visible()
            sync_api.expect(pages.get_by_role("link")).to_have_count(len(PAGES))
            assert_accessible(page, "search on a phone, navigation open")
        finally:
            browser.close()


# Where the focus is: a name, the region (0 the skip link, 1 the sidebar, 2 the main column), the
# position in the region's own scrolled content, and the width of its outline (0 for none).
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  let top = r.top + window.scrollY;
  for (let a = e.parentElement; a; a = a.parentElement) top += a.scrollTop;
  const s = getComputedStyle(e);
  const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
  return {name: (e.getAttribute('aria-label') || label || e.innerText || '').trim().slice(0, 80),
          region: e.closest('[data-testid=stSidebar]') ? 1 : e.closest('[data-testid=stMain]') ? 2 : 0,
          top: Math.round(top), left: Math.round(r.left), size: r.width * r.height,
          outline: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth)};
}"""
TABS = 150  # more than one round of the Search page with ten results


def _tab_round(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """One full round of Tab presses, from the browser's own controls back to them."""
    for _ in range(TABS):  # to the end of the current round
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) is None:
            break
    stops = []
    for _ in range(TABS):
        page.keyboard.press("Tab")
        if (where := page.evaluate(FOCUSED)) is None:
            return stops
        stops.append(where)
    raise AssertionError(f"Tab never left the page: {stops[-5:]}")


def test_tab_moves_through_the_search_page_in_reading_order_with_a_visible_focus(app_url: str) -> None:  # noqa: F811
    with sync_api.sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = _open(browser, app_url)
            _search(page, "bath safety")
            page.get_by_role("button", name="More results").wait_for()
            page.wait_for_function(SETTLED)
            stops = _tab_round(page)
        finally:
            browser.close()

    names = [stop["name"] for stop in stops]
    for stop in stops:  # WCAG 2.4.7: every stop is drawn, with an outline at least 2 px wide
        assert stop["size"] > 0 and stop["outline"] >= 2, stop
    # the skip link, then the sidebar (pages, filters), then the main column, each top to bottom
    assert [s["region"] for s in stops] == sorted(s["region"] for s in stops), names
    for before, after in zip(stops, stops[1:], strict=False):
        if before["region"] != after["region"]:
            continue
        same_row = abs(after["top"] - before["top"]) <= 4
        assert after["top"] > before["top"] or (same_row and after["left"] > before["left"]), (before, after)
    wanted = ["Skip to main content", "Search", "Review", "Search for learning",
              "Start a briefing from these results", "Show in document: 1. Child 'I' (HSCB)",
              "More like this: 1. Child 'I' (HSCB)", "Add to session pack: 1. Child 'I' (HSCB)",
              "Show in document: 3. Child J (HSCP, 2019)", "More results"]  # fmt: skip
    at = [next((n for n, name in enumerate(names) if name.endswith(want)), -1) for want in wanted]
    assert -1 not in at and at == sorted(at), list(zip(wanted, at, strict=True))


def test_the_library_speaks_plainly_and_remove_asks_first(app_url: str) -> None:  # noqa: F811
    """Last in the module: it removes Child 'I' from the library the tests above search."""
    expect = sync_api.expect
    expect.set_options(timeout=WAIT_MS)
    with sync_api.sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = _open(browser, f"{app_url}/library_page")
            page.get_by_role("heading", name="Documents").wait_for()
            page.wait_for_timeout(1000)
            text = page.locator("section.main, [data-testid=stMain]").first.inner_text()
            for jargon in ("document id", "None", "MD", "DOCX"):  # DOCX, MD: the uploader's own line
                assert not re.search(rf"\b{jargon}\b", text), jargon
            expect(
                page.get_by_text(re.compile(r"^PDF, Word \(\.docx\), Markdown or text files, up to \d+ MB"))
            ).to_be_visible()
            assert_accessible_on_both(page, "library")

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
            assert_accessible_on_both(page, "after a removal")
            page.get_by_role("button", name="Dismiss this message").click()
            expect(done).to_be_hidden()
        finally:
            browser.close()
