"""The few named errors that the command line and the app turn into one-line messages."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: every error the edges know how to report."""


class IngestError(AssistantError):
    """A file could not be read into the library; ``reason`` is a short phrase for people."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def too_much_text(limit: int) -> str:
    """The reason for a file whose text is over ``max_chars_per_file`` (the readers' children
    give it too, so it lives here, where importing it costs nothing)."""
    return f"too much text (over {limit:,} characters; the limit is max_chars_per_file)"


class LibraryError(AssistantError):
    """The library on disk cannot be used as it is."""


class LibraryCorrupt(LibraryError):
    """A file of the library is damaged or does not match its manifest."""


class LibraryOutdated(LibraryError):
    """The library was written by a version of the assistant with an older library schema;
    ``schema`` is that schema's number (None when the manifest does not say)."""

    def __init__(self, message: str, schema: int | None = None):
        super().__init__(message)
        self.schema = schema


class ModelMismatch(LibraryError):
    """The library was built with another embedding model."""


class LibraryBusy(LibraryError):
    """Another process is writing the library."""


class MissingOriginals(LibraryError):
    """A rebuild would lose documents: their kept original files are gone."""

    def __init__(self, message: str, missing: list[str]):
        super().__init__(message)
        self.missing = missing


class UsageError(AssistantError):
    """A command was given something it cannot use: a missing file, a bad id, a bad value."""


class ModelUnavailable(AssistantError):
    """The configured embedding model cannot be loaded here."""


class NotFound(AssistantError):
    """A named document or passage is not in the library."""


class SettingsError(AssistantError):
    """A setting has a value it does not accept; the message names the variable and what it accepts."""

    def __init__(self, variable: str, value: object, accepted: str, message: str = ""):
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        super().__init__(message or f"{variable}={shown} is not accepted; it takes {accepted}")
        self.variable = variable
        self.accepted = accepted


class BadEdit(AssistantError):
    """A correction names an unknown field or gives a value the field cannot hold."""


class PackError(AssistantError):
    """A trainer's pack cannot be read, written or found (a bad file, a name in use, a full store)."""
