"""Whether the library's theme tags were made with the themes file in force."""

from __future__ import annotations

from assistant.field.theme_tagger import tagger_for
from assistant.library.reader import Library
from assistant.settings import Settings


def outdated_tags(library: Library, settings: Settings) -> str | None:
    """A note saying how to re-tag when the themes file changed since the passages were tagged;
    None when the tags are current (or nothing was tagged yet). Encodes nothing."""
    tagged_with = library.tagger_signature
    if tagged_with is None or tagged_with == tagger_for(settings, None).signature:
        return None
    return (
        f"the themes file {settings.themes_file} or the theme weights changed since the passages"
        " were tagged; "
        f"re-tag them with: python -m assistant retag --index {settings.index_dir}"
    )
