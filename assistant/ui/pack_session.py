"""The pack open in this browser tab, and where it is kept.

A pack is saved to the pack store on every change when this visitor may keep packs on the site
(ASSISTANT_PACKS: shared, or per signed-in user); otherwise it lives in the tab only and the page
says so, offering the pack as a file to take away and import next time.
"""

from __future__ import annotations

import streamlit as st

from assistant.errors import AssistantError, PackError
from assistant.field.themes import Taxonomy
from assistant.markdown_escape import escape
from assistant.records import Filters, Hit
from assistant.trainers.gather import from_query, from_theme, none_about
from assistant.trainers.pack_store import PackStore, store_folder
from assistant.trainers.packs import Pack, PackItem
from assistant.ui import state

PACK_PAGE = "assistant/ui/pack_page.py"
OPEN = "pack-open"  # the open Pack record
VERSION = "pack-version"  # bumped when the open pack is replaced, so its widgets start afresh
DEFAULT_NAME = "Session pack"
START_HELP = (
    "A new pack with the strongest passage of each review, and a seven-minute briefing drafted from it"
)


def _user() -> str | None:
    """The signed-in account: the identity provider's subject (with its issuer) where it gives
    one, which never changes, else the e-mail address; None when nobody is signed in."""
    user = getattr(st, "user", None)
    if user is None or not user.get("is_logged_in", False):
        return None
    subject, issuer, email = user.get("sub"), user.get("iss"), user.get("email")
    if isinstance(subject, str) and subject.strip():
        return f"{issuer if isinstance(issuer, str) else ''}|{subject}"
    return email if isinstance(email, str) and email.strip() else None


def _mode() -> str:
    """'on', 'signed-in' or 'off'. 'like-uploads' follows the uploads mode in force ('auto'
    resolved against the address the app listens on). Fails closed: any other value (a mode this
    page does not know) keeps nothing on the site."""
    mode = state.upload_mode() if state.SETTINGS.packs == "like-uploads" else state.SETTINGS.packs
    return mode if mode in ("on", "signed-in") else "off"


def store() -> PackStore | None:
    """The store this visitor's packs are kept in, or None when they are kept in the tab only."""
    mode, user = _mode(), _user()
    if mode == "off" or (mode == "signed-in" and user is None):
        return None
    return PackStore(store_folder(state.SETTINGS.packs_path, user))


def where_kept() -> tuple[bool, str]:
    mode, user = _mode(), _user()
    if mode == "off":
        return (
            False,
            "Packs are not kept on this site: download the pack file to keep it, and import it next time.",
        )
    if mode == "signed-in" and user is None:
        return (
            False,
            "Sign in to keep your packs on this site; until then, download the pack file to keep it.",
        )
    if user is not None:
        return True, "Your packs are kept on this site for you, and come back when you return."
    return True, "Packs are kept on this site and come back when you return."


def current() -> Pack | None:
    """The open pack as it is kept now (another tab may have changed it since); in a new tab, or
    after a reload, the most recently changed kept pack."""
    pack = st.session_state.get(OPEN)
    kept = store()
    if kept is None:
        return pack
    if pack is not None and kept.exists(pack.name):
        stored = kept.get(pack.name)
        if stored != pack:
            open_pack(stored)  # its widgets start afresh from what was saved elsewhere
        return stored
    if pack is None:
        packs = kept.packs()
        if packs:
            pack = packs[0]
            st.session_state[OPEN] = pack
    return pack


def version() -> int:
    return int(st.session_state.get(VERSION, 0))


def open_pack(pack: Pack | None, fresh_widgets: bool = True) -> None:
    st.session_state[OPEN] = pack
    if fresh_widgets:
        st.session_state[VERSION] = version() + 1


def save(pack: Pack, fresh_widgets: bool = False) -> Pack:
    """Keep ``pack`` (in the store when there is one) and make it the open pack."""
    kept = store()
    if kept is not None:
        pack = kept.save(pack)
    open_pack(pack, fresh_widgets)
    return pack


def new_name(wanted: str) -> str:
    kept = store()
    return kept.free_name(wanted) if kept is not None else wanted


def add_hit(hit: Hit) -> None:
    """Add a passage to the open pack (a new one if none is open), and say which."""
    pack = current() or Pack(new_name(DEFAULT_NAME))
    try:
        pack = save(pack.with_item(PackItem.from_hit(hit)), fresh_widgets=True)
    except PackError as exc:
        st.error(escape(str(exc)))
        return
    st.toast(f"Added to the pack \u201c{escape(pack.name)}\u201d")


def start_from_query(query: str, filters: Filters | None = None) -> None:
    """A new pack and its drafted briefing from a search (with its filters); then the pack page."""
    _start(
        lambda name: from_query(state.searcher(), name, query, filters=filters),
        f"Briefing: {query.strip()[:80]}",
        none_about(query),
    )


def start_from_theme(theme: str, label: str) -> None:
    """A new pack and its drafted briefing from a learning theme; then the pack page."""
    try:
        keywords = Taxonomy.load(state.SETTINGS.themes_file)[theme].keywords
    except (AssistantError, KeyError):
        keywords = ()  # a theme no longer in the file: its passages are still gathered
    _start(
        lambda name: from_theme(state.searcher(), name, theme, keywords=keywords), f"Briefing: {label[:80]}"
    )


def _start(build, wanted: str, empty: str = "No passages to start a briefing from.") -> None:  # noqa: ANN001
    try:
        pack = build(new_name(wanted))
        if not pack.items:
            st.info(escape(empty))
            return
        save(pack, fresh_widgets=True)
    except PackError as exc:
        st.error(escape(str(exc)))
        return
    st.switch_page(PACK_PAGE)
