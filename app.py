"""The web app: ``streamlit run app.py``. Pages live in ``assistant/ui``; this only lists them.

Before any page runs: error details are hidden from visitors (Streamlit logs them on the
server), and settings that do not check out stop the app with their one-line message.
"""

import logging

import streamlit as st

from assistant.ui import page_style, state
from assistant.ui.render import escape

st.set_option("client.showErrorDetails", "none")  # also in .streamlit/config.toml; here wherever run from
st.set_page_config(page_title="Learning from safeguarding reviews", page_icon=":material/menu_book:",
                   layout="wide")  # fmt: skip
page_style.apply()  # a visible focus outline on every page

if state.SETTINGS_PROBLEM:
    logging.getLogger("assistant.app").error("settings: %s", state.SETTINGS_PROBLEM)
    st.error(f"The app cannot start because of a setting. {escape(state.SETTINGS_PROBLEM)}")
    st.stop()

pages = [
    st.Page("assistant/ui/search_page.py", title="Search", icon=":material/search:", default=True),
    st.Page("assistant/ui/ask_page.py", title="Ask", icon=":material/chat:"),
    st.Page("assistant/ui/themes_page.py", title="Themes", icon=":material/insights:"),
    st.Page("assistant/ui/library_page.py", title="Library", icon=":material/library_books:"),
    st.Page("assistant/ui/pack_page.py", title="Session pack", icon=":material/school:"),
]
page = st.navigation(pages)
state.showing(page.url_path)  # a page can tell that it was just come to from another
page.run()
