"""Correcting what a document says it is: title, subject, partnership, date, type, age groups.

A correction is an override kept with the library (``index/edits.json``, by the file's content
hash); the original file is never changed. It is applied again by every ``rebuild`` and re-read,
is shown as "edited" with when (and by whom, when signed in), and can be reverted to the value
read from the file. Bad input changes nothing: every field is checked before anything is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from assistant import library
from assistant.documents.doc_metadata import edits
from assistant.documents.doc_metadata.ages import for_themes
from assistant.errors import BadEdit, NotFound
from assistant.field.theme_tagger import tagger_for
from assistant.records import Document
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.embedding import Embedder


def _theme_ages(doc: Document) -> tuple[str, ...]:
    return for_themes(doc.age_groups, doc.review_type, doc.partnership)


def _as_read(doc: Document) -> dict[str, Any]:
    """The document's fields as read from its file: its current edits undone."""
    about: dict[str, Any] = {f: getattr(doc, f) for f in edits.EDITABLE}
    sources = dict(doc.field_sources)
    for field, edit in doc.edited.items():
        was = edit.get("was", "")
        about[field] = tuple(g for g in was.split(",") if g) if field == "age_groups" else was
        if edit.get("was_source"):
            sources[field] = edit["was_source"]
        else:
            sources.pop(field, None)
    about["field_sources"] = sources
    return about


def edit(
    settings: Settings,
    doc_id: str,
    changes: dict[str, Any] | None = None,
    revert: Iterable[str] = (),
    by: str = "",
    embedder: Callable[[], Embedder] | None = None,
) -> Document:
    """Correct fields of ``doc_id`` (``changes``) and/or revert fields to the values read from
    its file; returns the document as it now is. Raises :class:`BadEdit` or :class:`NotFound`
    and changes nothing when any part is wrong.

    When the correction changes the ages the theme rule goes by (age groups, or the review type
    or publisher that make a children's review), the document's passages are tagged again, with
    the model ``embedder`` gives (loaded only then; the one the settings name by default), which
    must be the library's (:class:`ModelMismatch` otherwise); every passage is, when the themes
    file changed since the library was tagged."""
    changes, revert = dict(changes or {}), list(revert)
    checked = {field: edits.check(field, value) for field, value in changes.items()}
    for field in revert:
        if field not in edits.EDITABLE:
            raise BadEdit(f"unknown field {field!r}; editable fields: {', '.join(edits.EDITABLE)}")
    if not checked and not revert:
        raise BadEdit("nothing to change: give a field to correct or --revert FIELD")
    if both := set(checked) & set(revert):
        raise BadEdit(f"{sorted(both)[0]} is both corrected and reverted")
    current = library.Library.open(settings.index_dir)
    model = current.model or {"name": "", "dimension": 0}
    check_model = current.check_model  # reads only the manifest kept on the object
    current.close()
    index_dir = settings.index_dir
    before = edits.load(index_dir)
    saved = False
    try:
        with library.writer(
            index_dir, model["name"], model["dimension"], keep_generations=settings.keep_generations,
            approximate_above=settings.approximate_above,
        ) as writer:  # fmt: skip
            doc = writer.document(doc_id)
            if doc is None or doc.status != "indexed":
                raise NotFound(f"no indexed document {doc_id!r} in the library at {index_dir}")
            mine = dict(before.get(doc.sha256, {}))
            now = datetime.now(UTC).isoformat(timespec="seconds")
            for field, value in checked.items():
                mine[field] = {"value": value, "when": now, "by": by}
            for field in revert:
                mine.pop(field, None)
            changed = dataclasses.replace(doc, **edits.apply(_as_read(doc), mine))
            after = {sha: e for sha, e in before.items() if sha != doc.sha256}
            if mine:
                after[doc.sha256] = mine
            writer.update_fields(changed)
            if _theme_ages(changed) != _theme_ages(doc):
                from assistant.embedding import load_for  # the model loads only for this

                model_now = embedder() if embedder else load_for(settings)
                check_model(model_now.name, model_now.dimension)  # tags from the library's own vectors
                if not writer.tag_with(tagger_for(settings, model_now)):  # a changed themes file: all
                    writer.tag_documents_again([doc_id])
            edits.save(index_dir, after)
            saved = True
    except BaseException:
        if saved:  # the new generation was not published: the edits file goes back as it was
            edits.save(index_dir, before)
        raise
    return changed
