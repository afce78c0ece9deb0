"""Checking settings: each value's type, range and choices, from the metadata its field declares.

Kept apart from :mod:`.settings` so that the list of settings stays readable there. Every check
fails closed: a value that is not clearly one the setting accepts is a :class:`SettingsError`,
never quietly read as something else (``ASSISTANT_UPLOADS=false`` is an error, not "on").
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from pathlib import Path
from typing import Any

from assistant.errors import SettingsError

PREFIX = "ASSISTANT_"
URL_SCHEMES = ("http://", "https://")  # urllib would also open file:// and ftp://


def variable(name: str) -> str:
    return PREFIX + name.upper()


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", "") if float(value).is_integer() else f"{value:g}"


def _kind(f: dataclasses.Field) -> str:
    """The field's type as written: int, float, Path or str (a Literal of choices is text)."""
    return "str" if f.metadata.get("choices") else str(f.type)


def accepted(f: dataclasses.Field) -> str:
    """What a setting accepts, in words, for its error message and the README."""
    meta = f.metadata
    if meta.get("choices"):
        return "one of: " + ", ".join(meta["choices"])
    if f.name == "llm_url":
        return "nothing (empty), or an address starting with http:// or https://"
    if f.name == "model":
        return "a model name or folder (not empty)"
    kind = {"int": "a whole number", "float": "a number", "Path": "a path", "str": "text"}[_kind(f)]
    low, high = meta.get("min"), meta.get("max")
    if low is not None and high is not None:
        return f"{kind} from {_number(low)} to {_number(high)}"
    if str(f.type) == "Path":
        return "a path (not empty)"
    return kind


def parse(f: dataclasses.Field, raw: str) -> Any:
    """The value of an environment variable for field ``f``, in the field's type."""
    text = raw.strip()
    kind = _kind(f)
    try:
        if kind == "int":
            return int(text, 10)
        if kind == "float":
            return float(text)
    except ValueError:
        raise SettingsError(variable(f.name), raw, accepted(f)) from None
    if kind == "Path":
        return Path(text) if text else raw  # an empty path is refused by check()
    if f.metadata.get("choices"):
        return text.lower()  # "OFF" is off; anything not listed is still refused
    return text if f.name == "llm_url" else raw


def check(f: dataclasses.Field, value: Any, shown: object = None) -> None:
    """Raise :class:`SettingsError` unless ``value`` is one that field ``f`` accepts.

    ``shown`` is what the message quotes (the variable's text, when the value came from one).
    """
    kind, meta = _kind(f), f.metadata

    def refuse() -> SettingsError:
        return SettingsError(variable(f.name), value if shown is None else shown, accepted(f))

    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        raise refuse()
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise refuse()
    if kind in ("int", "float"):
        low, high = meta.get("min"), meta.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            raise refuse()
    if kind == "Path" and not isinstance(value, Path):  # an empty variable stays text: refused
        raise refuse()
    if kind == "str":
        if not isinstance(value, str):
            raise refuse()
        if meta.get("choices") and value not in meta["choices"]:
            raise refuse()
        if f.name == "llm_url" and value and not value.lower().startswith(URL_SCHEMES):
            raise refuse()
        if f.name == "model" and not value.strip():
            raise refuse()


def check_all(settings: object) -> None:
    for f in dataclasses.fields(settings):  # type: ignore[arg-type]
        check(f, getattr(settings, f.name))


def unknown_variables(environ: dict[str, str], names: list[str]) -> None:
    """Refuse an ``ASSISTANT_*`` variable that is no setting: a misspelling would be ignored."""
    known = {variable(name) for name in names}
    for key in sorted(environ):
        if key.startswith(PREFIX) and key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            message = f"{key} is not a setting{hint} (the settings are listed in the README)"
            raise SettingsError(key, environ[key], "", message)
