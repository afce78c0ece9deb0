"""axe-core in the browser test: the accessibility rules of WCAG 2.0-2.2 A and AA, run in the page.

``tests/axe/axe.min.js`` is the ``axe-core`` package from the npm registry (``npm pack axe-core``),
kept here with its licence (``tests/axe/LICENSE``, MPL-2.0) so that the test fetches nothing.
Playwright injects it into the page under test; only serious and critical violations fail a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = {"serious", "critical"}

# Violations that sit in Streamlit's own elements, which neither its theme nor its configuration
# can change, each with the reason. Keyed by axe rule id; the value is a CSS fragment that every
# failing node's target must contain for the exception to apply (so our own markup is never let off).
EXCEPTIONS: dict[str, tuple[str, str]] = {}

RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                              summary: (n.failureSummary || '').slice(0, 300)}))}));
}"""


# While a script runs Streamlit greys out the elements it has not redrawn yet ("stale"), which
# would be measured as low contrast: the check waits for the page to settle first.
SETTLED = """() => !document.querySelector('[data-stale="true"]')
  && !document.querySelector('[data-testid^="stStatusWidgetRunning"]')"""
SETTLE_MS = 30_000


def violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical axe-core violations on the page once it has settled."""
    page.wait_for_timeout(300)  # a rerun that a click has just asked for
    page.wait_for_function(SETTLED, timeout=SETTLE_MS)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN, TAGS)
    failing = []
    for violation in found:
        if violation["impact"] not in FAILING:
            continue
        excepted = EXCEPTIONS.get(violation["id"])
        nodes = [n for n in violation["nodes"] if not (excepted and excepted[0] in n["target"])]
        if nodes:
            failing.append({**violation, "nodes": nodes})
    return failing


def report(found: list[dict[str, Any]]) -> str:
    """One line per failing element: rule, impact, where, and axe's own summary."""
    lines = []
    for violation in found:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {node['target']}: {node['summary']}")
    return "\n".join(lines)


def assert_accessible(page: Any, where: str) -> None:
    """Fails with every serious or critical violation listed, naming the state of the page."""
    found = violations(page)
    assert not found, f"axe-core, {where}:\n{report(found)}"


DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}


def assert_accessible_on_both(page: Any, where: str) -> None:
    """The same state checked on a desktop and on a phone's width, then the size put back.

    The window is resized rather than a phone's page opened: a new page is a new Streamlit
    session, which would lose the search, answer, upload or pack that made the state.
    """
    size = page.viewport_size
    try:
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            assert page.evaluate("() => window.innerWidth") == viewport["width"]
            assert_accessible(page, f"{where}, {name} {viewport['width']}x{viewport['height']}")
    finally:
        page.set_viewport_size(size)
