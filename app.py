"""The web app: ``streamlit run app.py``. Pages live in ``assistant/ui``; this only lists them."""

import streamlit as st

st.set_page_config(page_title="Learning from safeguarding reviews", page_icon=":material/menu_book:",
                   layout="wide")  # fmt: skip

pages = [
    st.Page("assistant/ui/search_page.py", title="Search", icon=":material/search:", default=True),
    st.Page("assistant/ui/ask_page.py", title="Ask", icon=":material/chat:"),
    st.Page("assistant/ui/themes_page.py", title="Themes", icon=":material/insights:"),
    st.Page("assistant/ui/library_page.py", title="Library", icon=":material/library_books:"),
    st.Page("assistant/ui/pack_page.py", title="Session pack", icon=":material/school:"),
]
st.navigation(pages).run()
