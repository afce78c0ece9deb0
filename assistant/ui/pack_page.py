"""Packs and briefings, for trainers: keep named packs, gather passages, draft and edit a
seven-minute briefing, export it. Document text is always shown as text."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from assistant.errors import AssistantError, PackError
from assistant.trainers.pack_files import MAX_FILE_BYTES, from_json
from assistant.trainers.packs import GONE, Locator, Pack, clean_name
from assistant.ui import briefing_editor, pack_session, render, state

IMPORT_KEY = "pack-import"


def _manage(pack: Pack | None) -> None:
    """Open another pack; new, rename, delete, import."""
    kept = pack_session.store()
    v = pack_session.version()
    names = [p.name for p in kept.packs()] if kept is not None else ([pack.name] if pack else [])
    if pack is not None and names:
        index = names.index(pack.name) if pack.name in names else 0
        chosen = st.selectbox("Open a pack", names, index=index, key=f"choose-{v}")
        if chosen != pack.name and kept is not None:
            pack_session.open_pack(kept.get(chosen))
            st.rerun()
    with st.expander("New pack, rename, delete, import", expanded=pack is None):
        name = st.text_input("Name of a new pack", key=f"new-name-{v}")
        if st.button("Create the pack", key="create-pack") and name.strip():
            _create(Pack(pack_session.new_name(clean_name(name))))
        if pack is not None:
            new = st.text_input("New name for this pack", value=pack.name, key=f"rename-{v}")
            if st.button("Rename", key="rename-pack") and new.strip() and new != pack.name:
                if kept is not None:
                    if kept.exists(pack.name):
                        pack_session.open_pack(kept.rename(pack.name, new))
                    else:
                        pack_session.save(replace(pack, name=new), fresh_widgets=True)
                else:
                    pack_session.open_pack(replace(pack, name=clean_name(new)))
                st.rerun()
            sure = st.checkbox("Yes, delete the open pack", key=f"sure-{v}")  # named in "Open a pack"
            if st.button("Delete this pack", key="delete-pack", disabled=not sure):
                if kept is not None and kept.exists(pack.name):
                    kept.delete(pack.name)
                pack_session.open_pack(None)
                st.rerun()
        upload = st.file_uploader("Import a pack file (.json)", type=["json"], key=IMPORT_KEY)
        if upload is not None and st.button("Import", key="import-pack"):
            if upload.size > MAX_FILE_BYTES:
                raise PackError(
                    f"{upload.name}: larger than {MAX_FILE_BYTES // 1_000_000} MB; not a pack file"
                )
            imported = from_json(upload.getvalue(), upload.name)
            _create(replace(imported, name=pack_session.new_name(imported.name)))


def _create(pack: Pack) -> None:
    pack_session.save(pack, fresh_widgets=True)
    st.rerun()


def _items(pack: Pack, locator: Locator | None) -> Pack:
    """The gathered passages: note, order, remove; those gone from the library are marked."""
    if not pack.items:
        st.header("Passages in the pack")
        st.info('No passages yet. Add them from Search, Ask or Themes with "Add to session pack".')
        return pack
    v = pack_session.version()
    items = list(pack.items)
    gone = sum(locator is not None and not locator.present(i.passage) for i in pack.items)
    label = f"Passages in the pack: {len(items)}" + (f" ({gone} {GONE})" if gone else "")
    listing = st.expander(label, expanded=pack.briefing is None or bool(gone))
    for n, item in enumerate(pack.items):
        with listing, st.container(border=True):
            st.markdown(f"**{n + 1}. {render.escape(item.passage.citation)}**")
            if locator is not None and not locator.present(item.passage):
                st.warning(f"This passage is {GONE}; its words and citation are kept here.")
            st.markdown(render.escape(item.passage.text))
            note = st.text_input(
                "Your note on this passage (optional)",
                value=item.note,
                key=briefing_editor.box("note", v, item.key),
            )
            if note != item.note:
                items[n] = replace(item, note=note)
            up, down, remove = st.columns(3)
            moved = None
            if up.button("Move up", key=f"up-{item.key}", disabled=n == 0):
                moved = items[: n - 1] + [items[n], items[n - 1]] + items[n + 1 :]
            if down.button("Move down", key=f"down-{item.key}", disabled=n == len(items) - 1):
                moved = items[:n] + [items[n + 1], items[n]] + items[n + 2 :]
            if remove.button("Remove", key=f"remove-{item.key}"):
                moved = items[:n] + items[n + 1 :]
            if moved is not None:
                pack_session.save(replace(pack, items=tuple(moved)), fresh_widgets=True)
                st.rerun()
    return replace(pack, items=tuple(items))


def _back_from_another_page(pack: Pack) -> Pack:
    """A box typed in and left for another page without Enter sends its text only when this page
    is shown again: keep it, then start the boxes afresh from what is saved (else the browser
    goes on showing what they held before, and writes it back at the next change)."""
    typed = briefing_editor.pending(pack, st.session_state, pack_session.version())
    try:
        pack = pack_session.save(typed) if typed != pack else pack
    except PackError as exc:
        st.error(render.escape(str(exc)))
    pack_session.open_pack(pack)
    return pack


def page() -> None:
    st.title("Packs and briefings")
    kept, note = pack_session.where_kept()
    (st.caption if kept else st.warning)(note)
    pack = pack_session.current()
    if pack is not None and state.arrived():
        pack = _back_from_another_page(pack)
    try:
        _manage(pack)
    except AssistantError as exc:
        st.error(render.escape(str(exc)))
    if pack is None:
        st.info('No pack is open. Add passages from Search with "Add to session pack", start a briefing '
                "from a search or a theme, or create a pack above.")  # fmt: skip
        return
    library = state.searcher().library
    locator = Locator(library)
    edited = _items(pack, locator)
    edited = briefing_editor.edit(edited, library, locator)
    if edited != pack:
        try:
            pack_session.save(edited)
        except PackError as exc:
            st.error(render.escape(str(exc)))
    briefing_editor.exports(edited, library)


page()
