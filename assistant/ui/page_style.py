"""The page style every page shares: a focus outline that can always be seen (WCAG 2.2 AA 2.4.7),
and no file endings for words.

Streamlit marks a focused control in its own ways: a button by a faint ring in the primary colour,
a text box by its border, a radio in a pill group, a sidebar link or an expander's summary by
nothing at all, so a keyboard user could lose their place. One rule gives whatever has keyboard
focus (``:focus-visible``, so a mouse click draws nothing) a 2-pixel dark blue outline, 7.8:1
against white (1.4.11 asks 3:1), set off from the control by 2 pixels. ``!important`` because
Streamlit's own styles set ``outline: none`` on several of these. Checked by the focus-order test
in tests/test_e2e_app.py.

The file uploader's own line ("50MB per file • PDF, DOCX, MD, MARKDOWN, TXT") is hidden: it
names formats by their file endings, which no option changes, and the uploader's label says the
same in plain words ("PDF, Word (.docx), Markdown or text files, up to 50 MB each").
"""

from __future__ import annotations

import streamlit as st

FOCUS = "#0b4fa8"
CSS = f"""<style>
:focus-visible {{ outline: 2px solid {FOCUS} !important; outline-offset: 2px !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
</style>"""


def apply() -> None:
    """Add the style to the page (a style-only ``st.html`` takes no room on it)."""
    st.html(CSS)
